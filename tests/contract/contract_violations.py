"""Prism's request violations, explained one by one: each rule names a violation Prism 5.14.2
reports wrongly (a mock limitation) or one no request can avoid (a document defect), with its
reason in ``contract_classify.REASONS`` and a test in ``test_contract_classify.py``. A violation
no rule explains leaves the request a client defect."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from contract_classify import DOCUMENT, MOCK, Finding
from contract_values import Values

from generator.refs import Loc


@dataclass(frozen=True)
class RequestContext:
    """What a rejected request was built from: the request body's schema and the parameters'
    locations by ``(in, name)``, and the multipart properties sent as ``application/json`` parts."""

    body_schema: Loc | None = None
    params: dict[tuple[str, str], Loc] | None = None
    multipart_json_parts: frozenset[str] = frozenset()
    #: the kind of the body sent (json, form, multipart, binary, text)
    body_kind: str = ""
    #: the operation's security requirements (alternatives, each a list of scheme names)
    security: list[list[str]] | None = None
    security_pointer: str = ""
    #: the query string as sent (decoded names), to tell a parameter left out
    sent_query: frozenset[str] = frozenset()
    #: header parameters the document declares named Accept, Content-Type or Authorization
    #: (lower-cased), which OAS says SHALL be ignored: the client does not send them as such
    ignored_headers: frozenset[str] = frozenset()


def request_rejected(values: Values, violations: list[dict[str, Any]], ctx: RequestContext) -> Finding | None:
    """Prism rejected a request: a document defect or mock limitation when every violation is
    explained by a rule (each in ``REASONS``), else None (a client defect)."""
    explained = [_explain(values, v, ctx) for v in violations]
    # Prism follows a failed variant with "must match exactly one schema in oneOf" at the same
    # place: that one is explained by whatever explains the variant's own failure
    places = {tuple(v.get("location") or ()) for v, f in zip(violations, explained) if f is not None}
    explained = [
        next((f for f in explained if f is not None), None)
        if f is None and v.get("code") in ("oneOf", "anyOf") and tuple(v.get("location") or ()) in places
        else f
        for v, f in zip(violations, explained)
    ]
    if not explained or any(f is None for f in explained):
        return None
    found = [f for f in explained if f is not None]
    worst = next((f for f in found if f.verdict == DOCUMENT), found[0])
    return worst


def _explain(values: Values, violation: dict[str, Any], ctx: RequestContext) -> Finding | None:
    location = [str(t) for t in violation.get("location") or []]
    message = str(violation.get("message", ""))
    if location == ["request", "body"] and violation.get("code") == "type" and ctx.body_kind in ("text", "binary"):
        if _object_schema(values, ctx.body_schema):
            reason = "prism-non-json-body-as-text" if ctx.body_kind == "text" else "prism-binary-body-as-text"
            return Finding(MOCK, reason, ctx.body_schema.pointer if ctx.body_schema else "", message)
    if location == ["request", "body"] and violation.get("code") == "type" and ctx.body_kind == "multipart":
        if _single_value_schema(values, ctx.body_schema):
            return Finding(DOCUMENT, "multipart-schema-not-object", ctx.body_schema.pointer if ctx.body_schema else "", message)
    if location == ["request", "header"] and violation.get("code") == "required" and missing_header(message) in ctx.ignored_headers:
        return Finding(MOCK, "prism-checks-ignored-header-parameter", "", message)
    if location == ["request"] and str(violation.get("code")) == "401" and ctx.security is not None:
        if ctx.security and all(_authorization_clash(values, alternative) for alternative in ctx.security):
            return Finding(DOCUMENT, "unsatisfiable-security-requirement", ctx.security_pointer, f"every requirement needs {ctx.security[0]} at once: {message}")
    if location[:2] == ["request", "body"] and ctx.body_kind == "multipart" and message == "Reserved characters used in request body":
        return Finding(MOCK, "prism-reserved-characters-multipart", ctx.body_schema.pointer if ctx.body_schema else "", message)
    missing = re.search(r"must have required property '([^']+)'", message)
    if missing and location[:2] == ["request", "body"] and ctx.body_schema is not None:
        if _read_only_somewhere(values, ctx.body_schema, missing.group(1)):
            return Finding(MOCK, "prism-readonly-required-in-composition", ctx.body_schema.pointer, message)
    if missing and location == ["request", "query"] and "%" in missing.group(1):
        # (Prism lower-cases the names in its messages: `filter%5bregioncode%5d`)
        if unquote(missing.group(1)).lower() in {name.lower() for name in ctx.sent_query}:
            return Finding(MOCK, "prism-encoded-query-name", "", message)
    if location[:2] == ["request", "body"] and ctx.body_schema is not None:
        if (
            violation.get("code") == "type"
            and len(location) == 3
            and location[2] in ctx.multipart_json_parts
        ):
            return Finding(MOCK, "multipart-json-part", ctx.body_schema.pointer, f"part {location[2]!r}: {message}")
        index_rule = _prefix_items(values, ctx.body_schema, location[2:])
        if index_rule is not None and violation.get("code") == "type":
            return Finding(MOCK, "prism-prefixitems", index_rule.pointer, message)
    if len(location) == 3 and location[:2] == ["request", "body"] and ctx.body_kind == "form" and violation.get("code") == "type":
        if message.endswith("must be array") and _form_array_without_encoding(values, ctx.body_schema, location[2]):
            return Finding(MOCK, "prism-form-array-without-encoding", ctx.body_schema.pointer if ctx.body_schema else "", message)
    if len(location) == 3 and location[1] == "query" and ctx.params and violation.get("code") == "type":
        param = _param_loc(ctx, "query", location[2])
        if param is not None and "array" in message and "null" in message and _nullable_array(values, param):
            return Finding(MOCK, "prism-nullable-array-query", param.pointer, message)
    if len(location) == 3 and location[1] == "query" and violation.get("code") == "required" and ctx.params:
        param = _param_loc(ctx, "query", location[2])
        if param is not None and _absent_deep_object(values, param, ctx.sent_query):
            return Finding(MOCK, "prism-absent-deepobject", param.pointer, message)
    if len(location) == 3 and location[1] in ("path", "query", "header", "cookie") and violation.get("code") == "oneOf" and ctx.params:
        param = _param_loc(ctx, location[1], location[2])
        if param is not None and _string_and_number_variants(values, param):
            return Finding(DOCUMENT, "parameter-oneof-overlap", param.pointer, message)
    if len(location) >= 3 and location[1] in ("path", "query", "header", "cookie") and ctx.params:
        param = ctx.params.get((location[1], location[2]))
        if param is not None and len(location) > 3 and _nested_parameter(values, param):
            return Finding(DOCUMENT, "parameter-nesting-undefined", param.pointer, message)
    if len(location) == 2 and location[1] == "path" and ctx.params:
        name = message.rsplit("'", 2)[-2] if message.count("'") >= 2 else ""
        if ("path", name) in ctx.params and not name.isascii():
            return Finding(MOCK, "prism-non-ascii-path-name", ctx.params[("path", name)].pointer, message)
    return None


def missing_header(message: str) -> str:
    """The header a "must have required property 'x'" message names (lower-cased), or ""."""
    found = re.search(r"must have required property '([^']+)'", message)
    return found.group(1).lower() if found else ""


IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})


def ignored_header_parameters(values: Values, locs: list[Loc]) -> frozenset[str]:
    """Of the parameters at ``locs``, the names (lower-cased) of header parameters named Accept,
    Content-Type or Authorization, which OAS (3.1.0 4.8.12.1) says SHALL be ignored."""
    names = set()
    for loc in locs:
        try:
            _, param = values.deref(loc)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(param, dict) and param.get("in") == "header" and str(param.get("name")).lower() in IGNORED_HEADER_PARAMETERS:
            names.add(str(param.get("name")).lower())
    return frozenset(names)


def _object_schema(values: Values, loc: Loc | None) -> bool:
    if loc is None:
        return False
    try:
        _, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    return isinstance(schema, dict) and (schema.get("type") == "object" or "properties" in schema)


def _form_array_without_encoding(values: Values, loc: Loc | None, name: str) -> bool:
    """Whether property ``name`` of the form body schema at ``loc`` is an array and the media
    type (the schema's parent) has no ``encoding`` entry for it."""
    if loc is None or not loc.pointer.endswith("/schema"):
        return False
    try:
        schema_loc, schema = values.deref(loc)
        _, prop = values.deref(schema_loc.child("properties", name))
        media = values.node(values.at(loc.pointer[: -len("/schema")]))
    except Exception:  # noqa: BLE001
        return False
    encoding = media.get("encoding") if isinstance(media, dict) else None
    named = isinstance(encoding, dict) and name in encoding
    return isinstance(prop, dict) and prop.get("type") == "array" and not named


def _single_value_schema(values: Values, loc: Loc | None) -> bool:
    """Whether the schema at ``loc`` is a single non-object value (``type: string``...)."""
    if loc is None:
        return False
    try:
        _, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    kind = schema.get("type") if isinstance(schema, dict) else None
    return isinstance(kind, str) and kind not in ("object", "null") and "properties" not in schema


#: Security schemes that put their credential in the one ``Authorization`` header.
def _uses_authorization(scheme: Any) -> bool:
    if not isinstance(scheme, dict):
        return False
    if scheme.get("type") in ("oauth2", "openIdConnect"):
        return True
    return scheme.get("type") == "http"


def _authorization_clash(values: Values, alternative: list[str]) -> bool:
    """Whether a security requirement needs two schemes that both use the ``Authorization``
    header (Basic and Bearer together): no request can carry both."""
    schemes = (values.doc.get("components") or {}).get("securitySchemes") or {}
    return sum(1 for name in alternative if _uses_authorization(schemes.get(name))) >= 2


def _absent_deep_object(values: Values, param_loc: Loc, sent: frozenset[str]) -> bool:
    """An optional ``deepObject`` query parameter the request left out (no ``name[...]`` key)."""
    try:
        _, param = values.deref(param_loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(param, dict) or param.get("required") or param.get("style") != "deepObject":
        return False
    name = str(param.get("name"))
    return not any(key == name or key.startswith(name + "[") for key in sent)


def _read_only_somewhere(values: Values, loc: Loc, name: str, seen: set[str] | None = None, depth: int = 0) -> bool:
    """Whether a schema reached from ``loc`` (through ``$ref``, ``allOf``/``oneOf``/``anyOf``,
    properties and items) declares a ``readOnly`` property ``name``."""
    seen = set() if seen is None else seen
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict) or loc.key in seen or depth > 10:
        return False
    seen.add(loc.key)
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    if name in props:
        try:
            _, prop = values.deref(loc.child("properties", name))
        except Exception:  # noqa: BLE001
            prop = props[name]
        if isinstance(prop, dict) and prop.get("readOnly") is True:
            return True
    for key in ("allOf", "oneOf", "anyOf"):
        for index, _ in enumerate(schema.get(key) or []):
            if _read_only_somewhere(values, loc.child(key, index), name, seen, depth + 1):
                return True
    if isinstance(schema.get("items"), dict) and _read_only_somewhere(values, loc.child("items"), name, seen, depth + 1):
        return True
    return any(_read_only_somewhere(values, loc.child("properties", p), name, seen, depth + 1) for p in props)


def _string_and_number_variants(values: Values, param_loc: Loc) -> bool:
    """Whether the parameter's schema is a ``oneOf`` with both a string variant and a number or
    integer one: in a URL or header every value is text, so a number also fits the string."""
    try:
        schema_loc, schema = values.deref(param_loc.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    kinds = set()
    for index, _ in enumerate(schema.get("oneOf") or [] if isinstance(schema, dict) else []):
        try:
            _, variant = values.deref(schema_loc.child("oneOf", index))
        except Exception:  # noqa: BLE001
            continue
        if isinstance(variant, dict) and isinstance(variant.get("type"), str):
            kinds.add(variant["type"])
    return "string" in kinds and bool(kinds & {"integer", "number"})


def _param_loc(ctx: RequestContext, where: str, name: str) -> Loc | None:
    """The parameter Prism names (it lower-cases query parameter names in its messages)."""
    params = ctx.params or {}
    if (where, name) in params:
        return params[(where, name)]
    return next((loc for (w, n), loc in params.items() if w == where and n.lower() == name.lower()), None)


def _nullable_array(values: Values, param_loc: Loc) -> bool:
    """Whether the parameter's schema is an array that also allows null (3.0 ``nullable`` or a
    3.1 type list)."""
    try:
        _, schema = values.deref(param_loc.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return "array" in kinds and ("null" in kinds or schema.get("nullable") is True)


def _schema_at(values: Values, loc: Loc, tokens: list[str]) -> tuple[Loc, Any] | None:
    """The schema a value at ``tokens`` (property names and array indexes) inside a value of the
    schema at ``loc`` is checked against (through ``$ref``, ``properties``, ``prefixItems``,
    ``items`` and ``allOf``), or None."""
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return None
    for token in tokens:
        if not isinstance(schema, dict):
            return None
        step = _step(values, loc, schema, token)
        if step is None:
            return None
        loc, schema = step
    return loc, schema


def _step(values: Values, loc: Loc, schema: dict[str, Any], token: str) -> tuple[Loc, Any] | None:
    props = schema.get("properties")
    if isinstance(props, dict) and token in props:
        return values.deref(loc.child("properties", token))
    if token.isdigit():
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and int(token) < len(prefix):
            return values.deref(loc.child("prefixItems", int(token)))
        if isinstance(schema.get("items"), dict):
            return values.deref(loc.child("items"))
    for index, _ in enumerate(schema.get("allOf") or []):
        part_loc, part = values.deref(loc.child("allOf", index))
        if isinstance(part, dict):
            found = _step(values, part_loc, part, token)
            if found is not None:
                return found
    return None


def _prefix_items(values: Values, body: Loc, tokens: list[str]) -> Loc | None:
    """The array schema when ``tokens`` ends in an index its ``prefixItems`` covers (Prism
    5.14.2 checks such an element against ``items``, the draft-07 reading)."""
    if not tokens or not tokens[-1].isdigit():
        return None
    found = _schema_at(values, body, tokens[:-1])
    if found is None or not isinstance(found[1], dict):
        return None
    prefix = found[1].get("prefixItems")
    if isinstance(prefix, list) and int(tokens[-1]) < len(prefix):
        return found[0]
    return None


def _nested_parameter(values: Values, param_loc: Loc) -> bool:
    """Whether the parameter's value nests objects or arrays inside an array or object, whose
    serialization OAS leaves undefined for every style but ``deepObject``'s one level
    (OAS 3.1.0 4.8.12.4: "The behavior for nested objects and arrays is undefined")."""
    try:
        _, param = values.deref(param_loc)
        schema_loc, schema = values.deref(param_loc.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict):
        return False
    inner: list[Any] = []
    if isinstance(schema.get("items"), dict):
        inner.append(values.deref(schema_loc.child("items"))[1])
    for name in (schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else {}:
        inner.append(values.deref(schema_loc.child("properties", name))[1])
    return any(isinstance(i, dict) and (i.get("type") in ("object", "array") or "properties" in i or "items" in i) for i in inner)
