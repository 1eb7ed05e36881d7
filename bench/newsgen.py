"""Synthetic but real-looking wire headlines and teasers for the feed farm.

Written from templates and word lists (no outlet's text is copied), seeded, so a farm with
the same seed serves the same items. About `match_rate` of the items are on one of the
shipped themes (Quad, Japan-South Korea normalization); a few more are near misses (a quad
bike, Japan and Korea without any thaw) so the matcher does real work on both sides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COUNTRIES = [
    "Japan", "South Korea", "China", "India", "Australia", "Indonesia", "Vietnam",
    "the Philippines", "Taiwan", "Thailand", "Malaysia", "Singapore", "Pakistan", "Germany",
    "France", "Britain", "Canada", "Brazil", "Mexico", "Nigeria", "Kenya", "Turkey", "Iran",
]  # fmt: skip
LEADERS = [
    "Prime Minister Kishida", "President Yoon", "President Xi", "Prime Minister Modi",
    "Prime Minister Albanese", "President Marcos", "President Widodo", "Chancellor Scholz",
    "President Macron", "President Biden", "Secretary of State Blinken", "President Lula",
]  # fmt: skip
CITIES = [
    "Tokyo", "Seoul", "Beijing", "New Delhi", "Canberra", "Jakarta", "Hanoi", "Manila",
    "Taipei", "Bangkok", "Osaka", "Busan", "Sydney", "Mumbai", "Hong Kong", "Washington",
]  # fmt: skip
SUBJECTS = [
    "central bank", "finance ministry", "defence ministry", "election commission",
    "supreme court", "coast guard", "health ministry", "state broadcaster", "ruling party",
    "opposition leader", "chipmaker", "carmaker", "airline", "trade ministry", "navy",
]  # fmt: skip
ACTIONS = [
    "raises interest rates", "holds rates steady", "unveils stimulus package",
    "warns of slowing growth", "orders inquiry into", "rejects appeal over",
    "approves budget for", "suspends talks on", "reports record profit from",
    "plans tighter rules on", "recalls ambassador over", "cuts forecast amid",
]  # fmt: skip
TOPICS = [
    "chip exports", "rice prices", "energy subsidies", "wage growth", "port congestion",
    "typhoon damage", "pension reform", "tourism revenue", "fishing rights", "data privacy",
    "housing costs", "military drills", "election fraud claims", "heatwave deaths",
    "currency weakness", "refugee arrivals", "nuclear plant restart", "bird flu outbreak",
]  # fmt: skip
EVENTS = [
    "Typhoon {n} batters {city}; {count} evacuated and {small} missing",
    "{city} stocks slide {pct}% as {topic} weigh on {subject} shares",
    "{leader} to visit {country} on {day} for talks on {topic} and {topic2}",
    "Magnitude {m} quake strikes {small} km off {country}; no tsunami warning",
    "{country}'s {subject} {action} {topic} after {pct}% jump",
    "{count} rally in {city} over {topic}, {person} arrested",
    "{country} and {country2} sign {count2}-year deal on {topic}",
    "Explainer: what {topic} mean for {country} after {person}'s exit",
    "{person} named head of {country}'s {subject} amid {topic}",
    "Opinion: {country} cannot ignore {topic} any longer, says {person}",
    "{country} {subject} fines {person2} over {topic} ({small} cases)",
]  # fmt: skip
FIRST = [
    "Aiko", "Min-jun", "Rahul", "Mei", "Tomas", "Sarah", "Kenji", "Ji-woo", "Priya", "Liam",
    "Yuki", "Hana", "Arjun", "Chloe", "Daniel", "Nguyen", "Siti", "Omar", "Elena", "Haruto",
]  # fmt: skip
LAST = [
    "Tanaka", "Kim", "Sharma", "Chen", "Novak", "Walker", "Sato", "Park", "Iyer", "Murphy",
    "Suzuki", "Lee", "Rao", "Dubois", "Schmidt", "Tran", "Rahman", "Haddad", "Rossi", "Ito",
]  # fmt: skip
ROLES = [
    "an economist at a Tokyo bank", "a spokesperson for the ministry", "a local official",
    "a senior analyst", "the company's chief executive", "a lawmaker from the opposition",
    "a researcher at a Seoul think tank", "a union representative", "a regional governor",
]  # fmt: skip
WHEN = [
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend",
    "late on Sunday", "earlier this week", "in a statement", "at a news conference",
]  # fmt: skip
SENTENCES = [
    "{person}, {role}, said {when} that {topic} could rise by {pct} per cent by {year}.",
    "About {count} people were affected, according to figures released {when} in {city}.",
    "{person} told reporters {when} that the {subject} had not been consulted about {topic}.",
    "The figure compares with {pct} per cent a year earlier, the {subject} said {when}.",
    "{person}, {role}, warned that {topic} would remain a concern until {year}.",
    "Shares of the {subject} fell {pct} per cent in {city} trading {when}.",
    "Talks on {topic} are expected to resume in {city} within {count} days, {person} said.",
    "The move drew criticism from {person}, {role}, who called it {adj}.",
]  # fmt: skip
ADJ = ["premature", "long overdue", "a political gamble", "a welcome step", "unworkable",
       "a test for the government", "symbolic at best", "a turning point"]  # fmt: skip
# On-theme items: they match the shipped example themes (quad, jp-kr-normalization).
ON_THEME = [
    "Quad foreign ministers meet in {city} to discuss maritime security",
    "Quad leaders pledge Indo-Pacific infrastructure push at {city} summit",
    "{country} weighs joining quadrilateral security dialogue exercises",
    "Japan and South Korea agree to restore shuttle diplomacy",
    "Kishida and Yoon pledge to normalize ties after wartime labour deal",
    "Seoul and Tokyo move toward rapprochement over export curbs",
]  # fmt: skip
NEAR_MISS = [
    "Man injured in quad bike accident near {city}",
    "Japan beat South Korea 2-1 in Asian Cup qualifier",
    "Japan and South Korea both report record {topic}",
]  # fmt: skip


@dataclass(frozen=True)
class Story:
    title: str
    summary: str
    on_theme: bool


def story(rng: random.Random, match_rate: float = 0.03, on_theme: bool | None = None) -> Story:
    """One item; `on_theme=True` forces a theme match (for the latency benchmark)."""
    if on_theme is None:
        on_theme = rng.random() < match_rate
    if on_theme:
        template = rng.choice(ON_THEME)
    elif rng.random() < 0.05:
        template = rng.choice(NEAR_MISS)
    else:
        template = rng.choice(EVENTS)
    country, country2 = rng.sample(COUNTRIES, 2)
    topic, topic2 = rng.sample(TOPICS, 2)
    title = template.format(
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        person2=f"{rng.choice(LAST)} {rng.choice(['Holdings', 'Group', 'Corp', 'Partners'])}",
        count=f"{rng.randint(2, 90) * 100:,}",
        count2=rng.randint(2, 30),
        small=rng.randint(2, 99),
        pct=f"{rng.uniform(0.2, 9):.1f}",
        day=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        topic2=topic2,
        n=rng.choice(["Mawar", "Khanun", "Lan", "Saola", "Koinu", "Doksuri"]),
        m=f"{rng.uniform(4.5, 7.2):.1f}",
        city=rng.choice(CITIES),
        country=country,
        country2=country2,
        leader=rng.choice(LEADERS),
        subject=rng.choice(SUBJECTS),
        action=rng.choice(ACTIONS),
        topic=topic,
    )
    title = title[0].upper() + title[1:]
    summary = " ".join(_sentence(rng) for _ in range(2))
    return Story(title, summary, on_theme)


def _sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        role=rng.choice(ROLES),
        when=rng.choice(WHEN),
        topic=rng.choice(TOPICS),
        pct=f"{rng.uniform(0.1, 12):.1f}",
        year=rng.randint(2026, 2035),
        count=rng.choice([12, 40, 150, 300, 1200, 5000, 20000]),
        city=rng.choice(CITIES),
        subject=rng.choice(SUBJECTS),
        adj=rng.choice(ADJ),
    )


def theme_queries(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """`count` (id, WRL query) pairs that look like a desk's watch list: a place or actor
    combined with a topic, some with NEAR, some with exclusions."""
    rng = random.Random(seed)
    places = [*COUNTRIES, *CITIES]
    out: list[tuple[str, str]] = []
    while len(out) < count:
        n = len(out)
        place = f'"{rng.choice(places)}"'
        topics = " OR ".join(f'"{t}"' for t in rng.sample(TOPICS, 2))
        shape = n % 4
        if shape == 0:
            query = f"{place} AND ({topics})"
        elif shape == 1:
            query = f"{place} NEAR/10 ({topics})"
        elif shape == 2:
            subject = rng.choice(SUBJECTS)
            query = f'({place} NEAR/3 "{subject}") AND ({topics}) NOT opinion'
        else:
            query = f'title:({place}) AND ({topics} OR "{rng.choice(LEADERS)}")'
        out.append((f"bench-{n:04d}", query))
    return out
