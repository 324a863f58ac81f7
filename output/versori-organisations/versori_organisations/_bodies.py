"""Request bodies given as plain dicts: validated into the body's model before anything is sent.

A method whose body is a model also takes a dict of the same shape (the ``TypedDict`` of the
package's ``params`` module types it). :func:`as_body` validates such a dict into the model,
accepting JSON names and Python names alike, so that a wrong field is a ``ValueError`` naming it
before any request is made (not a 422 from the server); a model keeps its file parts as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

import pydantic

__all__ = ["RequestBodyError", "as_body", "is_model_class"]


class RequestBodyError(ValueError):
    """A request body given as a dict does not fit its model: nothing was sent.

    Attributes:
        model: the model class the dict stands for.
        problems: one ``"<field path>: <what is wrong>"`` per problem (JSON names; list items
            by index).
    """

    model: type[pydantic.BaseModel]
    problems: list[str]

    def __init__(self, model: type[pydantic.BaseModel], problems: list[str]) -> None:
        super().__init__(f"Invalid request body for {model.__name__}: " + "; ".join(problems))
        self.model = model
        self.problems = problems


def as_body(model: type[pydantic.BaseModel], value: object) -> object:
    """``value`` as the body of ``model``: a ``Mapping`` (not a model) validated into ``model``;
    anything else (a model instance, ``NOT_GIVEN``) returned unchanged.

    A key that is no field of the model (by JSON or Python name), at any depth, is an error,
    unless the model's schema declares ``additionalProperties`` (``__additional_properties__``).

    Raises:
        RequestBodyError: the dict does not fit the model (a missing required field, a value of
            the wrong type, an unknown field), each problem named by its path.
    """
    if not isinstance(value, Mapping) or isinstance(value, pydantic.BaseModel):
        return value
    try:
        body = model.model_validate(value)
    except pydantic.ValidationError as exc:
        problems = [
            f"{_path(error['loc']) or '(body)'}: {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
        raise RequestBodyError(model, problems) from None
    unknown = list(_unknown_fields(body, ""))
    if unknown:
        raise RequestBodyError(model, [f"{path}: unknown field" for path in unknown])
    return body


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _unknown_fields(value: object, path: str) -> Iterator[str]:
    """The paths of the keys kept as extra data by a model that declares none, at any depth."""
    if isinstance(value, pydantic.BaseModel):
        model = type(value)
        if not getattr(model, "__additional_properties__", False):
            for key in value.model_extra or {}:
                yield f"{path}.{key}" if path else str(key)
        for name, info in model.model_fields.items():
            if name in value.model_fields_set:
                here = info.alias or name
                yield from _unknown_fields(getattr(value, name), f"{path}.{here}" if path else here)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(cast("list[object]", value)):
            yield from _unknown_fields(item, f"{path}.{i}" if path else str(i))
    elif isinstance(value, Mapping):
        for entry, item in cast("Mapping[object, object]", value).items():
            yield from _unknown_fields(item, f"{path}.{entry}" if path else str(entry))


def is_model_class(cls: Any) -> bool:
    """Whether ``cls`` is a pydantic model class (what :func:`as_body` validates into)."""
    return isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)
