"""Discriminators: mappings joined across ``allOf`` inheritance levels, values that carry no tag
or a tag the mapping does not list (a discriminator is a hint: the value is parsed as the
variant it is valid for), and unions told apart by a property each variant pins to values of
its own (``type: {enum: [creation]}``) without any ``discriminator``.

Shaped like hey-api's ``discriminator-allof-*`` documents and GitHub's ``repository-rule``."""

from __future__ import annotations

import pydantic

from features_helpers import Recorder, sent_json, spec

INHERITED = spec(
    "disc_inherited",
    """
    openapi: 3.0.3
    info: {title: Inherited discriminators, version: "1"}
    paths:
      /foos:
        get:
          operationId: getFoos
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    oneOf:
                      - {$ref: '#/components/schemas/Bar'}
                      - {$ref: '#/components/schemas/Baz'}
                      - {$ref: '#/components/schemas/Qux'}
      /cars:
        get:
          operationId: getCars
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    type: array
                    items:
                      oneOf:
                        - {$ref: '#/components/schemas/CarDto'}
                        - {$ref: '#/components/schemas/VolvoDto'}
    components:
      schemas:
        Foo:
          type: object
          required: [$type]
          properties:
            $type: {type: string}
            foo: {type: string}
          discriminator:
            propertyName: $type
            mapping:
              FooBar: '#/components/schemas/Bar'
              FooBaz: '#/components/schemas/Baz'
        Bar:
          allOf:
            - $ref: '#/components/schemas/Foo'
            - type: object
              required: [$type]
              properties:
                $type: {type: string}
                bar: {type: string}
              discriminator:
                propertyName: $type
                mapping:
                  BarQux: '#/components/schemas/Qux'
        Baz:
          allOf:
            - $ref: '#/components/schemas/Foo'
            - type: object
              properties:
                baz: {type: string}
        Qux:
          allOf:
            - $ref: '#/components/schemas/Bar'
            - type: object
              properties:
                qux: {type: string}
        VehicleDto:
          type: object
          required: [$type, id]
          properties:
            $type: {type: string}
            id: {type: integer}
          discriminator:
            propertyName: $type
            mapping:
              Car: '#/components/schemas/CarDto'
              Volvo: '#/components/schemas/VolvoDto'
        CarDto:
          allOf:
            - $ref: '#/components/schemas/VehicleDto'
            - type: object
              required: [modelName]
              properties:
                modelName: {type: string}
        VolvoDto:
          allOf:
            - $ref: '#/components/schemas/CarDto'
            - type: object
              required: [seatbeltCount]
              properties:
                seatbeltCount: {type: integer}
    """,
)

UNTAGGED = spec(
    "disc_untagged_variants",
    """
    openapi: 3.1.0
    info: {title: Variants without the tag property, version: "1"}
    paths:
      /notification:
        get:
          operationId: getNotification
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Content'}
    components:
      schemas:
        Content:
          type: object
          oneOf:
            - $ref: '#/components/schemas/Running'
            - $ref: '#/components/schemas/Success'
            - $ref: '#/components/schemas/Failure'
          discriminator:
            propertyName: status
            mapping:
              running: '#/components/schemas/Running'
              success: '#/components/schemas/Success'
              error: '#/components/schemas/Failure'
        Base:
          type: object
          required: [name]
          properties:
            name: {type: string}
        Running:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              required: [startedAt]
              properties:
                startedAt: {type: string, format: date-time}
        Success:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              required: [finishedAt]
              properties:
                finishedAt: {type: string, format: date-time}
        Failure:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              required: [finishedAt, error]
              properties:
                finishedAt: {type: string, format: date-time}
                error: {type: string}
    """,
)

IMPLIED = spec(
    "disc_implied_by_enum",
    """
    openapi: 3.0.3
    info: {title: Rules, version: "1"}
    paths:
      /rulesets:
        post:
          operationId: createRuleset
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Ruleset'}
          responses:
            "201":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Ruleset'}
    components:
      schemas:
        Ruleset:
          type: object
          required: [name]
          properties:
            name: {type: string}
            rules:
              type: array
              items: {$ref: '#/components/schemas/rule'}
        rule:
          type: object
          oneOf:
            - $ref: '#/components/schemas/rule-creation'
            - $ref: '#/components/schemas/rule-update'
            - $ref: '#/components/schemas/rule-merge-queue'
            - $ref: '#/components/schemas/rule-pattern'
        rule-creation:
          type: object
          required: [type]
          properties:
            type: {type: string, enum: [creation]}
        rule-update:
          type: object
          required: [type]
          properties:
            type: {type: string, enum: [update]}
            parameters:
              type: object
              required: [update_allows_fetch_and_merge]
              properties:
                update_allows_fetch_and_merge: {type: boolean}
        rule-merge-queue:
          type: object
          required: [type]
          properties:
            type: {type: string, enum: [merge_queue]}
            parameters:
              type: object
              required: [max_entries]
              properties:
                max_entries: {type: integer}
        rule-pattern:
          type: object
          required: [type, parameters]
          properties:
            type: {type: string, enum: [branch_name_pattern, tag_name_pattern]}
            parameters:
              type: object
              required: [pattern]
              properties:
                pattern: {type: string}
    """,
)


def _one(g, payload):
    return g.client(Recorder(json=payload))


def test_mappings_of_every_inheritance_level_are_joined(gen) -> None:
    g = gen(INHERITED)
    m = g.models
    ta = pydantic.TypeAdapter(m.GetFoosResponse)
    assert type(ta.validate_python({"$type": "FooBar", "bar": "b"})) is m.Bar
    assert type(ta.validate_python({"$type": "FooBaz", "baz": "z"})) is m.Baz
    # Qux is mapped by its intermediate base Bar, not by the root base Foo
    assert type(ta.validate_python({"$type": "BarQux", "qux": "q"})) is m.Qux


def test_an_unmapped_tag_is_an_unknown_variant(gen) -> None:
    """A tag the mappings do not list is a variant this client does not know yet (a newer
    server): kept whole as an ``UnknownVariant``, never parsed into a class it only looks like."""
    g = gen(INHERITED)
    m = g.models
    foos = _one(g, {"$type": "string", "foo": "string", "bar": "string"}).foos.get_foos()
    assert type(foos) is m.UnknownVariant and foos.model_dump()["bar"] == "string"
    ta = pydantic.TypeAdapter(m.GetCarsResponse)
    volvo = ta.validate_python(
        [{"$type": "Volvo", "id": 1, "modelName": "xc", "seatbeltCount": 5}]
    )[0]
    assert type(volvo) is m.VolvoDto and volvo.seatbelt_count == 5
    # a value no variant fits is kept as an unknown variant
    unknown = ta.validate_python([{"$type": "Truck", "id": 2}])[0]
    assert type(unknown) is m.UnknownVariant and unknown.model_dump() == {"$type": "Truck", "id": 2}


def test_a_value_without_the_tag_property_parses_by_its_shape(gen) -> None:
    g = gen(UNTAGGED)
    m = g.models
    running = _one(
        g, {"name": "n", "startedAt": "2024-01-01T00:00:00Z"}
    ).notification.get_notification()
    assert type(running) is m.Running
    ta = pydantic.TypeAdapter(m.Content)
    failed = ta.validate_python(
        {"name": "n", "finishedAt": "2024-01-01T00:00:00Z", "error": "boom"}
    )
    assert type(failed) is m.Failure
    assert (
        type(
            ta.validate_python(
                {"status": "success", "name": "n", "finishedAt": "2024-01-01T00:00:00Z"}
            )
        )
        is m.Success
    )
    assert type(ta.validate_python({"name": "n"})) is m.UnknownVariant


def test_variants_pinning_their_own_type_values_are_told_apart_by_them(gen) -> None:
    g = gen(IMPLIED)
    m = g.models
    ta = pydantic.TypeAdapter(list[m.Rule])
    rules = ta.validate_python(
        [
            {"type": "creation"},
            {"type": "update"},
            {"type": "update", "parameters": {"update_allows_fetch_and_merge": True}},
            {"type": "merge_queue", "parameters": {"max_entries": 3}},
            {"type": "tag_name_pattern", "parameters": {"pattern": "v*"}},
        ]
    )
    assert [type(r) for r in rules] == [
        m.RuleCreation,
        m.RuleUpdate,
        m.RuleUpdate,
        m.RuleMergeQueue,
        m.RulePattern,
    ]
    assert rules[3].parameters.max_entries == 3
    # a value of one variant is never refused for another variant's required parameters
    created = _one(
        g, {"name": "r", "rules": [{"type": "merge_queue", "parameters": {"max_entries": 1}}]}
    )
    ruleset = created.rulesets.create_ruleset(
        body=m.Ruleset(name="r", rules=[m.RuleCreation(type="creation")])
    )
    assert type(ruleset.rules[0]) is m.RuleMergeQueue
    # a type no variant declares is an unknown variant (every variant pins its own values)
    assert type(ta.validate_python([{"type": "brand_new"}])[0]) is m.UnknownVariant


def test_implied_tag_union_sends_what_was_set(gen) -> None:
    g = gen(IMPLIED)
    m = g.models
    rec = Recorder(status=201, json={"name": "r"})
    g.client(rec).rulesets.create_ruleset(
        body=m.Ruleset(
            name="r",
            rules=[
                m.RuleUpdate(
                    type="update",
                    parameters=m.RuleUpdateParameters(update_allows_fetch_and_merge=False),
                ),
                {"type": "branch_name_pattern", "parameters": {"pattern": "main"}},
            ],
        )
    )
    assert sent_json(rec.last) == {
        "name": "r",
        "rules": [
            {"type": "update", "parameters": {"update_allows_fetch_and_merge": False}},
            {"type": "branch_name_pattern", "parameters": {"pattern": "main"}},
        ],
    }
