from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.feedserver import FeedServer


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
