"""Worst-case wildcard matching: a hostile headline word against a many-wildcard term.

Usage: .venv/bin/python bench/bench_wildcards.py [--max-length 4000]

The term `abc*a*a*…*b` (10 wildcards) against `abc` + n × `a` (no final b): a backtracking
regex fullmatch (what WRL used before) tries every way to split the run between the stars,
about n^9 / 9! steps; service.rules.glob searches each part once, left to right. Prints the
time per word for growing n (and for the same word ending in b, which matches); the regex is
stopped at the first length that takes over 2 s.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.rules.glob import Glob  # noqa: E402

PATTERN = "abc" + "*a" * 9 + "*b"


def per_call(check: object, word: str, budget: float = 0.5) -> float:
    """Seconds per call of `check(word)`, repeated for about `budget` seconds."""
    calls, start = 0, time.perf_counter()
    while True:
        check(word)  # type: ignore[operator]
        calls += 1
        spent = time.perf_counter() - start
        if spent >= budget or spent > 2:
            return spent / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-length", type=int, default=4000)
    args = parser.parse_args()
    glob = Glob(PATTERN)
    regex = re.compile("".join(".*" if c == "*" else re.escape(c) for c in PATTERN), re.S)
    print(f"term {PATTERN!r} (10 wildcards) against 'abc' + n x 'a'\n")
    print(
        "| n | glob, µs/word | glob on `…ab` (a match), µs | backtracking regex, µs/word | ratio |"
    )
    print("|---|---|---|---|---|")
    regex_alive = True
    n = 10
    while n <= args.max_length:
        word = "abc" + "a" * n
        assert not glob.matches(word)
        g = per_call(glob.matches, word)
        assert glob.matches(word + "b")
        hit = per_call(glob.matches, word + "b")
        if regex_alive:
            r = per_call(regex.fullmatch, word, budget=0.0)
            regex_alive = r < 2
            cell, ratio = f"{r * 1e6:,.0f}", f"{r / g:,.0f}x"
        else:
            cell, ratio = "(stopped: over 2 s a word)", ""
        print(f"| {n:,} | {g * 1e6:,.1f} | {hit * 1e6:,.1f} | {cell} | {ratio} |")
        n *= 2


if __name__ == "__main__":
    main()
