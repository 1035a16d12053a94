"""Integrity on the real thing: a running server given a damaged build, and a real full, read-only or
forbidden disk (a small tmpfs, a read-only bind mount, root without its permission override).

The mounts are made inside `unshare --mount`, so they vanish with the process even if a test dies.
The hashing embedder keeps these quick: what is tested is the index lifecycle, not the model.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from rag.index import store
from rag.serve import proof
from tests.tooling.faults import damage
from tests.tooling.launch import start_app

from .conftest import BRIEFING, ROOT
from .test_integrity import QUESTION, switch_to_copy

pytestmark = pytest.mark.slow

HASH = {"RAG_EMBED_MODEL": "hash"}


def _root_with(*tools: str) -> None:
    """These tests need root (mount, setpriv) as in CI; say so plainly instead of failing obscurely."""
    if os.geteuid() != 0 or any(shutil.which(t) is None for t in tools):
        pytest.fail(f"needs root and {', '.join(tools)} (CI runs the suite as root)")


def api_call(url: str, body: str) -> tuple[str, dict]:
    """The raw Gradio HTTP API, as a script would call it: (event, data) of the `search` endpoint."""
    request = urllib.request.Request(
        url + "gradio_api/call/search", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    event_id = json.loads(urllib.request.urlopen(request, timeout=60).read())["event_id"]
    stream = urllib.request.urlopen(url + f"gradio_api/call/search/{event_id}", timeout=60).read().decode()
    event = next(line.split(": ", 1)[1] for line in stream.splitlines() if line.startswith("event: "))
    data = next(line.split(": ", 1)[1] for line in stream.splitlines() if line.startswith("data: "))
    return event, json.loads(data)


# --- a running server ---------------------------------------------------------------------------------


def test_a_damaged_build_switched_in_leaves_the_servers_answers_unchanged(hash_workspace, tmp_path):
    from gradio_client import Client

    corpus, index = hash_workspace
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=HASH) as app:
        client = Client(app.url, verbose=False)
        before, good = client.predict(QUESTION, 3, api_name="/search"), store.current_build(index)
        assert before["hits"]
        # the case: a build with a 0-byte sentences.npz, then one with a bit flip in dense.faiss
        for n, (name, kind) in enumerate([("sentences.npz", "emptied"), ("dense.faiss", "middle bit flipped")]):
            folder = switch_to_copy(index, f"2999123{n}T000000.000000-1", source=good)
            damage(folder / name, kind)
            assert client.predict(QUESTION, 3, api_name="/search") == before
            app.wait_for(rf"kept build .*{folder.name}/{name} .*run: rag build", timeout=60)
        assert "Traceback" not in app.output()


def test_bad_k_and_invalid_text_over_the_raw_api_get_their_own_message(hash_workspace, tmp_path):
    corpus, index = hash_workspace
    with start_app(corpus_dir=corpus, index_dir=index, feedback=tmp_path / "fb.jsonl", env=HASH) as app:
        for k in ("Infinity", "-Infinity", "NaN", "1e999", "2.5", '"inf"', "0", "21"):
            event, data = api_call(app.url, f'{{"data": ["OSA", {k}]}}')
            assert (event, data["error"]) == ("error", "k must be a whole number between 1 and 20"), k
        event, data = api_call(app.url, '{"data": ["OSA\\udcffの予算", 3]}')
        assert data["error"] == "the question is not valid text (invalid UTF-8 or a lone surrogate at character 4)"
        event, data = api_call(app.url, '{"data": ["OSAの予算", 3]}')
        assert event == "complete" and data[0]["hits"]


# --- a real full disk, read-only disk, and missing permissions -------------------------------------------


def run_script(script: str, *, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **HASH},
        timeout=300,
    )


def rag(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in (sys.executable, "-m", "rag.cli", *args))


def leftovers(index: Path) -> list[str]:
    names = (".partial-*", "*.tmp*", ".current-*")
    return [p.name for pattern in names for p in index.rglob(pattern)]


def test_a_full_disk_fails_the_build_in_one_line_and_the_old_index_still_answers(hash_workspace, tmp_path):
    """A tmpfs with a few hundred kilobytes free: the new build (about 2 MB with its cache) cannot fit."""
    _root_with("unshare", "mount")
    corpus, index = hash_workspace
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir(), out.mkdir()
    used = sum(p.stat().st_size + 4096 for p in index.rglob("*"))  # a page or more per file on tmpfs
    where = ("--corpus-dir", str(corpus), "--index-dir", str(disk / "index"))
    script = f"""
        mount -t tmpfs -o size={used + 300_000} tmpfs {disk} && cp -a {index} {disk}/index || exit 99
        {rag("search", QUESTION, "--json", *where)} > {out}/before.json
        {rag("build", *where)} > {out}/build.out 2> {out}/build.err; echo $? > {out}/build.rc
        {rag("search", QUESTION, "--json", *where)} > {out}/after.json
        readlink {disk}/index/current > {out}/current
        find {disk}/index -name '.partial-*' -o -name '*.tmp*' -o -name '.current-*' > {out}/leftovers
    """
    result = run_script(script, prefix=("unshare", "--mount", "--propagation", "private"))
    assert result.returncode == 0, result.stderr
    assert (out / "build.rc").read_text().strip() == "1"
    lines = (out / "build.err").read_text().strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert lines[0].startswith(f"error: cannot write {disk}/index/")
    assert lines[0].endswith(
        "(No space left on device); the disk is full: free space there or use --index-dir on another disk, "
        "then run: rag build"
    )
    assert (out / "leftovers").read_text() == ""  # no .partial-* build, no cache .tmp.npz
    assert (out / "current").read_text().strip() == store.build_id(index)  # the live index is untouched
    assert json.loads((out / "after.json").read_text()) == json.loads((out / "before.json").read_text())


def test_a_read_only_disk_fails_the_build_in_one_line_and_search_still_works(hash_workspace, tmp_path):
    _root_with("unshare", "mount")
    corpus, index = hash_workspace
    out = tmp_path / "out"
    out.mkdir()
    where = ("--corpus-dir", str(corpus), "--index-dir", str(index))
    script = f"""
        mount --bind {index} {index} && mount -o remount,bind,ro {index} || exit 99
        {rag("build", *where)} > {out}/build.out 2> {out}/build.err; echo $? > {out}/build.rc
        {rag("search", QUESTION, "--json", *where)} > {out}/search.json 2> {out}/search.err
    """
    result = run_script(script, prefix=("unshare", "--mount", "--propagation", "private"))
    assert result.returncode == 0, result.stderr
    assert (out / "build.rc").read_text().strip() == "1"
    assert (out / "build.err").read_text().strip().splitlines() == [
        f"error: cannot write {index}/.lock (Read-only file system); the file system is read-only: "
        "use --index-dir on a writable disk, then run: rag build"
    ]
    assert json.loads((out / "search.json").read_text())["hits"]  # reading needs no write access
    assert leftovers(index) == []


def without_permission_override() -> tuple[str, ...]:
    """Root that obeys permission bits, as any other user does (CAP_DAC_OVERRIDE dropped)."""
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")


@pytest.mark.parametrize(
    "lock_down, fails_at",
    [
        ("chmod -R a-w {index}", "{index}/.lock"),  # the read-only index folder
        ("chmod a-w {index}", "{index}/.current-"),  # everything written, then the switch is refused
    ],
    ids=["whole folder", "top folder only"],
)
def test_an_index_folder_without_write_permission_fails_the_build_cleanly(hash_workspace, lock_down, fails_at):
    _root_with("setpriv")
    corpus, index = hash_workspace
    before = {p.relative_to(index).as_posix() for p in index.rglob("*") if p.parent.name != "cache"}
    subprocess.run(shlex.split(lock_down.format(index=index)), check=True)
    try:
        env = ("--corpus-dir", str(corpus), "--index-dir", str(index))
        build = run_script(rag("build", *env), prefix=without_permission_override())
        search = run_script(rag("search", QUESTION, "--json", *env), prefix=without_permission_override())
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(index)], check=True)
    lines = build.stderr.strip().splitlines()
    assert build.returncode == 1 and len(lines) == 1, build.stderr
    assert lines[0].startswith(f"error: cannot write {fails_at.format(index=index)}")
    assert lines[0].endswith(
        "(Permission denied); make it writable for this user or use --index-dir elsewhere, then run: rag build"
    )
    assert search.returncode == 0 and json.loads(search.stdout)["hits"]
    after = {p.relative_to(index).as_posix() for p in index.rglob("*") if p.parent.name != "cache"}
    assert after == before  # no new build, no partial one, no temporary link


def test_a_server_on_an_index_folder_it_cannot_write_serves_and_rag_ask_answers_locally(hash_workspace, tmp_path):
    """No .server-key can be made: the server says so in one line and serves; `rag ask` answers here, as
    no server can prove it is ours, and still asks a server named with --server."""
    _root_with("setpriv")
    corpus, index = hash_workspace
    proof.key_path(index).unlink(missing_ok=True)
    index.chmod(0o555)
    try:
        with start_app(
            corpus_dir=corpus,
            index_dir=index,
            feedback=tmp_path / "fb.jsonl",
            env=HASH,
            prefix=without_permission_override(),
        ) as app:
            note = f"note: cannot write {proof.key_path(index)} (Permission denied); rag ask will not use this server"
            assert note in app.output().splitlines()
            event, data = api_call(app.url, f'{{"data": [{json.dumps(QUESTION)}, 3]}}')
            assert event == "complete" and data[0]["hits"]
            where = ("--corpus-dir", str(corpus), "--index-dir", str(index))
            here = run_script(f"GRADIO_SERVER_PORT={app.port} " + rag("ask", QUESTION, *where))
            there = run_script(rag("ask", QUESTION, "--server", app.url, *where))
            assert "Traceback" not in app.output()
    finally:
        index.chmod(0o755)
    assert here.returncode == 0 and here.stderr == "" and "[1]" in here.stdout, here.stderr
    assert there.returncode == 0 and there.stdout == here.stdout, there.stderr
    assert not proof.key_path(index).exists()


def test_an_unreadable_corpus_file_is_one_line_for_build_and_search(hash_workspace):
    _root_with("setpriv")
    corpus, index = hash_workspace
    briefing = corpus / BRIEFING.name
    briefing.chmod(0)
    env = ("--corpus-dir", str(corpus), "--index-dir", str(index))
    for args in (("build", *env), ("search", QUESTION, *env)):
        result = run_script(rag(*args), prefix=without_permission_override())
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"error: cannot read {briefing} (Permission denied); make it readable, then run: rag build"
        ]
