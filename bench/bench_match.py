"""Matching throughput: articles per second for 10, 100 and 1,000 themes (one core).

Times are CPU time of this process (best of several rounds), so that other work on
a shared machine disturbs them less.

Themes are generated from realistic aliases (countries, leaders, topics, CJK names);
articles are real 2023 headlines + teasers. Prints one JSON object per line.

    python bench/bench_match.py [path/to/labelled.jsonl] [--rounds N]
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.rules import MatchItem, ThemeMatcher, compile_query  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "fixtures" / "news-2023" / "labelled.jsonl"

COUNTRIES = {
    "japan": ["Japan", "Japanese", "Tokyo", "Kishida", "日本", "일본"],
    "korea": ["South Korea", "South Korean", "Seoul", "Yoon", "ROK", "韓国", "한국"],
    "nkorea": ["North Korea", "North Korean", "Pyongyang", "Kim Jong Un", "DPRK", "北朝鮮", "북한"],
    "china": ["China", "Chinese", "Beijing", "Xi Jinping", "中国", "중국"],
    "us": ["United States", "U.S.", "Washington", "Biden", "American", "米国", "미국"],
    "australia": ["Australia", "Australian", "Canberra", "Albanese"],
    "india": ["India", "Indian", "New Delhi", "Modi"],
    "taiwan": ["Taiwan", "Taiwanese", "Taipei", "台湾"],
    "russia": ["Russia", "Russian", "Moscow", "Putin", "ロシア"],
    "ukraine": ["Ukraine", "Ukrainian", "Kyiv", "Zelenskyy", "ウクライナ"],
    "philippines": ["Philippines", "Philippine", "Manila", "Marcos"],
    "vietnam": ["Vietnam", "Vietnamese", "Hanoi"],
    "canada": ["Canada", "Canadian", "Ottawa", "Trudeau"],
    "uk": ["Britain", "British", "United Kingdom", "London", "Sunak"],
    "france": ["France", "French", "Paris", "Macron"],
    "germany": ["Germany", "German", "Berlin", "Scholz"],
    "indonesia": ["Indonesia", "Indonesian", "Jakarta", "Widodo"],
    "singapore": ["Singapore", "Singaporean"],
    "iran": ["Iran", "Iranian", "Tehran"],
    "israel": ["Israel", "Israeli", "Netanyahu", "Gaza"],
}
TOPICS = {
    "summit": ["summit", "talks", "meeting", "visit*", "首脳会談", "정상회담"],
    "trade": ["trade", "tariff*", "export*", "import*", "supply chain*", "貿易", "무역"],
    "security": ["security", "defen?e", "military", "alliance", "drill*", "安全保障", "안보"],
    "missile": ["missile*", "ballistic", "launch*", "ICBM", "ミサイル", "미사일"],
    "economy": ["economy", "econom*", "GDP", "inflation", "recession", "景気", "경제"],
    "energy": ["energy", "LNG", "oil", "nuclear power", "renewable*"],
    "climate": ["climate", "emission*", "carbon", "net zero", "気候"],
    "election": ["election*", "vote*", "ballot*", "poll*", "選挙", "선거"],
    "chips": ["semiconductor*", "chip*", "TSMC", "Samsung", "半導体", "반도체"],
    "sanctions": ["sanction*", "embargo", "blacklist*", "制裁", "제재"],
    "diplomacy": ["diplomat*", "ambassador*", "foreign minister*", "外相", "외교"],
    "history": ["wartime", "forced labo?r", "comfort women", "apolog*", "徴用", "징용"],
    "maritime": ["South China Sea", "East China Sea", "coast guard", "maritime", "海警"],
    "tech": ["artificial intelligence", "AI", "cyber*", "quantum", "生成AI"],
    "health": ["COVID", "pandemic", "vaccin*", "outbreak*"],
    "disaster": ["earthquake*", "typhoon*", "flood*", "tsunami", "地震", "지진"],
}
NOISE = ["sport*", "football", "baseball", "Olympic*", "celebrit*", "K-pop", "anime"]
CJK_PAIRS = ["日韓", "日米", "米中", "日中", "한일", "한미일", "日米韓", "日米豪印"]


def aliases() -> dict[str, list[str]]:
    return {**COUNTRIES, **TOPICS, "noise": NOISE, "pairs": CJK_PAIRS}


def themes(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    countries, topics = list(COUNTRIES), list(TOPICS)
    shapes = [
        lambda a, b, t: f"((@{a} NEAR/12 @{b}) OR @pairs) AND @{t}",
        lambda a, b, t: f"@{a} AND @{t} NOT @noise",
        lambda a, b, t: f"title:(@{a} OR @{b}) AND @{t}",
        lambda a, b, t: f'(@{a} AND @{b}) AND ("{rng.choice(TOPICS[t])}" OR @{t})'.replace("*", ""),
        lambda a, b, t: f"@{a} NEAR/8f @{t}",
        lambda a, b, t: f"(@{t} NEAR/5 @{a}) AND NOT @{b}",
    ]
    out = []
    for i in range(n):
        a, b = rng.sample(countries, 2)
        shape = rng.choice(shapes)
        out.append((f"t{i}", shape(a, b, rng.choice(topics))))
    return out


def load_items(path: Path) -> list[MatchItem]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            items.append(
                MatchItem(
                    title=html.unescape(row.get("title") or ""),
                    summary=html.unescape(row.get("summary") or ""),
                    source=row.get("outlet") or "",
                )
            )
    return items


def build(n_themes: int) -> tuple[ThemeMatcher, float]:
    started = time.process_time()
    al = aliases()
    matcher = ThemeMatcher([(tid, compile_query(q, al)) for tid, q in themes(n_themes)])
    return matcher, time.process_time() - started


def run(matcher: ThemeMatcher, items: list[MatchItem]) -> tuple[float, int]:
    started = time.process_time()
    hits = sum(len(matcher.match(item)) for item in items)
    return time.process_time() - started, hits


def measure(sizes: tuple[int, ...], items: list[MatchItem], rounds: int) -> list[dict[str, float]]:
    """Best of `rounds`; the sizes take turns so that a noisy neighbour hits them alike."""
    built = {n: build(n) for n in sizes}
    best = dict.fromkeys(sizes, float("inf"))
    hits = dict.fromkeys(sizes, 0)
    for _ in range(rounds):
        for n in sizes:
            elapsed, hits[n] = run(built[n][0], items)
            best[n] = min(best[n], elapsed)
    return [
        {
            "themes": n,
            "articles": len(items),
            "articles_per_s": round(len(items) / best[n]),
            "us_per_article": round(best[n] / len(items) * 1e6, 1),
            "hits_per_article": round(hits[n] / len(items), 3),
            "build_s": round(built[n][1], 3),
        }
        for n in sizes
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    items = load_items(args.data)
    results = measure((10, 100, 1000), items, args.rounds)
    for result in results:
        print(json.dumps(result))
    ratio = results[2]["us_per_article"] / results[0]["us_per_article"]
    print(json.dumps({"cost_ratio_1000_vs_10": round(ratio, 2)}))


if __name__ == "__main__":
    main()
