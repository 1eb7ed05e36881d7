"""AlertMessage is what an outbox row stores: it must survive JSON unchanged."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from service.notify.base import AlertMessage, NotifyError
from tests.test_notify_samples import alert, followup, notice, summary


@pytest.mark.parametrize("msg", [alert(), followup(), summary(), notice("hello")])
def test_a_message_round_trips_through_json(msg: AlertMessage) -> None:
    assert AlertMessage.from_json(msg.to_json()) == msg
    assert AlertMessage.from_dict(json.loads(json.dumps(msg.to_dict()))) == msg


def test_published_is_stored_as_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    msg = alert(published=datetime(2025, 3, 14, 9, 30, tzinfo=tokyo))
    assert msg.to_dict()["published"] == "2025-03-14T00:30:00+00:00"


def test_a_naive_published_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        alert(published=datetime(2025, 3, 14, 9, 30))


@pytest.mark.parametrize(("field", "value"), [("kind", "email"), ("priority", "urgent")])
def test_unknown_kinds_and_priorities_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=value):
        alert(**{field: value})


def test_notify_error_says_whether_a_retry_can_help() -> None:
    err = NotifyError("slack: ratelimited", retry_after=30)
    assert (err.message, err.permanent, err.retry_after) == ("slack: ratelimited", False, 30)
    assert str(err) == "slack: ratelimited"
    assert NotifyError("bad token", permanent=True).permanent
