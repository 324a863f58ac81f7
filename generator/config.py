"""``[tool.connect-codegen]`` in ``pyproject.toml``: the clients a repository generates.

Example::

    [[tool.connect-codegen.clients]]
    name = "connect"
    spec = "specs/connect-api-v1.yaml"
    output = "output"
    package-name = "versori_connect"
    project-name = "versori-connect"
    overlays = ["overlays/connect-fixes.yaml"]   # optional: OpenAPI Overlays, applied in order

Unknown keys are errors that name the nearest valid key.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLIENT_KEYS = (
    "name", "spec", "output", "package-name", "project-name", "strict", "templates",
    "class-names", "pagination", "version", "overlays", "idempotency-header",
)  # fmt: skip
TOP_KEYS = ("clients",)


class ConfigError(Exception):
    """The configuration is invalid; the message names the file and key."""


@dataclass
class ClientConfig:
    """One configured client (paths relative to the folder of ``pyproject.toml``)."""

    name: str
    spec: Path
    output: Path
    package_name: str | None = None
    project_name: str | None = None
    strict: bool = False
    templates: str | None = None
    class_names: dict[str, str] = field(default_factory=dict)
    pagination: dict[str, Any] = field(default_factory=dict)
    version: str | None = None
    overlays: tuple[Path, ...] = ()
    #: The header every POST/PATCH of the client sends an idempotency key in.
    idempotency_header: str | None = None


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; valid keys: {', '.join(allowed)}"
            raise ConfigError(f"{where}: unknown key '{key}'{hint}")


def load_config(pyproject: Path) -> list[ClientConfig]:
    """The clients configured in ``pyproject`` (empty when the file or table is absent).

    Raises :class:`ConfigError` for unknown keys, wrong types or a missing ``spec``.
    """
    if not pyproject.is_file():
        return []
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    table = data.get("tool", {}).get("connect-codegen")
    if not isinstance(table, dict):
        return []
    where = f"{pyproject} [tool.connect-codegen]"
    _check_keys(table, TOP_KEYS, where)
    clients = table.get("clients", [])
    if not isinstance(clients, list):
        raise ConfigError(f"{where}: 'clients' must be an array of tables")
    base = pyproject.parent
    out: list[ClientConfig] = []
    for i, c in enumerate(clients):
        cwhere = f"{where} clients[{i}]"
        if not isinstance(c, dict):
            raise ConfigError(f"{cwhere}: must be a table")
        out.append(parse_client(c, base, cwhere))
    names = [c.name for c in out]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ConfigError(f"{where}: duplicate client names {dups}")
    return out


def parse_client(
    table: dict[str, Any], base: Path, where: str, allowed: tuple[str, ...] = CLIENT_KEYS
) -> ClientConfig:
    """One client's table (a ``[[tool.connect-codegen.clients]]`` entry, or the build hook's
    ``[tool.hatch.build.hooks.connect-codegen]``), paths resolved against ``base``.

    Only the keys in ``allowed`` may appear. Raises :class:`ConfigError` naming ``where`` for an
    unknown key (with the nearest valid one), a wrong type or a missing ``spec``.
    """
    _check_keys(table, allowed, where)
    if not isinstance(table.get("spec"), str):
        raise ConfigError(f"{where}: 'spec' (a path) is required")
    for key in ("class-names", "pagination"):
        if key in table and not isinstance(table[key], dict):
            raise ConfigError(f"{where}: '{key}' must be a table")
    for key in ("package-name", "project-name", "version", "templates", "output", "idempotency-header"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{where}: '{key}' must be a string")
    overlays = table.get("overlays", [])
    if not isinstance(overlays, list) or not all(isinstance(o, str) for o in overlays):
        raise ConfigError(f"{where}: 'overlays' must be an array of paths (strings)")
    return ClientConfig(
        name=str(table.get("name") or Path(table["spec"]).stem),
        spec=base / table["spec"],
        output=base / str(table.get("output", "output")),
        package_name=table.get("package-name"),
        project_name=table.get("project-name"),
        strict=bool(table.get("strict", False)),
        templates=str(base / table["templates"]) if table.get("templates") else None,
        class_names=dict(table.get("class-names", {})),
        pagination=dict(table.get("pagination", {})),
        version=table.get("version"),
        overlays=tuple(base / o for o in overlays),
        idempotency_header=table.get("idempotency-header"),
    )
