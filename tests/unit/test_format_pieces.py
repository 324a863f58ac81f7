"""Formatting a large file in pieces gives exactly black's output for the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import DiagnosticSink
from generator.emit.format import PIECE_BREAK, FormatError, format_all, format_python, join_pieces, split_pieces
from generator.pipeline import Options, build
from generator.render.env import render
from generator.render.plan import plan

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    api = build(Options(spec=REPO / "specs" / "connect-api-v1.yaml", validate=False), DiagnosticSink(), {})
    return {
        fp.path: render(fp.template, fp.context)
        for fp in plan(api, "connect-api-v1.yaml")
        if fp.template and fp.path.endswith(".py")
    }


def test_pieces_split_before_top_level_classes_and_at_method_breaks(rendered: dict[str, str]) -> None:
    source = rendered["versori_connect/models.py"]
    pieces = split_pieces(source, target=100)
    assert len(pieces) > 5
    assert "".join(text for text, _ in pieces) == source  # models have no breaks: nothing dropped
    assert all(text.startswith("class ") and not is_body for text, is_body in pieces[1:])
    resource = rendered["versori_connect/resources/connectors.py"]
    assert resource.count(PIECE_BREAK) > 10
    pieces = split_pieces(resource, target=1)
    bodies = [text for text, is_body in pieces if is_body]
    assert len(bodies) == resource.count(PIECE_BREAK)  # a cut at every break
    assert all(text.startswith("class _:\n    ") for text in bodies)
    assert all(PIECE_BREAK not in text for text, _ in pieces)


@pytest.mark.parametrize("target", [1, 40, 120])
def test_formatting_pieces_equals_formatting_the_whole_file(rendered: dict[str, str], target: int) -> None:
    """Top-level pieces and class-body pieces, formatted apart and joined, are black's output for
    the whole file (without its piece breaks)."""
    paths = [p for p in rendered if p.startswith("versori_connect/resources/") or p.endswith("models.py")]
    assert len(paths) > 5
    for path in paths:
        source = rendered[path]
        whole = format_python(source.replace(PIECE_BREAK, ""), path)
        joined = join_pieces([(format_python(text, path), is_body) for text, is_body in split_pieces(source, target)])
        assert joined == whole, path


def test_a_piece_break_left_over_is_an_error() -> None:
    with pytest.raises(FormatError):
        join_pieces([("x = 1\n", False), ("class _:\n    y = 2\n" + PIECE_BREAK, True)])
    with pytest.raises(FormatError):
        join_pieces([("x = 1\n", False), ("y = 2\n", True)])  # a body piece without its wrapper


def test_format_all_reuses_previous_output_and_cache(tmp_path: Path, rendered: dict[str, str]) -> None:
    from generator.emit.format import FormatCache

    sources = {"m.py": rendered["versori_connect/models.py"]}
    cache = FormatCache(tmp_path)
    first, hashes, count, _ = format_all(sources, cache=cache, jobs=1)
    assert count >= 1
    again, _, count2, _ = format_all(sources, cache=cache, jobs=1)
    assert count2 == 0 and again == first
    previous = {"m.py": (hashes["m.py"], first["m.py"].encode())}
    reused, _, count3, _ = format_all(sources, previous=previous, cache=None, jobs=1)
    assert count3 == 0 and reused == first
    changed = {"m.py": sources["m.py"].replace("class ", "class  ", 1)}
    _, _, count4, _ = format_all(changed, cache=cache, jobs=1)
    assert count4 == 1  # only the piece that changed is formatted again


def test_parallel_formatting_leaves_the_garbage_collector_unfrozen(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from generator.emit import format as fmt

    monkeypatch.setattr(fmt, "PARALLEL_MIN_LINES", 1)
    seen: list[int] = []
    import concurrent.futures

    real = concurrent.futures.ProcessPoolExecutor

    class Spy(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            seen.append(gc.get_freeze_count())  # frozen while the workers are forked
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    # one long statement (laid out by the generator's rules), one piece black formats whole
    long_call = "x = call(" + ", ".join(["argument"] * 12) + ")\n"
    long_item = "y = [\n    " + " + ".join(["value"] * 20) + ",\n]\n"
    sources = {"a.py": long_call, "b.py": long_item}
    formatted, _, count, _ = fmt.format_all(sources, jobs=2)
    assert formatted == {p: fmt.format_python(s, p) for p, s in sources.items()} and count == 2
    assert formatted["a.py"].count("\n") == 14 and formatted["b.py"].count("\n") > 3
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a host program's own frozen objects stay frozen
    try:
        frozen = gc.get_freeze_count()
        fmt.format_all(sources, jobs=2)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_render_hashes_depend_on_the_installed_black_version() -> None:
    """The version is read without importing black; it must be the version of the black that
    formats (a stale version would reuse files formatted by another black)."""
    import black

    from generator.emit.format import _key_salt

    assert _key_salt().decode().startswith(f"black {black.__version__} ")


def test_workers_format_in_chunks_and_compile_each_finished_file(
    monkeypatch: pytest.MonkeyPatch, rendered: dict[str, str]
) -> None:
    """With workers, pieces go out in small chunks and each file whose pieces are all back is
    compiled there: the result equals one-process formatting, ``compiled`` names exactly the files
    that compile (a file black accepts but Python rejects is left to the writer's check), and a
    file partly from the cache is compiled too."""
    from generator.emit import format as fmt

    monkeypatch.setattr(fmt, "PARALLEL_MIN_LINES", 1)
    monkeypatch.setattr(fmt, "CHUNK_LINES", 50)
    sources = {
        "m.py": rendered["versori_connect/models.py"],
        "r.py": rendered["versori_connect/resources/connections.py"],
        "bad.py": "def f(a, a):\n    return  a\n",  # black formats it; compile() refuses it
    }
    alone = fmt.format_all(sources, jobs=1)
    assert alone.compiled == frozenset()
    together = fmt.format_all(sources, jobs=2)
    assert together.files == alone.files and together.hashes == alone.hashes
    assert together.count == alone.count > len(sources)
    assert together.compiled == {"m.py", "r.py"}
    assert len(fmt.split_pieces(sources["m.py"])) > 3

    pieces = fmt.split_pieces(sources["m.py"])
    cached = {fmt.render_hash(text): fmt.format_python(text, "m.py") for text, _ in pieces[2:]}

    class Cache:
        """Every piece of m.py but its first two comes from the cache."""

        def get(self, key: str) -> str | None:
            return cached.get(key)

        def put(self, key: str, text: str) -> None:
            pass

    partly = fmt.format_all({"m.py": sources["m.py"]}, cache=Cache(), jobs=2)  # type: ignore[arg-type]
    assert partly.count == 2 and partly.compiled == {"m.py"}
    assert partly.files["m.py"] == alone.files["m.py"]


def test_written_files_the_workers_compiled_are_not_compiled_again(tmp_path: Path) -> None:
    from generator.emit.write import write_tree

    bad = {"pkg/x.py": b"def f(a, a):\n    return a\n"}
    with pytest.raises(ValueError, match="does not compile"):
        write_tree(bad, tmp_path / "one")
    write_tree(bad, tmp_path / "two", compiled={"pkg/x.py"})  # taken as checked
    assert (tmp_path / "two" / "pkg" / "x.py").read_bytes() == bad["pkg/x.py"]


def test_black_runs_with_the_garbage_collector_paused_and_restores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from generator.emit import format as fmt

    mode, real = fmt._black()
    seen: list[bool] = []

    def spy(source: str, *, mode: object) -> str:
        seen.append(gc.isenabled())
        return str(real(source, mode=mode))

    monkeypatch.setattr(fmt, "_black", lambda: (mode, spy))
    assert gc.isenabled()
    assert fmt.format_python("x  =  1\n", "a.py") == "x = 1\n"
    assert gc.isenabled()
    with pytest.raises(FormatError):
        fmt.format_python("def (:\n", "a.py")
    assert gc.isenabled()
    gc.disable()  # a host that paused it itself keeps it paused
    try:
        fmt.format_python("y=2\n", "a.py")
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False, False]
