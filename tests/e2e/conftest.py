"""Real local servers for end-to-end tests: feeds over HTTP and a Slack-like Web API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.feedserver import FeedServer
from tests.slackserver import SlackServer


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with SlackServer() as server:
        yield server
