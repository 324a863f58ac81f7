"""The operations of one document as the generator sees them (:class:`Op`: method name, resource,
class-name prefix), how the operations of two documents are paired, and the parts of an operation
(parameters, request body, responses) with ``$ref`` followed.

Reading only; the comparison of two operations is :meth:`.documents.Comparer._operation` and the
mixins in :mod:`.parameters`, :mod:`.bodies` and :mod:`.responses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..ir.names import pascal, py_ident, snake
from ..refs import Loc
from .facts import as_list
from .side import Side

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Op:
    """One operation of a document: ``op_id`` (empty without an operationId), ``method``, ``path``,
    ``loc`` and ``data`` of the operation object, and the path item's ``shared`` parameters at
    ``shared_loc``."""

    op_id: str
    method: str
    path: str
    loc: Loc
    data: dict[str, Any]
    shared: list[Any]
    shared_loc: Loc

    @property
    def key(self) -> str:
        """How changes name the operation: its operationId, else ``METHOD /path``."""
        return self.op_id or f"{self.method.upper()} {self.path}"

    @property
    def name_source(self) -> str:
        """The operationId, or the generator's stand-in built from the method and path."""
        if self.op_id:
            return self.op_id
        words = [("by_" + s[1:-1]) if s.startswith("{") else s for s in self.path.split("/") if s]
        return self.method + "_" + "_".join(words)

    @property
    def py_name(self) -> str:
        """The name of its Python method."""
        return py_ident(snake(self.name_source) or self.method, prefix="op")

    @property
    def label(self) -> str:
        """The prefix of inline class names (``<Operation>Body``...)."""
        return pascal(self.name_source) or pascal(self.method)

    @property
    def tag(self) -> str:
        """What groups it into a resource: its first tag, else the first literal path segment, else
        ``default``."""
        tags = self.data.get("tags")
        if isinstance(tags, list) and tags and isinstance(tags[0], str):
            return tags[0]
        segs = [s for s in self.path.split("/") if s and not s.startswith("{")]
        return segs[0] if segs else "default"

    @property
    def attr(self) -> str:
        """The client attribute of its resource (``client.<attr>``)."""
        return py_ident(snake(self.tag) or "default", prefix="group")

    @property
    def call(self) -> str:
        """The call as messages show it: ``client.<resource>.<method>()``."""
        return f"client.{self.attr}.{self.py_name}()"

    @property
    def route(self) -> str:
        """``METHOD /path``."""
        return f"{self.method.upper()} {self.path}"


def operations_of(side: Side) -> list[Op]:
    """The operations under ``paths`` in document order (path item and operation ``$ref`` s followed; the methods
    of a path item in :data:`METHODS` order)."""
    paths = side.data.get("paths")
    if not isinstance(paths, dict):
        return []
    out = []
    for path, item in paths.items():
        ploc, item = side.follow(item, side.root.child("paths", str(path)))
        if not isinstance(item, dict):
            continue
        shared = as_list(item.get("parameters"))
        for method in METHODS:
            # (an Operation Object written as a `$ref` to another file is followed)
            oloc, op = side.follow(item.get(method), ploc.child(method))
            if isinstance(op, dict):
                op_id = str(op["operationId"]) if isinstance(op.get("operationId"), str) else ""
                out.append(
                    Op(
                        op_id,
                        method,
                        str(path),
                        oloc,
                        op,
                        shared,
                        ploc.child("parameters"),
                    )
                )
    return out


def match_operations(
    old: list[Op], new: list[Op]
) -> tuple[list[tuple[Op, Op]], list[Op], list[Op]]:
    """Pairs of the same operation (by operationId, then by method and path), removed, added."""
    pairs: list[tuple[Op, Op]] = []
    new_by_id = {op.op_id: op for op in new if op.op_id}
    taken: set[int] = set()
    rest: list[Op] = []
    for o in old:
        n = new_by_id.get(o.op_id) if o.op_id else None
        if n is not None and id(n) not in taken:
            taken.add(id(n))
            pairs.append((o, n))
        else:
            rest.append(o)
    new_by_route = {(op.method, op.path): op for op in new if id(op) not in taken}
    removed = []
    for o in rest:
        n = new_by_route.get((o.method, o.path))
        if (
            n is not None
            and id(n) not in taken
            and not (n.op_id and any(x.op_id == n.op_id for x in old))
        ):
            taken.add(id(n))
            pairs.append((o, n))
        else:
            removed.append(o)
    added = [n for n in new if id(n) not in taken]
    return pairs, removed, added


def each_parameter(side: Side, op: Op) -> Iterator[tuple[Loc, Any]]:
    """The operation's parameters, the path item's shared ones first, each ``(location,
    parameter)`` with ``$ref`` followed."""
    own = as_list(op.data.get("parameters"))
    for base, plist in ((op.shared_loc, op.shared), (op.loc.child("parameters"), own)):
        for i, p in enumerate(plist):
            yield side.follow(p, base.child(i))


def param_schema(ploc: Loc, p: dict[str, Any]) -> tuple[Loc, Any]:
    """The schema of a parameter: ``schema``, else the first ``content`` entry's, else a string."""
    if "schema" in p:
        return ploc.child("schema"), p["schema"]
    content = p.get("content")
    if isinstance(content, dict) and content:
        mt, media = next(iter(content.items()))
        if isinstance(media, dict):
            return ploc.child("content", mt, "schema"), media.get("schema", {})
    return ploc, {"type": "string"}


def request_body_of(side: Side, op: Op) -> tuple[Loc, dict[str, Any]] | None:
    """The operation's request body with ``$ref`` followed (None when absent or not a mapping)."""
    rb = op.data.get("requestBody")
    if rb is None:
        return None
    loc, rb = side.follow(rb, op.loc.child("requestBody"))
    if not isinstance(rb, dict):
        return None
    return loc, rb


def each_response(side: Side, op: Op) -> Iterator[tuple[str, Loc, Any]]:
    """``(status code as written, location, response)`` of each response, ``$ref`` followed."""
    responses = op.data.get("responses")
    if not isinstance(responses, dict):
        return
    for code, resp in responses.items():
        loc, resp = side.follow(resp, op.loc.child("responses", str(code)))
        yield str(code), loc, resp
