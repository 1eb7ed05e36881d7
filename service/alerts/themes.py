"""The config's themes compiled once into a matcher (RULES.md), plus their examples check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.config import Config, Problem
from service.domain import Article, Hit
from service.rules import CompiledQuery, MatchItem, ThemeMatcher, compile_query, explain


@dataclass(frozen=True)
class ThemeInfo:
    id: str
    name: str
    query: str
    priority: str
    alert: bool
    digest: bool
    channel: str | None


PRIORITY_ORDER = {"high": 0, "normal": 1, "low": 2}


class RuleSet:
    """Compiled themes. Built at config load; a bad query already failed load_config."""

    def __init__(self, themes: Sequence[ThemeInfo], compiled: dict[str, CompiledQuery]) -> None:
        self.themes = {t.id: t for t in themes}
        self.compiled = compiled
        self.matcher = ThemeMatcher([(t.id, compiled[t.id]) for t in themes])

    def match(self, item: MatchItem) -> list[Hit]:
        return self.matcher.match(item)


def compile_rules(config: Config) -> RuleSet:
    infos = [
        ThemeInfo(t.id, t.name, t.query, t.priority, t.alert, t.digest, t.channel)
        for t in config.themes
    ]
    compiled = {
        t.id: config.compiled_query(t.id) or compile_query(t.query, config.aliases)
        for t in config.themes
    }
    return RuleSet(infos, compiled)


def item_for(article: Article, tags: Sequence[str] = ()) -> MatchItem:
    return MatchItem(
        title=article.title,
        summary=article.summary,
        source=article.host,
        feed=article.source,
        tags=tuple(tags),
        lang=article.lang,
    )


def example_problems(config: Config, rules: RuleSet) -> list[Problem]:
    """Every theme example that disagrees with its theme's query."""
    problems = []
    for index, theme in enumerate(config.themes):
        query = rules.compiled[theme.id]
        for kind, texts, wanted in (
            ("match", theme.examples.match, True),
            ("no_match", theme.examples.no_match, False),
        ):
            for n, text in enumerate(texts):
                matched = explain(query, MatchItem(title=text)) is not None
                if matched != wanted:
                    path = f"themes[{index}].examples.{kind}[{n}]"
                    verb = "does not match" if wanted else "matches"
                    problems.append(
                        Problem(
                            file=str(config.path),
                            line=config.line_of(path),
                            column=None,
                            path=path,
                            message=f"theme '{theme.id}': the query {verb} this example: {text!r}",
                            hint="fix the query or the example; try `wirewatch match --theme "
                            f"{theme.id} --title '...'` to see why",
                            code=None,
                        )
                    )
    return problems
