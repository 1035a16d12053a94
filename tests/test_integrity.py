"""A damaged index never answers wrongly and never gives a traceback; a full or read-only disk fails a build cleanly.

Every file of a build is truncated, emptied and bit-flipped in turn (docs/integrity.md has the table).
All with the hashing embedder: what is tested is the index lifecycle, not the model.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from rag.cli import main
from rag.engine import Engine
from rag.errors import IndexCorruptError, RagError, disk_error
from rag.index import checksums, store
from tests.tooling.faults import DAMAGES, damage

from .conftest import BRIEFING, CORPUS, QUIET, edit_briefing

QUESTION = "OSAの令和8年度の予算は？"


def build_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def where(corpus: Path, index: Path) -> list[str]:
    return ["--corpus-dir", str(corpus), "--index-dir", str(index), "--model", "hash"]


def top(engine: Engine) -> list[tuple[str, float]]:
    return [(p.hit.chunk.id, round(p.hit.score, 6)) for p in engine.ask(QUESTION, k=3).passages]


def switch_to_copy(index: Path, name: str = "29991231T000000.000000-1", *, source: Path | None = None) -> Path:
    """A copy of a build (the live one by default), made live: what a finished `rag build` leaves."""
    copy = index / "builds" / name
    shutil.copytree(source or store.current_build(index), copy)
    os.symlink(os.path.relpath(copy, index), index / "next")
    os.replace(index / "next", index / "current")
    return copy


def test_the_manifest_lists_every_file_of_the_build_with_its_size_and_checksum(hash_built):
    folder = store.current_build(hash_built[1])
    manifest = store.read_manifest(folder)
    assert sorted(manifest["files"]) == [f for f in build_files(folder) if f != store.MANIFEST]
    for name, entry in manifest["files"].items():
        assert entry == {"bytes": (folder / name).stat().st_size, "sha256": checksums.file_digest(folder / name)}
    assert checksums.is_sealed(manifest)


def test_a_file_added_by_any_writer_is_covered(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "documents.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    files = checksums.describe_files(tmp_path, skip="manifest.json")
    assert list(files) == ["docs/documents.jsonl"]
    checksums.verify_files(tmp_path, files)
    (tmp_path / "docs" / "documents.jsonl").write_text("[]\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="documents.jsonl does not match its checksum"):
        checksums.verify_files(tmp_path, files)


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "", 3])
def test_a_manifest_entry_outside_the_build_is_refused(tmp_path, name):
    with pytest.raises(IndexCorruptError, match="bad file entry"):
        checksums.verify_files(tmp_path, {name: {"bytes": 1, "sha256": "0"}})


# --- the damage table: every file x every kind of damage ---------------------------------------------


def _cases(hash_built_folder: Path) -> list[tuple[str, str]]:
    return [(f, kind) for f in build_files(hash_built_folder) for kind in DAMAGES]


def pytest_generate_tests(metafunc):
    if "damaged_file" in metafunc.fixturenames:
        from rag.embedding.hashing import HashEmbedder
        from rag.index.build import build_index

        # The file list comes from a real build, so files added to builds later are damaged too.
        probe = Path(metafunc.config._tmp_path_factory.mktemp("probe"))
        build_index(CORPUS, probe / "index", HashEmbedder(), **QUIET)
        cases = _cases(store.current_build(probe / "index"))
        metafunc.parametrize("damaged_file, kind", cases, ids=[f"{f}-{k.replace(' ', '_')}" for f, k in cases])


def test_a_damaged_file_never_gives_a_wrong_answer_or_a_traceback(
    hash_workspace, hash_embedder, damaged_file, kind, capsys
):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    before, good = top(engine), store.current_build(index).resolve()
    folder = switch_to_copy(index)  # as if `rag build` had just switched in a build that is then damaged
    damage(folder / damaged_file, kind)
    damaged = (folder / damaged_file).read_bytes()
    named = f"{folder.name}/{damaged_file} "  # the damaged file, and no other, is named

    # a running engine keeps answering from the last good build, and says why
    assert top(engine) == before
    assert engine.live().retriever.index.folder.resolve() == good
    assert named in engine.reload_error and engine.reload_error.endswith("run: rag build")

    # a fresh `rag search` gives no answer rather than a wrong one: one line, exit 1
    assert main(["search", QUESTION, "--json", *where(corpus, index)]) == 1
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1, err
    assert lines[0].startswith("error: ") and named in lines[0] and lines[0].endswith("run: rag build")

    # and nothing on disk was changed by reading it
    assert (folder / damaged_file).read_bytes() == damaged
    checksums.verify_files(good, store.read_manifest(good)["files"])


def test_the_next_good_build_is_taken_and_the_note_goes(hash_workspace, hash_embedder):
    from rag.index.build import build_index

    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    before = top(engine)
    damage(switch_to_copy(index) / "dense.faiss", "middle bit flipped")
    assert top(engine) == before and "dense.faiss does not match its checksum" in engine.reload_error
    edit_briefing(corpus, "約3万人", "約6万人")
    build_index(corpus, index, hash_embedder, **QUIET)
    assert "約6万人" in engine.ask("PCGの人員は4千人から", k=1).passages[0].hit.chunk.text
    assert engine.reload_error is None


# --- any failure to load, of any type, falls back; with nothing to fall back on, one line -------------


@pytest.mark.parametrize(
    "error",
    [EOFError("No data left in file"), MemoryError(), RuntimeError("faiss"), OSError(errno.EIO, "I/O error")],
    ids=["EOFError", "MemoryError", "RuntimeError", "OSError"],
)
def test_any_exception_while_loading_keeps_the_last_good_build(
    hash_workspace, hash_embedder, monkeypatch, caplog, error
):
    corpus, index = hash_workspace
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    before = top(engine)
    switch_to_copy(index)

    def broken(folder):
        raise error

    monkeypatch.setattr(store, "load_build", broken)
    assert top(engine) == before
    assert engine.reload_error.endswith("run: rag build")
    assert type(error).__name__ in engine.reload_error or "I/O error" in engine.reload_error
    # the log says which build is kept; a fault no check foresaw (a bug) keeps its traceback there
    (record,) = [r for r in caplog.records if r.name == "rag.engine"]
    assert record.getMessage().startswith("kept build builds/")
    assert (record.exc_info is not None) == (not isinstance(error, OSError))

    fresh = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    with pytest.raises(RagError, match="run: rag build$"):
        fresh.live()


@pytest.mark.parametrize(
    "make_current, expected",
    [
        (lambda index: (index / "current").write_text("x"), "current is not a link to a build"),
        (lambda index: os.symlink("builds/nowhere", index / "current"), "which does not exist"),
        (lambda index: os.symlink("current", index / "current"), "which does not exist"),  # a loop
        (lambda index: os.symlink("../corpus/gaikoryoku_no_kyoka.txt", index / "current"), "not a build folder"),
    ],
    ids=["a file", "dangling", "a loop", "a link to a file"],
)
def test_a_bad_current_is_one_line(hash_workspace, make_current, expected, capsys):
    corpus, index = hash_workspace
    (index / "current").unlink()
    make_current(index)
    assert main(["search", QUESTION, *where(corpus, index)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and lines[0].endswith("run: rag build"), lines
    # and a build repairs it
    assert main(["build", *where(corpus, index)]) == 0
    assert main(["search", QUESTION, *where(corpus, index)]) == 0


def test_with_no_index_at_all_the_first_search_builds_it(hash_workspace, capsys):
    corpus, index = hash_workspace
    shutil.rmtree(index)
    assert main(["search", QUESTION, "--json", *where(corpus, index)]) == 0
    captured = capsys.readouterr()
    assert "first use" in captured.err and json.loads(captured.out)["hits"]


def test_an_index_from_before_checksums_asks_for_a_rebuild(hash_workspace, capsys):
    import json

    corpus, index = hash_workspace
    path = store.current_build(index) / store.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["files"], manifest["checksum"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["search", QUESTION, *where(corpus, index)]) == 1
    assert "has no checksums (built by an older version); run: rag build" in capsys.readouterr().err


def test_a_bit_flipped_cache_only_costs_a_re_embed(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    cache = next((index / "cache").iterdir())
    damage(cache, "middle bit flipped")
    from rag.index.build import build_index

    report = build_index(corpus, index, hash_embedder, **QUIET)
    assert report.reused == 0 and report.embedded > report.chunks


# --- a full disk, a read-only disk, no permission: injected at the file API ---------------------------


class FailingDisk:
    """Writes under `root` whose path there contains `only` fail with `code`: at once, or (ENOSPC)
    once `free` more bytes have been written to them.

    Patches open/mkdir/symlink/rename, which every writer here goes through (numpy, zipfile, json,
    faiss via `store.write_faiss`), so half-written files are real files left for the cleanup to find.
    """

    def __init__(self, monkeypatch, root: Path, code: int, *, free: int | None = None, only: str = ""):
        self.root, self.code, self.free, self.only = root, code, free, only
        real_open = builtins.open

        def fake_open(file, mode="r", *args, **kwargs):
            if not any(c in mode for c in "wax+") or not self._hit(file):
                return real_open(file, mode, *args, **kwargs)
            if self.free is None:
                self._raise(file)
            return _Budget(real_open(file, mode, *args, **kwargs), self, file)

        for module in (builtins, io):
            monkeypatch.setattr(module, "open", fake_open)
        if free is None:  # a full disk still lets a folder or a link be made; a read-only one does not
            for name in ("mkdir", "symlink", "replace", "rename"):
                monkeypatch.setattr(os, name, self._guard(getattr(os, name)))

    def _hit(self, file) -> bool:
        if isinstance(file, int):
            return False
        path = Path(os.fsdecode(file))
        return path.is_relative_to(self.root) and self.only in path.relative_to(self.root).as_posix()

    def _guard(self, real):
        def guarded(*args, **kwargs):
            target = args[1] if len(args) > 1 and not isinstance(args[1], int) else args[0]  # mkdir(path, mode)
            if self._hit(target):
                self._raise(target)
            return real(*args, **kwargs)

        return guarded

    def _raise(self, file):
        raise OSError(self.code, os.strerror(self.code), os.fsdecode(file))


class _Budget:
    """A file whose writes fail with ENOSPC once the disk's free bytes are used up."""

    def __init__(self, handle, disk: FailingDisk, name):
        self._handle, self._disk, self.name = handle, disk, os.fsdecode(name)

    def write(self, data) -> int:
        raw = data.encode("utf-8") if isinstance(data, str) else memoryview(data).cast("B")
        if len(raw) > self._disk.free:
            if not isinstance(data, str):
                self._handle.write(raw[: self._disk.free])  # a disk fills up mid-write
            self._disk.free = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a real write(): no file name
        self._disk.free -= len(raw)
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def leftovers(index: Path) -> list[str]:
    """Temporary files a failed build must not leave behind."""
    found = [p.name for p in (index / "builds").iterdir() if p.name.startswith(".partial-")]
    found += [p.name for p in (index / "cache").iterdir() if ".tmp" in p.name]
    found += [p.name for p in index.iterdir() if p.name.startswith(".current-")]
    return found


def answer(corpus: Path, index: Path, capsys) -> str:
    assert main(["search", QUESTION, "--json", *where(corpus, index)]) == 0
    return capsys.readouterr().out


def build_fails_cleanly(corpus: Path, index: Path, capsys, disk) -> str:
    """`rag build` on a failing disk: one line, nothing left behind, the live build as it was."""
    before, live = answer(corpus, index, capsys), store.build_id(index)
    builds = sorted(p.name for p in (index / "builds").iterdir())
    with disk():
        assert main(["build", *where(corpus, index)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot ") and lines[0].endswith("run: rag build"), lines
    assert store.build_id(index) == live and answer(corpus, index, capsys) == before
    assert leftovers(index) == [] and sorted(p.name for p in (index / "builds").iterdir()) == builds
    return lines[0]


# Where the disk fills up: in each file a build writes (after its first kilobyte), and at fractions
# of all a build writes (its files and the cache), so files added to builds later are covered too.
FILLS_UP_IN = [
    ".lock",
    "chunks.jsonl",
    "dense.faiss",
    "bm25/",
    "sentences.npz",
    "lexicon.npz",
    "manifest.json",
    "cache/",
]
FRACTIONS = [0.0, 0.03, 0.3, 0.99]


@pytest.mark.parametrize("only", FILLS_UP_IN)
def test_a_disk_full_while_writing_any_file_fails_the_build_cleanly(hash_workspace, monkeypatch, capsys, only):
    corpus, index = hash_workspace
    free = 0 if only == ".lock" else 1000
    line = build_fails_cleanly(
        corpus, index, capsys, lambda: _failing(monkeypatch, index, errno.ENOSPC, free=free, only=only)
    )
    # a failed write() names no file: the line names the lock, the build folder or the cache file written
    named = only if only in (".lock", "cache/") else "builds/.partial-"
    assert line.startswith(f"error: cannot write {index}/{named}")
    assert "(No space left on device); the disk is full: free space there" in line


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_disk_full_at_any_point_fails_the_build_cleanly(hash_workspace, monkeypatch, capsys, fraction):
    corpus, index = hash_workspace
    plenty = 10**12
    with _failing(monkeypatch, index, errno.ENOSPC, free=plenty) as disk:  # a build with room: how much it writes
        assert main(["build", *where(corpus, index)]) == 0
    free, _ = int(fraction * (plenty - disk.free)), capsys.readouterr()
    line = build_fails_cleanly(corpus, index, capsys, lambda: _failing(monkeypatch, index, errno.ENOSPC, free=free))
    assert "(No space left on device); the disk is full: free space there" in line
    assert main(["build", *where(corpus, index)]) == 0  # with space again, the build runs
    assert leftovers(index) == []


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS], ids=["EACCES", "EROFS"])
@pytest.mark.parametrize("only", [".lock", "builds", "cache", ".current-"])
def test_a_read_only_or_forbidden_index_folder_fails_the_build_cleanly(hash_workspace, monkeypatch, capsys, code, only):
    corpus, index = hash_workspace
    line = build_fails_cleanly(corpus, index, capsys, lambda: _failing(monkeypatch, index, code, only=only))
    assert only in line.replace(str(index), "")
    assert ("make it writable" if code == errno.EACCES else "read-only: use --index-dir") in line


@contextlib.contextmanager
def _failing(monkeypatch, index: Path, code: int, **how):
    with monkeypatch.context() as patch:
        yield FailingDisk(patch, index, code, **how)


def test_an_unreadable_corpus_file_is_one_line(hash_workspace, monkeypatch, capsys):
    corpus, index = hash_workspace
    unreadable = corpus / BRIEFING.name
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):
        if not isinstance(file, int) and Path(os.fsdecode(file)) == unreadable:
            raise PermissionError(errno.EACCES, "Permission denied", str(unreadable))
        return real_open(file, *args, **kwargs)

    for module in (builtins, io):
        monkeypatch.setattr(module, "open", fake_open)
    for command in (["build"], ["search", QUESTION]):
        assert main([*command, *where(corpus, index)]) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert lines == [f"error: cannot read {unreadable} (Permission denied); make it readable, then run: rag build"]


def test_disk_errors_name_the_path_and_the_remedy():
    full = disk_error(OSError(errno.ENOSPC, "No space left on device", "index/cache/x.npz"), writing=True)
    assert str(full) == (
        "cannot write index/cache/x.npz (No space left on device); the disk is full: free space there "
        "or use --index-dir on another disk, then run: rag build"
    )
    odd = disk_error(OSError(errno.EIO, "Input/output error"), writing=False)
    assert str(odd) == "cannot read a file (Input/output error); check that path, then run: rag build"


def test_an_unreadable_queries_file_is_one_line(hash_built, monkeypatch, capsys, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"question": "OSA"}\n', encoding="utf-8")
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):
        if not isinstance(file, int) and Path(os.fsdecode(file)) == queries:
            raise PermissionError(errno.EACCES, "Permission denied", str(queries))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert main(["search", "--queries", str(queries), *where(*hash_built[:2])]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {queries}: Permission denied"]


# --- memory under load: what is ours to bound ----------------------------------------------------------


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


def test_threads_share_one_sudachi_dictionary_so_memory_does_not_grow_with_them():
    import threading

    from rag.language import sudachi as tokenize_ja

    tokenize_ja.tokenize("外交力の強化")  # this thread's tokenizer and the dictionary exist now
    before, seen, all_alive, measured = resident_mb(), [], threading.Barrier(11), threading.Event()

    def worker():  # like a web server's worker thread: it tokenises, and lives on
        tokenize_ja.tokenize("OSAの令和8年度の予算は？")
        seen.append(id(tokenize_ja._sudachi()))
        all_alive.wait(timeout=60)
        measured.wait(timeout=60)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    all_alive.wait(timeout=60)
    grown = resident_mb() - before
    measured.set()
    for t in threads:
        t.join()
    # a dictionary is ~74 MB: one per thread would add ~740 MB; ten tokenizers add a few
    assert grown < 74 and len(set(seen)) == 10
