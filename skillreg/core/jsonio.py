"""The one JSON spelling for the files skillreg writes: sorted keys, 2-space indent, UTF-8 text
(not ``\\u`` escapes), a final newline. Same value, same bytes: registries and locks diff cleanly
and rebuild byte-identically."""

from __future__ import annotations

import json


def dump_json(value: object) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
