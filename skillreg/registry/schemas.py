"""JSON Schemas of the files we write, generated from the pydantic twins of the records
in `model` (`model_twin`) and `skillreg.bundle.manifest` (`manifest_twin`).

``python -m skillreg.registry.schemas [FOLDER]`` rewrites them (default: ``schema/``); a test
fails when the committed files and the models drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import BaseModel

from skillreg.bundle.manifest_twin import BundleManifest
from skillreg.core.jsonio import dump_json
from skillreg.registry.model_twin import (
    Catalog,
    CatalogShard,
    RegistryRoot,
    SearchShard,
    SkillDocument,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS: dict[str, type[BaseModel]] = {
    "registry-root.schema.json": RegistryRoot,
    "registry-skill.schema.json": SkillDocument,
    "registry-catalog.schema.json": Catalog,
    "registry-catalog-shard.schema.json": CatalogShard,
    "registry-search-shard.schema.json": SearchShard,
    "bundle-manifest.schema.json": BundleManifest,
}


def generate() -> dict[str, bytes]:
    """File name -> schema bytes, in the same JSON spelling as every file we write."""
    out = {}
    for filename, model in SCHEMAS.items():
        schema = {"$schema": DIALECT, **model.model_json_schema(mode="validation")}
        out[filename] = dump_json(schema)
    return out


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, data in generate().items():
        path = folder / filename
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "schema")):
        print(f"wrote {path}")
