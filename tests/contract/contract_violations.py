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
    #: the operation's path template, and its declared path parameters: name -> JSON pointer
    path_template: str = ""
    path_params: dict[str, str] | None = None
    #: the query names sent with an empty value (``name=``)
    sent_empty_query: frozenset[str] = frozenset()
    #: our own validator found the JSON body sent valid against the document's schema
    body_valid: bool = False
    #: the header parameters OpenAPI says to ignore (Accept, Content-Type, Authorization), by
    #: lower-case name: where they are
    ignored_headers: dict[str, Loc] | None = None
    #: the field names of the form-urlencoded body sent
    sent_form: frozenset[str] = frozenset()


def request_rejected(values: Values, violations: list[dict[str, Any]], ctx: RequestContext) -> Finding | None:
    """Prism rejected a request: a document defect or mock limitation when every violation is
    explained by a rule (each in ``REASONS``), else None (a client defect)."""
    # Prism's warnings (a deprecated parameter, a security scheme it does not check) reject nothing
    violations = [v for v in violations if v.get("severity", "Error") == "Error"]
    explained = [_explain(values, v, ctx) for v in violations]
    explained = _other_variants(violations, explained, ctx)
    # Prism follows a failed variant with "must match exactly one schema in oneOf" at the same
    # place: that one is explained by whatever explains the variant's own failure
    places = {tuple(v.get("location") or ()) for v, f in zip(violations, explained) if f is not None}
    # likewise "must match "then"/"else" schema" (code ``if``) follows a failure inside the branch
    explained = [
        next((f for f in explained if f is not None), None)
        if f is None and (
            (v.get("code") in ("oneOf", "anyOf") and tuple(v.get("location") or ()) in places)
            or (v.get("code") == "if" and _under(tuple(v.get("location") or ()), places))
        )
        else f
        for v, f in zip(violations, explained)
    ]
    if not explained or any(f is None for f in explained):
        return None
    found = [f for f in explained if f is not None]
    worst = next((f for f in found if f.verdict == DOCUMENT), found[0])
    return worst


def _other_variants(violations: list[dict[str, Any]], explained: list[Finding | None], ctx: RequestContext) -> list[Finding | None]:
    """When Prism wrongly fails the variant a valid body was built for (a readOnly property it
    demands), it also lists why every other variant of that oneOf/anyOf fails: those "required"
    violations, at a place where it reports the oneOf/anyOf failure, are consequences. Only for
    a body our own validator finds valid."""
    readonly = next((f for f in explained if f is not None and f.reason == "prism-readonly-required-in-composition"), None)
    if readonly is None or not ctx.body_valid:
        return explained
    composed = {tuple(v.get("location") or ()) for v in violations if v.get("code") in ("oneOf", "anyOf")}
    return [
        readonly if f is None and v.get("code") == "required" and tuple(v.get("location") or ()) in composed else f
        for v, f in zip(violations, explained)
    ]


def _under(location: tuple[Any, ...], places: set[tuple[Any, ...]]) -> bool:
    """Whether one of ``places`` is ``location`` or inside it."""
    return any(place[: len(location)] == location for place in places)


def _explain(values: Values, violation: dict[str, Any], ctx: RequestContext) -> Finding | None:
    location = [str(t) for t in violation.get("location") or []]
    message = str(violation.get("message", ""))
    if location == ["request", "body"] and violation.get("code") == "type" and ctx.body_kind in ("text", "binary"):
        if _object_schema(values, ctx.body_schema) or _array_schema(values, ctx.body_schema):
            reason = "prism-non-json-body-as-text" if ctx.body_kind == "text" else "prism-binary-body-as-text"
            return Finding(MOCK, reason, ctx.body_schema.pointer if ctx.body_schema else "", message)
    ignored = ctx.ignored_headers or {}
    if location == ["request", "header", "content-type"] and "content-type" in ignored and ctx.body_schema is not None:
        if _contradicts_body_media(values, ignored["content-type"], ctx.body_schema):
            return Finding(DOCUMENT, "content-type-parameter-contradicts-body", ignored["content-type"].pointer, message)
    wanted = re.search(r"must have required property '([^']+)'", message)
    if location == ["request", "body"] and wanted and ctx.body_kind == "form" and wanted.group(1) in ctx.sent_form:
        if ctx.body_schema is not None and wanted.group(1) not in _declared_properties(values, ctx.body_schema):
            return Finding(MOCK, "prism-form-undeclared-field", ctx.body_schema.pointer, message)
    if location == ["request", "header"] and wanted and wanted.group(1).lower() in ("accept", "authorization"):
        param = ignored.get(wanted.group(1).lower())
        if param is not None and not any(ctx.security or []):
            return Finding(DOCUMENT, "ignored-header-parameter-required", param.pointer, message)
    if location == ["request", "body"] and violation.get("code") == "type" and ctx.body_kind in ("multipart", "form"):
        if _single_value_schema(values, ctx.body_schema):
            reason = f"{ctx.body_kind}-schema-not-object"
            return Finding(DOCUMENT, reason, ctx.body_schema.pointer if ctx.body_schema else "", message)
    if (
        location == ["request", "header"]
        and violation.get("code") == "required"
        and missing_header(message) in (ctx.ignored_headers or {})
        and missing_header(message) != "authorization"  # a security scheme's: the client's to send
    ):
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
    if missing and location == ["request", "query"] and missing.group(1) in {n.lower() for n in ctx.sent_empty_query}:
        return Finding(MOCK, "prism-empty-query-value", "", message)
    if missing and location == ["request", "query"] and ctx.params:
        param = _param_loc(ctx, "query", missing.group(1))
        if param is not None and _free_form_exploded(values, param) and ctx.sent_query - {n for w, n in ctx.params if w == "query"}:
            return Finding(MOCK, "prism-free-form-exploded-object", param.pointer, message)
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
    if len(location) == 3 and location[1] in ("path", "header") and violation.get("code") == "type" and ctx.params:
        param = _param_loc(ctx, location[1], location[2])
        if param is not None and _composed_object(values, param):
            return Finding(MOCK, "prism-composed-object-parameter", param.pointer, message)
    if len(location) == 3 and location[1] in ("path", "query", "header", "cookie") and violation.get("code") == "oneOf" and ctx.params:
        param = _param_loc(ctx, location[1], location[2])
        if param is not None and _string_and_number_variants(values, param):
            return Finding(DOCUMENT, "parameter-oneof-overlap", param.pointer, message)
    if len(location) >= 3 and location[1] in ("path", "query", "header", "cookie") and ctx.params:
        param = ctx.params.get((location[1], location[2]))
        if param is not None and len(location) > 3 and _nested_parameter(values, param):
            return Finding(DOCUMENT, "parameter-nesting-undefined", param.pointer, message)
    if len(location) == 4 and location[1] == "query" and ctx.params:
        shared = _exploded_objects_sharing(values, ctx, location[3])
        if location[2] in {name.lower() for name in shared} and len(shared) > 1:
            return Finding(DOCUMENT, "exploded-objects-share-property", ctx.params[("query", shared[0])].pointer, f"{message} ({', '.join(shared)} all declare '{location[3]}')")
    if len(location) == 2 and location[1] == "path" and missing and ctx.path_params:
        # Prism lower-cases the names it reports; a path parameter the template does not name
        # can be in no URL: Prism demands what no request can send
        named = {n.lower() for n in re.findall(r"{([^}]+)}", ctx.path_template)}
        declared = {n.lower(): n for n in ctx.path_params}
        if missing.group(1).lower() in declared and missing.group(1).lower() not in named:
            pointer = ctx.path_params[declared[missing.group(1).lower()]]
            return Finding(DOCUMENT, "path-parameter-not-in-template", pointer, f"{message} (path {ctx.path_template})")
    if len(location) == 2 and location[1] == "path" and ctx.params:
        name = message.rsplit("'", 2)[-2] if message.count("'") >= 2 else ""
        if ("path", name) in ctx.params and not name.isascii():
            return Finding(MOCK, "prism-non-ascii-path-name", ctx.params[("path", name)].pointer, message)
    return None


def _exploded_objects_sharing(values: Values, ctx: RequestContext, prop: str) -> list[str]:
    """The query parameters of the operation that are form-exploded objects (the default style)
    declaring the property ``prop`` (in any case): each sends it as a query parameter ``prop`` of
    its own, so two of them make ``prop=..&prop=..``, which no server can assign to either."""
    found = []
    for (where, name), loc in sorted((ctx.params or {}).items()):
        if where != "query":
            continue
        try:
            _, param = values.deref(loc)
            _, schema = values.deref(loc.child("schema"))
        except Exception:  # noqa: BLE001
            continue
        if not isinstance(param, dict) or param.get("style", "form") != "form" or param.get("explode", True) is not True:
            continue
        props = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(props, dict) and any(str(p).lower() == prop.lower() for p in props):
            found.append(name)
    return found


def _contradicts_body_media(values: Values, param: Loc, body_schema: Loc) -> bool:
    """Whether a Content-Type header parameter's enum leaves out the media type of the body sent
    (``body_schema`` is ``.../content/<media type>/schema``): no request with that body passes."""
    try:
        _, schema = values.deref(param.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    tokens = body_schema.pointer.split("/")
    if len(tokens) < 3 or tokens[-1] != "schema" or tokens[-3] != "content":
        return False
    media = tokens[-2].replace("~1", "/").replace("~0", "~").split(";")[0].strip().lower()
    enum = schema.get("enum") if isinstance(schema, dict) else None
    return isinstance(enum, list) and bool(enum) and all(str(e).split(";")[0].strip().lower() != media for e in enum)


def missing_header(message: str) -> str:
    """The header a "must have required property 'x'" message names (lower-cased), or ""."""
    found = re.search(r"must have required property '([^']+)'", message)
    return found.group(1).lower() if found else ""


IGNORED_HEADER_PARAMETERS = frozenset({"accept", "content-type", "authorization"})


def ignored_header_parameters(values: Values, locs: list[Loc]) -> dict[str, Loc]:
    """Of the parameters at ``locs``, the header parameters named Accept, Content-Type or
    Authorization, which OAS (3.1.0 4.8.12.1) says SHALL be ignored: lower-cased name -> where."""
    found: dict[str, Loc] = {}
    for loc in locs:
        try:
            where, param = values.deref(loc)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(param, dict) and param.get("in") == "header" and str(param.get("name")).lower() in IGNORED_HEADER_PARAMETERS:
            found.setdefault(str(param.get("name")).lower(), where)
    return found


def _array_schema(values: Values, loc: Loc | None) -> bool:
    if loc is None:
        return False
    try:
        _, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    return isinstance(schema, dict) and (schema.get("type") == "array" or "items" in schema)


def _object_schema(values: Values, loc: Loc | None, depth: int = 0) -> bool:
    """Whether the schema at ``loc`` is an object's (``type: object``, ``properties``, or an
    ``allOf`` part that is: Docker's ``allOf: [$ref ContainerConfig, {...}]``)."""
    if loc is None or depth > 8:
        return False
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "object" or "properties" in schema:
        return True
    return any(_object_schema(values, loc.child("allOf", i), depth + 1) for i, _ in enumerate(schema.get("allOf") or []))


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


def _declared_properties(values: Values, loc: Loc, depth: int = 0) -> set[str]:
    """The property names the object schema at ``loc`` declares (``properties``, also of its
    ``allOf`` parts), refs followed."""
    try:
        loc, schema = values.deref(loc)
    except Exception:  # noqa: BLE001
        return set()
    if not isinstance(schema, dict) or depth > 8:
        return set()
    names = set(schema["properties"]) if isinstance(schema.get("properties"), dict) else set()
    for index, _ in enumerate(schema.get("allOf") if isinstance(schema.get("allOf"), list) else []):
        names |= _declared_properties(values, loc.child("allOf", index), depth + 1)
    return names


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
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict) and _read_only_somewhere(values, loc.child(key), name, seen, depth + 1):
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


def _composed_object(values: Values, param_loc: Loc) -> bool:
    """Whether the parameter's schema has no ``type`` of its own but a ``oneOf``/``anyOf`` with an
    object variant (``oneOf: [{$ref: Model}, {type: 'null'}]``)."""
    try:
        loc, schema = values.deref(param_loc.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(schema, dict) or "type" in schema:
        return False
    for key in ("oneOf", "anyOf"):
        for i, _ in enumerate(schema.get(key) or [] if isinstance(schema.get(key), list) else []):
            try:
                _, variant = values.deref(loc.child(key, i))
            except Exception:  # noqa: BLE001
                continue
            if isinstance(variant, dict) and (variant.get("type") == "object" or "properties" in variant):
                return True
    return False


def _free_form_exploded(values: Values, param_loc: Loc) -> bool:
    """Whether the parameter is an object without ``properties`` in style form, exploded (the
    defaults): its keys stand in the query as parameters of their own."""
    try:
        _, raw = values.deref(param_loc)
        _, schema = values.deref(param_loc.child("schema"))
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(raw, dict) or not isinstance(schema, dict) or raw.get("style", "form") != "form" or raw.get("explode", True) is not True:
        return False
    types = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    return "object" in types and not schema.get("properties")


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
