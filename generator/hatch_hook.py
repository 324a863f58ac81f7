"""The hatchling build hook ``connect-codegen``: the client is generated while the project that
uses it builds, instead of being committed.

Registered by this distribution's entry point ``connect-codegen = "generator.hatch_hook"`` in the
group ``hatch`` (hatchling finds build hook plugins there and calls
:func:`hatch_register_build_hook`). A project enables it in its own ``pyproject.toml``::

    [build-system]
    requires = ["hatchling", "connect-codegen"]
    build-backend = "hatchling.build"

    [tool.hatch.build.hooks.connect-codegen]
    spec = "openapi/petstore.yaml"              # required; paths relative to pyproject.toml
    overlays = ["openapi/fixes.yaml"]           # optional, applied in order
    package-name = "petstore_client"            # optional, as the CLI's --package-name
    output = "myapp"                            # optional: the folder, inside the wheel, of the package

and the keys ``project-name``, ``version``, ``strict``, ``templates``, ``class-names`` and
``pagination`` as ``[[tool.connect-codegen.clients]]`` has them (:mod:`generator.config`).

- wheel (``pip install .``, ``python -m build``; editable installs too): the client is generated
  by :func:`generator.pipeline.generate`, as ``connect-codegen generate`` does, and its package
  folder is added to the wheel (``force_include``) at ``<output>/<package-name>/``. Diagnostics
  are shown as the CLI prints them; an ERROR (or a warning with ``strict``) fails the build with
  them and no traceback.
- sdist: nothing is generated; the spec, its overlays and the template folder are added to the
  sdist at their own paths (``force_include``, whatever the sdist's include/exclude say), so a
  wheel built from the sdist generates the client again, as the project's does.

The generated project is written to ``<cache>/builds/<digest of the project folder and
spec>/`` in the generator's cache folder (:func:`generator.paths.default_cache_dir`), so a
repeated build of the same project with unchanged inputs is answered from the run's record
(:mod:`generator.uptodate`) without generating anything. With the cache disabled, or when the
project is an unpacked sdist (it holds ``PKG-INFO``: frontends unpack it into a new folder each
time), it is written to a temporary folder removed after the build.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.plugin import hookimpl

from . import pipeline
from .config import ConfigError, parse_client
from .diagnostics import Level
from .options import Options
from .paths import default_cache_dir

#: The keys of ``[tool.hatch.build.hooks.connect-codegen]``: the client's own, and hatchling's
#: options of every build hook.
HOOK_KEYS = (
    "spec", "overlays", "package-name", "project-name", "output", "version", "strict",
    "templates", "class-names", "pagination", "idempotency-header",
    "dependencies", "require-runtime-dependencies", "require-runtime-features", "enable-by-default",
)  # fmt: skip
#: What every generated client imports: the project's own dependencies must name them.
RUNTIME_DEPENDENCIES = ("httpx", "pydantic")


class ConnectCodegenBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Generates the configured client into the wheel; puts its inputs into the sdist."""

    PLUGIN_NAME = "connect-codegen"

    _temporary: str | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Before hatchling builds ``version`` of the target ``self.target_name``: adds the
        generated package (wheel) or the generator's inputs (sdist) to ``build_data
        ["force_include"]`` (``force_include_editable`` for an editable wheel).

        Ends the build (``self.app.abort``: a message, exit code 1) when the configuration is
        invalid or the spec has errors.
        """
        where = f"{Path(self.root) / 'pyproject.toml'} [tool.hatch.build.hooks.connect-codegen]"
        try:
            client = parse_client(self.config, Path(self.root), where, HOOK_KEYS)
        except ConfigError as exc:
            self.app.abort(f"ERROR {exc}")
            return
        if self.target_name == "sdist":
            self._include_inputs(client.spec, client.overlays, client.templates, build_data)
            return
        if self.target_name != "wheel":
            return
        package_dir = self._generate(
            Options(
                spec=_here(client.spec),
                output=self._output_dir(client.spec),
                package_name=client.package_name,
                project_name=client.project_name,
                strict=client.strict,
                template_dir=str(_here(Path(client.templates))) if client.templates else None,
                class_names=client.class_names,
                pagination=client.pagination,
                version=client.version,
                idempotency_header=client.idempotency_header,
                overlays=tuple(_here(p) for p in client.overlays),
                shown_from=Level.WARNING,
            )
        )
        inside = str(self.config.get("output", "")).strip("/")
        target = f"{inside}/{package_dir.name}" if inside else package_dir.name
        if version == "editable":
            forced = build_data.setdefault("force_include_editable", {})
            if not forced:  # hatchling reads this map instead of the configured force-include
                forced.update(self.build_config.get_force_include())
            forced[str(package_dir)] = target
        else:
            build_data["force_include"][str(package_dir)] = target
        self._check_dependencies()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """After the build: removes the temporary output folder (when the cache is disabled)."""
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def _generate(self, opts: Options) -> Path:
        """Run the generator (:func:`generator.pipeline.generate`), show its diagnostics, and
        return the generated package's folder; aborts the build when the run failed."""
        result = pipeline.generate(opts)
        for d in result.sink.resolved(Level.WARNING):
            if d.level >= Level.ERROR:
                self.app.display_error(d.render())
            else:
                self.app.display_warning(d.render())
        if not result.ok or result.project_dir is None or result.report is None:
            self.app.abort(f"ERROR {opts.spec}: the client was not generated (see above)")
            raise SystemExit(1)  # abort exits; this line only tells type checkers so
        files = [*result.report.written, *result.report.unchanged]
        packages = sorted({f.split("/")[0] for f in files if re.fullmatch(r"[^/]+/__init__\.py", f)})
        how = "up to date, from the generator's cache" if result.reused else "generated"
        self.app.display_info(f"connect-codegen: {opts.spec} -> {', '.join(packages)} ({how})")
        return result.project_dir / packages[0]

    def _output_dir(self, spec: Path) -> Path:
        """Where the generated project is written: a folder of this project's own in the cache,
        else (no cache, or an unpacked sdist: a new folder each build, which would only fill the
        cache) a temporary folder, removed by :meth:`finalize`."""
        cache = default_cache_dir()
        if cache is None or (Path(self.root) / "PKG-INFO").is_file():
            self._temporary = tempfile.mkdtemp(prefix="connect-codegen-build-")
            return Path(self._temporary)
        key = hashlib.sha256(f"{Path(self.root).resolve()}\0{spec}".encode()).hexdigest()[:20]
        return cache / "builds" / key

    def _include_inputs(
        self, spec: Path, overlays: tuple[Path, ...], templates: str | None, build_data: dict[str, Any]
    ) -> None:
        """Force the generator's inputs into the sdist at their paths in the project; aborts
        when one is outside the project folder (the sdist could not hold it where the
        configuration names it)."""
        root = Path(self.root).resolve()
        for path in (spec, *overlays, *([Path(templates)] if templates else [])):
            resolved = path.resolve()
            if not resolved.is_relative_to(root):
                self.app.abort(
                    f"ERROR {path}: outside the project folder {root}; an sdist cannot hold it "
                    "(move it into the project)"
                )
                return
            build_data["force_include"][str(resolved)] = resolved.relative_to(root).as_posix()

    def _check_dependencies(self) -> None:
        """Warn when the project's dependencies do not name what the generated client imports."""
        names = {
            re.split(r"[^A-Za-z0-9._-]", dep.strip(), maxsplit=1)[0].lower()
            for dep in self.metadata.core.dependencies
        }
        missing = [d for d in RUNTIME_DEPENDENCIES if d not in names]
        if missing:
            self.app.display_warning(
                f"connect-codegen: the generated client imports {' and '.join(missing)}; add "
                f"{', '.join(repr(m + ('>=2' if m == 'pydantic' else '')) for m in missing)} to "
                "[project] dependencies"
            )


def _here(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it (diagnostics name files as
    the project writes them), else as it is."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # pragma: no cover - another drive (Windows)
        return path


@hookimpl
def hatch_register_build_hook() -> type[BuildHookInterface]:  # type: ignore[type-arg]
    """hatchling's plugin hook: the build hook class of the plugin ``connect-codegen``."""
    return ConnectCodegenBuildHook
