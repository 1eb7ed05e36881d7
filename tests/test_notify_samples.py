"""Sample messages shared by the notifier tests (text written for the tests, not from feeds)."""

from __future__ import annotations

from datetime import UTC, datetime

from service.domain import Span
from service.notify.base import AlertMessage

THEME = "Japan–South Korea normalization"
SUMMARY = (
    "Japanese Prime Minister Kishida and South Korean President Yoon agreed on Thursday to "
    "resume regular shuttle diplomacy, a step officials in Tokyo and Seoul described as "
    "central to normalizing ties after years of disputes over wartime labour."
)


def summary_span(text: str, term: str) -> Span:
    start = text.index(term)
    return Span("summary", start, start + len(term), term)


def alert(**changes: object) -> AlertMessage:
    fields: dict[str, object] = {
        "kind": "alert",
        "channel": "#asia-desk",
        "theme_id": "jp-kr-normalization",
        "theme_name": THEME,
        "priority": "high",
        "title": "Kishida and Yoon agree to resume shuttle diplomacy",
        "link": "https://news.example.org/politics/2025/03/14/kishida-yoon?ref=rss&id=42",
        "outlet": "Kyodo News",
        "published": datetime(2025, 3, 14, 0, 30, tzinfo=UTC),
        "summary": SUMMARY,
        "spans": (
            Span("title", 0, 7, "Kishida"),
            summary_span(SUMMARY, "Kishida"),
            summary_span(SUMMARY, "Yoon"),
            summary_span(SUMMARY, "normaliz"),
        ),
        "timezone": "Asia/Tokyo",
    }
    fields.update(changes)
    return AlertMessage(**fields)  # type: ignore[arg-type]


def followup(**changes: object) -> AlertMessage:
    base: dict[str, object] = {
        "kind": "followup",
        "title": "Japan, South Korea leaders revive shuttle diplomacy",
        "link": "https://en.example.co.kr/news/AEN20250314000100315",
        "outlet": "Yonhap",
        "thread_ts": "1700000000.000100",
        "spans": (),
        "summary": "",
    }
    base.update(changes)
    return alert(**base)


def summary(**changes: object) -> AlertMessage:
    more = tuple(
        (f"Story number {i} about Seoul and Tokyo", f"https://news.example.org/s/{i}")
        for i in range(1, 11)
    )
    base: dict[str, object] = {
        "kind": "summary",
        "title": "",
        "link": "",
        "outlet": "",
        "summary": "",
        "spans": (),
        "more": more,
        "more_count": 12,
    }
    base.update(changes)
    return alert(**base)


def notice(text: str) -> AlertMessage:
    return AlertMessage(kind="notice", channel="#news-alerts", text=text)
