"""``$ref`` resolution (generator/refs.py): local pointers, files, ``$id``/``$anchor``, refusals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink, Level
from generator.ir.model import ModelDef
from generator.refs import RefError, Resolver, walk_pointer

ROOT_DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "components": {
        "schemas": {
            "a/b": {"type": "string"},
            "t~x": {"type": "integer"},
            "with space": {"type": "boolean"},
            "pct%": {"type": "null"},
            "Ided": {
                "$id": "https://example.com/schemas/ided",
                "type": "object",
                "properties": {"n": {"$anchor": "nm", "type": "string"}, "m": {"$ref": "#nm"}},
            },
            "Anchored": {"$anchor": "top", "type": "number"},
            "Loop1": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop1"},
            "Chain": {"$ref": "#/components/schemas/a~1b"},
            "list": [{"type": "string"}, {"type": "integer"}],
        }
    },
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A spec folder: root.yaml plus schemas/ with relative references between files."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        "Pet:\n  type: object\n  properties:\n    owner:\n      $ref: 'common.yaml#/Owner'\n"
        "    tag:\n      $ref: '#/Tag'\nTag:\n  type: string\n",
        encoding="utf-8",
    )
    (tmp_path / "schemas" / "common.yaml").write_text(
        "Owner:\n  type: object\n  properties:\n    name: {type: string}\n", encoding="utf-8"
    )
    (tmp_path / "schemas" / "broken.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    (tmp_path.parent / f"{tmp_path.name}-outside.yaml").write_text(
        "X: {type: string}\n", encoding="utf-8"
    )
    return tmp_path


def resolver(folder: Path, doc: Any = None, **kw: bool) -> Resolver:
    return Resolver(
        (folder / "root.yaml").as_uri(),
        doc if doc is not None else ROOT_DOC,
        DiagnosticSink(),
        **kw,
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("#/components/schemas/a~1b", {"type": "string"}),
        ("#/components/schemas/t~0x", {"type": "integer"}),
        ("#/components/schemas/with%20space", {"type": "boolean"}),
        ("#/components/schemas/pct%25", {"type": "null"}),
        ("#/components/schemas/a%7E1b", {"type": "string"}),  # percent-decoding comes first
        ("#/components/schemas/list/1", {"type": "integer"}),
        ("#top", {"$anchor": "top", "type": "number"}),
    ],
)
def test_local_pointers(tmp_path: Path, ref: str, expected: Any) -> None:
    r = resolver(tmp_path)
    loc, node = r.lookup(ref, r.root())
    assert node == expected
    assert loc.uri == r.root_uri


def test_pointer_tokens_are_unescaped_in_the_right_order() -> None:
    data = {"~1": "tilde-one", "/": "slash", "~": "tilde"}
    assert walk_pointer(data, "/~01") == "tilde-one"  # ~01 is "~1", not "/"
    assert walk_pointer(data, "/~1") == "slash"
    assert walk_pointer(data, "/~0") == "tilde"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Nope", "no 'Nope'"),
        ("#/components/schemas/list/7", "out of range"),
        ("#/components/schemas/a~1b/type/deeper", "cannot descend"),
        ("#missing-anchor", "no $anchor 'missing-anchor'"),
    ],
)
def test_missing_targets_are_errors(tmp_path: Path, ref: str, message: str) -> None:
    r = resolver(tmp_path)
    with pytest.raises(RefError, match=re.escape(message)):
        r.lookup(ref, r.root())


def test_relative_files_in_a_subfolder(files: Path) -> None:
    r = resolver(files)
    loc, pet = r.lookup("schemas/pet.yaml#/Pet", r.root())
    assert loc.uri == (files / "schemas" / "pet.yaml").as_uri() and loc.pointer == "/Pet"
    # references inside pet.yaml are relative to pet.yaml, not to the root document
    oloc, owner = r.lookup(pet["properties"]["owner"]["$ref"], loc.child("properties", "owner"))
    assert oloc.uri == (files / "schemas" / "common.yaml").as_uri()
    assert owner["properties"] == {"name": {"type": "string"}}
    tloc, tag = r.lookup("#/Tag", loc)
    assert tag == {"type": "string"} and tloc.uri == loc.uri


def test_missing_and_unparsable_files(files: Path) -> None:
    r = resolver(files)
    with pytest.raises(RefError, match="does not exist"):
        r.lookup("schemas/nope.yaml#/X", r.root())
    with pytest.raises(RefError, match="cannot be parsed"):
        r.lookup("schemas/broken.yaml#/a", r.root())


def test_files_outside_the_spec_folder_are_refused_unless_allowed(files: Path) -> None:
    ref = f"../{files.name}-outside.yaml#/X"
    with pytest.raises(RefError, match="leaves the spec's folder.*--allow-outside-refs"):
        resolver(files).lookup(ref, resolver(files).root())
    r = resolver(files, allow_outside=True)
    assert r.lookup(ref, r.root())[1] == {"type": "string"}


def test_remote_refs_are_refused_without_network(tmp_path: Path) -> None:
    r = resolver(tmp_path)
    with pytest.raises(RefError, match=r"remote reference .* refused .*--allow-remote-refs"):
        r.lookup("https://example.com/schemas.yaml#/X", r.root())
    with pytest.raises(RefError, match="not supported"):
        resolver(tmp_path, allow_remote=True).lookup("http://example.com/x.yaml", r.root())


def test_id_and_anchor(tmp_path: Path) -> None:
    r = resolver(tmp_path)
    # an $id-ed schema is found by its $id without any network access
    loc, node = r.lookup("https://example.com/schemas/ided", r.root())
    assert (
        loc.pointer == "/components/schemas/Ided" and loc.base == "https://example.com/schemas/ided"
    )
    aloc, anchored = r.lookup("https://example.com/schemas/ided#nm", r.root())
    assert anchored == {"$anchor": "nm", "type": "string"}
    # inside the $id-ed schema, "#nm" is relative to its $id
    mloc, m = r.lookup("#nm", loc.child("properties", "m"))
    assert mloc.pointer == "/components/schemas/Ided/properties/n"


def test_follow_walks_chains_and_reports_cycles(tmp_path: Path) -> None:
    r = resolver(tmp_path)
    loc, node = r.follow({"$ref": "#/components/schemas/Chain"}, r.root())
    assert node == {"type": "string"} and loc.pointer == "/components/schemas/a~1b"
    with pytest.raises(RefError, match="cycle"):
        r.follow({"$ref": "#/components/schemas/Loop1"}, r.root())


# --- through the whole build --------------------------------------------------------------------


def _spec_with_ref(ref: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/p": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": ref}}},
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "with space": {"type": "object", "properties": {"q": {"type": "string"}}},
                "a/b": {"type": "object", "properties": {"z": {"type": "string"}}},
            }
        },
    }


@pytest.mark.parametrize(
    ("ref", "model"),
    [("#/components/schemas/with%20space", "WithSpace"), ("#/components/schemas/a~1b", "AB")],
)
def test_escaped_and_percent_encoded_refs_reuse_the_component_class(
    build_ir, ref: str, model: str
) -> None:
    api, sink = build_ir(_spec_with_ref(ref))
    assert api is not None, [d.render() for d in sink.items]
    assert api.resources[0].operations[0].return_hint == model
    assert sorted(d.name for d in api.definitions) == ["AB", "WithSpace"]


def test_build_follows_files_in_subfolders(files: Path, write_spec, build_ir) -> None:
    spec = _spec_with_ref("schemas/pet.yaml#/Pet")
    (files / "root.yaml").write_text(__import__("yaml").safe_dump(spec), encoding="utf-8")
    api, sink = build_ir(files / "root.yaml")
    assert api is not None, [d.render() for d in sink.items]
    models = {d.name: d for d in api.definitions if isinstance(d, ModelDef)}
    assert {"Pet", "Owner"} <= set(models)
    hints = {f.json_name: f.hint for f in models["Pet"].fields}
    assert hints["owner"] == "Owner | None"
    assert models["Owner"].pointer == (files / "schemas" / "common.yaml").as_uri() + "#/Owner"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Nope", "no 'Nope' in the target document"),
        ("https://example.com/x.yaml#/X", "refused"),
    ],
)
def test_build_reports_unresolvable_refs_with_the_pointer(build_ir, ref: str, message: str) -> None:
    """A ``$ref`` to nothing is a defect confined to where it is written: a WARNING there, the
    reference typed as ``Any``, the rest built."""
    api, sink = build_ir(_spec_with_ref(ref))
    assert api is not None
    assert not [d for d in sink.items if d.level == Level.ERROR], [d.render() for d in sink.items]
    warnings = [d for d in sink.items if d.level == Level.WARNING]
    assert len(warnings) == 1, [d.render() for d in sink.items]
    assert warnings[0].pointer == "/paths/~1p/get/responses/200/content/application~1json/schema/$ref"
    assert ref in warnings[0].message and message in warnings[0].message
    assert "typed as Any" in warnings[0].message
    assert api.resources[0].operations[0].return_hint == "Any"


def test_a_diagnostic_in_a_referenced_file_names_its_path_and_line(tmp_path: Path) -> None:
    """Problems inside a referenced document are recorded with its ``file:`` URI; they are shown
    (and located: line and column) as a path, like the root document's."""
    from generator.diagnostics import DiagnosticSink
    from generator.load import locate

    other = tmp_path / "dir with space" / "ex.json"
    other.parent.mkdir()
    other.write_text('{\n  "$defs": {"A": {"allOf": [1]}}\n}\n')
    sink = DiagnosticSink(locate=locate)
    sink.error("bad member", "/$defs/A/allOf/0", source=other.as_uri())
    (d,) = sink.resolved()
    assert d.source == str(other) and (d.line, d.col) == (2, 29)
