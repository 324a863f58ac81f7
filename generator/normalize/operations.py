"""Stage 3b: paths -> operations grouped into resources, with parameters, bodies, responses,
security and pagination decided.
"""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import (
    ANY,
    ModelDef,
    Operation,
    Parameter,
    Prim,
    Resource,
    ResponseCase,
    SecurityScheme,
    TypeExpr,
)
from ..ir.names import WINDOWS_DEVICE_NAMES, NameAllocator, pascal, py_ident, py_name, snake
from ..refs import Loc, RefError
from ..render.text import py_literal, py_str
from . import types as T
from .facts import schema_facts
from .literals import field_default, is_json
from .schemas import SchemaBuilder
from .bodies import DANGLING, RequestBodies, media_kind
from .streams import StreamResponses

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Names a generated method already uses: ``self``, its ``**options`` (and their keys, the
#: runtime's ``RequestOptions``), and what its body calls (``body_kwargs``). An argument of one of
#: these names gets a numeric suffix; any other name, a builtin's included, is the spec's.
METHOD_RESERVED = frozenset(
    {"self", "options", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries",
     "retry_non_idempotent", "idempotency_key", "body_kwargs", "json_param"}
)  # fmt: skip
#: The public attributes of the generated clients (the runtime's ``SyncAPIClient`` and
#: ``AsyncAPIClient``), and ``cached_property``, which the client's class body uses: a resource
#: of one of these names would hide it. Checked against the runtime by ``tests/unit/test_names.py``.
CLIENT_RESERVED = frozenset(
    {
        "request", "call", "call_paged", "call_stream", "with_options", "close", "aclose", "is_closed", "base_url", "timeout",
        "max_retries", "retry_non_idempotent", "cached_property",
    }
)  # fmt: skip
#: An HTTP token (RFC 9110 5.6.2): what a header or cookie name must be.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


#: Which declared response media type a call reads a body as: JSON first, then a wildcard.
_RESPONSE_ORDER = {"json": 0, "auto": 1, "multipart": 2, "form": 3, "binary": 4, "text": 5}


def response_kind(media_type: str) -> str:
    """Classify a response media type like :func:`media_kind`, except the wildcards ``*/*`` and
    ``application/*``: ``auto``, a body read by the response's own Content-Type (JSON when it
    says JSON, else text)."""
    if media_type.split(";", 1)[0].strip().lower() in ("*/*", "application/*"):
        return "auto"
    return media_kind(media_type)


class OperationBuilder(RequestBodies, StreamResponses):
    """Builds :class:`Operation` s and groups them into :class:`Resource` s."""

    def __init__(
        self,
        doc: dict[str, Any],
        root: Loc,
        schemas: SchemaBuilder,
        sink: DiagnosticSink,
        *,
        pagination: dict[str, Any] | None = None,
    ) -> None:
        #: Configured pagination: operationId (or ``"*"``) -> {style, items, ...}.
        self.pagination_config = dict(pagination or {})
        self.doc = doc
        self.root = root
        self.schemas = schemas
        self.sink = sink
        self.resolver = schemas.resolver
        #: The supported security schemes by name.
        self.schemes: dict[str, SecurityScheme] = {}
        self._seen_ids: set[str] = set()
        #: Required parameters with a ``default``, built by :meth:`resolve_defaults`.
        self._pending_defaults: list[tuple[Parameter, Any, TypeExpr, Loc]] = []

    def _renamed(self, what: str) -> Any:
        def report(key: str, desired: str, got: str) -> None:
            if key.startswith("/"):
                self.sink.info(f"{what} name '{desired}' is taken; using '{got}'", key)
            else:
                self.sink.info(f"{what} name '{desired}' for '{key}' is taken; using '{got}'")

        return report

    def _follow(self, obj: Any, loc: Loc, outcome: str) -> tuple[Loc, Any]:
        """``obj`` at ``loc``, its chain of ``$ref`` followed; :data:`DANGLING` when it leads to
        nothing, with a WARNING at the ``$ref`` that says ``outcome`` (what becomes of it)."""
        if isinstance(obj, dict) and "$ref" in obj:
            try:
                return self.resolver.follow(obj, loc)
            except RefError as exc:
                self.sink.warning(
                    f"unresolvable $ref '{obj.get('$ref')}': {exc}; {outcome}",
                    loc.child("$ref").pointer,
                    source=self.schemas._src(loc),
                )
                return loc, DANGLING
        return loc, obj

    def build(self, default_security: list[list[str]]) -> list[Resource]:
        """All operations of ``paths``, grouped by first tag (untagged: first path segment)."""
        paths = self.doc.get("paths") or {}
        if not isinstance(paths, dict):
            self.sink.error("'paths' must be an object", "/paths")
            return []
        groups: dict[str, list[tuple[str, str, Loc, Loc, dict[str, Any], list[Any], str]]] = {}
        group_docs: dict[str, str] = {}
        for tag in self.doc.get("tags") if isinstance(self.doc.get("tags"), list) else []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                group_docs[tag["name"]] = str(tag.get("description") or "").strip()
        for path, item in paths.items():
            ploc = self.root.child("paths", path)
            if not isinstance(path, str) or not path.startswith("/") or "?" in path:
                self.sink.warning(
                    "a path must start with '/' and contain no '?'; path skipped", ploc.pointer
                )
                continue
            fragment = path.partition("#")[2]
            if any(c in fragment for c in "/{}#"):
                self.sink.warning(
                    "a '#' in a path only names a variant of it at its end (`/things#byName`, never "
                    "sent); path skipped",
                    ploc.pointer,
                )
                continue
            ploc, item = self._follow(item, ploc, "path dropped")
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
            for method in METHODS:
                # (an Operation Object written as a `$ref` to another file, as DigitalOcean's are,
                # is followed: its own `$ref`s resolve against that file)
                oloc, op = self._follow(item.get(method), ploc.child(method), "operation dropped")
                if not isinstance(op, dict):
                    continue
                tags = op.get("tags")
                tag = (
                    tags[0]
                    if isinstance(tags, list) and tags and isinstance(tags[0], str)
                    else None
                )
                if tag is None:  # (a '#fragment' tells apart variants of one path: not a name)
                    segs = [
                        s for s in path.split("#", 1)[0].split("/") if s and not s.startswith("{")
                    ]
                    tag = segs[0] if segs else "default"
                groups.setdefault(tag, []).append((path, method, ploc, oloc, op, shared, tag))
        resources: list[Resource] = []
        attrs = NameAllocator(reserved=CLIENT_RESERVED, on_rename=self._renamed("resource"))
        modules = NameAllocator(reserved={"__init__", *WINDOWS_DEVICE_NAMES}, casefold=True)
        for tag in groups:  # names are handed out in document order ...
            attr = attrs.allocate(py_ident(snake(tag) or "default", prefix="group"), tag)
            module = modules.allocate(attr, tag)
            cls = py_ident(
                pascal(tag) or "Default", prefix="Group"
            )  # + "Resource": see name_classes
            names = NameAllocator(reserved={"with_raw_response"}, on_rename=self._renamed("method"))
            ops = [
                self._operation(path, method, ploc, oloc, op, shared, default_security, names)
                for path, method, ploc, oloc, op, shared, _ in groups[tag]
            ]
            resources.append(
                Resource(attr, cls, module, group_docs.get(tag, ""), ops, tag, len(resources))
            )
        return sorted(resources, key=lambda r: r.attr)  # ... and listed alphabetically

    @staticmethod
    def name_classes(resources: list[Resource], taken: set[str]) -> None:
        """Name each resource's classes (``<Tag>Resource``, ``Async<Tag>Resource`` and their
        ``...WithRawResponse``) in document order, clear of each other and of ``taken`` (the
        model classes and the names a resource module imports), case-insensitively: a resource
        module imports the models it uses."""
        used = {n.lower() for n in taken}
        for res in sorted(resources, key=lambda r: r.order):
            base, n = res.class_name, 1
            while True:
                cls = f"{base}Resource{n if n > 1 else ''}"
                forms = [
                    f.lower()
                    for c in (cls, "Async" + cls)
                    for f in (c, c + "WithRawResponse", c + "WithStreamingResponse")
                ]
                if not any(f in used for f in forms):
                    break
                n += 1
            used.update(forms)
            res.class_name = cls

    # -- one operation ------------------------------------------------------------------------

    def _operation(
        self,
        path: str,
        method: str,
        path_loc: Loc,
        loc: Loc,
        op: dict[str, Any],
        shared: list[Any],
        default_security: list[list[str]],
        names: NameAllocator,
    ) -> Operation:
        """The operation ``op`` at ``loc`` (where its ``$ref`` led, if written as one), of the path
        item at ``path_loc``; names are keyed by the path item's pointer in the root document."""
        key = self.root.child("paths", path, method).pointer
        op_id = op.get("operationId") if isinstance(op.get("operationId"), str) else ""
        if not op_id:  # (a '#fragment' of the path key gives its words too: variants stay apart)
            op_id = (
                method
                + "_"
                + "_".join(
                    ("by_" + s[1:-1]) if s.startswith("{") else s for s in str(path).split("/") if s
                )
            )
        if op_id in self._seen_ids:
            self.sink.warning(f"duplicate operationId '{op_id}'", loc.child("operationId").pointer)
        self._seen_ids.add(op_id)
        py_name = names.allocate(py_ident(snake(op_id) or method, prefix="op"), key)
        label = pascal(op_id) or pascal(method)
        arg_names = NameAllocator(reserved=METHOD_RESERVED, on_rename=self._renamed("argument"))
        params = self._parameters(
            path_loc, loc, op, shared, label, arg_names, str(path).split("#", 1)[0]
        )
        # the declared Idempotency-Key header (named ``idempotency_key`` by ``_parameters``, a
        # name no other parameter can get: it is reserved) is the per-call option of that name
        idempotency = next((p for p in params if p.location == "header" and p.py_name == "idempotency_key"), None)
        params = [p for p in params if p is not idempotency]
        bodies = self._bodies(loc, op, label)
        body_arg = arg_names.allocate("body", key + "/requestBody") if bodies else "body"
        several = sum(len(b.media_types) for b in bodies) > 1
        ct_arg = (
            arg_names.allocate("content_type", key + "/requestBody/content") if several else None
        )
        stream, op, both = self._event_stream(loc, op, label)
        responses, errors = self._responses(loc, op, label)
        ok_hints = list(dict.fromkeys(r.hint for r in responses))
        return_hint = (
            ok_hints[0] if len(ok_hints) == 1 else (" | ".join(ok_hints) if ok_hints else "None")
        )
        if "Any" in ok_hints:
            return_hint = "Any"
        security = self._security(op, loc, default_security)
        pagination, item_hint = self._pagination(op_id, params, responses)
        summary = str(op.get("summary") or "").strip()
        doc = str(op.get("description") or "").strip()
        return Operation(
            py_name=py_name,
            operation_id=op_id,
            method=method,
            path=str(path),
            wire_path=str(path).split("#", 1)[0],
            summary=summary,
            doc=doc,
            pointer=key,
            params=params,
            bodies=bodies,
            responses=responses,
            errors=errors,
            return_hint=return_hint,
            security=security,
            pagination=pagination,
            page_item_hint=item_hint,
            deprecated=bool(op.get("deprecated")),
            body_arg=body_arg,
            content_type_arg=ct_arg,
            stream=stream,
            stream_name=(
                names.allocate(f"{py_name}_stream", loc.child("responses").pointer)
                if stream and both
                else None
            ),
            stream_flag=bool(stream and both and self._stream_flag(bodies)),
            idempotency_header=idempotency.json_name if idempotency else None,
        )

    def _parameters(
        self,
        path_loc: Loc,
        loc: Loc,
        op: dict[str, Any],
        shared: list[Any],
        label: str,
        arg_names: NameAllocator,
        wire_path: str,
    ) -> list[Parameter]:
        merged: dict[tuple[str, str], tuple[Loc, dict[str, Any]]] = {}
        own = op.get("parameters") if isinstance(op.get("parameters"), list) else []
        for base_loc, plist in (
            (path_loc.child("parameters"), shared),
            (loc.child("parameters"), own),
        ):
            for i, p in enumerate(plist):
                ploc, p = self._follow(p, base_loc.child(i), "parameter dropped")
                if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                    continue
                where = p.get("in")
                if where not in ("path", "query", "header", "cookie"):
                    self.sink.warning(
                        f"parameter location '{where}' is not supported; parameter skipped",
                        ploc.pointer,
                    )
                    continue
                if where == "header" and p["name"].lower() in (
                    "accept",
                    "content-type",
                    "authorization",
                ):
                    continue
                if where in ("header", "cookie") and not _TOKEN.fullmatch(p["name"]):
                    # no HTTP message can carry it (RFC 9110 5.1, RFC 6265 4.1.1: a token)
                    self.sink.warning(
                        f"'{p['name']}' is not a valid {where} name (an HTTP token: no spaces, "
                        "quotes or separators); parameter skipped",
                        ploc.child("name").pointer,
                    )
                    continue
                merged[(where, p["name"])] = (ploc, p)
        for name in dict.fromkeys(re.findall(r"\{([^{}]+)\}", wire_path)):
            if ("path", name) not in merged:
                # (a document defect: OAS 4.8.12.1 requires a Parameter Object for every template
                # expression; the operation stays callable instead of sending an empty segment)
                self.sink.warning(
                    f"the path template names '{{{name}}}' but no path parameter declares it; "
                    "it is a required string argument",
                    loc.pointer,
                )
                merged[("path", name)] = (
                    loc,
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}},
                )
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        out: list[Parameter] = []
        items = sorted(merged.items(), key=lambda kv: order[kv[0][0]])
        # required first keeps signatures readable; keyword-only so order is cosmetic
        items.sort(
            key=lambda kv: (not (kv[1][1].get("required") or kv[0][0] == "path"), order[kv[0][0]])
        )
        for (where, jname), (ploc, p) in items:
            desired = py_name(snake(jname), prefix="param")
            dup = [w for (w, n) in merged if snake(n) == snake(jname) and w != where]
            if dup and where != "path":
                desired = f"{desired.rstrip('_')}_{where}"
            # a path expression no Parameter Object declares sits at the operation: its own key,
            # or every such expression of the operation would get the first one's name
            # (keyed by pointer in the root document, by `uri#pointer` in another file: two
            # parameters at the root of two files are two arguments)
            at = ploc.pointer if ploc.uri == self.root.uri else ploc.key
            if where == "header" and jname.lower() == "idempotency-key":
                py = "idempotency_key"  # the per-call option of that name sends it (see _operation)
            else:
                py = arg_names.allocate(desired, at if ploc != loc else f"{at}/{{{jname}}}")
            if py != snake(jname):
                self.sink.info(f"{where} parameter '{jname}' is the argument '{py}'", ploc.pointer)
            schema = p.get("schema")
            sloc = ploc.child("schema")
            content_type = None
            if schema is None and isinstance(p.get("content"), dict) and p["content"]:
                mt, media = next(iter(p["content"].items()))
                schema = media.get("schema") if isinstance(media, dict) else None
                sloc = ploc.child("content", mt, "schema")
                content_type = str(mt)
            t = (
                self.schemas.type_of(schema, sloc, f"{label}{pascal(jname)}")
                if schema is not None
                else Prim("str")
            )
            t = self.schemas.aliased(t, sloc, f"{label}{pascal(jname)}")
            required = bool(p.get("required")) or where == "path"
            style = p.get("style")
            explode = p.get("explode")
            allowed = {"path": ("simple", "label", "matrix"), "header": ("simple",)}.get(where)
            if allowed and style is not None and style not in allowed:
                self.sink.warning(
                    f"{where} parameter style '{style}' is not allowed there (OAS 4.8.12.4); "
                    "sent as style 'simple'",
                    ploc.child("style").pointer,
                )
                style = None
            default_style = "form" if where in ("query", "cookie") else "simple"
            style_pair = None
            if (isinstance(style, str) and style != default_style) or (
                isinstance(explode, bool)
                and explode != (style in (None, "form") and where in ("query", "cookie"))
            ):
                s = style if isinstance(style, str) else default_style
                e = explode if isinstance(explode, bool) else s == "form"
                style_pair = (s, e)
            doc = str(p.get("description") or "").strip()
            param = Parameter(
                py,
                jname,
                where,
                T.hint(t),
                required,
                doc,
                ploc.key,
                style_pair,
                allow_reserved=where == "query" and p.get("allowReserved") is True,
                content_type=content_type,
                facts=schema_facts(schema, sloc, self.resolver.follow, p),
                deprecated=p.get("deprecated") is True,
            )
            out.append(param)
            default = self._schema_default(schema, sloc)
            if required and default is not ... and default is not None:
                # built once every class is known (an enum member, see resolve_defaults)
                self._pending_defaults.append((param, default, t, sloc))
        return out

    def _schema_default(self, schema: Any, loc: Loc) -> Any:
        """The ``default`` of ``schema`` (through ``$ref``, silently: its type reports a bad
        one), or ``...`` when it has none."""
        for _ in range(16):
            if not isinstance(schema, dict):
                return ...
            if "default" in schema or "$ref" not in schema:
                return schema.get("default", ...)
            try:
                loc, schema = self.resolver.follow(schema, loc)
            except RefError:
                return ...
        return ...

    def resolve_defaults(self) -> None:
        """Give each required parameter whose schema has a ``default`` that default, so a call
        may leave it out and still send it. Runs once every class is built; a default that does
        not fit the parameter's type, or that is mutable (a list, an object: no signature
        default), is reported (INFO) and the parameter stays a required argument."""
        known = self.schemas.known_types()
        for param, value, t, sloc in self._pending_defaults:
            expr = field_default(value, t, known) if is_json(value) else "None"
            if expr == "None" or expr.startswith("Field("):
                self.sink.info(
                    "this default cannot be the argument's default (it does not fit its type, or "
                    "is a list or an object); the argument stays required",
                    sloc.child("default").pointer,
                )
                continue
            param.default = expr
        self._pending_defaults = []

    def _responses(
        self, loc: Loc, op: dict[str, Any], label: str
    ) -> tuple[list[ResponseCase], list[ResponseCase]]:
        responses = op.get("responses") if isinstance(op.get("responses"), dict) else {}
        ok: list[ResponseCase] = []
        err: list[ResponseCase] = []
        for code, resp in responses.items():
            code = str(code)
            rloc, resp = self._follow(resp, loc.child("responses", code), "typed as Any")
            if resp is DANGLING:
                resp = {"content": {"application/json": {}}}
            if not isinstance(resp, dict):
                continue
            kind, t = "none", Prim("None")
            content = resp.get("content") if isinstance(resp.get("content"), dict) else {}
            if code in ("204", "205", "304") and content:
                self.sink.warning(
                    f"a {code} response has no body; its declared content is ignored",
                    rloc.child("content").pointer,
                )
                content = {}
            if content:
                mts = sorted(content, key=lambda m: _RESPONSE_ORDER.get(response_kind(m), 9))
                mt = mts[0]
                kind = response_kind(mt)
                if kind in ("form", "multipart"):
                    kind = "binary"
                media = content[mt] if isinstance(content[mt], dict) else {}
                if kind in ("json", "auto"):
                    schema = media.get("schema")
                    rname = f"{label}Response{code if not code.startswith('2') else ''}"
                    sloc = rloc.child("content", mt, "schema")
                    t = (
                        self.schemas.aliased(self.schemas.type_of(schema, sloc, rname), sloc, rname)
                        if schema is not None
                        else ANY
                    )
                    if kind == "auto" and t == Prim("bytes"):
                        kind = "binary"  # a binary string of any media type
                elif kind == "text":
                    t = Prim("str")
                else:
                    t = Prim("bytes")
            key = (
                code
                if code.isascii() and code.isdigit()
                else py_str(code.upper() if code.lower() != "default" else "default")
            )
            expr = _runtime_type_expr(t)
            hint = T.hint(t)
            if kind == "auto" and t not in (ANY, Prim("str")):
                hint = f"{hint} | str"  # a response that is not JSON is its text
            case = ResponseCase(key, kind, expr, hint, mt if content else "application/json")
            if code.startswith("2"):
                ok.append(case)
            elif code.lower() == "default":
                err.append(case)
            elif code[:1] in ("1", "3", "4", "5"):
                err.append(case)
        if not ok:
            default = [c for c in err if c.key == '"default"']
            ok = default or [ResponseCase('"2XX"', "none", "None", "None")]
        return ok, err

    def _security(self, op: dict[str, Any], loc: Loc, default: list[list[str]]) -> list[list[str]]:
        """The operation's ``security`` as alternatives (its own, else ``default``)."""
        sec = op.get("security")
        if not isinstance(sec, list):
            return default
        self.check_security(sec, loc.child("security"))
        return security_alternatives(sec, self.schemes)

    def check_security(self, requirements: Any, loc: Loc) -> None:
        """Warn about a Security Requirement Object no request can satisfy: two of its schemes
        need different ``Authorization`` headers (``basic`` and a bearer-like one)."""
        if not isinstance(requirements, list):
            return
        for i, req in enumerate(requirements):
            if not isinstance(req, dict):
                continue
            kinds = {self.schemes[n].kind for n in req if n in self.schemes} & {"basic", "bearer"}
            if len(kinds) > 1:
                names = ", ".join(
                    str(n) for n in req if n in self.schemes and self.schemes[n].kind in kinds
                )
                self.sink.warning(
                    f"this security requirement needs both Basic and Bearer credentials in the one "
                    f"Authorization header ({names}); no request can send both, so the client "
                    "prefers the operation's other requirements",
                    loc.child(i).pointer,
                )

    def _pagination(
        self, op_id: str, params: list[Parameter], responses: list[ResponseCase]
    ) -> tuple[str | None, str | None]:
        """Detect cursor pagination (``after``/``before`` + a response with ``next`` and one list),
        or apply the configured strategy for ``op_id`` (or ``"*"``)."""
        qnames = {p.json_name for p in params if p.location == "query"}
        conf = self.pagination_config.get(op_id, self.pagination_config.get("*"))
        if len(responses) != 1:
            return None, None
        hint = responses[0].hint
        if isinstance(conf, dict) and conf.get("style") == "none":
            return None, None
        if isinstance(conf, dict) and conf.get("style") == "link" and hint.startswith("list["):
            return "LinkHeaderPagination(items_field=None)", hint.removesuffix(" | None")[5:-1]
        model = self.schemas.definition(hint)
        if not isinstance(model, ModelDef):
            return None, None
        by_json = {f.json_name: f for f in model.fields}
        lists = [f for f in model.fields if f.hint.removesuffix(" | None").startswith("list[")]
        if isinstance(conf, dict) and isinstance(conf.get("items"), str):
            lists = [f for f in lists if f.json_name == conf["items"]]
        if len(lists) != 1:
            return None, None
        items = lists[0]
        item_hint = items.hint.removesuffix(" | None")[len("list[") : -1]
        style = conf.get("style") if isinstance(conf, dict) else None
        if style == "offset":
            return (
                f"OffsetPagination(items_field={py_literal(items.json_name)}, "
                f"offset_param={py_literal(str(conf.get('offset-param', 'offset')))}, "
                f"limit_param={py_literal(str(conf.get('limit-param', 'limit')))}, "
                f"total_field={py_literal(conf.get('total-field'))})",
                item_hint,
            )
        if style == "page":
            return (
                f"PageNumberPagination(items_field={py_literal(items.json_name)}, "
                f"page_param={py_literal(str(conf.get('page-param', 'page')))}, "
                f"per_page_param={py_literal(conf.get('per-page-param'))})",
                item_hint,
            )
        if style == "link":
            return f"LinkHeaderPagination(items_field={py_literal(items.json_name)})", item_hint
        if style not in (None, "cursor"):
            return None, None
        next_field = str(conf.get("next-field", "next")) if isinstance(conf, dict) else "next"
        if next_field not in by_json or not ({"after", "before"} & qnames or style == "cursor"):
            return None, None
        cursor = (
            str(conf.get("cursor-param"))
            if isinstance(conf, dict) and conf.get("cursor-param")
            else ("after" if "after" in qnames or not qnames & {"before"} else "before")
        )
        cursor_param = next(
            (p for p in params if p.location == "query" and p.json_name == cursor), None
        )
        # found, not configured: the next field must be a value of the cursor's type (a `next`
        # URL or a number cursor beside an integer `after` is no cursor of it)
        next_hint = by_json[next_field].hint.removesuffix(" | None")
        if (
            style is None
            and cursor_param is not None
            and next_hint != cursor_param.hint.removesuffix(" | None")
        ):
            return None, None
        strategy = (
            f"CursorPagination(items_field={py_literal(items.json_name)}, next_field={py_literal(next_field)}, "
            f"cursor_param={py_literal(cursor)})"
        )
        return strategy, item_hint


def security_alternatives(
    requirements: list[Any], schemes: dict[str, SecurityScheme]
) -> list[list[str]]:
    """Security Requirement Objects as alternatives of supported scheme names (unsupported
    schemes dropped from each; an alternative left empty, like ``{}``, needs no credential).
    An alternative no request can satisfy (Basic and Bearer together, see
    ``OperationBuilder.check_security``) is left out, unless every one is such."""
    out: list[list[str]] = []
    for req in requirements:
        if isinstance(req, dict):
            alt = [str(n) for n in req if n in schemes]
            if alt not in out:
                out.append(alt)
    possible = [alt for alt in out if len({schemes[n].kind for n in alt} & {"basic", "bearer"}) < 2]
    return possible or out


def _runtime_type_expr(t: TypeExpr) -> str:
    """A runtime expression for parsing (``None`` for untyped bodies)."""
    if t == Prim("None"):
        return "None"
    return T.hint(t)
