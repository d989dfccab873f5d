"""Linting skills: options in, a report of findings out (`run_lint`).

The engine lives in `skillreg.lint.runner`; rules in `field_rules`, `body_rules`, `schema_rules`;
their catalogue in `catalog`; profiles in `profiles`; config in `settings`; `skill init`'s
scaffold, which must pass the profile, in `scaffold`.

May import `collection`, `skill` and `core`; never a registry, the network or install: a registry
named for lint is read by a `registry_names.NamesReader` the caller passes in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skillreg.lint.model import LintOptions, LintReport
    from skillreg.lint.runner import run_lint

__all__ = ["LintOptions", "LintReport", "run_lint"]


def __getattr__(name: str) -> Any:
    """The engine is imported on first use, not with the package: `skill init` (`scaffold`),
    publish and index import modules of this package without running the linter (~60 ms)."""
    if name == "run_lint":
        from skillreg.lint.runner import run_lint

        return run_lint
    if name in ("LintOptions", "LintReport"):
        from skillreg.lint import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
