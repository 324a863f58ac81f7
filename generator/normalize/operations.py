"""Stage 3b: paths -> operations grouped into resources, with parameters, bodies, responses,
security and pagination decided.
"""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import (
    ANY,
    ListOf,
    ModelDef,
    Named,
    Operation,
    Parameter,
    Prim,
    RequestBody,
    Resource,
    ResponseCase,
    TypeExpr,
)
from ..ir.names import WINDOWS_DEVICE_NAMES, NameAllocator, pascal, py_ident, snake
from ..refs import Loc, RefError
from ..render.text import py_literal, py_str
from . import types as T
from .schemas import SchemaBuilder

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Names every generated method already uses for its own keyword arguments.
METHOD_RESERVED = frozenset(
    {"self", "options", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
)
#: Attributes of the generated client that a resource must not shadow.
CLIENT_RESERVED = frozenset(
    {
        "request", "close", "aclose", "base_url", "timeout", "max_retries", "with_raw_response",
        "copy", "auth", "headers", "default_headers", "user_agent", "http_client", "models",
        "resources", "token",
    }
)  # fmt: skip
_JSON_RE = re.compile(r"^application/(?:[\w.+-]+\+)?json(?:;.*)?$|^\*/\*$|^application/problem\+json")


def media_kind(media_type: str) -> str:
    """Classify a media type: json | form | multipart | text | binary."""
    mt = media_type.lower().strip()
    if _JSON_RE.match(mt) or mt.endswith("+json") or mt.endswith("/json"):
        return "json"
    if mt.startswith("application/x-www-form-urlencoded"):
        return "form"
    if mt.startswith("multipart/"):
        return "multipart"
    if mt.startswith("text/") or mt in ("application/xml", "application/yaml"):
        return "text"
    return "binary"


_KIND_ORDER = {"json": 0, "multipart": 1, "form": 2, "binary": 3, "text": 4}


class OperationBuilder:
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
        self.scheme_names: set[str] = set()
        self._seen_ids: set[str] = set()

    def _renamed(self, what: str) -> Any:
        def report(key: str, desired: str, got: str) -> None:
            if key.startswith("/"):
                self.sink.info(f"{what} name '{desired}' is taken; using '{got}'", key)
            else:
                self.sink.info(f"{what} name '{desired}' for '{key}' is taken; using '{got}'")

        return report

    def _follow(self, obj: Any, loc: Loc) -> tuple[Loc, Any]:
        if isinstance(obj, dict) and "$ref" in obj:
            try:
                return self.resolver.follow(obj, loc)
            except RefError as exc:
                self.sink.error(f"unresolvable $ref '{obj.get('$ref')}': {exc}", loc.child("$ref").pointer)
                return loc, None
        return loc, obj

    def build(self, default_security: list[str]) -> list[Resource]:
        """All operations of ``paths``, grouped by first tag (untagged: first path segment)."""
        paths = self.doc.get("paths") or {}
        if not isinstance(paths, dict):
            self.sink.error("'paths' must be an object", "/paths")
            return []
        groups: dict[str, list[tuple[str, str, Loc, dict[str, Any], list[Any], str]]] = {}
        group_docs: dict[str, str] = {}
        for tag in self.doc.get("tags") if isinstance(self.doc.get("tags"), list) else []:
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                group_docs[tag["name"]] = str(tag.get("description") or "").strip()
        for path, item in paths.items():
            ploc = self.root.child("paths", path)
            if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
                self.sink.warning("a path must start with '/' and contain no '?' or '#'; path skipped", ploc.pointer)
                continue
            ploc, item = self._follow(item, ploc)
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                tags = op.get("tags")
                tag = tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else None
                if tag is None:
                    segs = [s for s in str(path).split("/") if s and not s.startswith("{")]
                    tag = segs[0] if segs else "default"
                groups.setdefault(tag, []).append((path, method, ploc, op, shared, tag))
        resources: list[Resource] = []
        attrs = NameAllocator(reserved=CLIENT_RESERVED, on_rename=self._renamed("resource"))
        modules = NameAllocator(reserved={"__init__", *WINDOWS_DEVICE_NAMES}, casefold=True)
        classes = NameAllocator(casefold=True)
        for tag in groups:  # names are handed out in document order ...
            attr = attrs.allocate(py_ident(snake(tag) or "default", prefix="group"), tag)
            module = modules.allocate(attr, tag)
            cls = classes.allocate(py_ident(pascal(tag) or "Default", prefix="Group") + "Resource", tag)
            names = NameAllocator(reserved={"with_raw_response"}, on_rename=self._renamed("method"))
            ops = [
                self._operation(path, method, ploc.child(method), op, shared, default_security, names)
                for path, method, ploc, op, shared, _ in groups[tag]
            ]
            resources.append(Resource(attr, cls, module, group_docs.get(tag, ""), ops, tag))
        return sorted(resources, key=lambda r: r.attr)  # ... and listed alphabetically

    # -- one operation ------------------------------------------------------------------------

    def _operation(
        self,
        path: str,
        method: str,
        loc: Loc,
        op: dict[str, Any],
        shared: list[Any],
        default_security: list[str],
        names: NameAllocator,
    ) -> Operation:
        op_id = op.get("operationId") if isinstance(op.get("operationId"), str) else ""
        if not op_id:
            op_id = method + "_" + "_".join(
                ("by_" + s[1:-1]) if s.startswith("{") else s for s in str(path).split("/") if s
            )
        if op_id in self._seen_ids:
            self.sink.warning(f"duplicate operationId '{op_id}'", loc.child("operationId").pointer)
        self._seen_ids.add(op_id)
        py_name = names.allocate(py_ident(snake(op_id) or method, prefix="op"), loc.pointer)
        label = pascal(op_id) or pascal(method)
        arg_names = NameAllocator(reserved=METHOD_RESERVED, on_rename=self._renamed("argument"))
        params = self._parameters(loc, op, shared, label, arg_names)
        bodies = self._bodies(loc, op, label)
        body_arg = arg_names.allocate("body", loc.child("requestBody").pointer) if bodies else "body"
        responses, errors = self._responses(loc, op, label)
        ok_hints = list(dict.fromkeys(r.hint for r in responses))
        return_hint = ok_hints[0] if len(ok_hints) == 1 else (" | ".join(ok_hints) if ok_hints else "None")
        if "Any" in ok_hints:
            return_hint = "Any"
        security = self._security(op, default_security)
        pagination, item_hint = self._pagination(op_id, params, responses)
        summary = str(op.get("summary") or "").strip()
        doc = str(op.get("description") or "").strip()
        return Operation(
            py_name=py_name,
            operation_id=op_id,
            method=method,
            path=str(path),
            summary=summary,
            doc=doc,
            pointer=loc.pointer,
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
        )

    def _parameters(
        self, loc: Loc, op: dict[str, Any], shared: list[Any], label: str, arg_names: NameAllocator
    ) -> list[Parameter]:
        merged: dict[tuple[str, str], tuple[Loc, dict[str, Any]]] = {}
        own = op.get("parameters") if isinstance(op.get("parameters"), list) else []
        path_loc = Loc(loc.uri, loc.pointer.rsplit("/", 1)[0], loc.base)
        for base_loc, plist in ((path_loc.child("parameters"), shared), (loc.child("parameters"), own)):
            for i, p in enumerate(plist):
                ploc, p = self._follow(p, base_loc.child(i))
                if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                    continue
                where = p.get("in")
                if where not in ("path", "query", "header", "cookie"):
                    self.sink.warning(f"parameter location '{where}' is not supported; parameter skipped", ploc.pointer)
                    continue
                if where == "header" and p["name"].lower() in ("accept", "content-type", "authorization"):
                    continue
                merged[(where, p["name"])] = (ploc, p)
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        out: list[Parameter] = []
        items = sorted(merged.items(), key=lambda kv: order[kv[0][0]])
        # required first keeps signatures readable; keyword-only so order is cosmetic
        items.sort(key=lambda kv: (not (kv[1][1].get("required") or kv[0][0] == "path"), order[kv[0][0]]))
        for (where, jname), (ploc, p) in items:
            desired = py_ident(snake(jname) or "param", prefix="param")
            dup = [w for (w, n) in merged if snake(n) == snake(jname) and w != where]
            if dup and where != "path":
                desired = f"{desired.rstrip('_')}_{where}"
            py = arg_names.allocate(desired, ploc.pointer)
            if py != snake(jname):
                self.sink.info(f"{where} parameter '{jname}' is the argument '{py}'", ploc.pointer)
            schema = p.get("schema")
            sloc = ploc.child("schema")
            if schema is None and isinstance(p.get("content"), dict) and p["content"]:
                mt, media = next(iter(p["content"].items()))
                schema = media.get("schema") if isinstance(media, dict) else None
                sloc = ploc.child("content", mt, "schema")
            t = self.schemas.type_of(schema, sloc, f"{label}{pascal(jname)}") if schema is not None else Prim("str")
            t = self.schemas.aliased(t, sloc, f"{label}{pascal(jname)}")
            required = bool(p.get("required")) or where == "path"
            style = p.get("style")
            explode = p.get("explode")
            if where in ("path", "header") and style not in (None, "simple"):
                self.sink.warning(
                    f"{where} parameter style '{style}' is not supported; sent as style 'simple'",
                    ploc.child("style").pointer,
                )
                style = None
            default_style = "form" if where in ("query", "cookie") else "simple"
            style_pair = None
            if (isinstance(style, str) and style != default_style) or (
                isinstance(explode, bool) and explode != (style in (None, "form") and where in ("query", "cookie"))
            ):
                s = style if isinstance(style, str) else default_style
                e = explode if isinstance(explode, bool) else s == "form"
                style_pair = (s, e)
            doc = str(p.get("description") or "").strip()
            out.append(
                Parameter(py, jname, where, T.hint(t), required, doc, ploc.key, style_pair)
            )
        return out

    def _bodies(self, loc: Loc, op: dict[str, Any], label: str) -> list[RequestBody]:
        rb = op.get("requestBody")
        if rb is None:
            return []
        bloc, rb = self._follow(rb, loc.child("requestBody"))
        if not isinstance(rb, dict) or not isinstance(rb.get("content"), dict):
            return []
        content = rb["content"]
        kinds = [(media_kind(mt), mt) for mt in content]
        # one body per kind; JSON first, then multipart, form, binary, text
        chosen: dict[str, str] = {}
        for kind, mt in kinds:
            chosen.setdefault(kind, mt)
        out: list[RequestBody] = []
        many = len(chosen) > 1
        for kind in sorted(chosen, key=lambda k: _KIND_ORDER[k]):
            mt = chosen[kind]
            media = content[mt] if isinstance(content[mt], dict) else {}
            sloc = bloc.child("content", mt, "schema")
            schema = media.get("schema")
            hint_name = f"{label}{pascal(kind) if many else ''}Body"
            if kind == "binary":
                hint = "FileContent"
            elif kind == "text":
                hint = "str"
            elif schema is None:
                hint = "Any" if kind == "json" else "Mapping[str, object]"
            else:
                t = self.schemas.request_type(schema, sloc, hint_name)
                if kind == "multipart" and isinstance(t, Named):
                    self.schemas.file_models.add(t.name)
                hint = T.hint(t)
            out.append(
                RequestBody(kind, mt, hint, bool(rb.get("required")), str(rb.get("description") or "").strip(), bloc.key)
            )
        return out

    def _responses(self, loc: Loc, op: dict[str, Any], label: str) -> tuple[list[ResponseCase], list[ResponseCase]]:
        responses = op.get("responses") if isinstance(op.get("responses"), dict) else {}
        ok: list[ResponseCase] = []
        err: list[ResponseCase] = []
        for code, resp in responses.items():
            code = str(code)
            rloc, resp = self._follow(resp, loc.child("responses", code))
            if not isinstance(resp, dict):
                continue
            kind, t = "none", Prim("None")
            content = resp.get("content") if isinstance(resp.get("content"), dict) else {}
            if code in ("204", "205", "304") and content:
                self.sink.warning(f"a {code} response has no body; its declared content is ignored", rloc.child("content").pointer)
                content = {}
            if content:
                mts = sorted(content, key=lambda m: _KIND_ORDER.get(media_kind(m), 9))
                mt = mts[0]
                kind = media_kind(mt)
                if kind in ("form", "multipart"):
                    kind = "binary"
                media = content[mt] if isinstance(content[mt], dict) else {}
                if kind == "json":
                    schema = media.get("schema")
                    rname = f"{label}Response{code if not code.startswith('2') else ''}"
                    sloc = rloc.child("content", mt, "schema")
                    t = self.schemas.aliased(self.schemas.type_of(schema, sloc, rname), sloc, rname) if schema is not None else ANY
                elif kind == "text":
                    t = Prim("str")
                else:
                    t = Prim("bytes")
            key = code if code.isascii() and code.isdigit() else py_str(code.upper() if code.lower() != "default" else "default")
            expr = _runtime_type_expr(t)
            case = ResponseCase(key, kind, expr, T.hint(t), mt if content else "application/json")
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

    def _security(self, op: dict[str, Any], default: list[str]) -> list[str]:
        sec = op.get("security")
        if not isinstance(sec, list):
            return default
        names: list[str] = []
        for req in sec:
            if isinstance(req, dict):
                names += [n for n in req if n in self.scheme_names and n not in names]
        return names

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
        model = self.schemas.defs.get(hint) if hint.isidentifier() else None
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
        cursor = str(conf.get("cursor-param")) if isinstance(conf, dict) and conf.get("cursor-param") else (
            "after" if "after" in qnames or not qnames & {"before"} else "before"
        )
        strategy = (
            f"CursorPagination(items_field={py_literal(items.json_name)}, next_field={py_literal(next_field)}, "
            f"cursor_param={py_literal(cursor)})"
        )
        return strategy, item_hint


def _runtime_type_expr(t: TypeExpr) -> str:
    """A runtime expression for parsing (``None`` for untyped bodies)."""
    if t == Prim("None"):
        return "None"
    return T.hint(t)
