"""Valid values for the Schema Objects of any OpenAPI 3.0/3.1 document, for requests the contract
tests send and for checking the responses they receive.

:class:`Values` walks schemas with the generator's ``$ref`` resolver (files, ``$id``, ``$anchor``)
and builds a value per schema, then checks it with ``openapi-schema-validator`` (the maintained
OpenAPI dialects of ``jsonschema``: 3.0's ``nullable``, boolean ``exclusiveMinimum``, ``readOnly``
in requests; 3.1's JSON Schema 2020-12), so a value the tests send is known valid independently of
the client under test. Two shapes of request are built:

* ``required``: only required properties and parameters, arrays at their ``minItems``;
* ``full``: every property that may be sent (``readOnly`` ones are left out of requests), arrays
  with at least one item, maps with one entry.

``variant`` picks the ``variant``-th satisfiable member of every ``oneOf``/``anyOf`` (modulo their
count) and the ``variant``-th enum member, so successive requests walk the variants; the
discriminator property is set from the mapping for a ``$ref`` variant.

Values for leaves come from the document first (``const``, ``example``, ``examples``, ``default``,
enum members), when they validate; else they are made to fit the type, ``format``, bounds, length
and ``pattern``. A schema no value can be built for raises :class:`Unsatisfiable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import openapi_schema_validator as osv
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from contract_scalars import OAS30_FORMATS, OAS31_FORMATS, Unsatisfiable, number_for, string_for

from generator.diagnostics import DiagnosticSink, GenerationError
from generator.load import load_document
from generator.refs import Loc, RefError, Resolver, walk_pointer

_SHAPED = ("properties", "required", "additionalProperties", "allOf", "oneOf", "anyOf",
           "patternProperties")  # fmt: skip
_NOTHING: Any = object()
#: Keywords that constrain no value: an allOf part of only these adds nothing to build.
_ANNOTATIONS = frozenset({"description", "title", "xml", "example", "examples", "deprecated",
                          "externalDocs", "$comment"})  # fmt: skip
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Placeholder(str):
    """A value for a required property that no ``properties`` entry declares."""


@dataclass(frozen=True)
class Shape:
    """How to build a value: ``mode`` required | full, ``variant`` index, ``write`` (a request:
    ``readOnly`` properties are left out) or read (a response)."""

    mode: str = "full"
    variant: int = 0
    write: bool = True


def escape(token: str) -> str:
    """An RFC 6901 token."""
    return token.replace("~", "~0").replace("/", "~1")


def type_of(schema: dict[str, Any]) -> str | None:
    """The schema's single non-null ``type`` (the first of a list), ``"null"`` or None."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if kinds else ("null" if kind else None)
    return kind if isinstance(kind, str) else None


class Values:
    """Schema navigation, value building and validation for one OpenAPI document.

    Locations are the generator's :class:`~generator.refs.Loc` (file URI, JSON pointer, base URI).
    ``problems`` collects the values that were built but do not validate (with why), so a test can
    tell "the test data is wrong" from "the client is wrong".
    """

    def __init__(self, spec: Path) -> None:
        self.spec = spec.resolve()
        doc = load_document(self.spec, DiagnosticSink())
        self.doc: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.uri = doc.uri
        self.is30 = str(self.doc.get("openapi", "3.1")).startswith("3.0")
        _named_mappings_as_refs(self.doc)
        self.resolver = Resolver(doc.uri, doc.data, DiagnosticSink(), allow_outside=True)
        self.registry = self._registry(doc.uri, doc.data, write=False)
        #: for requests of 3.1 documents: ``required`` names of readOnly properties dropped (3.0's
        #: write validator does that itself)
        self.write_registry = self.registry if self.is30 else self._registry(doc.uri, doc.data, write=True)
        self._validators: dict[tuple[str, bool], Any] = {}
        #: ``(location, why)`` of each value built that does not validate.
        self.problems: list[tuple[Loc, str]] = []

    def _registry(self, uri: str, data: Any, *, write: bool) -> Registry:
        """The documents as the validator reads them: without discriminators, and for requests
        of 3.1 documents without ``required`` readOnly properties (OAS 3.1.0 4.8.24.1: such a
        property SHOULD NOT be sent in a request; Prism does not require it there either)."""

        def resource(contents: Any) -> Resource[Any]:
            contents = _without_discriminators(contents)
            if write:
                _drop_read_only_required(contents, contents)
            return Resource.from_contents(contents, default_specification=DRAFT4 if self.is30 else DRAFT202012)

        def retrieve(other: str) -> Resource[Any]:
            try:
                loaded = load_document(Path(other.removeprefix("file://")), DiagnosticSink()).data
            except GenerationError as exc:
                raise RefError(f"cannot load {other}") from exc
            return resource(loaded)

        return Registry(retrieve=retrieve).with_resource(uri, resource(data))  # type: ignore[call-arg]

    # --- locations ------------------------------------------------------------------------

    def root(self) -> Loc:
        return self.resolver.root()

    def at(self, pointer: str) -> Loc:
        """The location of ``pointer`` in the root document."""
        return Loc(self.uri, pointer, self.uri)

    def deref(self, loc: Loc) -> tuple[Loc, Any]:
        """Follow ``$ref`` chains from ``loc``: the final location and node."""
        try:
            self._loaded(loc)
            return self.resolver.follow(self.resolver.contents(loc), loc)
        except (RefError, KeyError) as exc:
            raise Unsatisfiable(f"{loc.key}: {exc}", loc) from None

    def node(self, loc: Loc) -> Any:
        self._loaded(loc)
        return self.resolver.contents(loc)

    def _loaded(self, loc: Loc) -> None:
        """Load the document of ``loc`` (a parameter the IR names in another file, which the
        resolver has not read for this process yet)."""
        if loc.uri not in self.resolver.docs:
            self.resolver._load(loc.uri)

    def operations(self) -> Iterator[tuple[str, str, Loc, dict[str, Any], Loc]]:
        """Every operation: ``(path key, method, path item location, operation, operation
        location)``; path items and operations reached through ``$ref`` are followed."""
        paths = self.doc.get("paths")
        if not isinstance(paths, dict):
            return
        for key, _ in paths.items():
            try:
                item_loc, item = self.deref(self.at(f"/paths/{escape(str(key))}"))
            except Unsatisfiable:
                continue
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                if not isinstance(item.get(method), dict):
                    continue
                try:  # (an Operation Object written as a `$ref` to another file is followed)
                    op_loc, op = self.deref(item_loc.child(method))
                except Unsatisfiable:
                    continue
                if isinstance(op, dict):
                    yield str(key), method, item_loc, op, op_loc

    # --- validation -----------------------------------------------------------------------

    def _validator(self, loc: Loc, write: bool) -> Any:
        key = (loc.key, write)
        found = self._validators.get(key)
        if found is None:
            ref = f"{loc.uri}#{loc.pointer}"
            if self.is30:
                cls = osv.OAS30WriteValidator if write else osv.OAS30ReadValidator
                found = cls(
                    {"$ref": ref}, registry=self.registry, format_checker=OAS30_FORMATS
                )
            else:
                found = osv.OAS31Validator(
                    {"$ref": ref},
                    registry=self.write_registry if write else self.registry,
                    format_checker=OAS31_FORMATS,
                )
            self._validators[key] = found
        return found

    def valid(self, loc: Loc, value: Any, write: bool = True) -> bool:
        """Whether ``value`` is valid for the schema at ``loc`` (in a request when ``write``)."""
        try:
            validator = self._validator(loc, write)
            if validator.is_valid(value):
                return True
            return not any(_counts(e) for e in validator.iter_errors(value))
        except Exception:  # an unresolvable $ref, a regex Python cannot compile...
            return True

    def why_invalid(self, loc: Loc, value: Any, write: bool = True) -> str:
        """The best-matching validation error of ``value`` at ``loc`` ("" when valid)."""
        try:
            error = best_match(e for e in self._validator(loc, write).iter_errors(value) if _counts(e))
        except Exception as exc:  # noqa: BLE001 - reported as text
            return f"(not checkable: {type(exc).__name__}: {exc})"
        if error is None:
            return ""
        keyword = f"{error.validator}={error.validator_value!r}"[:120]
        return f"{error.json_path}: {keyword}: {error.message}"[:500]

    # --- values ---------------------------------------------------------------------------

    def value(self, loc: Loc, seed: str = "value", shape: Shape = Shape()) -> Any:
        """A valid value for the schema at ``loc``; raises :class:`Unsatisfiable`."""
        result = self._build(loc, seed, shape, ())
        if shape.write:
            result = self._without_read_only(loc, result)
        if not self.valid(loc, result, shape.write):
            self.problems.append((loc, self.why_invalid(loc, result, shape.write)))
        return result

    def _without_read_only(self, loc: Loc, value: Any) -> Any:
        """``value`` (a request's) without the object members the validator refuses as read-only:
        an ``allOf`` may mark a property ``readOnly`` in one part (``size: {readOnly: true}``
        beside the model that declares it), which the part declaring it cannot see. A required
        one stays (and the value stays invalid: the builder reports it)."""
        for _ in range(20):
            try:
                errors = list(self._validator(loc, True).iter_errors(value))
            except Exception:  # noqa: BLE001 - not checkable: left as built
                return value
            paths = [list(e.absolute_path) for e in errors if e.validator == "readOnly" and e.absolute_path]
            if not paths:
                return value
            value = _deep_copy(value)
            removed = False
            for path in paths:
                parent = value
                for token in path[:-1]:
                    parent = parent[token] if isinstance(parent, (dict, list)) else None
                if isinstance(parent, dict) and path[-1] in parent:
                    del parent[path[-1]]
                    removed = True
            if not removed:
                return value
        return value

    def variant_count(self, loc: Loc, depth: int = 0, seen: frozenset[str] = frozenset()) -> int:
        """The most ``oneOf``/``anyOf`` variants (or enum members) in the schema at ``loc``, looking
        a few levels down: how many requests walk every variant of the top-level unions."""
        try:
            loc, schema = self.deref(loc)
        except Unsatisfiable:
            return 1
        if not isinstance(schema, dict) or loc.key in seen or depth > 3:
            return 1
        seen = seen | {loc.key}
        best = 1
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                best = max(best, len(schema[keyword]))
        for name in list(schema.get("properties") or {})[:50]:
            best = max(best, self.variant_count(loc.child("properties", name), depth + 1, seen))
        for index, _ in enumerate(schema.get("allOf") or []):
            best = max(best, self.variant_count(loc.child("allOf", index), depth + 1, seen))
        if isinstance(schema.get("items"), dict):
            best = max(best, self.variant_count(loc.child("items"), depth + 1, seen))
        return best

    def _candidates(self, schema: dict[str, Any], shape: Shape) -> list[Any]:
        found: list[Any] = []
        if "const" in schema:
            found.append(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            non_null = [v for v in enum if v is not None] or enum
            found.append(non_null[shape.variant % len(non_null)])
        if "example" in schema:
            found.append(schema["example"])
        examples = schema.get("examples")
        if isinstance(examples, list):
            found.extend(examples)
        if "default" in schema:
            found.append(schema["default"])
        if isinstance(enum, list):
            found.extend(enum)
        return found

    def _build(self, loc: Loc, seed: str, shape: Shape, stack: tuple[str, ...]) -> Any:
        written = self.node(loc)
        if isinstance(written, dict) and "$ref" in written and len(written) > 1:
            # keywords beside a $ref (ignored by OAS 3.0, applied by 3.1 and by Prism): a value
            # they name that the reference also accepts satisfies both readings
            for candidate in self._candidates(written, shape):
                if self.valid(loc, candidate, shape.write):
                    return candidate
        loc, schema = self.deref(loc)
        if loc.key in stack:
            if self.valid(loc, None, shape.write):
                return None  # a nullable recursion ends here
            raise Unsatisfiable(f"recursive schema {loc.pointer}", loc)
        stack = stack + (loc.key,)
        if schema is True or schema == {}:
            return "value"
        if not isinstance(schema, dict):
            raise Unsatisfiable(f"schema {loc.pointer} accepts nothing", loc)
        is_object = "properties" in schema or type_of(schema) == "object"
        for candidate in self._candidates(schema, shape):
            # Leaf values take the document's own examples; objects are built property by
            # property so every nested model is exercised.
            if (not is_object or "const" in schema) and self.valid(loc, candidate, shape.write):
                return candidate
        parts: list[Any] = []
        own = self._own_value(loc, schema, seed, shape, stack)
        if own is not _NOTHING:
            parts.append(own)
        for index, part in enumerate(schema.get("allOf") or []):
            if isinstance(part, dict) and part and all(k in _ANNOTATIONS or k.startswith("x-") for k in part):
                continue  # a part that only annotates (AWS: `allOf: [{$ref: List}, {description}]`)
            parts.append(self._build(loc.child("allOf", index), seed, shape, stack))
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                value = self._variant(loc, schema, keyword, parts, seed, shape, stack)
                if parts and shape.mode == "full" and not self.valid(loc, value, shape.write):
                    # every property of the object around the union may make the value fit
                    # several variants (oneOf of `required` lists): its required ones only
                    fewer = Shape("required", shape.variant, shape.write)
                    own = self._own_value(loc, schema, seed, fewer, stack)
                    parts = ([] if own is _NOTHING else [own]) + [
                        self._build(loc.child("allOf", i), seed, fewer, stack) for i, _ in enumerate(schema.get("allOf") or [])
                    ]
                    retry = self._variant(loc, schema, keyword, parts, seed, shape, stack)
                    if self.valid(loc, retry, shape.write):
                        return retry
                return value
        if not parts:
            return "value"
        merged = merge(parts)
        if isinstance(merged, dict) and schema.get("allOf"):
            merged = self._fill_from_all_of(loc, merged, shape, stack)
        if isinstance(merged, dict) and "if" in schema:
            merged = self._conditional(loc, schema, merged, seed, shape, stack)
        return merged

    def _conditional(
        self, loc: Loc, schema: dict[str, Any], value: dict[str, Any], seed: str, shape: Shape, stack: tuple[str, ...]
    ) -> dict[str, Any]:
        """An object with ``if``/``then``/``else``: the branch the value takes (``then`` when it
        is valid against ``if``) adds what it requires (built in the required shape)."""
        branch = "then" if self.valid(loc.child("if"), value, shape.write) else "else"
        if not isinstance(schema.get(branch), dict):
            return value
        try:
            part = self._build(loc.child(branch), seed, Shape("required", shape.variant, shape.write), stack)
        except Unsatisfiable:
            return value
        if not isinstance(part, dict):
            return value
        merged = merge([value, part])
        if isinstance(merged, dict):
            merged = self._fill_placeholders(loc.child(branch), schema[branch], merged, shape, stack)
        return merged

    def _fill_from_all_of(self, loc: Loc, value: dict[str, Any], shape: Shape, stack: tuple[str, ...]) -> dict[str, Any]:
        """A property an ``allOf`` requires beside its parts (``{allOf: [$ref Domain], required:
        [type]}``) and only a part declares is built from that part's schema (a placeholder else)."""
        out = dict(value)
        for key, item in value.items():
            if not isinstance(item, _Placeholder):
                continue
            declared = self._declared_in_all_of(loc, key, 0)
            if declared is None:
                continue
            try:
                out[key] = self._build(declared, key, shape, stack)
            except Unsatisfiable:
                pass
        return out

    def _declared_in_all_of(self, loc: Loc, name: str, depth: int) -> Loc | None:
        """Where a part of the ``allOf`` at ``loc`` (or a part of a part) declares property ``name``."""
        try:
            loc, schema = self.deref(loc)
        except Unsatisfiable:
            return None
        if not isinstance(schema, dict) or depth > 8:
            return None
        if depth and isinstance(schema.get("properties"), dict) and name in schema["properties"]:
            return loc.child("properties", name)
        for index, _ in enumerate(schema.get("allOf") or []):
            found = self._declared_in_all_of(loc.child("allOf", index), name, depth + 1)
            if found is not None:
                return found
        return None

    def _variant(
        self,
        loc: Loc,
        schema: dict[str, Any],
        keyword: str,
        parts: list[Any],
        seed: str,
        shape: Shape,
        stack: tuple[str, ...],
    ) -> Any:
        discriminator = schema.get("discriminator") if isinstance(schema.get("discriminator"), dict) else {}
        prop = discriminator.get("propertyName")
        mapping = discriminator.get("mapping") if isinstance(discriminator.get("mapping"), dict) else {}
        by_target = {target: tag for tag, target in mapping.items()}
        built: list[Any] = []
        invalid: list[Any] = []
        other = Shape("full" if shape.mode == "required" else "required", shape.variant, shape.write)
        for index, variant in enumerate(schema[keyword]):
            # a value of one variant may also fit another (oneOf then refuses it): the other
            # shape (more or fewer properties) often tells them apart
            for attempt in (shape, other):
                try:
                    value = self._build(loc.child(keyword, index), seed, attempt, stack)
                except Unsatisfiable:
                    continue
                combined = merge([*parts, value]) if parts else value
                combined = self._fill_placeholders(loc, schema, combined, shape, stack)
                if prop and isinstance(combined, dict) and isinstance(variant, dict) and "$ref" in variant:
                    ref = variant["$ref"]
                    tag = by_target.get(ref)
                    if tag is None:  # a mapping may name the target by another spelling of the ref
                        tail = ref.rsplit("/", 1)[-1]
                        tag = next((t for t, target in mapping.items() if str(target).rsplit("/", 1)[-1] == tail), tail)
                    tagged = {**combined, prop: tag}
                    # the variant's own value for the property (a const) wins over the implicit tag
                    if self.valid(loc, tagged, shape.write) or not self.valid(loc, combined, shape.write):
                        combined = tagged
                if self.valid(loc, combined, shape.write):
                    built.append(combined)
                    break
                invalid.append(combined)
        if built:
            return built[shape.variant % len(built)]
        if invalid:
            return invalid[0]
        raise Unsatisfiable(f"no variant of {loc.pointer} can be built", loc)

    def _fill_placeholders(
        self, loc: Loc, schema: dict[str, Any], value: Any, shape: Shape, stack: tuple[str, ...]
    ) -> Any:
        """A variant that only makes some of the schema's own properties required
        (``anyOf: [{required: [a]}, {required: [b]}]``) leaves placeholders: build those
        properties from the schema around it."""
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        if not isinstance(value, dict) or not props:
            return value
        out = dict(value)
        for key, item in value.items():
            if isinstance(item, _Placeholder) and key in props:
                try:
                    out[key] = self._build(loc.child("properties", key), key, Shape("full", shape.variant, shape.write), stack)
                except Unsatisfiable:
                    pass
        return out

    def _own_value(
        self, loc: Loc, schema: dict[str, Any], seed: str, shape: Shape, stack: tuple[str, ...]
    ) -> Any:
        kind = type_of(schema)
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema or "required" in schema:
                kind = "object"
            elif "items" in schema or "prefixItems" in schema:
                kind = "array"
            elif any(k in schema for k in ("allOf", "oneOf", "anyOf")):
                return _NOTHING
            else:
                return "value"
        if kind == "object":
            return self._object(loc, schema, seed, shape, stack)
        if kind == "array":
            return self._array(loc, schema, seed, shape, stack)
        if kind == "string":
            return string_for(schema, seed)
        if kind == "integer":
            return int(number_for(schema, integer=True))
        if kind == "number":
            return number_for(schema, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        raise Unsatisfiable(f"unknown type {kind!r} at {loc.pointer}", loc)

    def _skipped(self, sub: Any, shape: Shape) -> bool:
        if not isinstance(sub, dict):
            return False
        return bool(sub.get("readOnly")) if shape.write else bool(sub.get("writeOnly"))

    def _object(
        self, loc: Loc, schema: dict[str, Any], seed: str, shape: Shape, stack: tuple[str, ...]
    ) -> dict[str, Any]:
        required = {r for r in schema.get("required") or [] if isinstance(r, str)}
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        result: dict[str, Any] = {}
        for name, sub in props.items():
            try:
                sub_loc, resolved = self.deref(loc.child("properties", name))
            except Unsatisfiable:
                resolved = sub
            if self._skipped(resolved, shape) and (shape.write or name not in required):
                continue
            if shape.mode == "required" and name not in required:
                continue
            try:
                value = self._build(loc.child("properties", name), name, shape, stack)
            except Unsatisfiable:
                if name in required:
                    raise
                continue
            if name in required or self.valid(loc.child("properties", name), value, shape.write):
                result[name] = value  # an optional property no valid value fits is left out
        for name in sorted(required - set(result) - set(props)):
            result[name] = _Placeholder(f"sample-{name}")
        minimum = int(schema.get("minProperties", 0) or 0)
        for name in props:  # `minProperties` may ask for more than the required ones
            if len(result) >= minimum:
                break
            if name not in result and not self._skipped(props[name], shape):
                try:
                    value = self._build(loc.child("properties", name), name, Shape("full", shape.variant, shape.write), stack)
                except Unsatisfiable:
                    continue
                if self.valid(loc.child("properties", name), value, shape.write):
                    result[name] = value
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and (shape.mode == "full" or len(result) < minimum or not props):
            if shape.mode == "full" or len(result) < max(minimum, 1):
                try:
                    result["key1"] = self._build(loc.child("additionalProperties"), "key1", shape, stack)
                except Unsatisfiable:
                    pass
        elif extra is not False and not any(k in schema for k in _SHAPED) and shape.mode == "full":
            result["key1"] = "value1"  # a free-form object: one entry
        return result

    def _array(
        self, loc: Loc, schema: dict[str, Any], seed: str, shape: Shape, stack: tuple[str, ...]
    ) -> list[Any]:
        items = schema.get("items")
        low = int(schema.get("minItems", 0) or 0)
        count = low if shape.mode == "required" else max(low, 2)  # two items: lists are lists on the wire
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        if isinstance(schema.get("prefixItems"), list):
            return [
                self._build(loc.child("prefixItems", i), seed, shape, stack)
                for i, _ in enumerate(schema["prefixItems"])
            ]
        if count == 0:
            return []
        if items is None or items is True or items == {}:
            return [f"value{i}" for i in range(count)]
        try:
            values = [self._build(loc.child("items"), seed, Shape(shape.mode, shape.variant + i, shape.write), stack)
                      for i in range(count)]  # fmt: skip
        except Unsatisfiable:
            if low == 0:
                return []
            raise
        if schema.get("uniqueItems") and len({repr(v) for v in values}) < len(values):
            values = values[: max(low, 1)]
        return values


def _without_discriminators(node: Any) -> Any:
    """A copy of ``node`` without Discriminator Objects, for validation.

    A discriminator is a hint (OAS 3.1.0 4.8.25): a value must still match exactly one ``oneOf``
    variant. openapi-schema-validator lets the discriminator pick the variant instead, which
    accepts values that match several; Prism (AJV) and JSON Schema do not."""
    if isinstance(node, dict):
        return {
            k: _without_discriminators(v)
            for k, v in node.items()
            if not (k == "discriminator" and isinstance(v, dict) and "propertyName" in v)
        }
    if isinstance(node, list):
        return [_without_discriminators(v) for v in node]
    return node


def _drop_read_only_required(node: Any, root: Any) -> None:
    """In place: remove from each ``required`` the properties whose schema (inline, or a local
    ``$ref``) is ``readOnly``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            props = current.get("properties")
            if isinstance(current.get("required"), list) and isinstance(props, dict):
                current["required"] = [r for r in current["required"] if not _read_only(props.get(r), root)]
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))


def _read_only(schema: Any, root: Any) -> bool:
    for _ in range(8):
        if not isinstance(schema, dict):
            return False
        if schema.get("readOnly") is True:
            return True
        ref = schema.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return False
        try:
            schema = walk_pointer(root, ref[1:])
        except RefError:
            return False
    return False


def _named_mappings_as_refs(doc: dict[str, Any]) -> None:
    """Discriminator mappings may name a schema (``Cat``) instead of a reference; the validator
    (openapi-schema-validator) resolves mapping values as references only, so names of component
    schemas are rewritten as ``#/components/schemas/<name>`` in this copy of the document."""
    schemas = (doc.get("components") or {}).get("schemas") if isinstance(doc.get("components"), dict) else None
    if not isinstance(schemas, dict):
        return
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            disc = node.get("discriminator")
            if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
                for tag, target in disc["mapping"].items():
                    if isinstance(target, str) and target in schemas and "/" not in target:
                        disc["mapping"][tag] = f"#/components/schemas/{target}"
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))


def _counts(error: Any) -> bool:
    """Whether a validation error counts: ``readOnly`` on the value itself (not on a property of
    an object, e.g. a response model's property schema reused as a whole request body) is not
    one, as OpenAPI 3.0 makes ``readOnly`` "relevant only for Schema properties definitions"."""
    return not (error.validator == "readOnly" and not error.absolute_path)


def _deep_copy(value: Any) -> Any:
    """A copy of a JSON-like value (dicts and lists copied, placeholders kept as they are)."""
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def merge(parts: list[Any]) -> Any:
    """The values of an ``allOf``'s parts as one (objects merged key by key)."""
    dicts = [p for p in parts if isinstance(p, dict)]
    if not dicts:
        return parts[-1]
    merged: dict[str, Any] = {}
    for part in dicts:
        for key, value in part.items():
            if isinstance(merged.get(key), dict) and isinstance(value, dict):
                merged[key] = merge([merged[key], value])
            elif key not in merged or not isinstance(value, _Placeholder):
                merged[key] = value
    return merged


