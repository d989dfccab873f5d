"""A small catalog written straight into a registry folder (documents and bundles, no lint gate).

A registry is untrusted input, so the site must cope with what no publish of ours would write
(hostile markup, links out of the skill): the skills here go in the way any tool could put them.
Each write goes through `update_derived`, the path a publish takes, so the site is built
incrementally, one skill at a time.
"""

from __future__ import annotations

from pathlib import Path

from skillreg.bundle.pack import BundleFile, build_bundle
from skillreg.core.jsonio import dump_json
from skillreg.registry.derived import update_derived
from skillreg.registry.edit import add_version, set_deprecated, set_yanked
from skillreg.registry.model import ROOT_FILE, RegistryRoot, VersionEntry
from skillreg.registry.store import FolderRegistry

FIXTURES = Path(__file__).parent / "fixtures" / "site"
PUBLISHED = "2026-03-04T05:06:07Z"


def skill_md(
    name: str,
    description: str,
    version: str = "1.0.0",
    facets: dict[str, str] | None = None,
    related: tuple[str, ...] = (),
    body: str = "",
) -> str:
    meta = "".join(f"  {k}: {v}\n" for k, v in (facets or {}).items())
    text = (
        f'---\nname: {name}\ndescription: {description}\nmetadata:\n  version: "{version}"\n'
        f"{meta}---\n\n# {name}\n\n{body or 'A skill.'}\n\n"
        "## When to Apply\n\n- When the task needs it\n\n## Core Competencies\n\n- One thing\n"
    )
    if related:
        text += "\n## Related Skills\n\n" + "".join(f"- `{r}` - a neighbour\n" for r in related)
    return text


def put(
    root: Path,
    name: str,
    text: str,
    version: str = "1.0.0",
    related: tuple[str, ...] = (),
    extra: dict[str, bytes] | None = None,
) -> list[str]:
    """Add `name@version` with SKILL.md `text` (and `extra` files); the derived paths written."""
    reg = FolderRegistry(root)
    if not reg.exists():
        root.mkdir(parents=True, exist_ok=True)
        (root / ROOT_FILE).write_bytes(
            dump_json(RegistryRoot(format="skillreg-registry").model_dump(mode="json"))
        )
    files = [BundleFile("SKILL.md", text.encode())]
    files += [BundleFile(path, data) for path, data in sorted((extra or {}).items())]
    bundle = build_bundle(name, version, files)
    reg.write_blob(bundle.data, bundle.sha256)
    description = text.split("description: ", 1)[1].split("\n", 1)[0]
    entry = VersionEntry(
        sha256=bundle.sha256,
        size=bundle.size,
        tar_sha256=bundle.tar_sha256,
        tar_size=bundle.tar_size,
        description=description,
        related=list(related),
        published=PUBLISHED,
    )
    reg.update_doc(name, lambda doc: add_version(doc, name, version, entry))
    return update_derived(reg, [name])


def yank(root: Path, name: str, version: str, reason: str) -> None:
    reg = FolderRegistry(root)
    reg.update_doc(
        name, lambda doc: None if doc is None else set_yanked(version, True, reason)(doc)
    )
    update_derived(reg, [name])


def deprecate(root: Path, name: str, message: str) -> None:
    reg = FolderRegistry(root)
    reg.update_doc(name, lambda doc: None if doc is None else set_deprecated(message, False)(doc))
    update_derived(reg, [name])


PLATFORM = {"tier": "platform", "council": "infra-council", "category": "operations"}
DATA = {"tier": "data", "council": "data-council", "category": "databases"}


def demo_catalog(root: Path) -> Path:
    """Five skills covering what the pages show, plus the XSS lab; returns `root`."""
    put(
        root,
        "helm-charts",
        skill_md("helm-charts", "Package applications as Helm charts", facets=PLATFORM),
    )
    put(
        root,
        "kubernetes-operator",
        skill_md(
            "kubernetes-operator",
            "Operate Kubernetes clusters with operators and controllers",
            facets=PLATFORM,
            related=("helm-charts",),
        ),
        related=("helm-charts",),
    )
    put(
        root,
        "postgres-tuning",
        skill_md("postgres-tuning", "Tune PostgreSQL queries, indexes and vacuum", facets=DATA),
    )
    text = skill_md("postgres-tuning", "Tune PostgreSQL queries, indexes and vacuum", "1.1.0", DATA)
    put(root, "postgres-tuning", text, "1.1.0")
    yank(root, "postgres-tuning", "1.1.0", "corrupt index advice")
    put(root, "legacy-deployer", skill_md("legacy-deployer", "Deploy with shell scripts over ssh"))
    deprecate(root, "legacy-deployer", "use kubernetes-operator")
    lab = FIXTURES / "xss-lab"
    put(
        root,
        "xss-lab",
        (lab / "SKILL.md").read_text(),
        extra={"references/notes.md": (lab / "references" / "notes.md").read_bytes()},
    )
    return root
