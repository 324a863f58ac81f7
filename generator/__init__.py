"""connect-codegen: generate typed Python clients (httpx + pydantic v2) from OpenAPI 3.x documents.

Public API::

    from generator import Options, run, generate_files
    result = run(Options(spec=Path("specs/connect-api-v1.yaml"), output=Path("output")))
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .options import Options, Result
    from .pipeline import generate_files, run

__all__ = ["Options", "Result", "generate_files", "run"]


def __getattr__(name: str) -> Any:
    """Import the orchestrator (:mod:`generator.pipeline`) on first use; it imports each stage
    only when that stage runs, so neither ``import generator.<module>`` nor the CLI's side doors
    (a run answered from its record, validation forked early) pay for black, Jinja2 and the IR
    builder."""
    if name in ("Options", "Result"):
        from . import options

        return getattr(options, name)
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
