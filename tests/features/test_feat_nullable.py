"""Nullable schemas used through ``$ref``: a component that accepts null (3.0 ``nullable: true``,
3.1 ``type: [object, "null"]``, a ``oneOf`` with a ``{type: "null"}`` variant) makes every place
that references it accept null, required or not, also through ``allOf``/``anyOf`` wrappers
(GitHub's ``nullable-simple-user``, ``nullable-license-simple``... are written this way)."""

from __future__ import annotations

import pydantic
import pytest

from features_helpers import Recorder, round_trip, spec

NULLABLE_30 = spec(
    "nullable_refs_30",
    """
    openapi: 3.0.3
    info: {title: Nullable refs, version: "1"}
    paths:
      /issues/{number}:
        get:
          operationId: getIssue
          parameters:
            - {name: number, in: path, required: true, schema: {type: integer}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Issue'}
    components:
      schemas:
        nullable-simple-user:
          title: Simple User
          type: object
          nullable: true
          required: [login]
          properties:
            login: {type: string}
        nullable-state:
          type: string
          enum: [open, closed]
          nullable: true
        simple-user:
          type: object
          required: [login]
          properties:
            login: {type: string}
        Issue:
          type: object
          required: [id, assignee, closed_by, state, author]
          properties:
            id: {type: integer}
            assignee: {$ref: '#/components/schemas/nullable-simple-user'}
            closed_by:
              allOf: [{$ref: '#/components/schemas/nullable-simple-user'}]
            reviewer:
              anyOf: [{$ref: '#/components/schemas/nullable-simple-user'}]
            state: {$ref: '#/components/schemas/nullable-state'}
            watchers:
              type: array
              items: {$ref: '#/components/schemas/nullable-simple-user'}
            author: {$ref: '#/components/schemas/simple-user'}
    """,
)

NULLABLE_31 = spec(
    "nullable_refs_31",
    """
    openapi: 3.1.0
    info: {title: Nullable refs 3.1, version: "1"}
    paths: {}
    components:
      schemas:
        MaybeUser:
          type: [object, "null"]
          required: [login]
          properties:
            login: {type: string}
        User:
          type: object
          required: [login]
          properties:
            login: {type: string}
        UserOrNull:
          oneOf:
            - {$ref: '#/components/schemas/User'}
            - {type: "null"}
        Holder:
          type: object
          required: [a, b, c, d]
          properties:
            a: {$ref: '#/components/schemas/MaybeUser'}
            b: {$ref: '#/components/schemas/UserOrNull'}
            c: {$ref: '#/components/schemas/MaybeUser', description: with a sibling}
            d: {$ref: '#/components/schemas/User'}
    """,
)


def test_required_ref_to_a_30_nullable_component_accepts_null(gen) -> None:
    g = gen(NULLABLE_30)
    m = g.models
    data = {
        "id": 1,
        "assignee": None,
        "closed_by": None,
        "state": None,
        "reviewer": None,
        "watchers": [None],
        "author": {"login": "a"},
    }
    assert round_trip(m.Issue, data) == data
    issue = m.Issue.model_validate(
        {
            "id": 1,
            "assignee": {"login": "u"},
            "closed_by": {"login": "v"},
            "state": "open",
            "author": {"login": "a"},
        }
    )
    assert isinstance(issue.assignee, m.NullableSimpleUser)
    assert isinstance(issue.closed_by, m.NullableSimpleUser)
    assert issue.state == m.NullableState.OPEN
    # still required (nullable is not optional), and a non-nullable component still refuses null
    with pytest.raises(pydantic.ValidationError):
        m.Issue.model_validate(
            {"id": 1, "closed_by": None, "state": None, "author": {"login": "a"}}
        )
    with pytest.raises(pydantic.ValidationError):
        m.Issue.model_validate({**data, "author": None})


def test_required_nullable_ref_has_no_default(gen) -> None:
    m = gen(NULLABLE_30).models
    field = m.Issue.model_fields["assignee"]
    assert field.is_required()
    assert field.annotation == (m.NullableSimpleUser | None)


def test_response_with_null_in_a_nullable_ref_is_parsed(gen) -> None:
    g = gen(NULLABLE_30)
    body = {"id": 3, "assignee": None, "closed_by": None, "state": None, "author": {"login": "a"}}
    client = g.client(Recorder(json=body))
    issue = client.issues.get_issue(number=3)
    assert issue.assignee is None and issue.closed_by is None and issue.state is None


def test_31_null_type_and_null_variant_components_accept_null_through_ref(gen) -> None:
    m = gen(NULLABLE_31).models
    data = {"a": None, "b": None, "c": None, "d": {"login": "w"}}
    assert round_trip(m.Holder, data) == data
    holder = m.Holder.model_validate(
        {"a": {"login": "x"}, "b": {"login": "y"}, "c": {"login": "z"}, "d": {"login": "w"}}
    )
    assert isinstance(holder.a, m.MaybeUser) and isinstance(holder.b, m.User)
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate(
            {"b": None, "c": None, "d": {"login": "w"}}
        )  # 'a' is still required
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({**data, "d": None})
