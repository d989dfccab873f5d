"""Registry tokens, each scoped to one origin (scheme://host:port).

A lockfile or a project config is often written by someone else; a registry they name must never
receive the user's token unless the user mapped that origin to it. So:

- ``$SKILL_REGISTRY_TOKEN`` goes only to the origin of the registry the user chose for this run
  (``--registry``, else ``$SKILL_REGISTRY``);
- ``[install] token`` in the user config goes only to the origin of that file's own
  ``[install] registry``;
- ``[install.tokens]`` in the user config maps origins to tokens (``"https://skills.example.com" =
  "..."``). The project config is never read for tokens.

`skillreg.registry.http` refuses to send any of them over plain http except to a loopback host.
"""

from __future__ import annotations

import os

from skillreg.core.config import REGISTRY_ENV, TOKEN_ENV, ConfigFile, load_user_config
from skillreg.core.errors import ConfigError
from skillreg.registry.http import origin_of


def registry_tokens(explicit: str | None) -> dict[str, str]:
    """Origin -> token for this run; `explicit` is the ``--registry`` value (None if not given)."""
    config = load_user_config()
    section = config.section("install")
    tokens = _mapped(config, section.get("tokens"))
    own = section.get("token")
    if own is not None:
        if not isinstance(own, str):
            raise ConfigError(f"{config.path}: [install] token must be a string", path=config.path)
        registry = section.get("registry")
        where = origin_of(registry) if isinstance(registry, str) else None
        if own and where is not None:
            tokens.setdefault(where, own)
    chosen = explicit or os.environ.get(REGISTRY_ENV)
    where = origin_of(chosen) if chosen else None
    if os.environ.get(TOKEN_ENV) and where is not None:
        tokens[where] = os.environ[TOKEN_ENV]
    return tokens


def _mapped(config: ConfigFile, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{config.path}: [install.tokens] must be a table", path=config.path)
    tokens: dict[str, str] = {}
    for key, token in value.items():
        where = origin_of(key)
        if where is None or _has_path(key):
            raise ConfigError(
                f"{config.path}: [install.tokens] key {key!r} must be an origin such as"
                " 'https://skills.example.com'",
                path=config.path,
            )
        if not isinstance(token, str):
            raise ConfigError(
                f"{config.path}: [install.tokens] {key!r} must be a string", path=config.path
            )
        if token:
            tokens[where] = token
    return tokens


def _has_path(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path not in ("", "/") or bool(parts.query or parts.fragment or parts.username)
