"""A progress bar on a terminal for long jobs; silent when stderr is not a TTY."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None, minimum: int = 1) -> None:
        self.label, self.minimum = label, minimum
        self.stream = stream or sys.stderr
        self.total = self.done = 0
        self.enabled = False

    def start(self, total: int) -> None:
        """Draw from now on, if there are at least `minimum` steps and a terminal to see it."""
        self.total, self.done = total, 0
        self.enabled = self.stream.isatty() and total >= max(self.minimum, 1)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.enabled and (self.done % 50 == 0 or self.done >= self.total):
            filled = int(WIDTH * min(self.done, self.total) / self.total)
            bar = "#" * filled + "-" * (WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + WIDTH + 30) + "\r")
            self.stream.flush()
