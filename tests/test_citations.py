"""Citations fit to print: issuer and title from the sidecar beside a document, slide or page or section,
the exact offsets kept beside them; in the JSON, the text export and the card."""

from __future__ import annotations

import pytest

from rag.answer.citation import Citation
from rag.documents.metadata import DocumentMeta, read_meta, sidecar_path
from rag.serve.ui.export import card_text, quote_with_citation
from rag.serve.ui.render import render_card

from .conftest import CORPUS, answer_with_status

OSA = "OSAの令和8年度の予算はいくらですか"


def test_the_briefing_sidecar_states_only_what_the_document_states():
    meta = read_meta(CORPUS, "gaikoryoku_no_kyoka.txt")
    text = (CORPUS / "gaikoryoku_no_kyoka.txt").read_text(encoding="utf-8")
    assert meta.title == "外交力の強化について" and meta.title in text.splitlines()[:3]
    assert meta.issuer == "外務省" and "(外務省提出資料)" in text
    assert meta.date is None and meta.url is None  # the text states neither: nothing is invented


@pytest.mark.parametrize(
    "source, sidecar", [("a.txt", "a.meta.toml"), ("sub/b.pdf", "sub/b.meta.toml"), ("c", "c.meta.toml")]
)
def test_the_sidecar_sits_beside_its_document(tmp_path, source, sidecar):
    assert sidecar_path(tmp_path, source) == tmp_path / sidecar


@pytest.mark.parametrize("content", [b"title = ", b"\xff\xfe"])
def test_a_broken_sidecar_is_a_note_not_a_failure(tmp_path, content):
    (tmp_path / "a.meta.toml").write_bytes(content)
    notes: list[str] = []
    assert read_meta(tmp_path, "a.txt", log=notes.append) == DocumentMeta()
    assert len(notes) == 1 and "a.meta.toml" in notes[0]


def test_fields_that_are_not_text_are_left_out(tmp_path):
    (tmp_path / "a.meta.toml").write_text('title = 3.5\nissuer = ["x"]\ndate = 2026\nsecret = "y"\n')
    assert read_meta(tmp_path, "a.txt") == DocumentMeta(date="2026")


@pytest.mark.parametrize(
    "citation, ja, en",
    [
        (
            Citation("外交力の強化について", "g.txt", 0, 9, "外務省", "MOFA", "2026", slide=25),
            "外務省『外交力の強化について』(2026) スライド25",
            "MOFA, 『外交力の強化について』 (2026), slide 25",
        ),
        (
            Citation("白書", "w.pdf", 0, 9, "防衛省", page=3),
            "防衛省『白書』 p. 3",
            "防衛省, 『白書』, p. 3",
        ),
        (
            Citation("外交力の強化について", "g.txt", 0, 9, "外務省", section="OSAの現状"),
            "外務省『外交力の強化について』「OSAの現状」",
            "外務省, 『外交力の強化について』, “OSAの現状”",
        ),
        (Citation("notes", "notes.txt", 0, 9), "『notes』", "“notes”"),
        (
            Citation("Museum Guide", "m.md", 0, 9, section="Opening hours"),
            "『Museum Guide』「Opening hours」",
            "“Museum Guide”, “Opening hours”",
        ),
    ],
)
def test_citation_text(citation, ja, en):
    assert citation.text("ja") == ja and citation.text("en") == en


def test_quotes_and_sources_carry_their_citation_and_offsets(hash_engine):
    answer = answer_with_status(hash_engine, OSA, "answered")  # the status set by the test, the quote picked
    data = answer.card_json()
    quote = data["answer"][0]
    cited = quote["citation"]
    assert cited["issuer"] == "外務省" and cited["title"] == "外交力の強化について"
    assert (cited["start"], cited["end"]) == (quote["start"], quote["end"])
    assert cited["text"].startswith("外務省『外交力の強化について』")
    assert all(s["citation"]["text"].startswith("外務省『") for s in data["sources"])
    assert answer.to_json()["hits"][0]["citation"]["issuer"] == "外務省"
    assert "外務省『外交力の強化について』" in card_text(answer, "ja")
    copied = quote_with_citation(answer.quotes[0], "ja")
    assert copied.startswith("「") and "外務省『外交力の強化について』" in copied and str(quote["start"]) in copied
    html = render_card(answer, "ja")
    assert 'class="citation"' in html and "出典付きでコピー" in html and "Copy" not in html


def test_ask_cites_with_the_sidecar(hash_engine):
    answer = hash_engine.ask(OSA, k=2)
    assert all(p.citation is not None and p.citation.issuer == "外務省" for p in answer.passages)
