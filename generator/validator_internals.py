"""The internals of other libraries that :mod:`generator.validate_speed` relies on, and their check.

Each speed-up reaches into openapi-spec-validator, openapi-schema-validator, jsonschema,
referencing, pathable or jsonschema-rs beyond their documented interfaces (a keyword validator
extended, a check rebuilt once, a protocol check replaced...). A new version of one of them may
move such an internal; then a speed-up could find something else than the library would.
:func:`changed_internals` names every internal that is missing or has another shape, so that the
speed layer falls back to the library's own code instead
(:func:`generator.validate_speed.speedups_usable`), and ``tests/unit/test_validator_internals.py``
fails, naming it, for the versions pinned in ``pyproject.toml``.
"""

from __future__ import annotations

import inspect
from importlib import metadata
from typing import Any, Callable


def changed_internals() -> list[str]:
    """Each internal of another library that the speed-ups rely on and that is missing or has
    another shape (attributes, signatures, the names a function's code uses, the protocol that
    ``_answer_subscriptable_by_type`` replaces), as ``"<library> <version>: <internal>"``;
    empty when all are as expected. jsonschema-rs not installed is no change (its pre-checks are
    then not made)."""
    changed = []
    for library, internal, check in _INTERNALS:
        try:
            as_expected = bool(check())
        except Exception:  # missing modules, attributes, signatures: changed
            as_expected = False
        if not as_expected:
            changed.append(f"{library} {_installed_version(library)}: {internal}")
    return changed


def _installed_version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _params(func: Any) -> list[str]:
    """The parameter names of ``func`` (a function, method or class)."""
    return list(inspect.signature(func).parameters)


def _uses(func: Any, *names: str) -> bool:
    """Whether the code of ``func`` (unwrapped from decorators and ``classmethod``) refers to every
    one of ``names`` (globals, attributes and methods it reads or calls)."""
    code = inspect.unwrap(getattr(func, "__func__", func)).__code__
    return set(names) <= set(code.co_names)


def _spec_validators_keep_their_parts() -> bool:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    return all(
        "schema" in cls.keyword_validators and hasattr(cls, "schema_validator")
        for cls in (OpenAPIV30SpecValidator, OpenAPIV31SpecValidator)
    ) and _uses(OpenAPIV30SpecValidator.iter_errors, "schema_validator", "iter_errors")


def _schema_keywords_have_their_shape() -> bool:
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation.keywords import SchemaValidator

    for spec_cls in (OpenAPIV30SpecValidator, OpenAPIV31SpecValidator):
        keyword = spec_cls.keyword_validators["schema"]
        if not (
            issubclass(keyword, SchemaValidator)
            and _params(keyword.__init__) == ["self", "registry"]
            and _params(keyword._get_schema_checker) == ["self", "schema", "schema_value"]
            and _uses(keyword._validate_schema_meta, "_get_schema_checker", "SchemaError")
        ):
            return False
    return True


def _visited_ids_are_append_and_in_only() -> bool:
    from openapi_spec_validator.validation.keywords import SchemaValidator

    ids = ("visited_schema_ids", "meta_checked_schema_ids")
    code_names = set(inspect.unwrap(SchemaValidator.__call__).__code__.co_names)
    changing = {"remove", "pop", "clear", "extend", "insert", "discard"}
    return (
        _uses(SchemaValidator.__init__, *ids)
        and _uses(SchemaValidator.__call__, *ids, "append")
        and not (changing & code_names)
    )


def _openapi_schema_checks_use_the_registry() -> bool:
    from openapi_schema_validator import _specifications, validators

    check = validators.check_openapi_schema
    return (
        validators.OPENAPI_SPECIFICATIONS is _specifications.REGISTRY  # type: ignore[attr-defined]
        and _params(check) == ["cls", "schema", "format_checker"]
        and _uses(check, "OPENAPI_SPECIFICATIONS", *_CHECK_SCHEMA_NAMES)
    )


#: What a meta-schema check does (:func:`_meta_validator` builds the same once): its validator
#: class from ``validator_for(cls.META_SCHEMA, ...)``, ``FORMAT_CHECKER`` by default, and the first
#: of ``iter_errors`` raised as ``SchemaError.create_from(...)``.
_CHECK_SCHEMA_NAMES = (
    "validator_for",
    "META_SCHEMA",
    "FORMAT_CHECKER",
    "iter_errors",
    "create_from",
)


def _jsonschema_check_schema_is_as_rebuilt() -> bool:
    from jsonschema.validators import Draft202012Validator

    check = Draft202012Validator.check_schema
    return _params(check) == ["schema", "format_checker"] and _uses(check, *_CHECK_SCHEMA_NAMES)


def _jsonschema_ref_keyword_is_extendable() -> bool:
    from jsonschema.validators import Draft4Validator, Draft202012Validator, extend

    return _params(extend)[:2] == ["validator", "validators"] and all(
        _params(cls.VALIDATORS["$ref"]) == ["validator", "ref", "instance", "schema"]
        and "_resolver" in _params(cls)
        and callable(cls.evolve)
        for cls in (Draft4Validator, Draft202012Validator)
    )


def _format_checkers_describe_themselves() -> bool:
    from jsonschema import FormatChecker

    return isinstance(FormatChecker().checkers, dict) and _params(FormatChecker.conforms) == [
        "self",
        "instance",
        "format",
    ]


def _registries_can_be_crawled() -> bool:
    import attrs
    from referencing import Registry, Resource
    from referencing._core import Resolver

    return (
        {"_registry", "_base_uri"} <= {field.name for field in attrs.fields(Resolver)}  # type: ignore[arg-type]
        and callable(Registry.crawl)
        and _params(Registry.resolver) == ["self", "base_uri"]
        and callable(getattr(Registry, "__iter__", None))
        and "contents" in {field.name for field in attrs.fields(Resource)}  # type: ignore[arg-type]
    )


def _subscriptable_is_the_patched_protocol() -> bool:
    import pathable.accessors as accessors
    from pathable.protocols import Subscriptable

    current = accessors.__dict__.get("Subscriptable")
    return (
        (current is Subscriptable or getattr(current, "_protocol", None) is Subscriptable)
        and getattr(Subscriptable, "_is_runtime_protocol", False)
        and _uses(accessors.SubscriptableAccessor._get_subnode, "isinstance", "Subscriptable")
    )


def _jsonschema_rs_builds_twins() -> bool:
    try:
        import jsonschema_rs
    except ImportError:  # not installed: no pre-checks are made
        return True
    signature = getattr(jsonschema_rs.validator_for, "__text_signature__", None) or ""
    return (
        all(
            f"{name}=" in signature
            for name in ("formats", "validate_formats", "registry", "offline")
        )
        and (jsonschema_rs.Registry.__text_signature__ or "").startswith("(resources")
        and callable(jsonschema_rs.Validator.is_valid)
    )


#: ``(library, internal, check)``: each internal of another library a speed-up relies on, and a
#: check (True: as expected) that :func:`changed_internals` runs.
_INTERNALS: tuple[tuple[str, str, Callable[[], Any]], ...] = (
    (
        "openapi-spec-validator",
        "OpenAPIV30SpecValidator/OpenAPIV31SpecValidator class attributes keyword_validators (with "
        "'schema') and schema_validator, to whose iter_errors() SpecValidator.iter_errors passes "
        "the document (replaced: _fast_class)",
        _spec_validators_keep_their_parts,
    ),
    (
        "openapi-spec-validator",
        "the 'schema' keyword validators: SchemaValidator subclasses with __init__(self, registry) "
        "and _get_schema_checker(self, schema, schema_value), which _validate_schema_meta calls, "
        "taking a SchemaError as the finding (extended: _CachedSchemaChecks)",
        _schema_keywords_have_their_shape,
    ),
    (
        "openapi-spec-validator",
        "SchemaValidator's visited_schema_ids and meta_checked_schema_ids lists, only appended to "
        "and asked 'in' (set-backed: _IdList)",
        _visited_ids_are_append_and_in_only,
    ),
    (
        "openapi-schema-validator",
        "_specifications.REGISTRY, the registry check_openapi_schema(cls, schema, format_checker) "
        "checks with, and what that check does (rebuilt once: _meta_validator)",
        _openapi_schema_checks_use_the_registry,
    ),
    (
        "jsonschema",
        "Validator.check_schema(schema, format_checker) and what it does (rebuilt once: "
        "_meta_validator)",
        _jsonschema_check_schema_is_as_rebuilt,
    ),
    (
        "jsonschema",
        "validators.extend(validator, validators), the '$ref' keyword function (validator, ref, "
        "instance, schema) and the _resolver argument of the draft 4 and 2020-12 validators "
        "(_remembering_units, _crawled)",
        _jsonschema_ref_keyword_is_extendable,
    ),
    (
        "jsonschema",
        "FormatChecker.checkers (a dict) and FormatChecker.conforms(instance, format) (_rs_twin, "
        "schema_check_key salts)",
        _format_checkers_describe_themselves,
    ),
    (
        "referencing",
        "Resolver._registry and Resolver._base_uri, Registry.crawl(), Registry.resolver(base_uri), "
        "iterating a Registry and Resource.contents (_crawled, _rs_twin)",
        _registries_can_be_crawled,
    ),
    (
        "pathable",
        "accessors.Subscriptable, the runtime-checkable protocols.Subscriptable that "
        "SubscriptableAccessor._get_subnode asks isinstance() of by that name "
        "(replaced: _answer_subscriptable_by_type)",
        _subscriptable_is_the_patched_protocol,
    ),
    (
        "jsonschema-rs",
        "validator_for(schema, formats=, validate_formats=, registry=, offline=), "
        "Registry(resources) and Validator.is_valid (_rs_meta_validator, _rs_twin)",
        _jsonschema_rs_builds_twins,
    ),
)
