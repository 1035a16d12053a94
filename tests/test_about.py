"""The page introduces the documents it serves, whatever they are: title, intro, hint and examples."""

from rag.documents.metadata import DocumentMeta, read_meta
from rag.engine import Engine
from rag.index.build import build_index
from rag.serve.ui.about import EXAMPLES, Titled, about
from rag.serve.ui.pages import Pages, header_html

from .conftest import BRIEFING, CORPUS, QUIET

RECORDED = {"ja": ["サケについて教えてください"], "en": ["What do the documents say about 「サケ」?"]}


def test_one_document_is_named_with_its_issuer():
    meta = DocumentMeta(title="年次報告", issuer="水産庁", issuer_en="Fisheries Agency")
    ja, en = (about([Titled("年次報告", meta)], {}, lang) for lang in ("ja", "en"))
    assert ja.title == "「年次報告」に質問する" and ja.page_title == "年次報告 · 質問応答"
    assert ja.intro.startswith("水産庁の資料「年次報告」の本文だけを根拠に")
    assert en.title == "Ask 「年次報告」" and en.page_title == "年次報告 · Q&A"
    assert en.intro.startswith("Answers come only from the text of 「年次報告」, issued by the Fisheries Agency,")


def test_an_english_title_takes_english_quotation_marks_in_english():
    meta = DocumentMeta(title="Museum Guide", issuer_en="City of Hanover")
    ja, en = (about([Titled("Museum Guide", meta)], {}, lang) for lang in ("ja", "en"))
    assert en.title == "Ask “Museum Guide”"
    assert en.intro.startswith("Answers come only from the text of “Museum Guide”, issued by the City of Hanover")
    assert ja.title == "「Museum Guide」に質問する"


def test_many_documents_are_counted_and_the_first_named():
    docs = [Titled(t, DocumentMeta()) for t in ("サケ", "ハノーファー", "梅雨", "国鉄")]
    ja, en = (about(docs, RECORDED, lang) for lang in ("ja", "en"))
    assert ja.title == "4件の資料に質問する" and ja.intro.startswith("「サケ」「ハノーファー」など4件の資料の本文")
    assert en.title == "Ask 4 documents" and "(「サケ」, 「ハノーファー」 and others)" in en.intro
    assert "梅雨" not in ja.intro + en.intro


def test_without_sidecar_examples_the_builds_checked_questions_are_offered_in_the_pages_language():
    docs = [Titled("サケ", DocumentMeta())]
    assert about(docs, RECORDED, "ja").examples == ("サケについて教えてください",)
    en = about(docs, RECORDED, "en")
    assert en.examples == ("What do the documents say about 「サケ」?",)
    assert en.placeholder == "e.g. What do the documents say about 「サケ」?"


def test_no_examples_at_all_leaves_a_plain_hint():
    ja = about([Titled("メモ", DocumentMeta())], {}, "ja")
    assert ja.examples == () and ja.placeholder == "資料について質問してください"


def test_sidecar_examples_come_first_and_the_hint_is_in_the_pages_language():
    mixed = DocumentMeta(examples=("予算はいくらですか", "How many staff are there?"))
    more = DocumentMeta(examples=tuple(f"質問{n}は" for n in range(EXAMPLES)))
    found = about([Titled("年次報告", mixed), Titled("続報", more)], RECORDED, "en")
    assert found.examples[:2] == mixed.examples and len(found.examples) == EXAMPLES
    assert found.placeholder == "e.g. How many staff are there?"
    assert about([Titled("年次報告", mixed)], RECORDED, "ja").placeholder == "例: 予算はいくらですか"


def test_a_title_is_text_in_the_header_not_markup():
    header = header_html(about([Titled("<b>速報</b>", DocumentMeta())], {}, "ja"))
    assert "<b>" not in header and "&lt;b&gt;速報&lt;/b&gt;" in header


def test_the_app_reads_the_briefings_sidecar_from_the_live_build(hash_engine):
    sidecar = read_meta(CORPUS, BRIEFING.name)
    found = Pages(hash_engine).about("en")
    assert found.examples == sidecar.examples and found.title == f"Ask 「{sidecar.title}」"
    assert "Ministry of Foreign Affairs of Japan" in found.intro


def test_the_heading_and_document_titles_follow_a_rebuild_to_other_documents(hash_workspace, hash_embedder):
    corpus, index = hash_workspace
    pages = Pages(Engine(index_dir=index, corpus_dir=corpus, embedder=hash_embedder))
    assert pages.about("ja").title == f"「{read_meta(CORPUS, BRIEFING.name).title}」に質問する"
    (corpus / "notes.md").write_text("# 議事録\n\n会議は毎週月曜日に開かれる。\n", encoding="utf-8")
    build_index(corpus, index, hash_embedder, **QUIET)
    assert pages.about("ja").title == "2件の資料に質問する"
    assert "議事録" in pages.document("notes.md", "ja")
