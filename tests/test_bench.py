"""`rag bench` and its corpora: edited copies, derived builds, the JSON it prints (hashing embedder)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.cli import main
from rag.documents.corpus import read_corpus
from rag.errors import RagError
from rag.evaluation.bench import parse_sizes
from rag.evaluation.scaled_corpus import Perturbation, derive_build, edited, write_copies
from rag.index import store

from .conftest import BRIEFING, CORPUS

FIELDS = {
    "passages",
    "vectors",
    "build_s",
    "index_bytes",
    "rss_mb",
    "embed_p50_ms",
    "search_p50_ms",
    "search_p95_ms",
    "recall_at_10",
}


@pytest.fixture(scope="module")
def more_text(tmp_path_factory):
    """A second text folder with a gold.jsonl beside it, as the JSQuAD benchmark has."""
    base = tmp_path_factory.mktemp("more-text")
    folder = base / "corpus"
    folder.mkdir()
    sections = BRIEFING.read_text(encoding="utf-8").split("\n\n")
    for n in range(4):
        body = "\n\n".join(s.replace("\n", "") for s in sections[n::4] if s.strip())
        (folder / f"part{n}.md").write_text(f"# 資料{n}\n\n{body}\n", encoding="utf-8")
    questions = ["OSAの予算はいくらですか", "偽情報への対策は", "フィリピン沿岸警備隊の人員は", "What is FOIP?"]
    (base / "gold.jsonl").write_text(
        "".join(json.dumps({"id": str(i), "question": q}, ensure_ascii=False) + "\n" for i, q in enumerate(questions)),
        encoding="utf-8",
    )
    return folder


def test_an_edited_copy_shifts_digits_marks_the_title_and_leaves_out_a_sentence():
    text = "# 関ヶ原\n\n1600年に戦い。東軍が勝つ。三成は敗れる。"
    assert edited(text, 0) == text
    assert edited(text, 1) == "# 関ヶ原（第2版）\n\n2711年に戦い。東軍が勝つ。"
    assert edited(text, 2) != edited(text, 1)


def test_copies_are_written_until_the_passage_count_is_reached(tmp_path):
    documents = read_corpus(CORPUS, log=lambda _: None)
    written = write_copies(documents, 70, tmp_path / "c")
    files = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert written >= 70 and files[-1] == BRIEFING.name and len(files) == 3  # the original and two copies
    assert len({p.read_text(encoding="utf-8") for p in (tmp_path / "c").iterdir()}) == 3


def test_a_derived_build_copies_every_passage_with_its_sentences(hash_built, tmp_path):
    base = store.load_build(store.current_build(hash_built[1]))
    folder = derive_build(base, 75, tmp_path / "index", exact_below=50)
    derived = store.load_build(folder)
    assert len(derived.chunks) == 75 and len({c.id for c in derived.chunks}) == 75
    assert derived.manifest["vector_index"]["passages"]["kind"] == "hnsw"  # 75 >= 50
    owners = derived.sentence_spans[:, 0]
    assert np.all(np.diff(owners) >= 0) and owners.max() == 74
    n = len(base.chunks)
    per_passage = np.bincount(owners, minlength=75)
    assert np.array_equal(per_passage[n : 2 * n], np.bincount(base.sentence_spans[:, 0], minlength=n))
    norms = np.linalg.norm(derived.sentence_vectors, axis=1)
    assert np.allclose(norms, 1, atol=1e-5)
    cosines = np.sum(derived.sentence_vectors[: len(base.sentence_spans)] * base.sentence_vectors, axis=1)
    assert np.allclose(cosines, 1, atol=1e-5)  # copy 0 is the embedded build itself


def test_a_perturbed_copy_is_as_far_from_its_original_as_the_nearest_other_vector():
    rng = np.random.default_rng(0)
    topics = rng.standard_normal((20, 32))
    vectors = topics[rng.integers(20, size=400)] + 0.5 * rng.standard_normal((400, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    moved = Perturbation(vectors)(vectors, np.random.default_rng(1))
    assert np.median(np.sum(moved * vectors, axis=1)) == pytest.approx(np.median(sims.max(axis=1)), abs=0.01)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1, atol=1e-5)


@pytest.mark.parametrize("text, expected", [("briefing,1000", ("briefing", "1000")), ("1e5", ("100000",))])
def test_sizes_parse(text, expected):
    assert parse_sizes(text) == expected


@pytest.mark.parametrize("text", ["", "0", "1.5", "big"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(RagError, match="--sizes takes passage counts"):
        parse_sizes(text)


def test_bench_prints_one_json_object_per_size(more_text, capsys):
    rc = main(
        [
            "bench",
            "--model",
            "hash",
            "--sizes",
            "briefing,60,150",
            "--embed-up-to",
            "60",
            "--questions",
            "3",
            "--text",
            str(more_text),
            "--json",
        ]
    )
    assert rc == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["vectors"] for r in results] == ["embedded", "embedded", "derived"]
    assert [r["passages"] for r in results][0] == 31 and results[1]["passages"] >= 60
    assert results[2]["passages"] == 150
    for r in results:
        assert FIELDS <= r.keys() and r["questions"] == 3  # the Japanese questions only
        assert r["recall_at_10"] == 1.0  # exact indexes: the candidate search is the exhaustive one
        assert r["build_s"] > 0 and r["index_bytes"] > 0 and r["search_p95_ms"] >= r["search_p50_ms"] > 0


def test_bench_without_more_text_refuses_bigger_sizes(capsys):
    assert main(["bench", "--model", "hash", "--sizes", "briefing,1000"]) == 1
    assert "add --text DIR" in capsys.readouterr().err
