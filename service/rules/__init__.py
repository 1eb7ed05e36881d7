"""The Wirewatch watch-rule language, WRL v1 (see RULES.md): compiler and matcher.

Pure code, no I/O. Compile queries once per config load (`compile_query`), build one
`ThemeMatcher` for all themes, and call `match` per article; `explain` tells why a single
query matched (spans into the original text).
"""

from .compiler import CompiledQuery, compile_query, validate_aliases
from .context import Aliases
from .errors import WRLError
from .matcher import MatchItem, ThemeMatcher, explain

__all__ = [
    "Aliases",
    "CompiledQuery",
    "MatchItem",
    "ThemeMatcher",
    "WRLError",
    "compile_query",
    "explain",
    "validate_aliases",
]
