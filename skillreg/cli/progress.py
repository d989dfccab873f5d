"""Progress on long work, as uv shows it: a counter while it runs, one summary line at the end.

Only on a terminal (stderr), never under `-q`, never in a pipe or CI log: there the counter would
be noise and the summary a line that differs run to run. The counter is one line rewritten in
place (``\\r``), redrawn at most every 0.1 s so that a fast run costs nothing.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

#: `progress(done, total)`, called by library code as it works.
Progress = Callable[[int, int], None]

_REDRAW = 0.1


def shown(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


class Counter:
    """Counts `noun`s; `summary` is the final line ("Linted 6 skills in 0.31 s")."""

    def __init__(self, verb: str, noun: str) -> None:
        self.verb, self.noun = verb, noun
        self.started = time.perf_counter()
        self.done = 0
        self._drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        now = time.perf_counter()
        if now - self._drawn >= _REDRAW or done == total:
            self._drawn = now
            sys.stderr.write(f"\r\x1b[2K{_ing(self.verb)} {done}/{total} {self.noun}s")
            sys.stderr.flush()

    def phase(self, verb: str) -> None:
        """Count the next stage of the same work ("Packed", then "Stored"): drawn from 0."""
        self.verb, self._drawn = verb, 0.0

    def summary(self, count: int | None = None) -> str:
        n = self.done if count is None else count
        noun = self.noun if n == 1 else f"{self.noun}s"
        return f"{self.verb} {n} {noun} in {time.perf_counter() - self.started:.2f} s"


def _ing(verb: str) -> str:
    """ "Linted" -> "Linting", "Installed" -> "Installing", "Published" -> "Publishing"."""
    stem = verb[:-2] if verb.endswith("ed") else verb
    return f"{stem}ing"


@contextlib.contextmanager
def drawing(verb: str, noun: str, *, quiet: bool) -> Iterator[Progress | None]:
    """A counter for the block, erased after it; the caller prints its own summary."""
    if not shown(quiet):
        yield None
        return
    try:
        yield Counter(verb, noun)
    finally:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


@contextlib.contextmanager
def counter(verb: str, noun: str, *, quiet: bool) -> Iterator[Progress | None]:
    """A `Progress` for the block and its summary line after it, or None off a terminal."""
    if not shown(quiet):
        yield None
        return
    count = Counter(verb, noun)
    try:
        yield count
    finally:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
    sys.stderr.write(count.summary() + "\n")


def summary_line(verb: str, noun: str, count: int, started: float, *, quiet: bool) -> None:
    """Print "Installed 6 skills in 0.31 s" on a terminal (work done without a counter)."""
    if shown(quiet):
        words = noun if count == 1 else f"{noun}s"
        elapsed = time.perf_counter() - started
        sys.stderr.write(f"{verb} {count} {words} in {elapsed:.2f} s\n")
