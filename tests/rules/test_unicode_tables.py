"""The stored Unicode tables are exactly what scanning the running unicodedata gives.

Run as a script to regenerate them (then `ruff format` the file):
`.venv/bin/python -m tests.rules.test_unicode_tables`.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from service.rules import unicode_tables
from service.rules.normmap import unstable_bmp_ranges
from service.rules.textmodel import mark_ranges

TABLES = Path(unicode_tables.__file__)


def test_the_stored_tables_are_todays_scan() -> None:
    if not unicode_tables.tables_current():
        pytest.skip(f"tables are for Unicode {unicode_tables.UNIDATA_VERSION}; they rescan here")
    assert list(unicode_tables.MARKS) == mark_ranges()
    assert list(unicode_tables.NFKC_UNSTABLE_BMP) == unstable_bmp_ranges()


def _table(name: str, ranges: list[tuple[int, int]]) -> str:
    body = ", ".join(f"({lo:#06x}, {hi:#06x})" for lo, hi in ranges)
    lines = textwrap.fill(body, 96, initial_indent="    ", subsequent_indent="    ")
    return f"{name}: tuple[tuple[int, int], ...] = (\n{lines},\n)\n"


def generate() -> str:
    head, _, _ = TABLES.read_text(encoding="utf-8").partition('UNIDATA_VERSION = "')
    version = unicodedata.unidata_version
    head = head.replace(f"Unicode {unicode_tables.UNIDATA_VERSION};", f"Unicode {version};")
    return (
        f'{head}UNIDATA_VERSION = "{version}"\n\n\n'
        "def tables_current() -> bool:\n"
        '    """Whether these tables were made from the running Python\'s Unicode version."""\n'
        "    return unicodedata.unidata_version == UNIDATA_VERSION\n\n\n"
        + _table("MARKS", mark_ranges())
        + "\n"
        + _table("NFKC_UNSTABLE_BMP", unstable_bmp_ranges())
    )


if __name__ == "__main__":
    TABLES.write_text(generate(), encoding="utf-8")
    print(f"wrote {TABLES} for Unicode {unicodedata.unidata_version}")
