""" "Did you mean": the known word closest to a mistyped one.

Distance is optimal string alignment (Levenshtein plus swapping two adjacent letters), because the
commonest slip is a swap: `lnit` is one step from `lint` and two from `list`, which a plain
similarity ratio ranks the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap adjacent) turning `a` into `b`."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to `word`, if it is near enough to be a slip (at most a third of the
    word's letters, and at least one, changed). Ties go to a choice with the same first letter
    (people rarely mistype the first one: `lnit` is `lint`, not `init`), then alphabetically."""
    limit = max(1, len(word) // 3)
    scored = sorted((distance(word, c), c[:1] != word[:1], c) for c in choices)
    if scored and scored[0][0] <= limit:
        return scored[0][2]
    return None
