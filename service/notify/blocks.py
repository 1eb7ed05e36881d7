"""Build Slack Block Kit payloads from AlertMessage (pure, golden-tested).

Limits respected (https://api.slack.com/reference/block-kit/blocks): at most 50 blocks, 3,000
characters per section or context text, 150 per header; the `text` fallback (what
notifications show) is kept under 4,000. Every cut is made before escaping (mrkdwn.fit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.clock import local_time
from service.notify.base import AlertMessage, later_by
from service.notify.mrkdwn import (
    bold,
    clean,
    escape,
    fit,
    link,
    matched_words,
    safe_url,
    shorten,
)
from service.notify.snippet import make_snippet

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
URL_LIMIT = 3000  # a button's url
TEXT_LIMIT = 4000
HEADLINE_CHARS = 300  # a real headline is far shorter; longer ones are junk or an attack
LIST_HEADLINE_CHARS = 200

PRIORITY_LABELS = {
    "high": ":red_circle: High priority",
    "normal": ":large_blue_circle: Normal priority",
    "low": ":white_circle: Low priority",
}
PRIORITY_PREFIX = {"high": "[High] ", "normal": "", "low": ""}

Block = dict[str, Any]


def build_blocks(msg: AlertMessage) -> dict[str, Any]:
    """The chat.postMessage arguments for one message: channel, text, blocks, options."""
    text, blocks = _BUILDERS[msg.kind](msg)
    payload: dict[str, Any] = {
        "channel": msg.channel,
        "text": text,
        "blocks": blocks[:MAX_BLOCKS],
        "unfurl_links": False,
        "unfurl_media": False,
        # Never turn "@channel" in feed text into a mention (escape() also defuses it).
        "link_names": False,
    }
    if msg.kind == "followup" and msg.thread_ts:
        payload["thread_ts"] = msg.thread_ts
    return payload


def _alert(msg: AlertMessage) -> tuple[str, list[Block]]:
    title = shorten(clean(msg.title), HEADLINE_CHARS) or clean(msg.link)
    headline = link(msg.link, title, SECTION_LIMIT - 2)
    blocks = [_section(f"*{headline}*"), _context(_alert_context(msg))]
    snippet = _snippet(msg)
    if snippet:
        blocks.append(_section(snippet))
    if button := _story_button(msg):
        blocks.append(button)
    prefix = PRIORITY_PREFIX[msg.priority]
    fallback = f"{prefix}{clean(msg.theme_name)}: {title} ({clean(msg.outlet)})"
    return fit(fallback, TEXT_LIMIT), blocks


def _snippet(msg: AlertMessage) -> str:
    snippet = make_snippet(msg.summary, msg.spans)
    text = snippet.render(escape, bold)
    if len(text) > SECTION_LIMIT:  # only for absurd spans; lose the bold, keep the text
        text = fit(snippet.render(str, lambda term, _b, _a: term), SECTION_LIMIT)
    return text


def _story_button(msg: AlertMessage) -> Block | None:
    """A link button to the story's desk page: a plain URL button, so no Slack
    interactivity endpoint is needed."""
    target = safe_url(msg.story_url or "")
    if target is None or len(msg.story_url or "") > URL_LIMIT:
        return None
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": "Open on the desk"},
                "url": (msg.story_url or "").strip(),
                "action_id": "wirewatch_open_story",
            }
        ],
    }


def _alert_context(msg: AlertMessage) -> str:
    when = local_time(msg.published, msg.timezone)
    outlet = fit(clean(msg.outlet), 500)
    theme = fit(clean(msg.theme_name), 500)
    line = f"*{outlet}* · {when} · {theme} · {PRIORITY_LABELS[msg.priority]}"
    terms = matched_terms(msg)
    if terms:
        line += f" · matched: {fit(escape(', '.join(terms)), 300)}"
    if msg.via:
        line += f" · via {fit(escape(', '.join(v.split(' (')[0] for v in msg.via)), 200)}"
    return line


def matched_terms(msg: AlertMessage, limit: int = 6) -> list[str]:
    """The distinct terms that made the theme match, headline first: the reason an alert
    fired, even when nothing in the teaser can be shown in bold."""
    return matched_words(msg.title, msg.summary, msg.spans, limit)


def _followup(msg: AlertMessage) -> tuple[str, list[Block]]:
    title = shorten(clean(msg.title), HEADLINE_CHARS) or clean(msg.link)
    outlet = fit(clean(msg.outlet), 500)
    when = later_by(msg)
    after = f" · {when}" if when else ""
    line = f"Also reported by *{outlet}*{after}: {link(msg.link, title, SECTION_LIMIT - 600)}"
    fallback = f"Also reported by {clean(msg.outlet)}{after}: {title}"
    return fit(fallback, TEXT_LIMIT), [_section(line)]


def _summary(msg: AlertMessage) -> tuple[str, list[Block]]:
    count = max(msg.more_count, len(msg.more))
    noun = "story" if count == 1 else "stories"
    headline = f"{count} more {noun} matched {clean(msg.theme_name)}"
    lines = [
        "• " + link(url, shorten(clean(title), LIST_HEADLINE_CHARS) or url, SECTION_LIMIT - 2)
        for title, url in msg.more[:10]
    ]
    if count > len(lines):
        lines.append(f"…and {count - len(lines)} more in the digest")
    blocks: list[Block] = [_header(headline)]
    blocks += [_section(chunk) for chunk in _chunks(lines, SECTION_LIMIT)]
    blocks.append(_context("Alerts for this theme reached the hourly limit for this channel."))
    return fit(headline, TEXT_LIMIT), blocks


def _notice(msg: AlertMessage) -> tuple[str, list[Block]]:
    body = msg.text.strip() or "(empty notice)"
    lines = [fit(line, SECTION_LIMIT) for line in body.splitlines()]
    chunks = _chunks(lines, SECTION_LIMIT)
    if len(chunks) > MAX_BLOCKS:
        chunks = chunks[: MAX_BLOCKS - 1] + ["… (truncated)"]
    return fit(body, TEXT_LIMIT), [_section(chunk) for chunk in chunks]


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Group lines (each already within `limit`) into as few texts of `limit` as possible."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _header(text: str) -> Block:
    # plain_text is never parsed for mentions or links, so it is not escaped.
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_LIMIT)}}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: no auto-linking of bare URLs, channel names or mentions in feed text.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


_BUILDERS: dict[str, Callable[[AlertMessage], tuple[str, list[Block]]]] = {
    "alert": _alert,
    "followup": _followup,
    "summary": _summary,
    "notice": _notice,
}
