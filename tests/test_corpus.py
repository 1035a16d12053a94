"""A corpus of many documents: PDFs with pages, titles, --source, the corpus boundary, bad PDFs.

All with the hashing embedder and small PDFs laid out by reportlab: none of this depends on the model.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from rag.cli import main
from rag.documents.corpus import corpus_files, read_corpus
from rag.documents.normalize import search_form
from rag.engine import Engine
from rag.index import store
from rag.index.build import build_index

from .conftest import BRIEFING, QUIET, copy_built
from .pdfs import encrypted_pdf, reportlab_pdf, scanned_pdf

REPORT_PAGES = [
    [
        "会議報告書",
        "",
        "第1章 概要",
        "",
        "本報告は、二〇二六年の地域協力会議の結果をまとめたものである。参加国は十二か国で、",
        "議論は三日間続いた。海洋安全保障と港湾整備が主な議題となった。",
    ],
    [
        "第2章 港湾整備",
        "",
        "各国は港湾の共同整備で一致した。整備費は総額で約四百億円と見込まれる。",
        "The U.S. delegation agreed to fund two ports.",
    ],
    [
        "第3章 今後の予定",
        "",
        "次回の会議は二〇二七年春に開く。議長国は持ち回りとする。",
    ],
]
MARKDOWN = (
    "# 観光白書の要点\n\n## 訪日客\n\n訪日客は前年より二割増えた。宿泊数も伸びた。\n\n"
    "## 課題\n\n地方への分散が課題である。\n"
)
PROSE = (
    "港湾の歴史について、資料の多くは古い記録に頼っている。記録によれば、最初の岸壁は明治期に造られた。\n\n"
    "その後、戦後の復興期に大きく拡張され、現在の形になった。近年は観光船の寄港も増えている。\n"
)


def page_of(phrase: str) -> int:
    return next(n for n, lines in enumerate(REPORT_PAGES, start=1) if any(phrase in line for line in lines))


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, hash_embedder):
    """A corpus of a PDF, a Markdown file and a prose .txt, built with the hashing embedder."""
    base = tmp_path_factory.mktemp("mixed")
    corpus = base / "corpus"
    corpus.mkdir()
    reportlab_pdf(corpus / "report.pdf", REPORT_PAGES, title="地域協力会議 報告書")
    (corpus / "tourism.md").write_text(MARKDOWN, encoding="utf-8")
    (corpus / "harbour.txt").write_text(PROSE, encoding="utf-8")
    build_index(corpus, base / "index", hash_embedder, **QUIET)
    return corpus, base / "index", Engine(index_dir=base / "index", corpus_dir=corpus, embedder=hash_embedder)


def test_pdf_passages_cite_the_page_they_start_on(mixed):
    _, index, engine = mixed
    chunks = [c for c in store.load_chunks(store.current_build(index)) if c.source == "report.pdf"]
    assert chunks and all(c.page is not None for c in chunks)
    text = engine.document_text("report.pdf")
    for c in chunks:
        assert text[c.start : c.end] == c.text
        first_line = next(line for line in c.text.splitlines() if line.strip())
        last_line = [line for line in c.text.splitlines() if line.strip()][-1]
        assert c.page == page_of(first_line.strip()) and c.pages == (c.page, page_of(last_line.strip()))
    assert {c.page for c in chunks} == {1, 2, 3}


def test_other_documents_have_no_pages(mixed):
    _, index, _ = mixed
    chunks = store.load_chunks(store.current_build(index))
    assert all(c.page is None and c.pages is None for c in chunks if c.source != "report.pdf")


def test_json_and_text_carry_the_page(mixed):
    _, _, engine = mixed
    answer = engine.ask("港湾の共同整備の整備費", k=3, sources=["report.pdf"])
    hit = answer.to_json()["hits"][0]
    assert hit["source"] == "report.pdf" and hit["page"] == 2 and hit["pages"] == [2, 2]
    assert "report.pdf p. 2 " in answer.to_text()


def test_titles_come_from_the_pdf_then_the_first_heading_then_the_file_name(mixed):
    _, _, engine = mixed
    titles = {d.source: d.title for d in engine.documents()}
    assert titles == {
        "report.pdf": "地域協力会議 報告書",  # the PDF's metadata title
        "tourism.md": "観光白書の要点",  # the first heading
        "harbour.txt": "harbour",  # prose that opens with a sentence has no title line
    }


def test_the_stored_text_is_what_offsets_point_into(mixed, tmp_path, hash_embedder):
    corpus, index, engine = mixed
    documents = store.load_documents(store.current_build(index))
    assert engine.document_text("tourism.md") == (corpus / "tourism.md").read_text(encoding="utf-8")
    assert documents["report.pdf"].page_starts[0] == 0 and len(documents["report.pdf"].page_starts) == 3
    corpus, index = copy_built(corpus, index, tmp_path)
    private = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    private.live()
    (corpus / "report.pdf").unlink()  # the document view keeps working from the build alone
    assert "港湾の共同整備" in search_form(private.document_text("report.pdf"))
    with pytest.raises(Exception, match="not a document of this index"):
        engine.document_text("../etc/passwd")


def test_source_option_limits_the_search(mixed, capsys, tmp_path):
    corpus, index, _ = mixed

    def rag(*args):
        code = main([*args, "--corpus-dir", str(corpus), "--index-dir", str(index), "--model", "hash"])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = rag("search", "港湾", "--source", "harbour.txt", "--json", "-k", "3")
    assert code == 0 and {h["source"] for h in json.loads(out)["hits"]} == {"harbour.txt"}
    code, out, _ = rag("search", "港湾", "--source", "harbour.txt,report.pdf", "--json", "-k", "5")
    assert {h["source"] for h in json.loads(out)["hits"]} == {"harbour.txt", "report.pdf"}
    code, out, _ = rag("ask", "港湾", "--source", "harbour.txt", "--source", "report.pdf")
    assert code == 0 and "harbour.txt" in out and "tourism.md" not in out
    (tmp_path / "q.jsonl").write_text('{"id": "q", "question": "課題"}\n', encoding="utf-8")
    code, out, _ = rag("search", "--queries", str(tmp_path / "q.jsonl"), "--source", "tourism.md", "--json")
    assert code == 0 and {h["source"] for h in json.loads(out)["hits"]} == {"tourism.md"}
    code, _, err = rag("search", "港湾", "--source", "nothing.pdf")
    held = "harbour.txt, report.pdf, tourism.md"  # what it holds, so the user can pick one
    assert code == 1 and err.strip() == f"error: no document 'nothing.pdf' in the index; it holds: {held}"


# --- the corpus boundary -------------------------------------------------------------------------------------


def test_a_link_out_of_the_corpus_is_skipped_with_a_note(tmp_path, hash_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BRIEFING, corpus / BRIEFING.name)
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("社外秘の内容。", encoding="utf-8")
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.symlink(outside, corpus / "linked_folder")
    os.symlink(corpus / BRIEFING.name, corpus / "alias.txt")  # inside: fine, but read once
    (corpus / "sub").mkdir()
    os.symlink(corpus, corpus / "sub" / "loop")  # a link back up must not loop
    notes = []
    build_index(corpus, tmp_path / "index", hash_embedder, progress=False, log=notes.append)
    assert "note: passwd.txt links outside the corpus folder; skipped" in notes
    assert "note: linked_folder/ links outside the corpus folder; skipped" in notes
    documents = store.load_documents(store.current_build(tmp_path / "index"))
    assert list(documents) == [BRIEFING.name]
    assert not any("root:" in d.text or "社外秘" in d.text for d in documents.values())
    assert [p.name for p in corpus_files(corpus)] == [BRIEFING.name]


def test_a_link_inside_the_corpus_is_read_once_under_the_first_name(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "real").mkdir(parents=True)
    (corpus / "real" / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    os.symlink(corpus / "real", corpus / "a_link")  # sorts first, but the real path wins
    os.symlink(corpus / "real" / "notes.md", corpus / "b.md")
    (corpus / ".hidden").mkdir()
    (corpus / ".hidden" / "draft.md").write_text("# 下書き\n\n本文。\n", encoding="utf-8")
    os.symlink(corpus / ".hidden" / "draft.md", corpus / "draft.md")  # a visible link into a hidden folder
    assert [d.source for d in read_corpus(corpus, log=lambda _: None)] == ["draft.md", "real/notes.md"]


# --- bad PDFs: skip with a note, or stop with one line ---------------------------------------------------------


def _encrypted(corpus: Path, tmp: Path):
    encrypted_pdf(reportlab_pdf(tmp / "plain.pdf", REPORT_PAGES), corpus / "locked.pdf")
    return "note: skipped locked.pdf: it is encrypted with a password"


def _scanned(corpus: Path, tmp: Path):
    scanned_pdf(corpus / "scan.pdf")
    return "note: skipped scan.pdf: it has no text layer"


def _empty_text(corpus: Path, tmp: Path):
    (corpus / "blank.md").write_text("\n\n  \n", encoding="utf-8")
    return "note: skipped blank.md: it is empty"


@pytest.mark.parametrize("damage", [_encrypted, _scanned, _empty_text])
def test_files_without_text_are_skipped_and_the_rest_is_indexed(hash_workspace, hash_embedder, tmp_path, damage):
    corpus, index = hash_workspace
    before = len(store.load_chunks(store.current_build(index)))
    note = damage(corpus, tmp_path)
    notes = []
    report = build_index(corpus, index, hash_embedder, progress=False, log=notes.append)
    assert any(n.startswith(note) for n in notes), notes
    assert report.chunks == before and report.added == report.removed == 0
    # the skipped file is part of what the index was built from: it is not stale
    engine = Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder)
    assert engine.ask("OSAの予算は", k=1).passages


def _corrupt(corpus: Path, tmp: Path):
    good = reportlab_pdf(tmp / "good.pdf", REPORT_PAGES).read_bytes()
    (corpus / "broken.pdf").write_bytes(good[: len(good) // 3])
    return "broken.pdf: not a readable PDF"


def _not_a_pdf(corpus: Path, tmp: Path):
    (corpus / "page.pdf").write_text("<html>404 Not Found</html>", encoding="utf-8")
    return "page.pdf: not a readable PDF"


def _too_big(corpus: Path, tmp: Path):
    with open(corpus / "huge.pdf", "wb") as f:  # sparse: refused by its size, never read
        f.write(b"%PDF-1.7\n")
        f.truncate(201 * 2**20)
    return "huge.pdf: 210.8 MB is over the 200 MB limit for a PDF"


@pytest.mark.parametrize("damage", [_corrupt, _not_a_pdf, _too_big])
def test_a_damaged_pdf_stops_the_build_and_keeps_the_index(hash_workspace, tmp_path, damage, capsys):
    corpus, index = hash_workspace
    live = store.build_id(index)
    expected = damage(corpus, tmp_path)
    assert main(["build", "--corpus-dir", str(corpus), "--index-dir", str(index), "--model", "hash"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and expected in err[0], err
    assert err[0].endswith(("replace it with a good copy or remove it", "split it or remove it from corpus/"))
    assert store.build_id(index) == live


def test_an_unknown_document_name_is_answered_with_the_names_the_index_holds_a_long_list_cut_short():
    from rag.errors import unknown_documents

    known = [f"a{i:02d}.md" for i in range(12)]
    message = str(unknown_documents({"a99.md", "x.pdf"}, known))
    assert message == (
        "no document 'a99.md', 'x.pdf' in the index; it holds: "
        "a00.md, a01.md, a02.md, a03.md, a04.md, a05.md, a06.md, a07.md and 4 more"
    )
