"""Records: frozen value objects that read and write a file format without importing pydantic.

Importing pydantic and building a model's validator costs more than everything else a cold
`skill install` does, so the formats on that path (the lockfile, the registry's documents, the
bundle manifest) are records: a small frozen class per format object, whose fields carry a
plain-Python check. Each record names its *twin*, the pydantic model that defines the format
(its JSON Schema is generated from the twin) and words its errors.

`model_validate_json` tries the plain checks first; they accept only input the twin accepts
unchanged (right JSON types, no coercion, ASCII for patterned text, no duplicate keys, ...).
Anything else goes to the twin: it raises pydantic's `ValidationError` exactly as before, or
accepts (a lax model coercing, say, ``"3"`` to 3), and the record is made from its result. So a
valid document costs a `json.loads` and a few comparisons, and an invalid one the same error,
word for word, as a pydantic model would give. `tests/test_record.py` checks each record
against its twin on valid, mutated and hostile documents.

The part of pydantic's model API the code uses is here with the same meaning: keyword
construction (validated the same way), `model_validate`, `model_validate_json`, `model_dump`
(`mode`, `exclude`, `exclude_none`), `model_dump_json`, `model_copy(update=...)` (not validated,
as in pydantic).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, dataclass_transform

#: Integers outside this range are left to the twin, whose limits are its own.
_INT_LIMIT = 2**63


class Reject(Exception):
    """Raised by a check: the plain path cannot vouch for this value; ask the twin."""


def validation_error() -> type[ValueError]:
    """pydantic's `ValidationError`, for an ``except`` clause, without importing pydantic.

    An ``except`` expression is evaluated only when an exception reaches it: if pydantic is not
    loaded by then, nothing raised a `ValidationError`, and a class nothing raises will do.
    """
    module = sys.modules.get("pydantic_core")
    error: type[ValueError] = module.ValidationError if module is not None else _NeverRaised
    return error


class _NeverRaised(ValueError):
    pass


# --- field checks ---------------------------------------------------------------------------


class Check:
    """A field's check: `__call__` validates a value (or raises `Reject`); `build` rebuilds the
    nested records in a value the twin has already validated."""

    def __call__(self, value: Any) -> Any:
        raise NotImplementedError

    def build(self, value: Any) -> Any:
        return value


class Text(Check):
    """A JSON string; with `pattern`, ASCII and matching it whole (as pydantic's regex does)."""

    def __init__(self, pattern: str | None = None, *, max_length: int | None = None) -> None:
        self.pattern, self.max_length = pattern, max_length
        self._compiled: re.Pattern[str] | None = None  # on first use: start-up pays for none

    def __call__(self, value: Any) -> Any:
        if type(value) is not str or (self.max_length is not None and len(value) > self.max_length):
            raise Reject
        if self.pattern is not None:
            if self._compiled is None:
                self._compiled = re.compile(self.pattern)
            if not value.isascii() or self._compiled.fullmatch(value) is None:
                raise Reject
        elif not value.isascii():
            try:
                value.encode("utf-8")  # a lone surrogate from a JSON escape: the twin's business
            except UnicodeEncodeError:
                raise Reject from None
        return value


class Integer(Check):
    def __init__(self, *, ge: int | None = None, le: int | None = None) -> None:
        self.ge, self.le = ge, le

    def __call__(self, value: Any) -> Any:
        if type(value) is not int or not -_INT_LIMIT < value < _INT_LIMIT:
            raise Reject
        if (self.ge is not None and value < self.ge) or (self.le is not None and value > self.le):
            raise Reject
        return value


class Boolean(Check):
    def __call__(self, value: Any) -> Any:
        if type(value) is not bool:
            raise Reject
        return value


class OneOf(Check):
    def __init__(self, *allowed: str | int) -> None:
        self.allowed = allowed

    def __call__(self, value: Any) -> Any:
        if type(value) not in (str, int) or value not in self.allowed:
            raise Reject
        return value


class OrNone(Check):
    def __init__(self, inner: Check) -> None:
        self.inner = inner

    def __call__(self, value: Any) -> Any:
        return None if value is None else self.inner(value)

    def build(self, value: Any) -> Any:
        return None if value is None else self.inner.build(value)


class ListOf(Check):
    def __init__(self, item: Check) -> None:
        self.item = item

    def __call__(self, value: Any) -> Any:
        if type(value) is not list:
            raise Reject
        return [self.item(one) for one in value]

    def build(self, value: Any) -> Any:
        return [self.item.build(one) for one in value]


class DictOf(Check):
    def __init__(self, key: Check, item: Check, *, max_length: int | None = None) -> None:
        self.key, self.item, self.max_length = key, item, max_length

    def __call__(self, value: Any) -> Any:
        if type(value) is not dict or (
            self.max_length is not None and len(value) > self.max_length
        ):
            raise Reject
        return {self.key(k): self.item(v) for k, v in value.items()}

    def build(self, value: Any) -> Any:
        return {k: self.item.build(v) for k, v in value.items()}


class Nested(Check):
    def __init__(self, record: Callable[[], type[Record]]) -> None:
        self.record = record  # a function, so a record can name one defined after it

    def __call__(self, value: Any) -> Any:
        record = self.record()
        if isinstance(value, record):
            return value
        if type(value) is not dict:
            raise Reject
        return record._from_plain(value)

    def build(self, value: Any) -> Any:
        return self.record()._make_from_json(value)


_MISSING: Any = object()


class Field:
    """One field of a record: its name, check, default or default factory."""

    __slots__ = ("check", "default", "factory", "name", "omit_none")

    def __init__(self, check: Check, default: Any, factory: Any, omit_none: bool) -> None:
        self.name = ""
        self.check, self.default, self.factory, self.omit_none = check, default, factory, omit_none

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.factory is None

    def initial(self) -> Any:
        return self.factory() if self.factory is not None else self.default


def field(
    check: Check,
    *,
    default: Any = _MISSING,
    factory: Any = None,
    omit_none: bool = False,
) -> Any:
    """A record field: its check, its default (or `factory`), and `omit_none` (pydantic's
    ``exclude_if=lambda value: value is None``: left out of every dump while None)."""
    return Field(check, default, factory, omit_none)


# --- the base -------------------------------------------------------------------------------


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Record:
    """Base of the records: frozen, keyword-constructed objects whose fields are `field(check)`
    class attributes, like a frozen keyword-only dataclass. (Not `dataclasses` itself: making a
    dataclass execs generated code, about a millisecond per class at start-up.)

    A subclass sets `TWIN`; its fields come after those of the record it extends."""

    #: "module:Class" of the pydantic model this record mirrors.
    TWIN: ClassVar[str] = ""
    _FIELDS: ClassVar[tuple[Field, ...]] = ()
    _NAMES: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {f.name: f for f in cls._FIELDS}
        for name, spec in list(cls.__dict__.items()):  # in the order of the class body
            if isinstance(spec, Field):
                spec.name = name
                fields[name] = spec
                delattr(cls, name)  # the value lives on the instance
        cls._FIELDS = tuple(fields.values())
        cls._NAMES = frozenset(fields)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - self._NAMES
        if unknown:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword {min(unknown)!r}")
        plain = {}
        for f in self._FIELDS:
            if f.name in values:
                plain[f.name] = values[f.name]
            elif f.required:
                raise TypeError(f"{type(self).__name__}() missing keyword argument {f.name!r}")
            else:
                plain[f.name] = f.initial()
        # Construction validates (and the model validators run), as a pydantic model's does.
        try:
            self.__dict__.update(self._checked(plain))
            self._finish()
        except Reject:
            model = self.twin().model_validate(_plain(plain))
            self.__dict__.update(self._make_from_json(model.model_dump(mode="json")).__dict__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__[f.name] for f in self._FIELDS))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={self.__dict__[f.name]!r}" for f in self._FIELDS)
        return f"{type(self).__name__}({shown})"

    @classmethod
    def twin(cls) -> Any:
        """The pydantic model (imported now: pydantic is loaded only when it is needed)."""
        module, _, name = cls.TWIN.partition(":")
        return getattr(importlib.import_module(module), name)

    def _finish(self) -> None:
        """Checks across fields (the twin's validators): raise `Reject` to leave the value to
        the twin; may set a field to its normal form (in ``self.__dict__``)."""

    @classmethod
    def _checked(cls, plain: Mapping[str, Any]) -> dict[str, Any]:
        return {f.name: f.check(plain[f.name]) for f in cls._FIELDS if f.name in plain}

    @classmethod
    def _from_plain(cls, plain: Mapping[str, Any]) -> Self:
        """A record from JSON-shaped data, or `Reject`."""
        if not cls._NAMES.issuperset(plain):
            raise Reject  # extra="forbid"
        if any(f.required and f.name not in plain for f in cls._FIELDS):
            raise Reject  # a required field is missing
        record = cls._make(cls._checked(plain))
        record._finish()
        return record

    @classmethod
    def _make(cls, values: Mapping[str, Any]) -> Self:
        """An instance of checked values (defaults for the rest), not checked again."""
        record = cls.__new__(cls)
        record.__dict__.update(
            {f.name: values[f.name] if f.name in values else f.initial() for f in cls._FIELDS}
        )
        return record

    @classmethod
    def _make_from_json(cls, data: Mapping[str, Any]) -> Self:
        """A record of data the twin has validated and dumped: nested records rebuilt, no checks."""
        return cls._make(
            {f.name: f.check.build(data[f.name]) for f in cls._FIELDS if f.name in data}
        )

    # --- pydantic's API, the part the code uses ---

    @classmethod
    def model_validate_json(cls, data: str | bytes | bytearray) -> Self:
        try:
            plain = json.loads(
                data if isinstance(data, str) else bytes(data).decode("utf-8"),
                object_pairs_hook=_no_duplicates,
            )
            if type(plain) is not dict:
                raise Reject
            return cls._from_plain(plain)
        except (Reject, ValueError, RecursionError):
            model = cls.twin().model_validate_json(data)
            return cls._make_from_json(model.model_dump(mode="json"))

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        if isinstance(data, cls):
            return data
        try:
            if type(data) is not dict:
                raise Reject
            return cls._from_plain(data)
        except Reject:
            model = cls.twin().model_validate(_plain(data))
            return cls._make_from_json(model.model_dump(mode="json"))

    def model_dump(
        self, *, mode: str = "python", exclude: set[str] | None = None, exclude_none: bool = False
    ) -> dict[str, Any]:
        """The fields in order, nested records as dicts (`mode` is accepted for pydantic's
        sake: every value is already JSON's)."""
        out: dict[str, Any] = {}
        for f in self._FIELDS:
            if exclude and f.name in exclude:
                continue
            value = self.__dict__[f.name]
            if value is None and (exclude_none or f.omit_none):
                continue
            out[f.name] = _dump(value, exclude_none)
        return out

    def model_dump_json(self, *, indent: int | None = None, exclude_none: bool = False) -> str:
        """As pydantic writes it: compact, or indented with `indent`; UTF-8, not escaped."""
        separators = (",", ":") if indent is None else (",", ": ")
        data = self.model_dump(mode="json", exclude_none=exclude_none)
        return json.dumps(data, indent=indent, ensure_ascii=False, separators=separators)

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with `update` applied, unvalidated (as pydantic's `model_copy`)."""
        copy = self.__class__.__new__(self.__class__)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(update or {})
        return copy


def _dump(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(exclude_none=exclude_none)
    if type(value) is list:
        return [_dump(one, exclude_none) for one in value]
    if type(value) is dict:
        return {k: _dump(v, exclude_none) for k, v in value.items()}
    return value


def _plain(data: Any) -> Any:
    """`data` for the twin: records inside it as plain data (pydantic validates those alike)."""
    if isinstance(data, Record):
        return data.model_dump()
    if isinstance(data, list):
        return [_plain(one) for one in data]
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise Reject  # which one wins is the twin's rule
    return out
