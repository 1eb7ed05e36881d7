"""Lexical level of WRL (RULES.md §2): query string -> lexemes, with E3/E4/E5/E10/E11/E13."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .errors import WRLError

TEXT_FIELDS = ("title", "summary")
META_FIELDS = ("source", "feed", "tag", "lang")
OPERAND_START = frozenset({"(", "WORD", "PHRASE", "CASED", "ALIAS", "FIELD", "META"})
ALIAS_NAME = re.compile(r"[a-z0-9_]+")
_NEAR = re.compile(r"NEAR/(\d+)(f?)")
_LOWER_OP = re.compile(r"(?i)(and|or|not|near|near/\d+f?)")
_FIELDISH = re.compile(r"([^\W\d_]+):")  # <letters> ":" …
_STOP = set('()"{}')


@dataclass(frozen=True, slots=True)
class Lexeme:
    kind: str  # AND OR NOT NEAR ( ) WORD PHRASE CASED ALIAS FIELD META EOF
    pos: int
    value: str = ""  # word/phrase/cased text, alias or field name, meta value
    meta: str = ""  # meta field name
    n: int = 0  # NEAR distance
    forward: bool = False  # NEAR/nf


def lex(query: str) -> list[Lexeme]:
    """Split a query into lexemes; the positions are offsets into `query`."""
    text = query.replace("\u201c", '"').replace("\u201d", '"')
    out: list[Lexeme] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(Lexeme(ch, i))
            i += 1
        elif ch == '"':
            value, i_end = read_phrase(text, i)
            out.append(Lexeme("PHRASE", i, value))
            i = i_end
        elif ch == "{":
            value, i_end = _read_cased(text, i)
            out.append(Lexeme("CASED", i, value))
            i = i_end
        elif ch == "}":
            raise WRLError("E13", i, "unbalanced brace: '}' without '{'")
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in _STOP:
                j += 1
            i = _word(text, i, j, out)
    out.append(Lexeme("EOF", len(text)))
    return out


def read_phrase(text: str, start: int) -> tuple[str, int]:
    """Read a "…" phrase starting at `start`; returns its content and the end offset."""
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            if not "".join(chars).strip():
                raise WRLError("E13", start, 'empty phrase "": put words between the quotes')
            return "".join(chars), i + 1
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt not in ('"', "\\"):
                raise WRLError("E13", i, 'inside "…" a backslash must be \\" or \\\\')
            chars.append(nxt)
            i += 2
            continue
        chars.append(ch)
        i += 1
    raise WRLError("E13", start, 'unbalanced quote: this " is never closed')


def _read_cased(text: str, start: int) -> tuple[str, int]:
    end = text.find("}", start + 1)
    if end < 0:
        raise WRLError("E13", start, "unbalanced brace: this '{' is never closed")
    value = text[start + 1 : end]
    if not value.strip():
        raise WRLError("E13", start, "empty {}: put the exact-case word inside the braces")
    return value, end + 1


def _word(text: str, start: int, end: int, out: list[Lexeme]) -> int:
    """Classify the WORD text[start:end], append its lexemes, return where lexing resumes."""
    word = text[start:end]
    op = _operator(word, start)
    if op is not None:
        out.append(op)
        return end
    if word[0] in "-+":
        hint = f'write "… NOT {word[1:]}"' if word[0] == "-" else f"write {word[1:]}"
        raise WRLError("E4", start, f"no -/+ prefixes in WRL: {hint} (use AND / NOT)")
    if word[0] == "@":
        name = word[1:]
        if not ALIAS_NAME.fullmatch(name):
            raise WRLError("E10", start, f"bad alias name {word!r}: use a-z, 0-9 and _ only")
        out.append(Lexeme("ALIAS", start, name))
        return end
    m = _FIELDISH.match(word)
    if m is None:
        out.append(Lexeme("WORD", start, word))
        return end
    return _field(text, start, end, m.group(1), out)


def _operator(word: str, pos: int) -> Lexeme | None:
    if word in ("AND", "OR", "NOT"):
        return Lexeme(word, pos)
    m = _NEAR.fullmatch(word)
    if m:
        n = int(m.group(1))
        if n > 100:
            raise WRLError("E5", pos, f"NEAR/{n}: the distance must be 0 to 100")
        return Lexeme("NEAR", pos, n=n, forward=bool(m.group(2)))
    if _LOWER_OP.fullmatch(word):
        if word.upper() == "NEAR":
            raise WRLError("E5", pos, "NEAR needs a distance: write NEAR/4 (or NEAR/4f)")
        fixed = word.upper().replace("F", "f")
        raise WRLError(
            "E3", pos, f'operators are upper case: write {fixed}, or "{word}" to search the word'
        )
    upper = word.upper()
    if upper.startswith("NEAR/"):
        raise WRLError("E5", pos, f"bad NEAR: {word!r}; write NEAR/n or NEAR/nf with n 0-100")
    if upper == "ONEAR" or upper.startswith("ONEAR/"):
        raise WRLError("E5", pos, "no ONEAR in WRL: write NEAR/nf (ordered), e.g. NEAR/3f")
    return None


def _field(text: str, start: int, end: int, name: str, out: list[Lexeme]) -> int:
    rest_at = start + len(name) + 1
    follows = text[rest_at : rest_at + 1]
    if name in TEXT_FIELDS:
        out.append(Lexeme("FIELD", start, name))
        if rest_at < end:
            return _word(text, rest_at, end, out)
        if follows in ("(", '"', "{"):
            return end
        raise WRLError("E11", start, f"nothing follows {name}: write {name}:word, no space")
    if name in META_FIELDS:
        if rest_at < end:
            out.append(Lexeme("META", start, text[rest_at:end], meta=name))
            return end
        if follows == '"' and name != "lang":
            value, after = read_phrase(text, rest_at)
            out.append(Lexeme("META", start, value, meta=name))
            return after
        raise WRLError("E11", start, _meta_usage(name))
    guess = difflib.get_close_matches(name.lower(), TEXT_FIELDS + META_FIELDS, n=1)
    hint = f"; did you mean {guess[0]}:?" if guess else ""
    fields = ", ".join(f + ":" for f in TEXT_FIELDS + META_FIELDS)
    raise WRLError("E11", start, f"unknown field prefix {name}: (the fields are {fields}){hint}")


def _meta_usage(name: str) -> str:
    if name == "lang":
        return "lang: takes a language tag right after the colon, e.g. lang:ja"
    return f'{name}: takes a value right after the colon, e.g. {name}:x or {name}:"x y"'
