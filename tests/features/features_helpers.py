"""Helpers of the feature suite (``tests/features``): inline specs, their generated packages, and
a recording HTTP transport.

Every test module declares its specs at import time with :func:`spec`; the registry
:data:`SPECS` is what the ``gen`` fixture generates (once per test run, shared by the xdist
workers) and what the single mypy test checks. Each spec gets its own package name
(``feat_<name>``), so every generated package can be imported into one process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib
import json
import sys
import textwrap
import types
from pathlib import Path
from typing import Any, Callable, Iterable

import httpx

#: Every spec declared by a test module of this folder, by name.
SPECS: dict[str, "Spec"] = {}


@dataclasses.dataclass(frozen=True)
class Spec:
    """An inline OpenAPI document (YAML text) and the other files it references."""

    name: str
    text: str
    files: tuple[tuple[str, str], ...] = ()
    filename: str = "openapi.yaml"
    validate: bool = False
    #: False for specs that are expected not to generate (syntax errors...): no mypy run.
    generates: bool = True
    #: Files of ``files`` applied, in order, as OpenAPI Overlays (``Options.overlays``).
    overlays: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        return f"feat_{self.name}"

    @property
    def key(self) -> str:
        digest = hashlib.sha256(json.dumps(dataclasses.astuple(self)).encode()).hexdigest()[:12]
        return f"feat-{self.name}-{digest}"


def spec(
    name: str,
    text: str,
    *,
    files: dict[str, str] | None = None,
    filename: str = "openapi.yaml",
    validate: bool = False,
    generates: bool = True,
    overlays: Iterable[str] = (),
) -> Spec:
    """Declare (and register) an inline spec; ``text`` and ``files`` are dedented."""
    s = Spec(
        name=name,
        text=textwrap.dedent(text).lstrip("\n"),
        files=tuple(sorted((k, textwrap.dedent(v).lstrip("\n")) for k, v in (files or {}).items())),
        filename=filename,
        validate=validate,
        generates=generates,
        overlays=tuple(overlays),
    )
    if name in SPECS and SPECS[name] != s:
        raise ValueError(f"two different specs are named {name!r}")
    SPECS[name] = s
    return s


@dataclasses.dataclass(frozen=True)
class Diag:
    """One diagnostic as the CLI would print it (line and column filled in)."""

    level: str  # INFO | WARNING | ERROR
    message: str
    pointer: str
    source: str
    line: int
    col: int


def write_inputs(s: Spec, folder: Path) -> Path:
    """Write the spec and its files into ``folder``; return the root document's path."""
    folder.mkdir(parents=True, exist_ok=True)
    root = folder / s.filename
    root.write_text(s.text, encoding="utf-8")
    for rel, text in s.files:
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def produce(s: Spec, folder: Path) -> dict[str, Any]:
    """Generate ``s`` into ``folder`` (Python API); JSON-able information about the run."""
    from generator import Options, run

    root = write_inputs(s, folder / "spec")
    result = run(
        Options(
            spec=root,
            output=folder / "out",
            package_name=s.package,
            validate=s.validate,
            overlays=tuple(root.parent / o for o in s.overlays),
        )
    )
    return {
        "ok": result.ok and result.project_dir is not None,
        "project_dir": str(result.project_dir) if result.project_dir else "",
        "spec_path": str(root),
        "diagnostics": [
            [d.level.name, d.message, d.pointer, d.source, d.line, d.col]
            for d in result.sink.resolved()
        ],
    }


class Recorder:
    """An ``httpx.MockTransport`` handler that records requests and answers with a fixed response
    (``status``, and ``json`` or ``content`` with ``headers``)."""

    def __init__(
        self,
        status: int = 200,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.json = json
        self.content = content
        self.headers = headers or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.content is not None:
            return httpx.Response(self.status, content=self.content, headers=self.headers)
        if self.json is not None:
            return httpx.Response(self.status, json=self.json, headers=self.headers)
        return httpx.Response(self.status, headers=self.headers)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


@dataclasses.dataclass
class Gen:
    """A generated feature spec: its project folder, package and diagnostics."""

    spec: Spec
    ok: bool
    project_dir: Path
    spec_path: Path
    diagnostics: list[Diag]

    @property
    def package(self) -> str:
        return self.spec.package

    @property
    def package_dir(self) -> Path:
        return self.project_dir / self.package

    def source(self, rel: str = "models.py") -> str:
        """The text of a generated module (relative to the package folder)."""
        return (self.package_dir / rel).read_text(encoding="utf-8")

    def diags(
        self, level: str | None = None, contains: str = "", pointer: str | None = None
    ) -> list[Diag]:
        """Diagnostics filtered by level, a message substring and an exact pointer."""
        return [
            d
            for d in self.diagnostics
            if (level is None or d.level == level)
            and contains in d.message
            and (pointer is None or d.pointer == pointer)
        ]

    def describe(self) -> str:
        return "\n".join(
            f"{d.level} {Path(d.source).name}:{d.line}:{d.col} #{d.pointer}: {d.message}"
            for d in self.diagnostics
        )

    @property
    def pkg(self) -> types.ModuleType:
        """The generated package, imported (with ``models`` and every resource module)."""
        assert self.ok, f"{self.spec.name} did not generate:\n{self.describe()}"
        return import_package(self.project_dir, self.package)

    @property
    def models(self) -> types.ModuleType:
        self.pkg  # noqa: B018 - imports it
        return sys.modules[f"{self.package}.models"]

    def client(self, handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> Any:
        """A sync ``Client`` of the package talking to ``handler`` at ``http://t``."""
        return self.pkg.Client(
            http_client=httpx.Client(transport=httpx.MockTransport(handler)),
            base_url="http://t",
            max_retries=0,
            **kw,
        )


def import_package(project_dir: Path, package: str) -> types.ModuleType:
    """Import ``package`` from ``project_dir`` with its models and resource modules."""
    loaded = sys.modules.get(package)
    if loaded is not None:
        origin = Path(loaded.__file__ or "").resolve()
        if project_dir.resolve() not in origin.parents:
            raise RuntimeError(f"{package} is already imported from {origin}")
        return loaded
    sys.path.insert(0, str(project_dir))
    try:
        importlib.invalidate_caches()
        module = importlib.import_module(package)
        importlib.import_module(f"{package}.models")
        for res in sorted((project_dir / package / "resources").glob("*.py")):
            if res.stem != "__init__":
                importlib.import_module(f"{package}.resources.{res.stem}")
    finally:
        sys.path.remove(str(project_dir))
    return module


def gen_from_info(s: Spec, info: dict[str, Any]) -> Gen:
    return Gen(
        spec=s,
        ok=bool(info["ok"]),
        project_dir=Path(info["project_dir"]) if info["project_dir"] else Path(),
        spec_path=Path(info["spec_path"]),
        diagnostics=[Diag(*d) for d in info["diagnostics"]],
    )


def round_trip(model: Any, data: Any) -> Any:
    """``model.model_validate(data)`` dumped back as JSON data (by alias, set fields only)."""
    return model.model_validate(data).model_dump(mode="json", by_alias=True, exclude_unset=True)


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def field_names(model: Any) -> dict[str, str]:
    """``{json name: python name}`` of a generated model's declared fields."""
    return {(info.alias or name): name for name, info in model.model_fields.items()}


def members(enum_cls: Any) -> dict[str, Any]:
    return {m.name: m.value for m in enum_cls}


def all_specs() -> Iterable[Spec]:
    return list(SPECS.values())


def both(g: "Gen", rec: Recorder, invoke: Callable[[Any], Any], **kw: Any) -> list[Any]:
    """``invoke(client)`` with a sync ``Client``, then awaited with an ``AsyncClient``; both
    talk to ``rec``. Returns the two results."""
    sync = invoke(g.client(rec, **kw))

    async def run() -> Any:
        client = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
            base_url="http://t",
            max_retries=0,
            **kw,
        )
        return await invoke(client)

    return [sync, asyncio.run(run())]


def mypy_snippet(g: "Gen", code: str, folder: Path) -> tuple[int, str]:
    """Run ``mypy --strict`` on ``code`` (a module using the generated package of ``g``) written
    into ``folder``; returns mypy's exit code and its report (``reveal_type`` notes included)."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    snippet = folder / "snippet.py"
    snippet.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-incremental",
            "--cache-dir", str(folder / "mypy-cache"), "--config-file", str(folder / "mypy.ini"),
            str(snippet),
        ],
        cwd=folder, capture_output=True, text=True, timeout=600,
        env={**__import__("os").environ, "MYPYPATH": str(g.project_dir)},
    )  # fmt: skip
    return proc.returncode, proc.stdout + proc.stderr
