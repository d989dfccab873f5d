"""Look-alike names: two different skill names that read the same at a glance.

Both names are reduced to a skeleton (lower case, compatibility-normalised, confusable letters and
digits folded, separators dropped); names with equal skeletons imitate each other.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_FOLD = str.maketrans({
    "0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "5": "s", "3": "e", "4": "a", "8": "b",
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0456": "l", "\u0458": "j", "\u0455": "s", "\u03bf": "o", "\u03b1": "a",
    "\u03bd": "v", "\u03c1": "p", "\u0131": "l", "_": "", "-": "", ".": "",
})  # fmt: skip
_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("ll", "l"))


def skeleton(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).lower().translate(_FOLD)
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return text


def disguise(name: str) -> int:
    """How many of a name's characters are stand-ins (digits for letters, non-ASCII, rn for m):
    of two look-alikes, the one with more is the imitation."""
    folded = sum(1 for ch in name if ch in "0135|!48" or not ch.isascii())
    return folded + sum(name.count(pair) for pair, _ in _PAIRS)


def imitations(names: Iterable[str], known: Iterable[str]) -> dict[str, str]:
    """Each of `names` that reads like a different name of `names` or `known`, mapped to the
    name it imitates; of two names in `names`, only the more disguised one is reported (both
    when they are equally disguised)."""
    pool = sorted(set(names) | set(known))
    by_skeleton: dict[str, list[str]] = {}
    for name in pool:
        by_skeleton.setdefault(skeleton(name), []).append(name)
    found: dict[str, str] = {}
    for name in sorted(set(names)):
        others = [o for o in by_skeleton[skeleton(name)] if o != name]
        genuine = [o for o in others if disguise(o) <= disguise(name)]
        if genuine:
            found[name] = min(genuine, key=lambda o: (disguise(o), o))
    return found
