"""The briefing printed to PDF by Debian's Chromium, read back, indexed with the real model.

Every passage must cite the page it starts on, the sections must be those of the .txt, and
retrieval from a PDF-only corpus must be as good as from the .txt (within 0.02 hit@1).
"""

from __future__ import annotations

import difflib
import re
import shutil

import pytest

from rag.documents.corpus import read_corpus
from rag.documents.normalize import locate, search_form
from rag.engine import Engine
from rag.evaluation.gold import load_gold
from rag.evaluation.runner import run_evaluation
from rag.index import store
from rag.index.build import build_index

from .conftest import BRIEFING, QUIET, ROOT
from .pdfs import pages_html, print_briefing, print_pdf
from .test_corpus import MARKDOWN, PROSE

pytestmark = pytest.mark.slow
PDF = "gaikoryoku_no_kyoka.pdf"
TEN_PASSAGES = [  # a phrase of each of ten passages spread over the deck
    "国際秩序は流動化",
    "2016年に発表した",
    "拡大抑止を含む",
    "4千人から約3万人",
    "ポンペイ港は",
    "予算約181億円",
    "レアアース精錬",
    "インフルエンサーの登用",
    "約973万回",
    "首脳レベルで3回",
]


def flat(text: str) -> str:
    return re.sub(r"\s", "", search_form(text))


def page_finder(extracted: str, pages: list[str]):
    """A function from an offset in the extracted text to the page it was printed on.

    The truth is the layout: page n holds pages[n - 1]. Extracted and laid-out text are aligned
    character by character (whitespace aside; PDFium swaps a few 「( pairs, so by diff, not find).
    """
    positions = [i for i, ch in enumerate(extracted) if not ch.isspace()]
    ext = "".join(extracted[i] for i in positions)
    truth_pages = [n for n, page in enumerate(pages, start=1) for ch in page if not ch.isspace()]
    truth = "".join(ch for page in pages for ch in page if not ch.isspace())
    page_of_ext: dict[int, int] = {}
    for a, b, size in difflib.SequenceMatcher(None, ext, truth, autojunk=False).get_matching_blocks():
        for k in range(size):
            page_of_ext[positions[a + k]] = truth_pages[b + k]
    assert len(page_of_ext) > 0.99 * len(positions), "the extracted text is not the printed text"

    def page_at(offset: int) -> int:
        if offset in page_of_ext:
            return page_of_ext[offset]
        return page_of_ext[min(page_of_ext, key=lambda i: abs(i - offset))]  # a character PDFium moved

    return page_at


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The briefing as a PDF, and the text of each page as laid out (the truth for page numbers)."""
    folder = tmp_path_factory.mktemp("printed")
    pages = print_briefing(BRIEFING.read_text(encoding="utf-8"), folder / PDF)
    return folder / PDF, pages


@pytest.fixture(scope="module")
def four_formats(printed, tmp_path_factory, embedder):
    """`rag build` over the briefing as PDF and as .txt, a Markdown file and a plain-prose file."""
    base = tmp_path_factory.mktemp("four")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(printed[0], corpus / PDF)
    shutil.copy(BRIEFING, corpus / BRIEFING.name)
    (corpus / "tourism.md").write_text(MARKDOWN, encoding="utf-8")
    (corpus / "harbour.txt").write_text(PROSE, encoding="utf-8")
    build_index(corpus, base / "index", embedder, **QUIET)
    engine = Engine(index_dir=base / "index", corpus_dir=corpus, embedder=embedder)
    return engine, store.load_chunks(store.current_build(base / "index"))


def test_every_pdf_passage_cites_the_page_it_starts_and_ends_on(four_formats, printed):
    engine, chunks = four_formats
    pdf_chunks = [c for c in chunks if c.source == PDF]
    text = engine.document_text(PDF)
    page_at = page_finder(text, printed[1])
    assert len(pdf_chunks) >= 20
    for c in pdf_chunks:
        assert text[c.start : c.end] == c.text
        assert (c.page, *c.pages) == (page_at(c.start), page_at(c.start), page_at(c.end - 1)), c.text[:40]


@pytest.mark.parametrize("phrase", TEN_PASSAGES)
def test_ten_known_passages_cite_their_page(four_formats, printed, phrase):
    """The passage holding the phrase starts on the page where its text starts in the layout, and the
    phrase's own page lies within the passage's pages; the cited answer carries that page."""
    engine, chunks = four_formats
    (holder,) = [c for c in chunks if c.source == PDF and flat(phrase) in flat(c.text)]
    text = engine.document_text(PDF)
    page_at = page_finder(text, printed[1])
    at = holder.start + locate(holder.text, phrase)[0]
    assert holder.page == page_at(holder.start) and holder.pages[0] <= page_at(at) <= holder.pages[1]
    answer = engine.ask(phrase, k=20, mode="bm25", sources=[PDF])
    cited = next(p for p in answer.passages if p.hit.chunk.id == holder.id)
    assert answer.to_json()["hits"][cited.label - 1]["page"] == holder.page


def test_the_pdf_has_the_sections_of_the_text_file(four_formats):
    _, chunks = four_formats
    from_pdf = [c.section for c in chunks if c.source == PDF]
    from_txt = [c.section for c in chunks if c.source == BRIEFING.name]
    assert from_pdf == from_txt


def test_all_four_documents_are_indexed_with_titles(four_formats):
    engine, _ = four_formats
    titles = {d.source: d.title for d in engine.documents()}
    assert titles == {
        PDF: "外交力の強化について",  # the PDF's own title (Chromium writes the HTML <title>)
        BRIEFING.name: "外交力の強化について",
        "tourism.md": "観光白書の要点",
        "harbour.txt": "harbour",
    }


@pytest.mark.timeout(1800)  # two builds and two gold runs with the real model
def test_a_pdf_only_corpus_retrieves_as_well_as_the_text(printed, engine, embedder, tmp_path):
    (tmp_path / "corpus").mkdir()
    shutil.copy(printed[0], tmp_path / "corpus" / PDF)
    build_index(tmp_path / "corpus", tmp_path / "index", embedder, **QUIET)
    gold = load_gold(ROOT / "eval" / "gold.jsonl")
    pdf_engine = Engine(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder=embedder)
    from_pdf = run_evaluation(pdf_engine, gold, with_naive=False).metrics["all"]["hybrid"]
    from_txt = run_evaluation(engine, gold, with_naive=False).metrics["all"]["hybrid"]
    assert abs(from_pdf["hit@1"] - from_txt["hit@1"]) <= 0.02, (from_pdf["hit@1"], from_txt["hit@1"])


def test_kangxi_radicals_in_a_pdf_are_searched_as_ideographs(tmp_path, hash_embedder):
    """Text that carries radicals (「外交⼒」 with U+2F12) is found by 外交力; citations stay exact."""
    (tmp_path / "corpus").mkdir()
    lines = ["外交\u2f12の強化について", "", "\u2ed1期的な視点で外交\u2f12を高める。同盟国\u2027同志国と連携する。"]
    print_pdf(pages_html([["\n".join(lines[:1]), lines[2]]], title="radicals"), tmp_path / "corpus" / "r.pdf")
    (document,) = read_corpus(tmp_path / "corpus", log=lambda _: None)
    assert "\u2f12" in document.text  # PDFium gives back what the page says
    (tmp_path / "corpus" / "other.txt").write_text("港湾の整備について。\n\n岸壁を延ばす。\n", encoding="utf-8")
    build_index(tmp_path / "corpus", tmp_path / "index", hash_embedder, **QUIET)
    engine = Engine(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus", embedder=hash_embedder)
    top = engine.ask("長期的", k=2, mode="bm25").passages[0].hit
    assert top.chunk.source == "r.pdf" and top.score > 0  # 「⻑期」 is only 長期 through the radical table
    assert "外交力を高める" in search_form(top.chunk.text) and "外交力" not in top.chunk.text
    assert engine.document_text("r.pdf")[top.chunk.start : top.chunk.end] == top.chunk.text
