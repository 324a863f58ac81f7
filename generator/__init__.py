"""connect-codegen: generate typed Python clients (httpx + pydantic v2) from OpenAPI 3.x documents.

Public API::

    from generator import Options, run, generate_files
    result = run(Options(spec=Path("specs/connect-api-v1.yaml"), output=Path("output")))
"""

from .pipeline import Options, Result, generate_files, run

__all__ = ["Options", "Result", "generate_files", "run"]
