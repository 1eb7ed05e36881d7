"""Whether a headline reports an event, or is another form written about one: an
explainer, analysis or opinion, a live page, a briefing or newsletter, a gallery or video,
a question. Two outlets' reports of one announcement are one story; a report and the
explainer or live page about it are two (the labelling rule of the story pairs), and such
pairs are otherwise the most alike of the different ones.

Read from the headline's own markers, in English: a label before a colon ("Analysis:",
"Ukraine live briefing:"), after a separator ("... | First Thing"), a known phrase ("what
we know", "as it happened"), or a question. A plain report rarely carries one (7% of the
2023 sample's headlines do).
"""

from __future__ import annotations

import re

_LABELS = (
    r"analysis|opinion|commentary|comment|editorial|explainer|explained|factbox|fact check"
    r"|timeline|q&a|watch|video|photos|in pictures|podcast|newsletter|interview|review"
    r"|live|recap|briefing|first thing"
)
# A label, with at most a few words before it ("Ukraine live briefing:"), then a colon or
# a dash: bounded so that a long headline is not searched word by word.
_PREFIX = re.compile(rf"^\W*(?:[\w’'. -]{{0,30}}\s)?(?:{_LABELS})\s*[:|–—-]\s", re.IGNORECASE)
_SUFFIX = re.compile(rf"[:|–—-]\s*(?:{_LABELS}|as it happened|live updates)\W*$", re.IGNORECASE)
_PHRASE = re.compile(
    r"\b(?:what (?:to|you need to|we) know|need to know|as it happened"
    r"|live (?:updates|blog|briefing|coverage)|in pictures|explainer"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day briefing|(?:morning|evening) briefing)\b",
    re.IGNORECASE,
)
# Case matters: "WHO confirms ..." is the World Health Organization reporting.
_QUESTION = re.compile(
    r"^(?:What|How|Why|Who|Where|When|Which|Is|Are|Can|Could|Will|Would|Should|Does|Do|Did"
    r"|Has|Have)\b(?!-)|\?\W*$"
)
MAX_HEADLINE = 300  # characters read: a headline, not an article


def not_a_report(headline: str) -> bool:
    """True when the headline marks an explainer, analysis, opinion, live page, briefing,
    gallery or question rather than a report of what happened."""
    text = headline.strip()[:MAX_HEADLINE]
    return any(p.search(text) for p in (_PREFIX, _SUFFIX, _PHRASE, _QUESTION))
