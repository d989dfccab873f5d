"""Skill names: the one rule for a name that can be published, installed and used as a folder.

The Agent Skills spec lets a name hold any lowercase Unicode letter (lint checks that rule, with
NFKC normalisation, in `skillreg.lint.field_rules`); registries, lockfiles and install folders take
the portable subset: lowercase ASCII letters and digits in hyphen-separated runs, 64 at most.
"""

from __future__ import annotations

import re

MAX_NAME = 64
NAME_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_NAME = re.compile(NAME_PATTERN)
RULE = f"1-{MAX_NAME} lowercase ASCII letters and digits, single hyphens between them"


def is_skill_name(text: str) -> bool:
    """True for a name a registry can hold (never a path: no `/`, `.`, or `..`)."""
    return len(text) <= MAX_NAME and _NAME.fullmatch(text) is not None
