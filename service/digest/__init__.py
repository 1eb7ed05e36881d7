"""The daily digest email: pure building, rendering and scheduling, plus the SMTP sender.

The database side (what to include, the durable digest_runs row, claiming) lives elsewhere
and hands a `Digest` to these functions.
"""

from service.digest.build import (
    counts_phrase,
    digest_title,
    is_empty,
    order_themes,
    outlets_label,
    rank_stories,
    sparkline,
    story_count,
    subject,
)
from service.digest.mailer import MailError, SmtpSettings, send_message, write_to_outbox
from service.digest.model import Digest, DigestStory, DigestTheme, FailingSource
from service.digest.render import build_message, render_html, render_text
from service.digest.schedule import due_period, next_fire_time, period_label, scheduled_instant

__all__ = [
    "Digest",
    "DigestStory",
    "DigestTheme",
    "FailingSource",
    "MailError",
    "SmtpSettings",
    "build_message",
    "counts_phrase",
    "digest_title",
    "due_period",
    "is_empty",
    "next_fire_time",
    "order_themes",
    "outlets_label",
    "period_label",
    "rank_stories",
    "render_html",
    "render_text",
    "scheduled_instant",
    "send_message",
    "sparkline",
    "story_count",
    "subject",
    "write_to_outbox",
]
