"""What a failed contract request means: a **client defect** (ours to fix), a **document defect** (the
document contradicts itself) or a **mock limitation** (something Prism 5.14.2 cannot do).

Every failure starts as a client defect. It is moved to another class only by a rule here, each of
which states its reason and is backed by a test in ``test_contract_classify.py`` (or, for Prism's
behaviour, by a test that shows Prism doing it on a small document). A rule never looks at the
client's code: it looks at the document and at what went over the wire, so a client defect cannot
hide behind it.

Findings carry a stable ``reason`` code (the report's counts group by it), the JSON pointer of the
evidence in the document, and the evidence itself (what Prism said, what was sent).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from contract_values import Shape, Values, escape
from generator.refs import Loc

CLIENT = "client"
DOCUMENT = "document"
MOCK = "mock"


@dataclass(frozen=True)
class Finding:
    """One failed request: its class (``verdict``), a stable ``reason`` code, the JSON pointer of
    the evidence in the document, and the evidence."""

    verdict: str
    reason: str
    pointer: str = ""
    evidence: str = ""


from contract_reasons import REASONS  # noqa: E402  (re-exported: the written reasons)


def operation_missing(path_key: str, pointer: str) -> Finding:
    """The generated client has no method for the operation at ``pointer``: a document defect
    when its path key holds a query string (the generator skips such keys, with a warning),
    else the client's."""
    if "?" in path_key:
        return Finding(DOCUMENT, "query-in-path-key", pointer, f"the path key {path_key!r} holds a query string")
    return Finding(CLIENT, "operation-missing", pointer, "the generated client has no method for it")


def fragment_path_key(path_key: str, sent_path: str, prism_error: str, pointer: str, evidence: str) -> Finding | None:
    """A Prism routing error for an operation whose path key has a ``#fragment``, when what was
    sent is the key's path before ``#`` with its parameters filled in (nothing else): a mock
    limitation (``prism-fragment-path-key``). None otherwise (a request to another path is ours)."""
    if "#" not in path_key or prism_error not in ("NO_PATH_MATCHED_ERROR", "NO_METHOD_MATCHED_ERROR"):
        return None
    bare = path_key.split("#", 1)[0]
    pattern = "".join(
        "[^/#]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^{}]+\})", bare) if part
    )
    if not re.fullmatch(pattern, sent_path):
        return None
    return Finding(MOCK, "prism-fragment-path-key", pointer, evidence)


def dotted_path_parameter(path_key: str, sent_path: str, prism_error: str, pointer: str, evidence: str) -> Finding | None:
    """Prism's "no path matched" for an operation whose path template names an expression with
    a ``.`` (hey-api's ``{parameter.path.1}``, a valid RFC 6570 varname), when what was sent is
    the template with every expression filled in: a mock limitation
    (``prism-dotted-path-parameter``). None otherwise (a request to another path is ours)."""
    bare = path_key.split("#", 1)[0]
    if prism_error != "NO_PATH_MATCHED_ERROR" or not any("." in name for name in re.findall(r"\{([^{}]+)\}", bare)):
        return None
    pattern = "".join(
        "[^/#?]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^{}]+\})", bare) if part
    )
    if not re.fullmatch(pattern, sent_path):
        return None
    return Finding(MOCK, "prism-dotted-path-parameter", pointer, evidence)


def routed_to_sibling_variant(
    values: Values, path_key: str, method: str, sent_path: str, sent_body: Any, body_valid: bool, pointer: str, evidence: str
) -> Finding | None:
    """Prism rejected the body of an operation whose path key has a ``#fragment`` (Box's
    ``PUT .../securityClassification-6VMVochwUWo/schema#add``) while our own validator finds it
    valid for this operation, and another operation of the same method whose path matches the
    path sent (Box's ``PUT /metadata_templates/{scope}/{template_key}/schema``) refuses the body:
    Prism, which never sees the fragment, routed it there and checked it as that operation
    (``prism-fragment-path-key``). None otherwise."""
    paths = values.doc.get("paths")
    if "#" not in path_key or not body_valid or not isinstance(paths, dict):
        return None
    if fragment_path_key(path_key, sent_path, "NO_PATH_MATCHED_ERROR", pointer, evidence) is None:
        return None  # (sent to another path: ours)
    for key, item in paths.items():
        if "#" in str(key) or not isinstance(item, dict):
            continue  # (Prism routes no request to a key with a fragment: it matches none)
        template = str(key)
        pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in re.split(r"(\{[^{}]+\})", template) if p)
        if not re.fullmatch(pattern, sent_path):
            continue
        if not isinstance(item.get(method), dict):
            continue
        try:
            rb_loc, rb = values.deref(values.at(f"/paths/{escape(str(key))}/{method}/requestBody"))
        except Exception:  # noqa: BLE001
            continue
        content = rb.get("content") if isinstance(rb, dict) else None
        for media in content if isinstance(content, dict) else {}:
            if "json" in media and not values.valid(rb_loc.child("content", media, "schema"), sent_body):
                return Finding(MOCK, "prism-fragment-path-key", pointer, f"Prism checked it as {method.upper()} {key}: {evidence}")
    return None


def routed_to_bare_key(paths: Any, path_key: str, method: str, sent_path: str, pointer: str, evidence: str) -> Finding | None:
    """Prism rejected a request to an operation whose path key has a ``#fragment`` while the
    document also has the bare path (before ``#``) with the same method: Prism routes the request
    to that other operation and checks it against its parameters and body, so the rejection says
    nothing of this one (``prism-fragment-path-key``). None otherwise."""
    bare = path_key.split("#", 1)[0]
    if "#" not in path_key or not isinstance(paths, dict) or not isinstance(paths.get(bare), dict):
        return None
    if not isinstance(paths[bare].get(method), dict):
        return None
    found = fragment_path_key(path_key, sent_path, "NO_PATH_MATCHED_ERROR", pointer, evidence)
    if found is None:
        return None
    return Finding(MOCK, found.reason, pointer, f"Prism checked it as {method.upper()} {bare}: {evidence}")


#: Prism crashes whose cause is Prism's alone: (a line of its stack trace, the reason).
BENIGN_CRASHES = {
    "deserializers/style/simple.js:20": (
        "an optional header parameter of type array that the request leaves out: Prism 5.14.2 "
        "splits the absent value (`undefined.split`) and exits"
    ),
    "Space/pipe/comma.. delimited style is only applicable to array parameter": (
        "a query parameter or form field of type object with style spaceDelimited or "
        "pipeDelimited (allowed for objects by OAS 3.1.0 4.8.12.4): Prism 5.14.2 throws for any "
        "such parameter, sent or not, because its deserializer accepts arrays only"
    ),
}


def faker_stalled(log: str, method: str, path: str) -> bool:
    """Whether Prism's ``log`` shows the request ``method path`` (as sent) terminated by the
    response faker (json-schema-faker in its stack trace), or Prism dying of the faker's
    out-of-memory after receiving it."""
    if "JavaScript heap out of memory" in log and "json-schema-faker/" in log and f"] {method.lower()} {path} " in log:
        return True
    marker = f"[HTTP SERVER] {method.lower()} {path} ✖  error     Request terminated with error:"
    for chunk in log.split(marker)[1:]:
        entry = chunk.split("\n[", 1)[0]  # up to the next log line
        if "json-schema-faker/" in entry:
            return True
    return False


#: A crash no request causes: Prism's response faker exhausting node's heap.
FAKER_OUT_OF_MEMORY = (
    "Prism ran out of memory (node's 'JavaScript heap out of memory') after its response faker "
    "(json-schema-faker, in the log) recursed through a deeply self-referencing response schema "
    "(Bitbucket's ref -> commit -> repository -> branch -> ref ...): no request causes that"
)


def prism_crashed(pointer: str, log: str) -> Finding:
    """Prism exited answering a request. A mock limitation when its stack trace is one of
    :data:`BENIGN_CRASHES` (a request that omits an optional value); otherwise the request most
    likely broke a rule Prism does not guard (e.g. a matrix-style path segment without its
    ``;``), which is the client's defect."""
    # the last crash in the log: node prints a blank line, then the throwing source line
    if "JavaScript heap out of memory" in log and "json-schema-faker/" in log:
        return Finding(MOCK, "prism-crashed", pointer, f"{FAKER_OUT_OF_MEMORY}: {log[-600:]}")
    log = log[-1500:]  # the crash itself
    start = log.rfind("\n\n/")
    trace = log[start + 2:] if start >= 0 else log
    for where, why in BENIGN_CRASHES.items():
        if where in trace[:600]:
            return Finding(MOCK, "prism-crashed", pointer, f"{why}: {trace[:600]}")
    return Finding(CLIENT, "prism-crashed-on-request", pointer, log[-1200:])


def invalid_examples(values: Values, media_loc: Loc, write: bool = False) -> Iterator[tuple[str, str]]:
    """``(pointer, why)`` for each example of a Media Type Object at ``media_loc`` (``example``,
    ``examples.*.value``, and the schema's own ``example``/``examples``) that does not validate
    against the media type's schema."""
    try:
        media_loc, media = values.deref(media_loc)
    except Exception:  # noqa: BLE001 - nothing to check
        return
    if not isinstance(media, dict) or "schema" not in media:
        return
    schema_loc = media_loc.child("schema")
    found: list[tuple[str, Any]] = []
    if "example" in media:
        found.append((media_loc.child("example").pointer, media["example"]))
    if isinstance(media.get("examples"), dict):
        for name, ex in media["examples"].items():
            try:
                ex_loc, ex = values.deref(media_loc.child("examples", name))
            except Exception:  # noqa: BLE001
                continue
            if isinstance(ex, dict) and "value" in ex:
                found.append((ex_loc.child("value").pointer, ex["value"]))
    for pointer, value in found:
        if not values.valid(schema_loc, value, write):
            yield pointer, values.why_invalid(schema_loc, value, write)
    yield from nested_invalid_examples(values, schema_loc, write)


def nested_invalid_examples(
    values: Values, loc: Loc, write: bool, seen: set[str] | None = None, depth: int = 0
) -> Iterator[tuple[str, str]]:
    """``example``/``examples`` written inside the schema at ``loc`` (refs followed, a few levels
    deep) that do not validate against the schema they are written in."""
    seen = set() if seen is None else seen
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return
    if not isinstance(schema, dict) or loc.key in seen or depth > 8:
        return
    seen.add(loc.key)
    if "example" in schema and not values.valid(loc, schema["example"], write):
        yield loc.child("example").pointer, values.why_invalid(loc, schema["example"], write)
    if isinstance(schema.get("examples"), list):
        for i, ex in enumerate(schema["examples"]):
            if not values.valid(loc, ex, write):
                yield loc.child("examples", i).pointer, values.why_invalid(loc, ex, write)
    for key in ("properties", "patternProperties"):
        if isinstance(schema.get(key), dict):
            for name in schema[key]:
                yield from nested_invalid_examples(values, loc.child(key, name), write, seen, depth + 1)
    for key in ("allOf", "oneOf", "anyOf", "prefixItems"):
        if isinstance(schema.get(key), list):
            for i, _ in enumerate(schema[key]):
                yield from nested_invalid_examples(values, loc.child(key, i), write, seen, depth + 1)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from nested_invalid_examples(values, loc.child(key), write, seen, depth + 1)


def response_refused(
    values: Values, media_loc: Loc | None, body: Any, served_static: bool
) -> Finding | None:
    """The client refused a 2xx/error response body: a document defect when the body breaks the
    declared schema because the document's example does, a mock limitation when Prism made up a
    body that breaks the schema, None (a client defect) when the body is valid."""
    if media_loc is None:
        return None
    schema_loc = media_loc.child("schema")
    if values.valid(schema_loc, body, write=False):
        if not isinstance(body, dict) and untyped_object(values, schema_loc):
            return Finding(
                DOCUMENT, "untyped-object-schema", schema_loc.pointer,
                f"the body {str(body)[:80]!r} is not an object; the schema declares properties but no `type`",
            )  # fmt: skip
        return None
    why = values.why_invalid(schema_loc, body, write=False)
    if served_static:
        bad = next(invalid_examples(values, media_loc), None)
        if bad is not None:
            return Finding(DOCUMENT, "example-breaks-schema", bad[0], bad[1])
    return Finding(MOCK, "mock-response-breaks-schema", schema_loc.pointer, why)


def _inherited_discriminator(values: Values, loc: Loc, variants: list[Any], depth: int) -> tuple[Loc, dict[str, Any]] | None:
    """``(location, discriminator)`` every variant at ``loc`` inherits through ``allOf`` (the
    OAS 3.0 parent-schema pattern: a ``oneOf`` of children whose common parent declares it), or
    None."""
    found: list[tuple[Loc, dict[str, Any]]] = []
    for index in range(len(variants)):
        todo, seen, disc = [loc.child(index)], 0, None
        while todo and disc is None and seen < 12 + depth:
            seen += 1
            try:
                here, schema = values.deref(todo.pop(0))
            except Exception:  # noqa: BLE001
                break
            if not isinstance(schema, dict):
                continue
            if isinstance(schema.get("discriminator"), dict) and seen > 1:
                disc = (here, schema["discriminator"])
            todo += [here.child("allOf", i) for i, _ in enumerate(schema.get("allOf") or [])]
        if disc is None:
            return None
        found.append(disc)
    names = {d.get("propertyName") for _, d in found}
    return found[0] if len(names) == 1 else None


def unknown_tag(values: Values, loc: Loc, value: Any, depth: int = 0) -> tuple[str, str] | None:
    """``(pointer of the discriminator, tag)`` of the first value inside ``value`` (checked
    against the schema at ``loc``) whose discriminator property holds a value the discriminator
    does not map (neither a ``mapping`` key nor a variant's schema name), or None."""
    if depth > 12:
        return None
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(schema, dict):
        return None
    if isinstance(value, list):
        if isinstance(schema.get("items"), dict):
            for item in value[:20]:
                found = unknown_tag(values, loc.child("items"), item, depth + 1)
                if found:
                    return found
        return None
    if not isinstance(value, dict):
        return None
    disc = schema.get("discriminator")
    disc_loc = loc
    variants = schema.get("oneOf") or schema.get("anyOf")
    if disc is None and isinstance(variants, list):
        inherited = _inherited_discriminator(values, loc.child("oneOf" if schema.get("oneOf") else "anyOf"), variants, depth)
        if inherited is not None:
            disc_loc, disc = inherited
    if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str) and isinstance(variants, list):
        tag = value.get(disc["propertyName"])
        if tag is not None:
            mapping = disc.get("mapping") if isinstance(disc.get("mapping"), dict) else {}
            names = {str(v["$ref"]).rsplit("/", 1)[-1] for v in variants if isinstance(v, dict) and "$ref" in v}
            if str(tag) not in mapping and str(tag) not in names:
                return disc_loc.child("discriminator").pointer, str(tag)
            target = mapping.get(str(tag)) or next(
                (v["$ref"] for v in variants if isinstance(v, dict) and str(v.get("$ref", "")).endswith("/" + str(tag))), None
            )
            index = next((i for i, v in enumerate(variants) if isinstance(v, dict) and v.get("$ref") == target), None)
            if index is not None:
                key = "oneOf" if schema.get("oneOf") else "anyOf"
                found = unknown_tag(values, loc.child(key, index), value, depth + 1)
                if found:
                    return found
    for index, _ in enumerate(schema.get("allOf") or []):
        found = unknown_tag(values, loc.child("allOf", index), value, depth + 1)
        if found:
            return found
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for name, item in value.items():
        if name in props:
            found = unknown_tag(values, loc.child("properties", name), item, depth + 1)
            if found:
                return found
    return None


def untyped_object(values: Values, loc: Loc, depth: int = 0) -> bool:
    """Whether the schema at ``loc`` describes an object (``properties``, ``required``,
    ``additionalProperties``, also through ``allOf``) without saying ``type: object`` anywhere, so
    that by the letter of JSON Schema it accepts any JSON value."""
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict) or depth > 8 or "type" in schema:
        return False
    if any(k in schema for k in ("properties", "required", "additionalProperties")):
        return all(
            untyped_object(values, loc.child("allOf", i), depth + 1) or not _typed(values, loc.child("allOf", i))
            for i, _ in enumerate(schema.get("allOf") or [])
        )
    parts = schema.get("allOf") or []
    return bool(parts) and all(not _typed(values, loc.child("allOf", i)) for i, _ in enumerate(parts)) and any(
        untyped_object(values, loc.child("allOf", i), depth + 1) for i, _ in enumerate(parts)
    )


def complex_schema(values: Values, loc: Loc, depth: int = 0) -> bool:
    """Whether the schema at ``loc`` is an object or an array, or composes one (``allOf``,
    ``anyOf``, ``oneOf``: Prism builds its made-up response from the members), refs followed."""
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict) or depth > 8:
        return False
    types = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    if "object" in types or "array" in types or "properties" in schema:
        return True
    return any(
        complex_schema(values, loc.child(key, i), depth + 1)
        for key in ("allOf", "anyOf", "oneOf")
        if isinstance(schema.get(key), list)
        for i, _ in enumerate(schema[key])
    )


def non_string_scalar(values: Values, loc: Loc) -> bool:
    """Whether the schema at ``loc`` (refs followed) is a number, an integer or a boolean (null
    aside), which Prism 5.14.2 cannot answer as a non-JSON media type either."""
    try:
        _, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict):
        return False
    types = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    kinds = {t for t in types if t != "null"}
    return bool(kinds) and kinds <= {"number", "integer", "boolean"}


#: An RFC 6838 media type (type/subtype, restricted-name characters, ``*`` for ranges).
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9*][A-Za-z0-9!#$&^_.+*-]*/[A-Za-z0-9*][A-Za-z0-9!#$&^_.+*-]*")


def invalid_media_type(values: Values, op_loc: Loc, raw: dict[str, Any]) -> str:
    """The pointer of a request body or response media type of the operation at ``op_loc`` that
    is no RFC 6838 ``type/subtype`` (``openapi/python/client``), else ""."""
    places = [op_loc.child("requestBody")] if isinstance(raw.get("requestBody"), dict) else []
    responses = raw.get("responses") if isinstance(raw.get("responses"), dict) else {}
    places += [op_loc.child("responses", str(code)) for code in responses]
    for place in places:
        try:
            loc, node = values.deref(place)
        except Exception:  # noqa: BLE001
            continue
        content = node.get("content") if isinstance(node, dict) else None
        for media_type in content if isinstance(content, dict) else {}:
            if not _MEDIA_TYPE.fullmatch(str(media_type).split(";", 1)[0].strip()):
                return loc.child("content", str(media_type)).pointer
    return ""


def media_type_error(values: Values, op_loc: Loc, raw: dict[str, Any], status: int, body: bytes, pointer: str, evidence: str) -> Finding | None:
    """Prism's bare 500 ``internal_server_error`` (no problem document) for an operation with a
    media type that is no RFC 6838 ``type/subtype`` (openapi-python-client's
    ``openapi/python/client``): its validator throws "invalid media type" for a request with such
    a body (without one it dies, which ``prism_crashed`` reports): the document's defect
    (``invalid-media-type``). None otherwise."""
    invalid = invalid_media_type(values, op_loc, raw)
    if status != 500 or not invalid or b'"internal_server_error"' not in body:
        return None
    return Finding(DOCUMENT, "invalid-media-type", invalid, evidence)


def _typed(values: Values, loc: Loc) -> bool:
    try:
        _, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    return isinstance(schema, dict) and "type" in schema


def has_map_examples(values: Values, loc: Loc, seen: set[str] | None = None) -> bool:
    """Whether the schema at ``loc`` (refs followed) contains a map-valued ``examples``.

    Prism 5.14.2 validates no request body of an operation whose schema has one (invalid in
    OpenAPI 3.1, where a Schema Object's ``examples`` is an array): such a body is judged by the
    sweep's own checks only (``test_prism.py`` pins the behaviour)."""
    seen = set() if seen is None else seen
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if loc.key in seen or not isinstance(schema, dict):
        return False
    seen.add(loc.key)
    if isinstance(schema.get("examples"), dict):
        return True
    for key in ("properties", "patternProperties", "$defs"):
        for name in schema.get(key) or {}:
            if has_map_examples(values, loc.child(key, name), seen):
                return True
    for key in ("allOf", "oneOf", "anyOf", "prefixItems"):
        for index, _ in enumerate(schema.get(key) or []):
            if has_map_examples(values, loc.child(key, index), seen):
                return True
    return any(
        isinstance(schema.get(key), dict) and has_map_examples(values, loc.child(key), seen)
        for key in ("items", "additionalProperties", "not")
    )


def unsatisfiable(values: Values, loc: Loc, why: str) -> Finding:
    """No valid value could be built for the schema at ``loc``. A document defect only when the
    schema is provably empty (see :func:`provably_empty`); otherwise the test data builder is at
    fault, which is ours: a client-side (harness) defect to fix."""
    if why.startswith("recursive schema"):
        # the builder gives up on a recursion only where the schema demands a value (a required
        # property, an allOf part, an array's minItems, every variant of a union) and null is not
        # allowed: no finite JSON value exists
        return Finding(DOCUMENT, "unsatisfiable-schema", loc.pointer, f"every value needs a value of itself ({why}; no optional, empty or null way out)")
    proof = provably_empty(values, loc)
    if proof:
        return Finding(DOCUMENT, "unsatisfiable-schema", loc.pointer, proof)
    if "is valid under each of" in why:
        return Finding(DOCUMENT, "oneof-variants-overlap", loc.pointer, why)
    return Finding(CLIENT, "no-test-value", loc.pointer, why)


def provably_empty(values: Values, loc: Loc, seen: frozenset[str] = frozenset()) -> str:
    """A reason the schema at ``loc`` accepts no value at all, or "" (not proven).

    Proofs: ``minimum`` above ``maximum``; ``minLength`` above ``maxLength``; ``minItems`` above
    ``maxItems``; an ``enum`` none of whose members validates against the schema itself; a
    ``required`` property whose own schema is ``false``, or that ``additionalProperties: false``
    forbids (not among ``properties``); an ``allOf`` part that is provably empty; a ``oneOf``
    whose every variant is written twice (a value valid under one is valid under its twin); in a
    3.1 document, a boolean ``exclusiveMinimum``/``exclusiveMaximum`` (read as 1 or 0) that leaves
    no number between the bounds."""
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return ""
    if loc.key in seen:
        return ""
    seen = seen | {loc.key}
    if schema is False:
        return "the schema is `false`"
    if not isinstance(schema, dict):
        return ""
    for low, high in (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems")):
        a, b = schema.get(low), schema.get(high)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
            return f"{low} {a} > {high} {b}"
    if not values.is30:
        # JSON Schema 2020-12: the exclusive bounds are numbers; the OAS 3.0 boolean form is read
        # as a number too (true is 1), which is what the document then says
        low = [(k, schema[k]) for k in ("exclusiveMinimum", "minimum") if isinstance(schema.get(k), (int, float))]
        high = [(k, schema[k]) for k in ("exclusiveMaximum", "maximum") if isinstance(schema.get(k), (int, float))]
        for (lk, lv) in low:
            for (hk, hv) in high:
                if (lv >= hv and "exclusive" in lk + hk) and any(isinstance(schema[k], bool) for k in (lk, hk)):
                    return f"{lk} {schema[lk]!r} and {hk} {schema[hk]!r}: a boolean bound (the OAS 3.0 form) in a 3.1 schema is the number {int(schema[lk] if isinstance(schema[lk], bool) else schema[hk])}, and no number fits"
    types = []
    for index, part in enumerate(schema.get("allOf") or []):
        try:
            _, part = values.deref(loc.child("allOf", index))
        except Exception:  # noqa: BLE001
            continue
        if isinstance(part, dict) and isinstance(part.get("type"), (str, list)):
            kinds = {part["type"]} if isinstance(part["type"], str) else set(part["type"])
            types.append(kinds | ({"number"} if "integer" in kinds else set()))
    if isinstance(schema.get("type"), str):
        types.append({schema["type"]} | ({"number"} if schema["type"] == "integer" else set()))
    if len(types) > 1 and not set.intersection(*types):
        return f"allOf parts require disjoint types {[sorted(t) for t in types]}"
    short = pattern_too_short(schema)
    if short:
        return short
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and not any(values.valid(loc, v) for v in enum):
        return f"no member of enum {enum[:5]!r} validates against the schema itself"
    variants = schema.get("oneOf")
    if isinstance(variants, list) and len(variants) > 1:
        # a value valid under a variant written twice matches two: oneOf needs exactly one
        keys = [json.dumps(v, sort_keys=True) for v in variants]
        if all(keys.count(k) > 1 for k in keys):
            return f"every oneOf variant is written twice ({variants[0]!r:.80}...): no value matches exactly one"
    for index, _ in enumerate(schema.get("allOf") or []):
        inner = provably_empty(values, loc.child("allOf", index), seen)
        if inner:
            return f"allOf part {index}: {inner}"
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    closed = schema.get("additionalProperties") is False and not schema.get("patternProperties")
    for name in schema.get("required") or []:
        if props.get(name) is False:
            return f"required property {name!r} is `false`"
        if closed and isinstance(name, str) and name not in props:
            return f"required property {name!r} is not among the properties, and additionalProperties is false"
        if isinstance(name, str) and name in props:
            inner = provably_empty(values, loc.child("properties", name), seen)
            if inner:
                return f"required property {name!r}: {inner}"
        elif isinstance(name, str):
            # (required here, declared by an allOf part: Linode's `createFirewalls` body)
            for index, _ in enumerate(schema.get("allOf") or []):
                try:
                    ploc, part = values.deref(loc.child("allOf", index))
                except Exception:  # noqa: BLE001
                    continue
                if isinstance(part, dict) and isinstance(part.get("properties"), dict) and name in part["properties"]:
                    inner = provably_empty(values, ploc.child("properties", name), seen)
                    if inner:
                        return f"required property {name!r} (of allOf part {index}): {inner}"
    return ""


#: ``^A((?!L)B)+$`` with single-character classes ``A`` and ``B`` (no escapes) and a negative
#: lookahead ``L`` of alternatives (no escapes, no groups).
_LOOKAHEAD_REPEAT = re.compile(r"\^(\[[^\]\\]*\]|[A-Za-z0-9])\(\(\?!([^()\\]*)\)(\[[^\]\\]*\])\)\+\$")


def pattern_too_short(schema: dict[str, Any]) -> str:
    """A proof that no string of ``minLength`` or more characters matches the schema's
    ``pattern``, or "". Proven for one shape only, ``^A((?!...|..)B)+$`` where an alternative of
    the lookahead is ``k`` unescaped dots (Linode's Firewall label, whose ``..`` was meant as
    ``\\.\\.``) and ``A``, ``B`` are character classes without line terminators: in a match every
    character after the first is a ``B`` (no line terminator), so at each repetition the dots
    match if ``k`` characters remain and the lookahead refuses it; the first repetition starts
    at index 1, so a match has at most ``k`` characters."""
    pattern, low = schema.get("pattern"), schema.get("minLength")
    if not isinstance(pattern, str) or not isinstance(low, int) or isinstance(low, bool):
        return ""
    found = _LOOKAHEAD_REPEAT.fullmatch(pattern)
    if found is None:
        return ""
    first, alternatives, each = found.groups()
    dots = [len(alt) for alt in alternatives.split("|") if alt and set(alt) == {"."}]
    terminators = "\n\r\u2028\u2029"
    if not dots or any(re.fullmatch(cls, c) for cls in (first, each) for c in terminators):
        return ""
    k = min(dots)
    if low <= k:
        return ""
    return (
        f"pattern {pattern!r}: the lookahead's unescaped {'.' * k!r} refuses every repetition while {k} "
        f"characters follow, so no string of more than {k} characters matches, and minLength is {low}"
    )


__all__ = [
    "CLIENT",
    "DOCUMENT",
    "MOCK",
    "Finding",
    "REASONS",
    "complex_schema",
    "invalid_media_type",
    "Shape",
    "escape",
    "invalid_examples",
    "unknown_tag",
    "response_refused",
    "unsatisfiable",
]
