"""YAML as people write it: scalars that YAML 1.1 would turn into dates, sexagesimal numbers,
booleans or the ``=`` value tag stay strings; integer response codes and a numeric ``openapi``
version are accepted; tabs and control characters are reported with their line."""

from __future__ import annotations

import pytest

from features_helpers import Recorder, members, round_trip, spec

PEOPLE = spec(
    "yaml_people",
    """
    openapi: 3.0
    info: {title: People YAML, version: 1}
    paths:
      /things:
        get:
          operationId: listThings
          parameters:
            - name: since
              in: query
              schema: {type: string, default: 2024-01-01, example: 2024-01-01}
          responses:
            200:
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Thing'}
            404:
              description: not found
    components:
      schemas:
        Answer:
          type: string
          enum: [yes, no, on, off, y, n, =, 2024-01-01, 25:00, 1_000]
        Thing:
          type: object
          properties:
            answer: {$ref: '#/components/schemas/Answer'}
            day: {type: string, default: 2024-01-01, example: 2024-01-01}
            time: {type: string, default: 25:00}
            flag: {type: string, default: on}
            op: {type: string, default: =}
            clock: {type: string, const: 12:30:45}
    """,
)


def test_date_time_bool_and_equals_scalars_stay_string_enum_values(gen) -> None:
    g = gen(PEOPLE)
    assert g.ok, g.describe()
    answer = g.models.Answer
    values = sorted(members(answer).values())
    assert values == sorted(
        ["yes", "no", "on", "off", "y", "n", "=", "2024-01-01", "25:00", "1_000"]
    )
    assert all(type(v) is str for v in values)
    # member names are identifiers made from the values, each distinct
    assert answer("=").name.isidentifier() and answer("2024-01-01").name.isidentifier()
    for v in values:
        assert round_trip(g.models.Thing, {"answer": v}) == {"answer": v}


def test_defaults_and_consts_written_bare_stay_strings(gen) -> None:
    g = gen(PEOPLE)
    thing = g.models.Thing()
    assert thing.day == "2024-01-01" and type(thing.day) is str
    assert thing.time == "25:00"
    assert thing.flag == "on"
    assert thing.op == "="
    assert round_trip(g.models.Thing, {"clock": "12:30:45"}) == {"clock": "12:30:45"}
    with pytest.raises(Exception):
        g.models.Thing.model_validate({"clock": 45045})  # what YAML 1.1 would have made of it


def test_integer_response_code_keys_work(gen) -> None:
    g = gen(PEOPLE)
    rec = Recorder(200, json={"answer": "no", "day": "2024-02-02"})
    thing = g.client(rec).things.list_things(since="2024-01-01")
    assert isinstance(thing, g.models.Thing)
    assert thing.answer == "no"
    assert rec.last.url.params["since"] == "2024-01-01"
    with pytest.raises(g.pkg.NotFoundError):
        g.client(Recorder(404, json={"message": "x"})).things.list_things()


def test_numeric_openapi_version_accepted_with_a_warning(gen) -> None:
    g = gen(PEOPLE)
    assert g.ok
    (w,) = g.diags("WARNING", pointer="/openapi")
    assert "number" in w.message
    assert w.line == 1
    assert not g.diags("ERROR")


NUMERIC_31 = spec(
    "yaml_numeric_31",
    """
    openapi: 3.1
    info: {title: Numeric 3.1, version: 2.0}
    paths: {}
    components:
      schemas:
        Box:
          type: object
          properties:
            size: {type: [integer, "null"]}
    """,
)


def test_numeric_31_version_reads_as_31(gen) -> None:
    g = gen(NUMERIC_31)
    assert g.ok, g.describe()
    assert g.diags("WARNING", contains="number", pointer="/openapi")
    # 3.1 type arrays are honoured: null is a valid value
    assert round_trip(g.models.Box, {"size": None}) == {"size": None}
    assert round_trip(g.models.Box, {"size": 3}) == {"size": 3}


TAB = spec(
    "yaml_tab",
    "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n\tresponses: {}\n",
    generates=False,
)
CONTROL = spec(
    "yaml_control",
    "openapi: 3.0.3\ninfo:\n  title: \"T\x07\"\n  version: '1'\npaths: {}\n",
)
TAB_IN_STRING = spec(
    "yaml_tab_in_string",
    "openapi: 3.0.3\ninfo:\n  title: T\n  description: \"a\tb\"\n  version: '1'\npaths: {}\n",
)


def test_tab_indentation_is_an_error_with_its_line(gen) -> None:
    g = gen(TAB)
    assert not g.ok
    (err,) = g.diags("ERROR")
    assert (err.line, err.col) == (8, 1)
    assert "YAML" in err.message
    assert err.source.endswith("openapi.yaml")


def test_control_character_is_replaced_with_a_warning_naming_its_line(gen) -> None:
    """YAML forbids control characters that JSON strings may hold (DocuSign's description text
    carries C1 controls): the document still generates; each one becomes U+FFFD, and one
    WARNING gives the first one's line, escaped (never echoed raw to a terminal)."""
    g = gen(CONTROL)
    assert g.ok, g.describe()
    (warn,) = [d for d in g.diags("WARNING") if "YAML does not allow" in d.message]
    assert warn.line == 3
    assert "#x0007" in warn.message and "U+FFFD" in warn.message
    assert "\x07" not in warn.message
    assert "T\ufffd" in g.source("_client.py") or "T\\ufffd" in g.source("_client.py")


def test_tab_inside_a_quoted_string_is_fine(gen) -> None:
    g = gen(TAB_IN_STRING)
    assert g.ok, g.describe()
    assert g.pkg.Client is not None
