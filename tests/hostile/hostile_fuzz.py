"""Mutations of the team's Connect API document for the fuzz test (attack class 5).

A mutated document is the Connect API document cut down to a few paths (and the components they
reach), then changed a few times at random places: keys deleted or renamed to garbage, nodes
replaced by values of another type or by hostile strings, ``$ref`` s broken, retargeted,
pointed at themselves or at the network.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Iterator

from hypothesis import strategies as st

from hostile_helpers import HOSTILE, REPO

CONNECT = REPO / "specs" / "connect-api-v1.yaml"

GARBAGE: list[Any] = [
    None, True, False, 0, -1, 7, 3.5, -0.0, 1e308, 10**30, "", " ", "x", "null", "true", "0",
    [], {}, [1, "a", None], {"a": 1}, {"type": "string"}, {"$ref": 7}, [[[[[[[[[[]]]]]]]]]],
    "A" * 5000, "#/components/schemas", "{id}", "/", "..", "../../etc/passwd", "application/json",
    "object", "array", "string", "integer", "password", "date-time", "2XX", "default", "__init__",
    "class", "model_config", "self", "None", "\u00b2", "\u0661\u0662", "0200",
    *HOSTILE,
]  # fmt: skip

BROKEN_REFS: list[Any] = [
    "#/components/schemas/DoesNotExist",
    "#/components/schemas",
    "#",
    "",
    "#/paths",
    "#/components/schemas/~2bad",
    "#/info/title",
    "http://127.0.0.1:9/remote.json#/S",
    "../outside.yaml",
    "sub/missing.yaml#/X",
    "file:///etc/passwd",
    "//example.invalid/x.json",
    "http://[broken/x",
    "#anchor-that-does-not-exist",
    "#/components/schemas/%00",
    None,
    12,
    {"$ref": "#/components/schemas"},
    ["#/components/schemas/X"],
]


def load_connect() -> dict[str, Any]:
    from generator.diagnostics import DiagnosticSink
    from generator.load import parse_text

    return parse_text(CONNECT.read_text(encoding="utf-8"), str(CONNECT), DiagnosticSink())


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)


_COMPONENT = re.compile(r"^#/components/([^/]+)/([^/]+)$")


def prune(doc: dict[str, Any], keep_paths: list[str]) -> dict[str, Any]:
    """``doc`` with only ``keep_paths`` and the components they reach (transitively)."""
    out: dict[str, Any] = {k: v for k, v in doc.items() if k not in ("paths", "components")}
    out["paths"] = {p: doc["paths"][p] for p in keep_paths}
    comps = doc.get("components") or {}
    kept: dict[str, dict[str, Any]] = {"securitySchemes": dict(comps.get("securitySchemes") or {})}
    todo = list(_refs(out["paths"]))
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        m = _COMPONENT.match(ref)
        if not m or m.group(2) not in (comps.get(m.group(1)) or {}):
            continue
        node = comps[m.group(1)][m.group(2)]
        kept.setdefault(m.group(1), {})[m.group(2)] = node
        todo.extend(_refs(node))
    out["components"] = kept
    return copy.deepcopy(out)


def places(doc: Any) -> list[tuple[Any, Any]]:
    """Every ``(container, key)`` of the document, in a stable order."""
    out: list[tuple[Any, Any]] = []
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            out.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


def ref_places(doc: Any) -> list[dict[str, Any]]:
    return [c for c, k in places(doc) if isinstance(c, dict) and k == "$ref"]


@st.composite
def mutated_connect(draw: st.DrawFn, base: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A cut-down, mutated Connect document and a log of what was done to it."""
    paths = sorted(base["paths"])
    chosen = draw(st.lists(st.sampled_from(paths), min_size=1, max_size=2, unique=True))
    doc = prune(base, chosen)
    log = [f"paths {chosen}"]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(
            st.sampled_from(
                [
                    "delete",
                    "retype",
                    "garbage",
                    "rename",
                    "break_ref",
                    "retarget_ref",
                    "self_ref",
                    "top",
                ]
            )
        )
        if kind == "top":  # the document's own skeleton: rarely hit by a uniform pick
            tops = [(doc, k) for k in doc]
            tops += [(v, k) for v in doc.values() if isinstance(v, dict) for k in v]
            if not tops:
                continue
            container, key = tops[draw(st.integers(0, len(tops) - 1))]
            container[key] = draw(st.sampled_from(GARBAGE))
            log.append(f"top {key!r} = {container[key]!r:.60}")
            continue
        if kind in ("break_ref", "retarget_ref", "self_ref"):
            holders = ref_places(doc)
            if not holders:
                continue
            holder = holders[draw(st.integers(0, len(holders) - 1))]
            if kind == "break_ref":
                holder["$ref"] = draw(st.sampled_from(BROKEN_REFS))
            elif kind == "retarget_ref":
                names = sorted((doc.get("components") or {}).get("schemas") or {}) or ["X"]
                holder["$ref"] = "#/components/schemas/" + draw(st.sampled_from(names))
            else:
                holder["$ref"] = "#" + _pointer_of(doc, holder)
            log.append(f"{kind} -> {holder.get('$ref')!r}")
            continue
        spots = places(doc)
        if not spots:
            break
        container, key = spots[draw(st.integers(0, len(spots) - 1))]
        if kind == "delete":
            log.append(f"delete {key!r}")
            del container[key]
        elif kind == "rename" and isinstance(container, dict):
            new = draw(st.sampled_from([g for g in GARBAGE if isinstance(g, str)]))
            log.append(f"rename {key!r} -> {new!r}")
            container[new] = container.pop(key)
        elif kind == "retype":
            value = container[key]
            options = [g for g in GARBAGE[:24] if type(g) is not type(value)]
            container[key] = draw(st.sampled_from(options))
            log.append(f"retype {key!r}: {type(value).__name__} -> {container[key]!r:.60}")
        else:
            container[key] = draw(st.sampled_from(GARBAGE))
            log.append(f"garbage {key!r} = {container[key]!r:.60}")
    return doc, log


def _pointer_of(doc: Any, target: Any) -> str:
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, ptr = stack.pop()
        if node is target:
            return ptr
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            if isinstance(v, (dict, list)):
                stack.append((v, f"{ptr}/{str(k).replace('~', '~0').replace('/', '~1')}"))
    return ""


def known_issue(doc: dict[str, Any]) -> str | None:
    """A mutation that only reproduces a hole already pinned by an xfail test, or None.

    Each one names that test; drop its clause when the test passes.
    """
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    for field in ("title", "version"):
        value = info.get(field)
        if value is not None and not str(value).isprintable():
            return f"info.{field} with a line break or control character: test_title_and_version_cannot_run_code_on_import"
    comps = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    schemes = comps.get("securitySchemes") if isinstance(comps.get("securitySchemes"), dict) else {}
    for key in schemes:
        if '"' in str(key) or "\\" in str(key) or not str(key).isprintable():
            return "security scheme name in the Client docstring: test_security_scheme_name_cannot_break_the_client_docstring"
    return None


def write(doc: Any, path: Path, fmt: str) -> Path:
    import json

    import yaml

    if fmt == "json":
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        path.write_text(yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
    return path
