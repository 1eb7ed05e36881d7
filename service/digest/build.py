"""Pure decisions about a digest: ordering, counts, subject line, sparkline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.digest.model import Digest, DigestStory, DigestTheme

PRIORITY_ORDER = ("high", "normal", "low")
BLOCKS = "▁▂▃▄▅▆▇█"
_YEAR_SUFFIX = re.compile(r"\s+\d{4}$")


def order_themes(themes: Iterable[DigestTheme]) -> tuple[DigestTheme, ...]:
    """High, normal, then low priority; alphabetical by name within a priority."""
    return tuple(sorted(themes, key=lambda t: (_priority_rank(t.priority), t.name.casefold())))


def rank_stories(stories: Iterable[DigestStory]) -> tuple[DigestStory, ...]:
    """Most outlets first (the desk's proxy for importance), then the newest."""
    return tuple(
        sorted(stories, key=lambda s: (-len(s.outlets), -s.first_seen.timestamp(), s.title))
    )


def sparkline(counts: Sequence[int]) -> str:
    """One block per count scaled to the peak; any non-zero day rises above an empty one."""
    peak = max(counts, default=0)
    if peak <= 0:
        return BLOCKS[0] * len(counts)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[0 if c <= 0 else max(1, round(c / peak * top))] for c in counts)


def digest_title(name: str) -> str:
    """'morning' -> 'Morning digest'; a name that already says 'digest' is kept as is."""
    words = name.replace("_", " ").replace("-", " ").strip() or "Wirewatch"
    title = words[:1].upper() + words[1:]
    return title if title.casefold().endswith("digest") else f"{title} digest"


def visible_themes(d: Digest) -> tuple[DigestTheme, ...]:
    """Themes with stories this period, in the order the email shows them."""
    return order_themes(t for t in d.themes if t.stories)


def quiet_themes(d: Digest) -> tuple[DigestTheme, ...]:
    return order_themes(t for t in d.themes if not t.stories)


def story_count(d: Digest) -> int:
    """Distinct stories: one that matched two themes is listed twice but counted once."""
    return len({s.link or s.title for t in d.themes for s in t.stories})


def is_empty(d: Digest) -> bool:
    return not any(t.stories for t in d.themes)


def counts_phrase(d: Digest) -> str:
    """'9 stories in 3 themes', '1 story in 1 theme', or 'nothing new'."""
    if is_empty(d):
        return "nothing new"
    stories, themes = story_count(d), len(visible_themes(d))
    return f"{_plural(stories, 'story', 'stories')} in {_plural(themes, 'theme', 'themes')}"


def subject(d: Digest) -> str:
    """'Morning digest · Sat 28 Nov · 9 stories in 3 themes' (year dropped to stay short)."""
    short_label = _YEAR_SUFFIX.sub("", d.period_label)
    return f"{digest_title(d.name)} · {short_label} · {counts_phrase(d)}"


def outlets_label(outlets: Sequence[str], shown: int = 2) -> str:
    """'Kyodo News · The Japan Times +2': the first reporters by name, then how many more."""
    label = " · ".join(outlets[:shown])
    extra = len(outlets) - shown
    return f"{label} +{extra}" if extra > 0 else label


def _priority_rank(priority: str) -> int:
    # An unknown priority sorts with "normal" rather than failing a whole digest.
    return PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else 1


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
