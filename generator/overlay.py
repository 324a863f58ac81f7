"""Stage 1b: OpenAPI Overlays, applied to the loaded document before it is validated.

An Overlay (OAI Overlay Specification 1.0.x) is a YAML or JSON document of ordered *actions*,
each with a ``target`` (an RFC 9535 JSONPath query into the OpenAPI document) and either an
``update`` or ``remove: true``::

    overlay: 1.0.0
    info: {title: Bearer authentication, version: 1.0.0}
    actions:
      - target: $.components
        update: {securitySchemes: {bearerToken: {type: http, scheme: bearer}}}
      - target: $.paths['/internal']
        remove: true

Semantics (Overlay 1.0.0, with the merge rules 1.1.0 spells out):

- actions apply in order, overlay after overlay, each to the result of the one before;
- ``update`` on an object merges recursively: a property only in the update is added, a value
  replaces a value, an object merges into an object, an array is appended to an array; any other
  pairing (an object onto a string...) is an ERROR. ``update`` on an array appends the update as
  one entry. A target that selects a value (a string, a number, null) cannot be updated: the
  action must target the object holding it (ERROR);
- ``remove: true`` removes every selected node from the object or array holding it;
- a target that selects nothing is a WARNING naming the action (its index and target);
- an invalid overlay document (not an overlay, another version than 1.0.x, an action without a
  target or with both ``update`` and ``remove: true``, a target that is not RFC 9535 JSONPath, an
  unknown field...) is an ERROR at its JSON pointer in the overlay file, and the run stops.

Diagnostics about the result keep pointing at the file that wrote the content: the
:class:`Provenance` of the overlaid document maps a JSON pointer into it to the overlay file and
pointer of what an action added, or to the OpenAPI document's own pointer (its array indices as
they were before any entry was removed or appended). The pipeline registers it with the
:class:`~generator.diagnostics.DiagnosticSink` (``sink.origins``), which moves every diagnostic
of the document there as it is added.

JSONPath is jsonpath-rfc9535's (imported when the first overlay is read); nothing of this module
reaches a generated client.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import unquote, urlparse

from .diagnostics import DiagnosticSink, GenerationError, join_pointer
from .load import MAX_DEPTH, Document, load_document

#: The Overlay Specification versions applied: 1.0.x (the patch version is not considered).
SUPPORTED_VERSION = re.compile(r"^1\.0\.\d+$")
ROOT_KEYS = ("overlay", "info", "extends", "actions")
INFO_KEYS = ("title", "version")
ACTION_KEYS = ("target", "description", "update", "remove")

#: A place in a file: (the file, the reference tokens of a JSON pointer into it).
Origin = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Action:
    """One checked action: its ``index`` in the overlay's ``actions``, the ``target`` text and its
    compiled ``query``; ``update`` when ``has_update``, else ``remove``."""

    index: int
    target: str
    query: Any
    update: Any = None
    has_update: bool = False
    remove: bool = False


@dataclass(frozen=True)
class Overlay:
    """A checked overlay document: its file, bytes (part of the run's inputs), ``extends`` and
    actions."""

    path: Path
    raw: bytes
    extends: str | None
    actions: tuple[Action, ...]

    @property
    def source(self) -> str:
        """The overlay's file as diagnostics name it."""
        return str(self.path)


def overlay_document(
    doc: Document, paths: Sequence[Path], sink: DiagnosticSink, *, check_extends: bool = True
) -> list[Overlay]:
    """Read the overlays at ``paths`` (:func:`load_overlays`) and apply them, in order, to
    ``doc`` (:func:`apply_overlays`); returns them (their bytes are part of the run's inputs).

    Raises :class:`GenerationError` after one ERROR per problem (in ``sink``)."""
    overlays = load_overlays(paths, sink)
    apply_overlays(doc, overlays, sink, check_extends=check_extends)
    return overlays


def load_overlays(paths: Sequence[Path], sink: DiagnosticSink) -> list[Overlay]:
    """Read and check every overlay document at ``paths`` (all of them, so that every problem is
    reported at once).

    Raises :class:`GenerationError` when one cannot be read or is not a valid Overlay 1.0.x
    document; each problem is an ERROR at its JSON pointer in that file."""
    overlays: list[Overlay] = []
    failed = False
    for path in paths:
        try:
            doc = load_document(path, sink)
        except GenerationError:
            failed = True
            continue
        overlay = _check(doc, sink)
        if overlay is None:
            failed = True
        else:
            overlays.append(overlay)
    if failed:
        raise GenerationError("invalid overlay")
    return overlays


def _unknown_keys(
    table: dict[str, Any],
    allowed: tuple[str, ...],
    pointer: str,
    what: str,
    src: str,
    sink: DiagnosticSink,
) -> bool:
    """ERRORs for keys of ``table`` neither in ``allowed`` nor ``x-`` extensions; True if any."""
    bad = False
    for key in table:
        if key in allowed or key.startswith("x-"):
            continue
        near = difflib.get_close_matches(key, allowed, n=1)
        hint = (
            f"did you mean '{near[0]}'?"
            if near
            else f"its fields are {', '.join(allowed)} and x- extensions"
        )
        sink.error(
            f"{what} has no field '{key}' (Overlay 1.0); {hint}",
            join_pointer(pointer, key),
            source=src,
        )
        bad = True
    return bad


def _shown(target: str, limit: int = 120) -> str:
    """``target`` as a message quotes it: at most ``limit`` characters."""
    return target if len(target) <= limit else target[: limit - 3] + "..."


def _kind(value: Any) -> str:
    """The JSON kind of ``value``, for messages."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _check(doc: Document, sink: DiagnosticSink) -> Overlay | None:
    """The overlay ``doc`` holds, or None after an ERROR for each way it is not one."""
    src, data = str(doc.path), doc.data
    if not isinstance(data, dict) or "overlay" not in data:
        hint = (
            " (this is an OpenAPI document, not an overlay of one)"
            if isinstance(data, dict) and "openapi" in data
            else ""
        )
        sink.error(
            f"not an Overlay document: expected an object with an 'overlay' version (e.g. overlay: 1.0.0){hint}",
            source=src,
        )
        return None
    bad = _unknown_keys(data, ROOT_KEYS, "", "an Overlay document", src, sink)
    version = data["overlay"]
    if not isinstance(version, str) or not SUPPORTED_VERSION.match(version):
        shown = version if isinstance(version, str) else f"{_kind(version)} ({version!r})"
        sink.error(
            f"overlay version {shown} is not supported: this generator applies Overlay 1.0.x (overlay: 1.0.0)",
            "/overlay",
            source=src,
        )
        bad = True
    info = data.get("info")
    if not isinstance(info, dict):
        sink.error(
            "'info' (an object with 'title' and 'version') is required",
            "/info" if "info" in data else "",
            source=src,
        )
        bad = True
    else:
        bad = _unknown_keys(info, INFO_KEYS, "/info", "the overlay's info", src, sink) or bad
        for key in INFO_KEYS:
            if not isinstance(info.get(key), str):
                where = f"/info/{key}" if key in info else "/info"
                sink.error(f"info.{key} (a string) is required", where, source=src)
                bad = True
    extends = data.get("extends")
    if "extends" in data and not isinstance(extends, str):
        sink.error(
            f"'extends' must be a URI reference (a string), not {_kind(extends)}",
            "/extends",
            source=src,
        )
        bad = True
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        what = (
            "missing"
            if "actions" not in data
            else ("empty" if raw_actions == [] else f"{_kind(raw_actions)}")
        )
        sink.error(
            f"'actions' must be a non-empty array of actions (it is {what})",
            "/actions" if "actions" in data else "",
            source=src,
        )
        return None
    actions = []
    for i, raw in enumerate(raw_actions):
        action = _check_action(i, raw, src, sink)
        if action is None:
            bad = True
        else:
            actions.append(action)
    if bad:
        return None
    return Overlay(doc.path, doc.raw, extends if isinstance(extends, str) else None, tuple(actions))


def _check_action(i: int, raw: Any, src: str, sink: DiagnosticSink) -> Action | None:
    """Action ``i`` of ``actions`` checked and its target compiled, or None after ERRORs."""
    at = join_pointer("/actions", i)
    if not isinstance(raw, dict):
        sink.error(
            f"action {i} must be an object with a 'target', not {_kind(raw)}", at, source=src
        )
        return None
    bad = _unknown_keys(raw, ACTION_KEYS, at, f"action {i}", src, sink)
    target = raw.get("target")
    query = None
    if not isinstance(target, str):
        where = join_pointer(at, "target") if "target" in raw else at
        got = "missing" if "target" not in raw else _kind(target)
        sink.error(
            f"action {i} needs a 'target' (a JSONPath query string such as $.paths; it is {got})",
            where,
            source=src,
        )
        bad = True
    else:
        query = _compile(target, i, join_pointer(at, "target"), src, sink)
        bad = bad or query is None
    if "description" in raw and not isinstance(raw["description"], str):
        sink.error(
            f"action {i}: 'description' must be a string, not {_kind(raw['description'])}",
            join_pointer(at, "description"),
            source=src,
        )
        bad = True
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        sink.error(
            f"action {i}: 'remove' must be true or false, not {_kind(remove)}",
            join_pointer(at, "remove"),
            source=src,
        )
        bad = True
    has_update = "update" in raw
    if remove is True and has_update:
        sink.error(
            f"action {i} has both 'update' and 'remove: true': an action either updates or removes its target "
            "(split it into two actions)",
            join_pointer(at, "update"),
            source=src,
        )
        bad = True
    if bad:
        return None
    if not has_update and remove is not True:
        sink.warning(
            f"action {i} (target {_shown(str(target))}) has neither 'update' nor 'remove: true'; it changes nothing",
            at,
            source=src,
        )
    return Action(i, str(target), query, raw.get("update"), has_update, remove is True)


_ENV: Any = None


def _compile(target: str, i: int, pointer: str, src: str, sink: DiagnosticSink) -> Any:
    """``target`` compiled as an RFC 9535 JSONPath query, or None after an ERROR at ``pointer``."""
    global _ENV
    from jsonpath_rfc9535 import JSONPathEnvironment, JSONPathError

    if _ENV is None:
        _ENV = JSONPathEnvironment()
    try:
        return _ENV.compile(target)
    except JSONPathError as exc:
        reason = " ".join(str(exc).split())
    except RecursionError:
        reason = "it is nested too deeply"
    sink.error(
        f"action {i}: target {_shown(target)!r} is not an RFC 9535 JSONPath query: {reason}",
        pointer,
        source=src,
    )
    return None


class Provenance:
    """Where each node of an overlaid document was written: in the OpenAPI document (``source``)
    or in an overlay.

    Objects are tracked by identity: the keys an action set on an object (``_keyed``), and, for
    each array an action changed, the origin of each entry (``_indexed``: an ``int`` is the entry's
    index in the array as its parent came, a tuple an overlay's place). Everything else comes from
    where its parent came from. The tables keep the containers they describe alive, so an
    identity is never reused while it is looked up.
    """

    def __init__(self, root: Any, source: str) -> None:
        self.root = root
        self.source = source
        self._keyed: dict[int, tuple[dict[str, Any], dict[str, Origin]]] = {}
        self._indexed: dict[int, tuple[list[Any], list[Origin | int]]] = {}

    def set(self, obj: dict[str, Any], key: str, value: Any, origin: Origin) -> None:
        """``obj[key] = value``, written at ``origin``."""
        obj[key] = value
        self._keyed.setdefault(id(obj), (obj, {}))[1][key] = origin

    def _table(self, arr: list[Any]) -> list[Origin | int]:
        entry = self._indexed.get(id(arr))
        if entry is None:
            entry = self._indexed[id(arr)] = (arr, list(range(len(arr))))
        return entry[1]

    def append(self, arr: list[Any], value: Any, origin: Origin) -> None:
        """``arr.append(value)``, written at ``origin``."""
        table = self._table(arr)
        arr.append(value)
        table.append(origin)

    def delete(self, container: Any, key: str | int) -> None:
        """Remove ``key`` from the object or array ``container``."""
        if isinstance(container, list):
            table = self._table(container)
            del container[int(key)]
            del table[int(key)]
        else:
            del container[key]
            entry = self._keyed.get(id(container))
            if entry is not None:
                entry[1].pop(str(key), None)

    def origin(self, pointer: str) -> tuple[str, str]:
        """The file and JSON pointer of what is at ``pointer`` in the overlaid document (past the
        end of the data, the rest of the pointer as it is)."""
        tokens = (
            [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
            if pointer
            else []
        )
        source, here = self.source, []
        node = self.root
        for n, token in enumerate(tokens):
            found: Origin | int | None = None
            if isinstance(node, dict) and token in node:
                entry = self._keyed.get(id(node))
                found = entry[1].get(token) if entry is not None and entry[0] is node else None
                child = node[token]
            elif (
                isinstance(node, list)
                and token.isascii()
                and token.isdigit()
                and int(token) < len(node)
            ):
                idx = int(token)
                table = self._indexed.get(id(node))
                found = table[1][idx] if table is not None and table[0] is node else idx
                child = node[idx]
            else:
                here.extend(tokens[n:])
                break
            if isinstance(found, tuple):
                source, here = found[0], list(found[1])
            else:
                here.append(str(found) if isinstance(found, int) else token)
            node = child
        return source, join_pointer("", *here)


class _ActionFailed(Exception):
    """An action cannot be applied: ``message`` at the overlay ``tokens``."""

    def __init__(self, message: str, tokens: tuple[str, ...]) -> None:
        super().__init__(message)
        self.message = message
        self.tokens = tokens


def _copy(value: Any, depth: int = 0) -> tuple[Any, int]:
    """A fresh copy of JSON data (no object shared with ``value``, or within it) and its depth."""
    if depth > MAX_DEPTH:
        return None, depth
    if isinstance(value, dict):
        out, deepest = {}, depth
        for k, v in value.items():
            out[k], d = _copy(v, depth + 1)
            deepest = max(deepest, d)
        return out, deepest
    if isinstance(value, list):
        items, deepest = [], depth
        for v in value:
            c, d = _copy(v, depth + 1)
            items.append(c)
            deepest = max(deepest, d)
        return items, deepest
    return value, depth


def _unshare(root: Any) -> None:
    """Give every place of ``root`` its own objects: YAML aliases load as one object in several
    places, and an action changes only the places it targets."""
    seen: set[int] = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            if not isinstance(value, (dict, list)):
                continue
            if id(value) in seen:
                node[key] = _copy(value)[0]
            else:
                seen.add(id(value))
                stack.append(value)


def _path(location: Sequence[str | int]) -> str:
    """The normalized JSONPath (RFC 9535) of ``location``, for messages."""
    parts = []
    for token in location:
        if isinstance(token, int):
            parts.append(f"[{token}]")
        else:
            parts.append("['" + token.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "$" + "".join(parts)


class _Applier:
    """Applies the actions of overlays to one document, recording their :class:`Provenance`."""

    def __init__(self, doc: Document, sink: DiagnosticSink) -> None:
        self.doc = doc
        self.sink = sink
        self.provenance = Provenance(doc.data, str(doc.path))
        self.src = ""

    def run(self, overlay: Overlay) -> None:
        """Apply every action of ``overlay``; raises :class:`GenerationError` after the ERROR of
        the first action that cannot be applied."""
        self.src = overlay.source
        for action in overlay.actions:
            at = ("actions", str(action.index))
            try:
                self._action(action, at)
            except _ActionFailed as exc:
                self.sink.error(exc.message, join_pointer("", *exc.tokens), source=self.src)
                raise GenerationError("overlay action failed") from None

    def _action(self, action: Action, at: tuple[str, ...]) -> None:
        from jsonpath_rfc9535 import JSONPathError

        label = f"action {action.index} (target {_shown(action.target)})"
        try:
            nodes = action.query.find(self.doc.data)
        except (JSONPathError, RecursionError) as exc:
            raise _ActionFailed(
                f"{label} cannot be evaluated: {' '.join(str(exc).split())}", at + ("target",)
            ) from None
        found: dict[tuple[str | int, ...], Any] = {}
        for node in nodes:  # a node selected twice is changed once
            found.setdefault(tuple(node.location), node.value)
        if not found:
            self.sink.warning(
                f"{label} matches nothing in {self.doc.path.name}; it changes nothing",
                join_pointer("", *at, "target"),
                source=self.src,
            )
            return
        if action.remove:
            # the last entries of an array first, and what is inside a node before the node
            for location in sorted(found, reverse=True):
                if not location:
                    raise _ActionFailed(
                        f"{label}: the document itself ($) cannot be removed", at + ("target",)
                    )
                parent = self._at(location[:-1])
                self.provenance.delete(parent, location[-1])
            return
        if not action.has_update:
            return
        for location, value in found.items():
            where = _path(location)
            if isinstance(value, list):
                self._insert(location, action.update, at + ("update",))
                self.provenance.append(value, _copy(action.update)[0], (self.src, at + ("update",)))
            elif isinstance(value, dict):
                if not isinstance(action.update, dict):
                    raise _ActionFailed(
                        f"{label}: the update must be an object to merge into the object at {where}, not {_kind(action.update)}",
                        at + ("update",),
                    )
                self._merge(value, action.update, list(location), at + ("update",))
            else:
                raise _ActionFailed(
                    f"{label} selects {_kind(value)} at {where}, which an update cannot change: an update merges into "
                    "an object or appends to an array (target the object that holds the value instead)",
                    at + ("target",),
                )

    def _at(self, location: Sequence[str | int]) -> Any:
        node = self.doc.data
        for token in location:
            node = node[token]
        return node

    def _insert(self, location: Sequence[str | int], value: Any, tokens: tuple[str, ...]) -> None:
        """Refuse a value that would nest the document deeper than :data:`MAX_DEPTH`."""
        if len(location) + 1 + _copy(value)[1] > MAX_DEPTH:
            raise _ActionFailed(
                f"this update would nest the document more than {MAX_DEPTH} levels deep", tokens
            )

    def _merge(
        self,
        target: dict[str, Any],
        update: dict[str, Any],
        location: list[str | int],
        tokens: tuple[str, ...],
    ) -> None:
        """Merge ``update`` (at ``tokens`` in the overlay) into ``target`` (at ``location``)."""
        for key, value in update.items():
            here = tokens + (key,)
            if key not in target:
                self._insert(location, value, here)
                self.provenance.set(target, key, _copy(value)[0], (self.src, here))
                continue
            current = target[key]
            if isinstance(current, dict) and isinstance(value, dict):
                self._merge(current, value, location + [key], here)
            elif isinstance(current, list) and isinstance(value, list):
                for j, item in enumerate(value):
                    self._insert(location + [key], item, here + (str(j),))
                    self.provenance.append(current, _copy(item)[0], (self.src, here + (str(j),)))
            elif not isinstance(current, (dict, list)) and not isinstance(value, (dict, list)):
                self.provenance.set(target, key, value, (self.src, here))
            else:
                raise _ActionFailed(
                    f"cannot merge {_kind(value)} into {_kind(current)} at {_path(location + [key])}: objects merge into "
                    "objects, arrays are appended to arrays and values replace values (remove it first to replace it)",
                    here,
                )


def apply_overlays(
    doc: Document, overlays: Sequence[Overlay], sink: DiagnosticSink, *, check_extends: bool = True
) -> Provenance:
    """Apply ``overlays`` in order to ``doc.data`` (changed in place) and register where its
    content comes from with ``sink`` (``sink.origins[str(doc.path)]``).

    With ``check_extends``, an overlay whose ``extends`` names another local file than
    ``doc.path`` gets a WARNING. Raises :class:`GenerationError` after the ERROR of an action that
    cannot be applied (its pointer in the overlay file); a target that selects nothing is a WARNING.
    """
    applier = _Applier(doc, sink)
    if overlays:
        _unshare(doc.data)
        sink.origins[str(doc.path)] = applier.provenance.origin
    for overlay in overlays:
        if check_extends:
            _check_extends(overlay, doc.path, sink)
        applier.run(overlay)
    return applier.provenance


def _check_extends(overlay: Overlay, spec: Path, sink: DiagnosticSink) -> None:
    """A WARNING when ``overlay.extends`` is a local file other than ``spec`` (a remote URI is
    not compared)."""
    if overlay.extends is None:
        return
    parsed = urlparse(overlay.extends)
    if len(parsed.scheme) > 1 and parsed.scheme != "file":
        return
    named = Path(unquote(parsed.path))
    target = (
        named if parsed.scheme == "file" or named.is_absolute() else overlay.path.parent / named
    )
    try:
        same = target.resolve() == spec.resolve()
    except (OSError, ValueError):
        same = False
    if not same:
        sink.warning(
            f"this overlay extends {overlay.extends} ({target}), but it is applied to {spec}",
            "/extends",
            source=overlay.source,
        )
