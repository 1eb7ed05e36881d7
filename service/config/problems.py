"""What is wrong with a config file, said so that a person can fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file, pinned to a line when the file tells us one.

    `path` is the key path in the document ("polling.interval", "themes[2].query");
    `hint` is a fix-it ("did you mean 'interval'?"); `code` is a WRL error code.
    """

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    hint: str | None = None
    code: str | None = None

    def format(self) -> str:
        """'config.yaml:12:5: polling.intervall: unknown key. Did you mean 'interval'?'"""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = self.message
        if self.code:
            text = f"{self.code}: {text}"
        if self.hint:
            first, _, rest = text.partition("\n")
            first = first.rstrip(".") + ". " + self.hint[:1].upper() + self.hint[1:]
            text = first + ("\n" + rest if rest else "")
        prefix = f"{where}: {self.path}: " if self.path else f"{where}: "
        return prefix + text

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line or 0, self.column or 0, self.path)


class ConfigError(Exception):
    """The config file cannot be used; `problems` lists every reason found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems, key=Problem.sort_key)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        count = len(self.problems)
        if count == 0:
            return "invalid configuration"
        file = self.problems[0].file
        header = f"{file}: {count} problem{'s' if count != 1 else ''}"
        return "\n".join([header, *(p.format() for p in self.problems)])
