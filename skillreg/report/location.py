"""Where a finding is, as each format must say it: a display path or a SARIF artifact URI."""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from urllib.parse import quote


class Locator:
    """Turns reported paths into display paths and URIs for one render.

    Relative paths are taken from the current folder, read once here; each distinct path is
    resolved once, since a report repeats the same few paths many times.
    """

    def __init__(self, root: Path | None) -> None:
        self._cwd = os.getcwd()
        self._root = self._absolute(os.fspath(root)) if root is not None else None
        self._relative: dict[str, str | None] = {}

    def _absolute(self, path: str) -> str:
        # normpath also folds `..`, so `skills/../x` is judged by where it really points.
        return os.path.normpath(os.path.join(self._cwd, path))

    def relative(self, path: str) -> str | None:
        """`path` under the root with forward slashes; None when outside it or without a root."""
        if path in self._relative:
            return self._relative[path]
        result = None
        if self._root is not None:
            absolute = self._absolute(path)
            prefix = self._root.rstrip(os.sep) + os.sep
            if absolute == self._root:
                result = "."
            elif absolute.startswith(prefix):
                result = PurePath(absolute[len(prefix) :]).as_posix()
        self._relative[path] = result
        return result

    def display(self, path: str) -> str:
        """The path users see: relative to the root when under it, else as the linter gave it."""
        relative = self.relative(path)
        return relative if relative is not None else PurePath(path).as_posix()

    def uri(self, path: str) -> str:
        """A SARIF `artifactLocation.uri`: a percent-encoded relative reference when possible.

        GitHub code scanning resolves relative URIs against the repository root, so a path
        under the root (or any relative path when there is no root) becomes `dir/SKILL.md`;
        anything else becomes an absolute `file://` URI, which is honest even if code scanning
        cannot place it.
        """
        relative = self.relative(path)
        if relative is None and self._root is None and not os.path.isabs(path):
            relative = PurePath(path).as_posix()
        if relative is not None:
            # Only `/` stays literal: space, `%`, `#`, `?`, `:` and non-ASCII are escaped (UTF-8).
            return quote(relative, safe="/")
        return Path(self._absolute(path)).as_uri()
