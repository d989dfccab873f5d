"""`skill registry keygen|init|refresh|rotate`: signing a registry (TUF)."""

from __future__ import annotations

import os
from pathlib import Path

import click

_KEYS = click.option(
    "--keys",
    "keys",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Keys folder: root*.pem (offline), targets.pem, snapshot.pem, timestamp.pem.",
)


def _examples(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  skill registry {line}" for line in lines)


@click.command(epilog=_examples("keygen keys/root", "keygen keys/timestamp --encrypt"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--encrypt", is_flag=True, help="Encrypt with SKILL_SIGNING_PASSPHRASE (or a prompt)."
)
def keygen(path: Path, encrypt: bool) -> None:
    """Write a new ed25519 key to PATH (mode 0600) and PATH.pub; print its key id.

    Name keys after their role in a keys folder: root.pem, targets.pem, snapshot.pem,
    timestamp.pem (more root keys: root-2.pem ...).
    """
    from skillreg.registry.signing.keys import PASSPHRASE_ENV, generate_key

    secret = os.environ.get(PASSPHRASE_ENV) if encrypt else None
    if encrypt and not secret:
        secret = click.prompt("passphrase", hide_input=True, confirmation_prompt=True, err=True)
    click.echo(generate_key(path, secret.encode("utf-8") if secret else None))


@click.command(epilog=_examples("init ./site --sign --keys keys/"))
@click.argument("target", metavar="REGISTRY")
@click.option("--sign", is_flag=True, help="Sign it (TUF): needs --keys.")
@click.option(
    "--keys",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Keys folder (see `skill registry keygen`).",
)
@click.option(
    "--root-threshold",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Root keys that must sign a new root.",
)
@click.option(
    "--bins",
    type=click.Choice(["256", "512", "1024", "2048", "4096"]),
    default="1024",
    show_default=True,
    help="Hash bins the targets role delegates to.",
)
@click.option(
    "--expires",
    multiple=True,
    metavar="ROLE=DAYS",
    help="Expiry of a role's metadata (root, targets, bins, snapshot, timestamp).",
)
def init(
    target: str,
    sign: bool,
    keys: Path | None,
    root_threshold: int,
    bins: str,
    expires: tuple[str, ...],
) -> None:
    """Create a registry, or with --sign sign a new or existing one (every document in it)."""
    from skillreg.core.errors import UsageError
    from skillreg.registry.signing.create import InitOptions, init_signing
    from skillreg.registry.store import FolderRegistry, registry_folder

    reg = FolderRegistry(registry_folder(target))
    if not sign:
        click.echo(f"{reg.root}: {'created' if reg.ensure_root() else 'already a registry'}")
        return
    if keys is None:
        raise UsageError("--sign needs --keys DIR (make the keys with `skill registry keygen`)")
    options = InitOptions(keys, root_threshold, int(bins).bit_length() - 1, _days(expires))
    result = init_signing(reg, options)
    click.echo(f"signed {result.documents} document(s) into {result.bins} bins")
    for keyid in result.root_keyids:
        click.echo(f"root key {keyid}")
    click.echo("keep the root key(s) offline: publishing needs only targets, snapshot, timestamp")


def _days(values: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    from skillreg.core.errors import UsageError

    pairs = []
    for value in values:
        role, _, days = value.partition("=")
        if not days.isdigit():
            raise UsageError(f"--expires {value!r}: expected ROLE=DAYS, e.g. timestamp=1")
        pairs.append((role, int(days)))
    return tuple(pairs)


@click.command(
    epilog="\b\nExamples:\n  skill registry refresh ./site --keys keys/   # from cron, daily"
)
@click.argument("target", metavar="REGISTRY")
@_KEYS
def refresh(target: str, keys: Path) -> None:
    """Re-sign the timestamp (run it from cron well within its expiry), and any metadata
    that expires within 7 days."""
    from skillreg.registry.signing.writer import refresh as run
    from skillreg.registry.store import FolderRegistry, registry_folder

    for rel in run(FolderRegistry(registry_folder(target)), keys):
        click.echo(f"wrote {rel}")


@click.command(epilog=_examples("rotate ./site timestamp --keys keys/ --new-key keys/ts2.pem"))
@click.argument("target", metavar="REGISTRY")
@click.argument("role", type=click.Choice(["root", "targets", "snapshot", "timestamp"]))
@_KEYS
@click.option(
    "--new-key",
    "new_keys",
    multiple=True,
    required=True,
    metavar="PEM",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The role's new key(s).",
)
def rotate(target: str, role: str, keys: Path, new_keys: tuple[Path, ...]) -> None:
    """Replace ROLE's keys: a new root signed by the old root keys (and the new ones for root)."""
    from skillreg.registry.signing.rotate import rotate as run
    from skillreg.registry.store import FolderRegistry, registry_folder

    result = run(FolderRegistry(registry_folder(target)), role, keys, list(new_keys))
    click.echo(f"root version {result.root_version}: {role} key(s) {', '.join(result.new_keyids)}")
    click.echo(f"now replace the {role} key(s) in {keys} with the new one(s)")
