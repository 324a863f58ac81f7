"""The requests the contract sweep sends for one operation, built from the document's schemas.

:meth:`RequestPlanner.requests` gives ``required`` (only required parameters, and the body when it
is required, with only its required properties; Prism answers with its static response), then
``full`` (every parameter and property that may be sent; Prism makes up a response from the
schemas, ``Prefer: dynamic=true``) once per union variant (``full/1``, ``full/2``...), each for every
request media type the client offers. A value no schema-valid value could be built for is a
finding instead of a request (``contract_classify.unsatisfiable``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pydantic
from contract_classify import CLIENT, DOCUMENT, Finding, has_map_examples, unsatisfiable
from contract_judge import short
from contract_values import Shape, Unsatisfiable, Values
from contract_wire import Package

from generator.ir.model import Operation, RequestBody
from generator.refs import Loc, RefError

MAX_VARIANTS = 3
UPLOAD = b"contract upload\n"


class NullParameter(Exception):
    """A required parameter whose schema allows no value but ``null``, which a path, query,
    header or cookie cannot carry (RFC 6570 treats null as undefined)."""

    def __init__(self, loc: Loc) -> None:
        super().__init__(loc.pointer)
        self.loc = loc


@dataclass
class Request:
    """One call of an operation: the keyword arguments and what to check."""

    label: str
    shape: Shape
    kwargs: dict[str, Any]
    body: RequestBody | None = None
    body_loc: Loc | None = None  # the request body's media type object
    body_data: Any = None
    multipart_json: set[str] = field(default_factory=set)
    prefer: str | None = None
    #: a document defect the request is known to carry (Prism's refusal is then expected)
    expected: Finding | None = None
    #: the URL the last send of this request went to (set when judged)
    sent_url: str = ""
    #: the body sent (set when judged)
    sent_content: bytes | None = None


class RequestPlanner:
    """Builds the requests of one operation; findings about requests that could not be built go
    to ``findings``."""

    def __init__(self, values: Values, pkg: Package, ir: Operation, op_loc: Loc, raw: dict[str, Any]) -> None:
        self.values = values
        self.pkg = pkg
        self.ir = ir
        self.op_loc = op_loc
        self.raw = raw
        self.findings: list[Finding] = []
        #: what the report should know although nothing failed (e.g. a body Prism does not check)
        self.notes: list[str] = []

    def _param_value(self, param_loc: Loc, raw: dict[str, Any], shape: Shape) -> Any:
        schema_loc = param_loc.child("schema")
        schema_at: Any = raw
        if "schema" not in raw and isinstance(raw.get("content"), dict) and raw["content"]:
            mt = next(iter(raw["content"]))
            schema_loc = param_loc.child("content", mt, "schema")
            schema_at = raw["content"][mt]
        if not isinstance(schema_at, dict) or "schema" not in schema_at:
            # no schema (none written, an empty Media Type Object, a 3.2 itemSchema): any value
            # is valid, and a string has a form in every location
            return f"sample-{raw.get('name', 'p')}"
        candidates = []
        if "example" in raw:
            candidates.append(raw["example"])
        for example in (raw.get("examples") or {}).values() if isinstance(raw.get("examples"), dict) else []:
            if isinstance(example, dict) and "value" in example:
                candidates.append(example["value"])
        # a parameter's schema is not a property: readOnly/writeOnly do not apply (read rules,
        # write rules for a schema marked writeOnly itself, which read rules refuse outright)
        try:
            write = bool(self.values.deref(schema_loc)[1].get("writeOnly") is True)
        except (Unsatisfiable, AttributeError):
            write = False
        shape = Shape(shape.mode, shape.variant, write=write)
        in_path = raw.get("in") == "path"  # a path segment is never empty: no "" example
        for candidate in candidates:
            if candidate is not None and not (in_path and candidate == "") and self.values.valid(schema_loc, candidate, write=write):
                return candidate
        value = self.values.value(schema_loc, str(raw.get("name", "p")), shape)
        if in_path and value == "" and self.values.valid(schema_loc, f"sample-{raw.get('name')}", write=False):
            # a path segment is never empty (Notion's `id` has the example ""): the client
            # rightly refuses to send one
            value = f"sample-{raw.get('name')}"
        if value in ([], {}) and raw.get("required"):
            # an empty array or object has no form in a query, header or cookie: send one item
            value = self.values.value(schema_loc, str(raw.get("name", "p")), Shape("full", shape.variant, write=write))
        if isinstance(value, dict) and any(v is None or v in ([], {}) for v in value.values()):
            # nor has a member of an object parameter that is null or empty (hey-api's
            # pagination-ref.yaml: required `sort: {type: [array, null]}` built as []): RFC 6570
            # leaves it out, and the server misses a required property; the full value instead
            full = self.values.value(schema_loc, str(raw.get("name", "p")), Shape("full", shape.variant, write=write))
            if isinstance(full, dict) and not any(v is None or v in ([], {}) for v in full.values()):
                value = full
        if raw.get("required") and (value is None or (isinstance(value, list) and all(v is None for v in value))):
            raise NullParameter(param_loc)  # null (or a list of nulls only) has no form in a URL or header
        return value

    def _params(self, shape: Shape) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for param in self.ir.params:
            if shape.mode == "required" and not param.required:
                continue
            if param.location == "header" and param.json_name.lower() == "content-length" and not param.required:
                # (S3) the body's own length, which the transport sets: any made-up number
                # contradicts the body sent, and httpx refuses to send it
                continue
            uri, _, pointer = param.pointer.partition("#")
            loc = Loc(uri, pointer, uri)
            loc, raw = self.values.deref(loc)
            if not isinstance(raw, dict):
                continue
            if raw.get("name") != param.json_name:
                # a path template expression no Parameter Object declares (the generator makes it
                # a string argument, with a warning): any non-empty segment
                kwargs[param.py_name] = f"sample-{param.json_name}"
                continue
            # a path parameter is never empty (it is a URL segment): arrays get an item
            kwargs[param.py_name] = self._param_value(loc, raw, Shape("full", shape.variant) if param.location == "path" else shape)
        return kwargs

    def _body(self, body: RequestBody, shape: Shape) -> tuple[Any, Loc | None, Any, set[str]]:
        """``(argument, media type location (None when it cannot be reached), JSON-ready data,
        multipart JSON part names)``."""
        uri, _, pointer = body.pointer.partition("#")
        rb_loc = Loc(uri, pointer, uri)
        media_loc = rb_loc.child("content", body.content_type)
        schema_loc = media_loc.child("schema")
        try:
            media = self.values.node(media_loc)
        except (RefError, KeyError):
            # the body's $ref leads nowhere (a cycle, a missing target): the generator typed it
            # Any; any JSON value will do, and there is no schema to check it against
            return None, None, {"key": "value"}, set()
        has_schema = isinstance(media, dict) and "schema" in media
        if has_schema and has_map_examples(self.values, schema_loc):
            note = f"body not validated by Prism (map-valued examples): {schema_loc.pointer}"
            if note not in self.notes:
                self.notes.append(note)
        if body.kind == "binary":
            return UPLOAD, media_loc, None, set()  # (an argument already: not converted)
        data = self.values.value(schema_loc, "body", shape) if has_schema else {"key": "value"}
        if body.kind == "text":
            text = data if isinstance(data, str) else json.dumps(data)
            return text, media_loc, text, set()  # (an argument already: not converted)
        parts: set[str] = set()
        if body.kind == "multipart" and has_schema and not isinstance(data, dict):
            _, schema = self.values.deref(schema_loc)
            if isinstance(schema, dict) and (schema.get("format") in ("binary", "byte") or "contentMediaType" in schema):
                return UPLOAD, media_loc, None, set()  # one file, sent as the part 'file'
        if body.kind == "multipart" and isinstance(data, dict):
            object_loc, schema = self.values.deref(schema_loc)
            for name in (schema.get("properties") or {}) if isinstance(schema, dict) else {}:
                try:
                    _, sub = self.values.deref(object_loc.child("properties", name))
                except Unsatisfiable:
                    continue
                if not isinstance(sub, dict):
                    continue
                if data.get(name) == []:
                    # an empty array is no part at all in form data (its items are the parts):
                    # the property would be missing; send one item
                    data[name] = self.values.value(object_loc.child("properties", name), name, Shape("full", shape.variant, shape.write))
                if sub.get("format") in ("binary", "byte") or "contentMediaType" in sub:
                    if name in data or shape.mode == "full":
                        data[name] = UPLOAD
                elif name in data and isinstance(data[name], (dict, list)):
                    parts.add(name)
        return None, media_loc, data, parts

    def _as_argument(self, body: RequestBody, data: Any) -> Any:
        target = self.pkg.type_of(body.hint)
        if target is Any:
            return data
        if isinstance(target, type) and issubclass(target, pydantic.BaseModel):
            return target.model_validate(data)
        return pydantic.TypeAdapter(target).validate_python(data)

    def requests(self) -> list[Request]:
        """The requests to send: ``required``, then ``full`` for each union variant."""
        out: list[Request] = []
        bodies: list[RequestBody | None] = list(self.ir.bodies) or [None]
        count = 1
        for body in self.ir.bodies:
            uri, _, pointer = body.pointer.partition("#")
            count = max(count, self.values.variant_count(Loc(uri, pointer, uri).child("content", body.content_type, "schema")))
        shapes = [("required", Shape("required", 0))]
        shapes += [("full" if k == 0 else f"full/{k}", Shape("full", k)) for k in range(min(count, MAX_VARIANTS))]
        for label, shape in shapes:
            for index, body in enumerate(bodies):
                name = label if len(bodies) == 1 else f"{label}[{body.content_type if body else '-'}]"
                request = Request(name, shape, {}, body)
                request.prefer = None if shape.mode == "required" or not self._schemas_everywhere() else "dynamic=true"
                arg: Any = None
                try:
                    request.kwargs = self._params(shape)
                    if body is not None and (shape.mode == "full" or body.required):
                        arg, loc, data, parts = self._body(body, shape)
                        request.body_loc, request.body_data, request.multipart_json = loc, data, parts
                    elif body is not None and index > 0:
                        continue  # without a body, one request is enough
                except Unsatisfiable as exc:
                    self.findings.append(unsatisfiable(self.values, exc.loc or self.op_loc, str(exc)))
                    continue
                except NullParameter as exc:
                    self.findings.append(Finding(DOCUMENT, "null-only-parameter", exc.loc.pointer, "required, and null is the only value its schema allows"))
                    continue
                problems, self.values.problems = self.values.problems, []
                if problems:
                    loc, why = problems[0]
                    finding = unsatisfiable(self.values, loc, why)
                    if finding.reason != "oneof-variants-overlap":
                        self.findings.append(finding)
                        continue
                    # still sent: the client must put the value on the wire as it is; Prism's
                    # refusal of the overlapping oneOf is then the document's defect
                    request.expected = finding
                if request.body_loc is not None:
                    try:
                        arg = arg if arg is not None else self._as_argument(body, request.body_data)
                    except (pydantic.ValidationError, TypeError, ValueError) as exc:
                        if request.expected is None:
                            self.findings.append(
                                Finding(CLIENT, "model-refuses-valid-value", body.pointer if body else "", short(exc))
                            )
                        else:
                            self.findings.append(request.expected)
                        continue
                    request.kwargs[self.ir.body_arg] = arg
                    if self.ir.content_type_arg and len(self.ir.bodies) > 1:
                        # the media type this request is for (the client's default is the first
                        # declared one the argument's type fits, and a text body fits JSON too)
                        request.kwargs[self.ir.content_type_arg] = body.content_type
                out.append(request)
        return out

    def _schemas_everywhere(self) -> bool:
        """Whether every declared 2xx response content has a schema (Prism can only make up a
        response, ``Prefer: dynamic=true``, from a schema; it answers 500 otherwise)."""
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        for code in responses:
            if not str(code).startswith("2"):
                continue
            try:
                _, resp = self.values.deref(self.op_loc.child("responses", str(code)))
            except Unsatisfiable:
                return False
            content = resp.get("content") if isinstance(resp, dict) else None
            if isinstance(content, dict) and any(not isinstance(m, dict) or "schema" not in m for m in content.values()):
                return False
        return True

