"""Regular expressions compiled on first use, not at import.

A module-level ``re.compile`` runs on every start-up, for every verb, whether or not the pattern
is ever matched; the audit's scanners alone hold dozens, most of which a typical skill never
reaches (each is tried only on lines where its anchor words occur). `lazy` returns a stand-in
that compiles on the first attribute access and then keeps the compiled pattern's methods on
itself, so later calls cost what calling the pattern costs.
"""

from __future__ import annotations

import re
from typing import Any, cast, overload


class _Lazy:
    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self._source, self._flags)
        for method in ("finditer", "search", "match", "fullmatch", "sub", "subn", "findall"):
            self.__dict__[method] = getattr(compiled, method)
        self.__dict__["compiled"] = compiled
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r})"


@overload
def lazy(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]: ...
@overload
def lazy(source: bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[bytes]: ...


def lazy(source: str | bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[Any]:
    """`re.compile(source, flags)`, done when the pattern is first used."""
    return cast("re.Pattern[Any]", _Lazy(source, int(flags)))
