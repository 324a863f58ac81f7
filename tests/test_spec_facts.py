"""Our Versori API documents must state the same interface facts as the upstream ones.

``specs/*.yaml`` are the project's own copies of the Versori API documents: descriptions are written in our
own words, Go code-generation hints (``x-go-*``) are dropped, and a few upstream constructs that are invalid
OpenAPI 3.1 are fixed. Everything a generated client depends on -- paths, methods, operationIds, parameters,
bodies, responses, schemas, security, servers -- must stay identical to upstream, which these tests check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[1]
OUR_SPECS = ROOT / "specs"
UPSTREAM_SPECS = ROOT.parent / "shared" / "specs" / "versori"
APIS = ["connect-api-v1", "embedded-api-v1", "organisations-api-v1"]

# Keywords whose (dict) value is keyed by *names* (paths, property names, status codes, media types...),
# so its keys must never be mistaken for keywords such as `description` or `default`.
NAME_MAPS = {
    "paths", "properties", "patternProperties", "dependentSchemas", "$defs", "definitions",
    "schemas", "parameters", "responses", "requestBodies", "securitySchemes", "headers", "links",
    "callbacks", "webhooks", "pathItems", "content", "encoding", "variables",
}
# Keywords whose value is data, kept verbatim (a `default` object may well contain a "description" key).
LITERALS = {"default", "const", "enum", "required", "mapping", "security"}
# Documentation-only keywords: free text rewritten in our copy.
PROSE = {"description", "summary"}
# Sample values; upstream also writes one schema `examples` as a map, which our copy turns into a list.
EXAMPLES = {"example", "examples"}


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def facts(node, names: bool = False):
    """The interface facts of an OpenAPI (sub)document.

    Drops descriptions/summaries, examples and ``x-*`` extensions, and turns every name-map key
    (notably response codes written as YAML integers) into a string.
    """
    if isinstance(node, list):
        return [facts(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        key = str(key)
        if names:
            out[key] = facts(value)
        elif key.startswith("x-") or key in EXAMPLES or (key in PROSE and isinstance(value, str)):
            continue
        elif key in LITERALS:
            out[key] = value
        else:
            out[key] = facts(value, names=key in NAME_MAPS and isinstance(value, dict))
    return out


def prose(node, ptr: str = "", names: bool = False):
    """Yield (json pointer, text) for every description/summary keyword, skipping examples and literals."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from prose(item, f"{ptr}/{i}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        key = str(key)
        here = f"{ptr}/{escape(key)}"
        if names:
            yield from prose(value, here)
        elif key in PROSE and isinstance(value, str):
            yield here, value
        elif key in EXAMPLES or key in LITERALS:
            continue
        else:
            yield from prose(value, here, names=key in NAME_MAPS and isinstance(value, dict))


def escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def flatten(node, ptr: str = "") -> dict:
    """Map each JSON pointer to its leaf value (empty containers count as leaves)."""
    if isinstance(node, dict) and node:
        out = {}
        for key, value in node.items():
            out.update(flatten(value, f"{ptr}/{escape(str(key))}"))
        return out
    if isinstance(node, list) and node:
        out = {}
        for i, value in enumerate(node):
            out.update(flatten(value, f"{ptr}/{i}"))
        return out
    return {ptr or "/": node}


def describe_diff(ours, upstream, limit: int = 20) -> str:
    a, b = flatten(ours), flatten(upstream)
    missing = object()
    diffs = sorted(p for p in a.keys() | b.keys() if a.get(p, missing) != b.get(p, missing))
    lines = [f"{len(diffs)} differing pointer(s); first {min(limit, len(diffs))}:"]
    for p in diffs[:limit]:
        ours_v = json.dumps(a[p]) if p in a else "<absent>"
        up_v = json.dumps(b[p]) if p in b else "<absent>"
        lines.append(f"  {p}: ours={ours_v} upstream={up_v}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def upstream_dir() -> Path:
    if not UPSTREAM_SPECS.is_dir():
        pytest.skip(f"upstream Versori documents not available at {UPSTREAM_SPECS}")
    return UPSTREAM_SPECS


@pytest.mark.parametrize("api", APIS)
def test_our_document_is_valid_openapi(api):
    validate(load(OUR_SPECS / f"{api}.yaml"))


@pytest.mark.parametrize("api", APIS)
def test_interface_facts_match_upstream(api, upstream_dir):
    ours = facts(load(OUR_SPECS / f"{api}.yaml"))
    upstream = facts(load(upstream_dir / f"{api}.yaml"))
    assert ours == upstream, describe_diff(ours, upstream)


@pytest.mark.parametrize("api", APIS)
def test_descriptions_are_present_and_reworded(api, upstream_dir):
    ours = dict(prose(load(OUR_SPECS / f"{api}.yaml")))
    upstream = dict(prose(load(upstream_dir / f"{api}.yaml")))

    missing = sorted(upstream.keys() - ours.keys())
    assert not missing, f"{len(missing)} upstream description(s) have no counterpart, e.g. {missing[:20]}"
    empty = sorted(p for p, text in ours.items() if not text.strip())
    assert not empty, f"empty descriptions: {empty[:20]}"

    copied = sorted(p for p, text in ours.items() if text.strip() == upstream.get(p, "").strip())
    assert len(copied) < 0.2 * len(ours), (
        f"{len(copied)} of {len(ours)} descriptions are copied verbatim from upstream, e.g. {copied[:20]}"
    )


@pytest.mark.parametrize("api", APIS)
def test_no_go_codegen_extensions(api):
    text = (OUR_SPECS / f"{api}.yaml").read_text(encoding="utf-8")
    assert "x-go-" not in text


def test_facts_extractor_keeps_names_that_look_like_keywords():
    """Property names such as `description`/`default` and the `default` response are facts, not prose."""
    doc = {
        "paths": {"/a": {"get": {"responses": {200: {"description": "OK"}, "default": {"description": "E"}}}}},
        "components": {"schemas": {"S": {
            "description": "text",
            "x-go-name": "S",
            "properties": {"description": {"type": "string", "description": "d"}, "default": {"type": "integer"}},
            "examples": {"named": "value"},
        }}},
    }
    assert facts(doc) == {
        "paths": {"/a": {"get": {"responses": {"200": {}, "default": {}}}}},
        "components": {"schemas": {"S": {
            "properties": {"description": {"type": "string"}, "default": {"type": "integer"}},
        }}},
    }
