"""Wildcard terms match as a backtracking regex would, in linear time on hostile words."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from service.rules.glob import Glob


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S
    )


def test_it_agrees_with_the_regex_on_every_short_pattern_and_word() -> None:
    patterns = ["".join(p) for n in range(1, 5) for p in itertools.product("ab*?", repeat=n)]
    words = ["".join(w) for n in range(0, 6) for w in itertools.product("ab", repeat=n)]
    for pattern in patterns:
        glob, regex = Glob(pattern), _regex(pattern)
        for word in words:
            assert glob.matches(word) == bool(regex.fullmatch(word)), (pattern, word)


def test_it_agrees_with_the_regex_on_random_longer_cases() -> None:
    rng = random.Random(17)
    for _ in range(3000):
        pattern = "".join(rng.choice("abc*?.") for _ in range(rng.randint(1, 9)))
        word = "".join(rng.choice("abc.") for _ in range(rng.randint(0, 14)))
        assert Glob(pattern).matches(word) == bool(_regex(pattern).fullmatch(word)), (
            pattern,
            word,
        )


def test_ten_wildcards_on_a_long_word_answer_at_once() -> None:
    # A backtracking fullmatch of this pattern on this word runs for minutes; here it is a
    # handful of searches. The subprocess only guards the suite against a regression.
    code = (
        "from service.cli import main;"
        "raise SystemExit(main(['match', '-q', 'abc*a*a*a*a*a*a*a*a*a*b', '--json',"
        " '--title', 'abc' + 'a' * 120]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '{"match": false, "spans": []}'
    assert Glob("abc*a*a*a*a*a*a*a*a*a*b").matches("abc" + "a" * 120 + "b")


@pytest.mark.parametrize(
    ("pattern", "word", "matched"),
    [
        ("normaliz*", "normalization", True),
        ("normaliz*", "normaliz", True),
        ("wom?n", "women", True),
        ("wom?n", "woman", True),
        ("wom?n", "wommen", False),
        ("mend*", "mendoza", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "acb", False),
    ],
)
def test_it_reads_stars_and_question_marks(pattern: str, word: str, matched: bool) -> None:
    assert Glob(pattern).matches(word) is matched
