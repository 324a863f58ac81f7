"""The sweep's judgement of what a client sent (``contract_judge``)."""

from __future__ import annotations

from contract_judge import lost_values


def test_a_uuid_sent_in_lower_case_is_the_same_value() -> None:
    # RFC 4122 section 3: UUIDs are read case-insensitively and written in lower case, as
    # uuid.UUID (and so a pydantic UUID field) writes them
    wanted = {"id": "07EF8B4D-AA09-4FFA-898D-C710796AFF41"}
    assert lost_values(wanted, {"id": "07ef8b4d-aa09-4ffa-898d-c710796aff41"}) == ""
    # another UUID, or a string that merely differs in case, is still a lost value
    assert lost_values(wanted, {"id": "17ef8b4d-aa09-4ffa-898d-c710796aff41"}).startswith("$.id: sent")
    assert lost_values({"name": "Ab"}, {"name": "ab"}).startswith("$.name: sent")


def test_formats_are_checked_as_prism_checks_them() -> None:
    # ajv-formats' patterns, which Prism applies to requests: an example that breaks them is not
    # a test value to send
    from contract_scalars import OAS31_FORMATS

    for name, good, bad in (
        ("duration", "P3DT4H", "TBD"),
        ("json-pointer", "/a~1b", "#/a~1b"),
        ("relative-json-pointer", "1/nested/objects", "/a"),
    ):
        assert OAS31_FORMATS.conforms(good, name), name
        assert not OAS31_FORMATS.conforms(bad, name), name
