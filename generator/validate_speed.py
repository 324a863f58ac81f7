"""The validator's speed-ups: openapi-spec-validator, found faster, with the same findings.

:mod:`generator.validate` says what a finding is and produces them with the library's own
validator; this module makes that validator find the same things faster. The one seam between
them is :func:`accelerated`: it takes the library's validator class (as :mod:`generator.validate`
sets it up) and the document, and yields a :class:`Run`: the class to validate with and the
document's node count.

Every speed-up reaches into the internals of openapi-spec-validator, openapi-schema-validator,
jsonschema, referencing, pathable or jsonschema-rs (each docstring below says why it finds the
same, with what it saves). Those libraries are pinned exactly in ``pyproject.toml``; before the
speed-ups are first used, :func:`generator.validator_internals.changed_internals` checks that each
internal they rely on is still there with the shape they expect. If one is not, validation uses
the library's own class (slower, same findings) and says so once (:class:`SpeedupsUnavailable`).
``tests/unit/test_validator_internals.py`` checks the installed versions pass, and
``tests/corpus/test_validator_findings.py`` that the findings are the library's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, Iterator


@dataclass(frozen=True)
class Run:
    """What :func:`accelerated` hands :mod:`generator.validate` for one validation run."""

    #: the class to validate the document with: a subclass of the library class that finds the
    #: same faster, or the library class itself (the speed-ups unavailable)
    validator_class: type
    #: the document's node count (mappings, sequences, keys and scalars; see :func:`_survey`),
    #: counted here on the walk that also tells whether jsonschema-rs may read the document (a
    #: second walk would cost 0.5 s on GitHub REST's document)
    nodes: int


@contextlib.contextmanager
def accelerated(library_class: type, data: Any, known_valid: set[str] | None = None) -> Iterator[Run]:
    """Speed up validating ``data`` with ``library_class`` (openapi-spec-validator's validator
    class, whose ``schema_validator`` is a Python ``jsonschema`` validator of the OpenAPI
    meta-schema) for the duration of the block.

    ``known_valid`` holds keys (:func:`schema_check_key`) of Schema Objects known to pass their
    dialect's meta-schema and of document units known to pass the OpenAPI meta-schema (from
    earlier runs, see :func:`_remembering_units`): those are not checked again; when the block
    ends (without an exception leaving it), the keys of those that passed in it are added.
    With the speed-ups unavailable (:func:`speedups_usable`) it yields ``library_class`` itself
    and adds nothing. The document is walked once here (:func:`_survey`); a document
    jsonschema-rs finds valid against the OpenAPI meta-schema gets a class without that pass
    (:func:`_meta_schema_valid_fast`).
    """
    nodes, plain = _survey(data)
    if not speedups_usable():
        yield Run(library_class, nodes)
        return
    cls = _fast_class(library_class, skip_meta_schema=plain and _meta_schema_valid_fast(data, library_class))
    _PLAIN_DOCUMENT[0] = plain
    _KNOWN_VALID.clear()
    _KNOWN_VALID.update(known_valid or ())
    yield Run(cls, nodes)
    if known_valid is not None:
        known_valid.update(_KNOWN_VALID)


def import_speedups() -> None:
    """Import what the speed-ups use beyond the validator itself (jsonschema-rs, when installed)."""
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:  # optional: only the pre-checks (see _meta_schema_valid_fast) need it
        pass


class SpeedupsUnavailable(RuntimeWarning):
    """Warned (once per process) when an internal the speed-ups rely on changed: validation then
    uses the library's own class, which finds the same, slower."""


@cache
def speedups_usable() -> bool:
    """Whether every internal the speed-ups rely on is as they expect
    (:func:`generator.validator_internals.changed_internals`, checked once per process); if not,
    warns :class:`SpeedupsUnavailable` naming each change."""
    from .validator_internals import changed_internals

    changed = changed_internals()
    if changed:
        warnings.warn(
            "the validator's speed-ups are off (validating with the library's own, slower code; "
            "same findings): internals they rely on changed: " + "; ".join(changed),
            SpeedupsUnavailable,
            stacklevel=2,
        )
    return not changed


#: Integers beyond this magnitude are not handed to jsonschema-rs (it may read them as floats).
_SAFE_INT = 2**53


def _survey(data: Any, cap: int = 10_000_000) -> tuple[int, bool]:
    """``(nodes, plain)`` of a loaded document in one walk: how many nodes it has (mappings,
    sequences, keys and scalars; the walk stops after about ``cap``, so shared or cyclic structures
    from YAML aliases are not walked forever), and whether it is made of exactly JSON's values
    (str-keyed dicts, lists, str, bool, int within +-2**53, finite float, None), which jsonschema-rs
    and jsonschema read the same way (both count ``5.0`` as an integer in draft 2020-12 and not in
    draft 4). A walk stopped at ``cap`` is not plain."""
    count, plain, stack = 0, True, [data]
    while stack and count < cap:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
            count += len(node)
            if plain and (type(node) is not dict or not all(type(key) is str for key in node)):
                plain = False
        elif isinstance(node, list):
            stack.extend(node)
            plain = plain and type(node) is list
        elif plain:
            plain = _plain_scalar(node)
    return count, plain and not stack


def _plain_scalar(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -_SAFE_INT < value < _SAFE_INT
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    return False


@cache
def _rs_meta_validator(library_class: Any) -> Any:
    """jsonschema-rs's validator of the OpenAPI meta-schema ``library_class`` checks documents
    against (the same schema the Python pass uses; no format checks, as there; offline), or None
    without jsonschema-rs."""
    try:
        import jsonschema_rs

        meta = dict(library_class.schema_validator.schema)
        return jsonschema_rs.validator_for(meta, validate_formats=False, offline=True)
    except Exception:  # not installed, or a version that cannot build it: the Python pass only
        return None


def _meta_schema_valid_fast(data: Any, library_class: Any) -> bool:
    """True when jsonschema-rs finds ``data`` (plain JSON values only: see :func:`_survey`) valid
    against the OpenAPI meta-schema (then the Python pass over the same meta-schema, which has
    nothing to report, is skipped: 9 s on GitHub REST's document against 0.03 s). False (run the
    Python pass) when it finds errors (their messages and places are the Python pass's to report)
    and when it fails. ``tests/corpus`` checks the findings stay those of the library on every
    corpus document."""
    return _rs_passes(_rs_meta_validator(library_class), data)


def _rs_passes(validator: Any, instance: Any) -> bool:
    """True when the jsonschema-rs ``validator`` (None: none built) finds ``instance`` valid; False
    when it finds errors or fails (then the Python check runs)."""
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(instance))
    except Exception:
        return False


class _NoErrors:
    """A meta-schema pass known to find nothing (see :func:`_meta_schema_valid_fast`)."""

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        return iter(())


@cache
def _fast_class(library_class: Any, skip_meta_schema: bool = False) -> type:
    """``library_class`` (openapi-spec-validator's validator, as :func:`accelerated` takes it) set
    up to find the same things faster. With ``skip_meta_schema`` its pass over the OpenAPI
    meta-schema is left out (the document is known to pass it).

    - the document is checked against the OpenAPI meta-schema with the Python ``jsonschema``
      engine, as by ``library_class``; jsonschema-rs only decides whether that pass may be
      skipped (:func:`_meta_schema_valid_fast`), and units of the document that passed it before
      are not checked again (:func:`_remembering_units`);
    - every JSON Schema validator it uses has its ``referencing`` registry crawled once (see
      :func:`_crawled`), and the meta-schema validator of each Schema Object dialect is built once
      instead of once per schema (:class:`_CachedSchemaChecks`);
    - the document's nodes are told apart from scalars without Python 3.11's slow runtime-protocol
      check (:func:`_answer_subscriptable_by_type`).
    """
    _answer_subscriptable_by_type()

    meta = library_class.schema_validator.schema
    schema_kw = library_class.keyword_validators["schema"]
    keyword_validators = {
        **library_class.keyword_validators,
        "schema": type(schema_kw.__name__, (_CachedSchemaChecks, schema_kw), {}),
    }
    crawled = _crawled(library_class.schema_validator)
    # built directly: evolve() would re-derive the library's class from the meta-schema's "$schema"
    schema_validator = _remembering_units(type(crawled), meta)(meta, _resolver=crawled._resolver)
    attrs = {
        "schema_validator": _NoErrors() if skip_meta_schema else schema_validator,
        "keyword_validators": keyword_validators,
    }
    return type(library_class.__name__, (library_class,), attrs)


#: Built-in types whose instances have no attributes of their own: whether such an instance has
#: the methods of a protocol depends on its type alone.
_PLAIN_TYPES = frozenset({dict, list, tuple, str, bytes, int, float, bool, type(None)})


def _answer_subscriptable_by_type() -> None:
    """Make pathable's ``isinstance(node, Subscriptable)`` (asked for every step the validator
    takes through the document) answer from the type for :data:`_PLAIN_TYPES`, which are what a
    loaded document is made of: the same answer as the runtime-checkable protocol gives (asked
    once per type), without its per-call walk over the protocol's members (``typing`` in 3.11),
    about a quarter of the validator's keyword checks. Other objects get the protocol's own check.
    Does nothing if pathable is laid out otherwise."""
    try:
        import pathable.accessors as accessors
        from pathable.protocols import Subscriptable
    except ImportError:  # pragma: no cover - another pathable layout: slower, same findings
        return
    if accessors.__dict__.get("Subscriptable") is not Subscriptable:
        return
    answers: dict[type, bool] = {}

    class _ByType(type):
        def __instancecheck__(cls, instance: Any) -> bool:
            kind = type(instance)
            if kind not in _PLAIN_TYPES:
                return isinstance(instance, Subscriptable)
            answer = answers.get(kind)
            if answer is None:
                answer = answers[kind] = isinstance(instance, Subscriptable)
            return answer

    accessors.Subscriptable = _ByType(  # type: ignore[misc, assignment]
        "Subscriptable", (), {"__doc__": Subscriptable.__doc__, "_protocol": Subscriptable}
    )


#: The OpenAPI meta-schema's definitions of the units of a document (path items, operations,
#: responses, parameters... and their "-or-reference" forms) whose passing checks are remembered.
_UNIT_DEFS = frozenset(
    "path-item pathitem operation response parameter request-body requestbody header example link "
    "callbacks callback security-scheme securityscheme media-type mediatype encoding schema".split()
)


def _is_unit(ref: str) -> bool:
    prefix, _, name = ref.rpartition("/")
    return prefix in ("#/$defs", "#/definitions") and name.lower().removesuffix("-or-reference") in _UNIT_DEFS


def _remembering_units(meta_cls: Any, meta_schema: dict[str, Any]) -> Any:
    """``meta_cls`` (the jsonschema validator class of the OpenAPI meta-schema ``meta_schema``)
    whose ``$ref`` keyword skips a unit of the document (see :data:`_UNIT_DEFS`) that passed the
    same check before: one changed operation re-checks its path item, not the whole document.

    The check of a unit is a pure function of the ``$ref`` and the unit's content: the
    meta-schema is one resource (its ``$dynamicRef`` s resolve the same from everywhere in it) and
    nothing is retrieved. Only passes are remembered (errors name their place); errors are yielded
    exactly as the library's keyword yields them, and so are the annotations that
    ``unevaluatedProperties`` reads (it walks the schemas, not this keyword).
    """
    from jsonschema.validators import extend

    original = meta_cls.VALIDATORS["$ref"]
    salt = f"meta {_meta_schema_id(meta_schema)} {meta_cls.__name__}"

    def ref(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not (isinstance(ref, str) and isinstance(instance, dict) and _is_unit(ref)):
            yield from original(validator, ref, instance, schema)
            return
        key = schema_check_key(f"{salt} {ref}", instance)
        if key in _KNOWN_VALID:
            return
        failed = False
        for error in original(validator, ref, instance, schema):
            failed = True
            yield error
        if not failed:
            _KNOWN_VALID.add(key)

    return extend(meta_cls, {"$ref": ref})


def _crawled(validator: Any) -> Any:
    """``validator`` (a ``jsonschema`` validator) with its ``referencing`` registry crawled.

    jsonschema resolves ``$dynamicRef``/anchors through a registry whose root schema is added
    uncrawled, and ``Registry.anchor`` crawls the whole registry again on every lookup it does not
    find: half of the validator's time on the Connect API. Crawling first gives the same lookups
    (the anchors a crawl finds), once. Anything unexpected keeps the validator as it was.
    """
    try:
        resolver = validator._resolver
        crawled = resolver._registry.crawl().resolver(base_uri=resolver._base_uri)
        return validator.evolve(_resolver=crawled)
    except Exception:  # pragma: no cover - another jsonschema/referencing layout: slower, same findings
        return validator


class _IdList(list):  # type: ignore[type-arg]
    """A list whose ``in`` is a set lookup: the library keeps the ids of the schemas it has visited
    in lists that it only appends to and asks ``in`` of, which is quadratic on large documents
    (20 of the 25 seconds of GitHub REST's keyword checks)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


class _CachedSchemaChecks:
    """Mixin for openapi-spec-validator's Schema Object keyword validator: the meta-schema check of
    each schema (``check_schema``, or openapi-schema-validator's ``check_openapi_schema``, of the
    dialect's validator class) uses one validator per dialect and format checker, built once with
    a crawled registry, and raises what those raise (the first error, as a ``SchemaError``); the
    visited-schema registries answer ``in`` from a set (:class:`_IdList`)."""

    def __init__(self, registry: Any) -> None:
        super().__init__(registry)  # type: ignore[call-arg]
        if isinstance(getattr(self, "visited_schema_ids", None), list):
            self.visited_schema_ids = _IdList()
        if isinstance(getattr(self, "meta_checked_schema_ids", None), list):
            self.meta_checked_schema_ids = _IdList()

    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Any:
        checker = super()._get_schema_checker(schema, schema_value)  # type: ignore[misc]
        func, kwargs = (
            (checker.func, checker.keywords) if isinstance(checker, partial) else (checker, {})
        )
        cls = getattr(func, "__self__", None)
        name = getattr(func, "__name__", "")
        if (
            name not in _META_CHECKS
            or not isinstance(cls, type)
            or set(kwargs) - {"format_checker"}
        ):
            return checker
        built = _meta_validator(cls, name, kwargs.get("format_checker", _UNSET))
        if built is None:
            return checker
        return partial(_check_schema, *built)


_UNSET = object()
#: The classmethods that check a schema against its dialect's meta-schema, which this module knows
#: how to build the validator of (jsonschema's and openapi-schema-validator's).
_META_CHECKS = ("check_schema", "check_openapi_schema")


@cache
def _meta_validator(cls: Any, name: str, format_checker: Any) -> tuple[Any, str, Any] | None:
    """The validator ``cls.<name>(schema, format_checker)`` builds for every call, built once, the
    salt of its checks' keys (:func:`schema_check_key`) and its jsonschema-rs twin
    (:func:`_rs_twin`, or None); None if it cannot be rebuilt the same way or its format checker
    cannot be described the same way in every process: then the library's own check is used, and
    nothing is remembered."""
    from jsonschema.validators import validator_for

    meta_cls: Any = validator_for(cls.META_SCHEMA, default=cls)
    if name == "check_openapi_schema":  # openapi_schema_validator.validators.check_openapi_schema
        try:
            from openapi_schema_validator._specifications import REGISTRY
        except ImportError:  # pragma: no cover - another openapi-schema-validator layout
            return None
        checker = cls.FORMAT_CHECKER if format_checker is _UNSET else format_checker
        validator = _crawled(meta_cls(cls.META_SCHEMA, format_checker=checker, registry=REGISTRY))
    else:  # jsonschema's Validator.check_schema
        checker = meta_cls.FORMAT_CHECKER if format_checker is _UNSET else format_checker
        validator = _crawled(meta_cls(schema=cls.META_SCHEMA, format_checker=checker))
    checks = getattr(checker, "checkers", None) if checker is not None else ()
    if not isinstance(checks, dict | tuple):  # (not the same text in every process)
        return None
    return validator, f"{name} {_meta_schema_id(cls.META_SCHEMA)} formats {sorted(checks)}", _rs_twin(validator)


def _meta_schema_id(meta_schema: Any) -> str:
    """A name of ``meta_schema`` that changes with its content: its ``$id`` (3.0's meta-schemas
    have none) and a hash of its text."""
    digest = hashlib.sha256(repr(meta_schema).encode()).hexdigest()[:16]
    return f"{meta_schema.get('$id') if isinstance(meta_schema, dict) else None} {digest}"


#: Keys of Schema Objects and document units that passed their check (this run's and earlier runs').
_KNOWN_VALID: set[str] = set()


def schema_check_key(salt: str, schema: Any) -> str:
    """The key of checking ``schema`` (its exact content, key order included) against one dialect's
    meta-schema with one format checker (``salt``): the check is a pure function of these, as
    ``$ref`` s in a schema are only checked as strings there, never followed."""
    return hashlib.sha256(f"{salt}\0{schema!r}".encode()).hexdigest()[:32]


#: Whether the document being validated is made of plain JSON values (see :func:`_survey`): only
#: then may jsonschema-rs pre-check its Schema Objects (:func:`_check_schema`).
_PLAIN_DOCUMENT = [False]


def _conforms(checker: Any, name: str, value: Any) -> bool:
    """The Python format checker's answer for ``value``; False when the check raises (then the
    Python check runs and raises that itself)."""
    try:
        return bool(checker.conforms(value, name))
    except Exception:
        return False


def _rs_twin(validator: Any) -> Any:
    """jsonschema-rs's validator of the meta-schema ``validator`` (a Python ``jsonschema``
    validator) checks against, with the resources of its registry (offline) and its format checks
    (the Python checker's own functions; formats the Python checker lacks are checked by
    jsonschema-rs too, which can only make it refuse more). None without jsonschema-rs or when it
    cannot build one. Used as a pre-check only (:func:`_check_schema`): when it finds a schema
    valid, the Python check, which would find nothing, is skipped."""
    try:
        import jsonschema_rs

        checker = validator.format_checker
        names = sorted(getattr(checker, "checkers", None) or ()) if checker is not None else []
        registry = validator._resolver._registry
        return jsonschema_rs.validator_for(
            validator.schema,
            formats={name: partial(_conforms, checker, name) for name in names},
            validate_formats=bool(names),
            offline=True,
            registry=jsonschema_rs.Registry([(uri, registry[uri].contents) for uri in registry]),
        )
    except Exception:
        return None


def _check_schema(validator: Any, salt: str, twin: Any, schema: Any) -> None:
    """What the check does with its validator: raise the first error as a ``SchemaError``.
    A schema whose key is in :data:`_KNOWN_VALID` passed before and is not checked again; only
    passes are remembered (an error names the place it was found, which differs per place).
    In a plain-JSON document, a schema that jsonschema-rs (``twin``, see :func:`_rs_twin`) finds
    valid passes without the Python check (GitHub REST's 1,926 Schema Objects: 4.5 s against
    0.02 s); ``tests/corpus`` checks the findings stay those of the library."""
    key = schema_check_key(salt, schema)
    if key in _KNOWN_VALID:
        return
    if _PLAIN_DOCUMENT[0] and _rs_passes(twin, schema):
        _KNOWN_VALID.add(key)
        return
    from jsonschema.exceptions import SchemaError

    for error in validator.iter_errors(schema):
        raise SchemaError.create_from(error)
    _KNOWN_VALID.add(key)



