"""Stage 1b (generator/overlay.py): OpenAPI Overlays 1.0 applied to a loaded document.

Each test writes a small OpenAPI document and overlay files into a temporary folder, applies them
with :func:`generator.overlay.overlay_document` and checks the resulting data, the diagnostics
(level, file, JSON pointer, line) and where a diagnostic about the result is moved
(:class:`generator.overlay.Provenance`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink, GenerationError, Level
from generator.load import load_document, locate
from generator.overlay import overlay_document

SPEC = """\
openapi: 3.1.0
info:
  title: Pets
  version: "1"
tags: [pets, stores]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: dummy, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: debug, in: query, schema: {type: boolean}}
      responses:
        "200": {description: ok}
  /internal:
    get:
      operationId: internal
      responses:
        "200": {description: ok}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
"""

HEAD = "overlay: 1.0.0\ninfo: {title: test, version: 1.0.0}\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def apply(
    tmp_path: Path, *overlays: str, spec: str = SPEC
) -> tuple[Any, DiagnosticSink, list[Path]]:
    """Apply the overlay texts (each after ``HEAD``) in order: (data, sink, overlay paths)."""
    sink = DiagnosticSink(locate=locate, default_source=str(tmp_path / "spec.yaml"))
    spec_path = write(tmp_path, "spec.yaml", spec)
    paths = [
        write(tmp_path, f"o{i}.yaml", HEAD + textwrap.dedent(text))
        for i, text in enumerate(overlays)
    ]
    doc = load_document(spec_path, sink)
    overlay_document(doc, paths, sink)
    return doc.data, sink, paths


def refused(tmp_path: Path, text: str, *, head: str = HEAD) -> list[tuple[str, str, int]]:
    """The ERRORs of an overlay ``text`` that cannot be applied: (message, pointer, line)."""
    sink = DiagnosticSink(locate=locate)
    spec_path = write(tmp_path, "spec.yaml", SPEC)
    path = write(tmp_path, "bad.yaml", head + textwrap.dedent(text))
    doc = load_document(spec_path, sink)
    before = load_document(spec_path, DiagnosticSink()).data
    with pytest.raises(GenerationError):
        overlay_document(doc, [path], sink)
    errors = [d for d in sink.resolved() if d.level == Level.ERROR]
    assert errors and all(d.source == str(path) for d in errors), [d.render() for d in sink.items]
    if not any(
        d.pointer.startswith("/actions/") and d.pointer.endswith(("/update", "/target"))
        for d in errors
    ):
        assert doc.data == before  # refused before any action ran
    return [(d.message, d.pointer, d.line) for d in errors]


# --- update and remove ----------------------------------------------------------------------------


def test_update_merges_objects_recursively_and_replaces_values(tmp_path: Path) -> None:
    data, sink, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.components.schemas.Pet
            update:
              description: A pet
              required: [tag]
              properties:
                name: {maxLength: 10}
                tag: {type: string}
          - target: $.info
            update: {title: Pets (patched)}
        """,
    )
    pet = data["components"]["schemas"]["Pet"]
    assert pet["description"] == "A pet"
    assert pet["required"] == ["name", "tag"]  # arrays are appended to
    assert pet["properties"]["name"] == {"type": "string", "maxLength": 10}  # merged, not replaced
    assert pet["properties"]["tag"] == {"type": "string"}
    assert data["info"] == {"title": "Pets (patched)", "version": "1"}
    assert not sink.items


def test_update_of_an_array_appends_the_update_as_one_entry(tmp_path: Path) -> None:
    data, _, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.tags
            update: admin
          - target: $.paths.*.get.parameters
            update: {name: trace, in: header, schema: {type: string}}
        """,
    )
    assert data["tags"] == ["pets", "stores", "admin"]
    assert data["paths"]["/pets"]["get"]["parameters"][-1]["name"] == "trace"
    assert "parameters" not in data["paths"]["/internal"]["get"]  # only arrays that exist


def test_remove_takes_every_selected_node_out_of_its_object_or_array(tmp_path: Path) -> None:
    data, sink, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.paths['/internal']
            remove: true
          - target: $.paths['/pets'].get.parameters[?@.name == 'dummy' || @.name == 'debug']
            remove: true
          - target: $.tags[?@ == 'stores']
            remove: true
        """,
    )
    assert list(data["paths"]) == ["/pets"]
    assert [p["name"] for p in data["paths"]["/pets"]["get"]["parameters"]] == ["limit"]
    assert data["tags"] == ["pets"]
    assert not sink.items


def test_each_copy_of_an_update_is_its_own_data(tmp_path: Path) -> None:
    data, _, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.paths.*.get
            update: {x-meta: {labels: [a]}}
          - target: $.paths['/pets'].get['x-meta'].labels
            update: b
        """,
    )
    assert data["paths"]["/pets"]["get"]["x-meta"] == {"labels": ["a", "b"]}
    assert data["paths"]["/internal"]["get"]["x-meta"] == {"labels": ["a"]}


def test_a_yaml_alias_is_changed_only_where_the_target_points(tmp_path: Path) -> None:
    spec = SPEC.replace(
        "  schemas:\n", "  schemas:\n    Shared: &shared {type: object}\n    Copy: *shared\n"
    )
    data, _, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.components.schemas.Copy
            update: {description: changed}
        """,
        spec=spec,
    )
    assert data["components"]["schemas"]["Copy"] == {"type": "object", "description": "changed"}
    assert data["components"]["schemas"]["Shared"] == {"type": "object"}


# --- order ----------------------------------------------------------------------------------------


def test_actions_and_overlays_apply_in_order_each_to_the_result_of_the_last(tmp_path: Path) -> None:
    data, sink, _ = apply(
        tmp_path,
        """
        actions:
          - target: $.paths['/internal']
            remove: true
          - target: $.paths
            update: {/internal: {get: {operationId: rebuilt, responses: {"204": {description: none}}}}}
        """,
        """
        actions:
          - target: $.paths['/internal'].get
            update: {summary: second overlay}
          - target: $.info
            update: {title: second}
        """,
        """
        actions:
          - target: $.info
            update: {title: third}
        """,
    )
    assert data["paths"]["/internal"]["get"] == {
        "operationId": "rebuilt",
        "responses": {"204": {"description": "none"}},
        "summary": "second overlay",
    }
    assert data["info"]["title"] == "third"  # the last overlay wins
    assert not sink.items


# --- warnings ------------------------------------------------------------------------------------


def test_a_target_that_matches_nothing_is_a_warning_naming_the_action(tmp_path: Path) -> None:
    data, sink, paths = apply(
        tmp_path,
        """
        actions:
          - target: $.info
            update: {x-first: 1}
          - target: $.paths['/nowhere'].get
            update: {summary: lost}
        """,
    )
    [warning] = sink.resolved()
    assert warning.level == Level.WARNING
    assert warning.source == str(paths[0])
    assert warning.pointer == "/actions/1/target"
    assert warning.line == 7
    assert (
        "action 1 (target $.paths['/nowhere'].get) matches nothing in spec.yaml" in warning.message
    )
    assert data["info"]["x-first"] == 1  # the rest is applied


def test_an_action_that_neither_updates_nor_removes_is_a_warning(tmp_path: Path) -> None:
    _, sink, _ = apply(tmp_path, "actions:\n  - target: $.info\n    description: nothing\n")
    [warning] = sink.resolved()
    assert warning.pointer == "/actions/0" and "changes nothing" in warning.message


def test_extends_naming_another_local_document_is_a_warning(tmp_path: Path) -> None:
    _, sink, _ = apply(
        tmp_path, "extends: ./other.yaml\nactions:\n  - target: $.info\n    update: {x-a: 1}\n"
    )
    [warning] = sink.resolved()
    assert warning.pointer == "/extends" and "but it is applied to" in warning.message
    _, sink, _ = apply(
        tmp_path, "extends: spec.yaml\nactions:\n  - target: $.info\n    update: {x-a: 1}\n"
    )
    assert not sink.items
    _, sink, _ = apply(
        tmp_path,
        "extends: https://example.com/spec.yaml\nactions:\n  - target: $.info\n    update: {x-a: 1}\n",
    )
    assert not sink.items  # a remote document is not compared


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "head", "message", "pointer", "line"),
    [
        (
            "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
            "",
            "not an Overlay document",
            "",
            1,
        ),
        (
            "actions:\n  - target: $.info\n    update: {a: 1}\n",
            "overlay: 2.0.0\ninfo: {title: t, version: '1'}\n",
            "overlay version 2.0.0 is not supported",
            "/overlay",
            1,
        ),
        (
            "actions:\n  - target: $.info\n    update: {a: 1}\n",
            "overlay: 1.0\ninfo: {title: t, version: '1'}\n",
            "overlay version a number (1.0) is not supported",
            "/overlay",
            1,
        ),
        ("actions: []\n", HEAD, "'actions' must be a non-empty array", "/actions", 3),
        ("actions:\n  - update: {a: 1}\n", HEAD, "action 0 needs a 'target'", "/actions/0", 4),
        (
            "actions:\n  - target: 42\n    update: {a: 1}\n",
            HEAD,
            "action 0 needs a 'target'",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: paths\n    update: {a: 1}\n",
            HEAD,
            "target 'paths' is not an RFC 9535 JSONPath query",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: $.paths[\n    remove: true\n",
            HEAD,
            "is not an RFC 9535 JSONPath query",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: $.x-a\n    remove: true\n",
            HEAD,
            "is not an RFC 9535 JSONPath query",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: $.info\n    update: {a: 1}\n    remove: true\n",
            HEAD,
            "has both 'update' and 'remove: true'",
            "/actions/0/update",
            5,
        ),
        (
            "actions:\n  - target: $.info\n    remove: yes\n",
            HEAD,
            "'remove' must be true or false",
            "/actions/0/remove",
            5,
        ),
        (
            "actions:\n  - target: $.info\n    udpate: {a: 1}\n",
            HEAD,
            "no field 'udpate' (Overlay 1.0); did you mean 'update'?",
            "/actions/0/udpate",
            5,
        ),
        (
            "actions:\n  - target: $.info.title\n    update: New\n",
            HEAD,
            "selects a string at $['info']['title'], which an update cannot change",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: $.info\n    update: New\n",
            HEAD,
            "the update must be an object to merge into the object at $['info'], not a string",
            "/actions/0/update",
            5,
        ),
        (
            "actions:\n  - target: $.info\n    update:\n      title: {text: x}\n",
            HEAD,
            "cannot merge an object into a string at $['info']['title']",
            "/actions/0/update/title",
            6,
        ),
        (
            "actions:\n  - target: $\n    remove: true\n",
            HEAD,
            "the document itself ($) cannot be removed",
            "/actions/0/target",
            4,
        ),
        (
            "actions:\n  - target: '$[?" + "(" * 3000 + "@.a" + ")" * 3000 + "]'\n    remove: true\n",
            HEAD,
            "...' is not an RFC 9535 JSONPath query: it is nested too deeply",
            "/actions/0/target",
            4,
        ),
    ],
)
def test_an_invalid_overlay_is_an_error_at_its_pointer(
    tmp_path: Path, text: str, head: str, message: str, pointer: str, line: int
) -> None:
    errors = refused(tmp_path, text, head=head)
    assert [(pointer, line) for m, p, ln in errors if message in m] == [(pointer, line)], errors


def test_info_is_required_with_a_title_and_a_version(tmp_path: Path) -> None:
    errors = refused(
        tmp_path,
        "info: {title: t}\nactions:\n  - target: $.info\n    update: {a: 1}\n",
        head="overlay: 1.0.0\n",
    )
    assert [(m, p) for m, p, _ in errors] == [("info.version (a string) is required", "/info")]


def test_every_problem_of_every_overlay_is_reported_at_once(tmp_path: Path) -> None:
    sink = DiagnosticSink(locate=locate)
    spec = write(tmp_path, "spec.yaml", SPEC)
    a = write(tmp_path, "a.yaml", HEAD + "actions:\n  - target: nope\n    remove: true\n  - {}\n")
    b = write(tmp_path, "b.yaml", "overlay: 1.0.0\nactions:\n  - target: $\n    update: {}\n")
    with pytest.raises(GenerationError):
        overlay_document(load_document(spec, sink), [a, b, tmp_path / "missing.yaml"], sink)
    found = sorted((Path(d.source).name, d.pointer) for d in sink.items if d.level == Level.ERROR)
    assert found == [
        ("a.yaml", "/actions/0/target"),
        ("a.yaml", "/actions/1"),
        ("b.yaml", ""),
        ("missing.yaml", ""),
    ]


# --- where diagnostics about the result point -----------------------------------------------------


def test_diagnostics_in_added_content_point_at_the_overlay_and_the_rest_at_the_document(
    tmp_path: Path,
) -> None:
    data, sink, paths = apply(
        tmp_path,
        """
        actions:
          - target: $.paths['/pets'].get.parameters[?@.name == 'dummy']
            remove: true
          - target: $.components.schemas.Pet.properties
            update:
              age:
                type: integre
          - target: $.components.schemas.Pet.required
            update: age
          - target: $.tags
            update: [nested, tags]
        """,
    )
    overlay = str(paths[0])
    spec = str(tmp_path / "spec.yaml")
    where = sink.origins[spec]
    pet = "/components/schemas/Pet"
    # content an action added: the overlay file, at the update's pointer
    assert where(f"{pet}/properties/age/type") == (overlay, "/actions/1/update/age/type")
    assert where(f"{pet}/properties/age") == (overlay, "/actions/1/update/age")
    assert where(f"{pet}/required/1") == (overlay, "/actions/2/update")
    assert where("/tags/2/1") == (overlay, "/actions/3/update/1")
    assert where(f"{pet}/properties/age/missing/deeper") == (
        overlay,
        "/actions/1/update/age/missing/deeper",
    )
    # the document's own content: the document, at its own pointers (array entries as written)
    assert where(f"{pet}/properties/name") == (spec, f"{pet}/properties/name")
    assert where(f"{pet}/required/0") == (spec, f"{pet}/required/0")
    assert data["paths"]["/pets"]["get"]["parameters"][0]["name"] == "limit"
    assert where("/paths/~1pets/get/parameters/0/schema") == (
        spec,
        "/paths/~1pets/get/parameters/1/schema",
    )
    assert where("/paths/~1pets/get/parameters/1") == (spec, "/paths/~1pets/get/parameters/2")
    assert where("") == (spec, "")
    # a diagnostic added to the sink is moved there and located in that file
    sink.warning("unknown type 'integre'", f"{pet}/properties/age/type")
    sink.warning("about limit", "/paths/~1pets/get/parameters/0")
    shown = {d.message: d for d in sink.resolved()}
    assert (shown["unknown type 'integre'"].source, shown["unknown type 'integre'"].line) == (
        overlay,
        10,
    )
    assert shown["about limit"].pointer == "/paths/~1pets/get/parameters/1"
    assert shown["about limit"].line == 12  # the spec's line of `limit`
