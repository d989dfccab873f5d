"""Checking frontmatter values against a profile's JSON Schema (2020-12).

Two engines give the same `SchemaError` values. `jsonschema` is the reference, but importing it
costs ~80 ms and building a validator more, which alone would break the lint speed budget. Profile
schemas use a small set of keywords, so `compile_checker` interprets that subset directly and falls
back to a (cached) jsonschema validator whenever a schema uses anything else. A test checks that
both engines agree on the corpus and on every lint case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple

Path_ = tuple[str | int, ...]


class SchemaError(NamedTuple):
    """One violated keyword; `field` names the missing or unknown key, when there is one."""

    path: Path_  # the value's location (the parent object's for required/additionalProperties)
    keyword: str
    schema: Mapping[str, Any]  # the subschema holding `keyword`
    instance: Any
    field: str | None = None


Checker = Callable[[Any], list[SchemaError]]
_MAX_REF_HOPS = 64

_SUPPORTED = frozenset(
    {
        "$schema", "$id", "$comment", "$defs", "$ref", "title", "description", "examples",
        "default", "x-codes", "x-messages", "type", "properties", "required",
        "additionalProperties", "patternProperties", "minLength", "maxLength", "pattern", "enum",
        "const", "items", "minItems", "maxItems", "allOf",
    }
)  # fmt: skip
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


def compile_checker(schema: Mapping[str, Any]) -> Checker:
    """A checker for `schema`: the built-in subset interpreter when it suffices, else jsonschema."""
    return compiled(json.dumps(schema, sort_keys=True))


@cache
def compiled(key: str) -> Checker:
    """The checker for a schema given as canonical JSON (cached: build once per process)."""
    schema = json.loads(key)
    if _only_supported(schema):
        return lambda instance: _Subset(schema).run(instance)
    return _jsonschema_checker(schema)


def _only_supported(schema: Any) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not set(schema) <= _SUPPORTED:
        return False
    if "$ref" in schema and not str(schema["$ref"]).startswith("#/$defs/"):
        return False
    children: list[Any] = []
    for word in ("properties", "patternProperties", "$defs"):
        children.extend(schema.get(word, {}).values())
    for word in ("additionalProperties", "items"):
        if word in schema:
            children.append(schema[word])
    children.extend(schema.get("allOf", []))
    return all(_only_supported(child) for child in children)


class _Subset:
    """Interprets the supported keywords with jsonschema's semantics (errors in keyword order)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema
        self.errors: list[SchemaError] = []

    def run(self, instance: Any) -> list[SchemaError]:
        self.check(self.root, self.root, instance, ())
        return self.errors

    def check(
        self, schema: Any, root: dict[str, Any], value: Any, path: Path_, hops: int = 0
    ) -> None:
        if schema is True or hops > _MAX_REF_HOPS:  # a `$ref` cycle that consumes no input
            return
        if schema is False:
            self.errors.append(SchemaError(path, "false", {}, value))
            return
        if "$id" in schema:
            root = schema
        if "$ref" in schema:
            target = root.get("$defs", {}).get(schema["$ref"].rsplit("/", 1)[-1], True)
            self.check(target, root, value, path, hops + 1)
        for sub in schema.get("allOf", ()):
            self.check(sub, root, value, path)
        expected = schema.get("type")
        if expected is not None:
            names = [expected] if isinstance(expected, str) else expected
            if not any(_TYPES[name](value) for name in names if name in _TYPES):
                self.errors.append(SchemaError(path, "type", schema, value))
        if isinstance(value, str):
            self._string(schema, value, path)
        elif isinstance(value, dict):
            self._object(schema, root, value, path)
        elif isinstance(value, list):
            self._array(schema, root, value, path)
        if "enum" in schema and not any(_equal(value, item) for item in schema["enum"]):
            self.errors.append(SchemaError(path, "enum", schema, value))
        if "const" in schema and not _equal(value, schema["const"]):
            self.errors.append(SchemaError(path, "const", schema, value))

    def _string(self, schema: Mapping[str, Any], value: str, path: Path_) -> None:
        if "minLength" in schema and len(value) < schema["minLength"]:
            self.errors.append(SchemaError(path, "minLength", schema, value))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self.errors.append(SchemaError(path, "maxLength", schema, value))
        if "pattern" in schema and not _regex(schema["pattern"]).search(value):
            self.errors.append(SchemaError(path, "pattern", schema, value))

    def _object(self, schema: Mapping[str, Any], root: dict[str, Any], value: dict[str, Any],
                path: Path_) -> None:  # fmt: skip
        for name in schema.get("required", ()):
            if name not in value:
                self.errors.append(SchemaError(path, "required", schema, value, name))
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            matched = key in props
            if matched:
                self.check(props[key], root, item, (*path, key))
            for pattern, sub in patterns.items():
                if _regex(pattern).search(key):
                    matched = True
                    self.check(sub, root, item, (*path, key))
            if not matched and extra is False:
                self.errors.append(SchemaError(path, "additionalProperties", schema, value, key))
            elif not matched:
                self.check(extra, root, item, (*path, key))

    def _array(self, schema: Mapping[str, Any], root: dict[str, Any], value: list[Any],
               path: Path_) -> None:  # fmt: skip
        if "minItems" in schema and len(value) < schema["minItems"]:
            self.errors.append(SchemaError(path, "minItems", schema, value))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            self.errors.append(SchemaError(path, "maxItems", schema, value))
        if "items" in schema:
            for index, item in enumerate(value):
                self.check(schema["items"], root, item, (*path, index))


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _jsonschema_checker(schema: dict[str, Any]) -> Checker:
    import jsonschema  # no stubs installed

    validator = jsonschema.Draft202012Validator(schema)

    def check(instance: Any) -> list[SchemaError]:
        try:
            return [item for error in validator.iter_errors(instance) for item in _convert(error)]
        except RecursionError:  # a `$ref` cycle in a user's profile
            return [SchemaError((), "$ref", {}, instance)]

    return check


def _convert(error: Any) -> list[SchemaError]:
    """jsonschema's error as `SchemaError`s: one per missing or unknown key."""
    path = tuple(error.absolute_path)
    schema, instance, keyword = error.schema, error.instance, str(error.validator)
    if keyword == "required" and isinstance(instance, dict):  # one error per missing name
        missing = [n for n in schema["required"] if n not in instance]
        name = next((n for n in missing if error.message.startswith(repr(n))), None)
        return [SchemaError(path, keyword, schema, instance, name)]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        return [
            SchemaError(path, keyword, schema, instance, key)
            for key in instance
            if key not in props and not any(re.search(p, key) for p in patterns)
        ]
    return [SchemaError(path, keyword, schema, instance)]


def regex_problem(schema: Any) -> str | None:
    """The first `pattern` or `patternProperties` key in `schema` that is not a valid regex.

    JSON Schema meta-validation does not check regexes, and one that does not compile would
    otherwise fail at lint time.
    """
    if isinstance(schema, list):
        return next((p for item in schema if (p := regex_problem(item))), None)
    if not isinstance(schema, dict):
        return None
    candidates = list(schema.get("patternProperties", {}) or {})
    if isinstance(schema.get("pattern"), str):
        candidates.append(schema["pattern"])
    for pattern in candidates:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regular expression {pattern!r}: {exc}"
    return next((p for value in schema.values() if (p := regex_problem(value))), None)


def jsonschema_errors(schema: Mapping[str, Any], instance: Any) -> list[SchemaError]:
    """The reference engine's verdict (used by tests to check the subset interpreter)."""
    return _jsonschema_checker(dict(schema))(instance)
