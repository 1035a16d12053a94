"""Chunking on the real briefing: coverage, offsets, lengths, stable ids, section paths."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rag.documents.chunking import MAX_CHARS, chunk_document, chunk_documents
from rag.documents.corpus import Document, read_corpus

from .conftest import BRIEFING, CORPUS


@pytest.fixture(scope="module")
def doc():
    return read_corpus(CORPUS, log=lambda _: None)[0]


@pytest.fixture(scope="module")
def chunks(doc):
    return chunk_document(doc)


def test_the_corpus_is_the_seed_verbatim():
    seed = BRIEFING.parent.parent.parent / "shared" / "seed" / "000_00187309ae8cb930.txt"
    if not seed.exists():
        pytest.skip("shared/seed is not beside this checkout")
    assert BRIEFING.read_bytes() == seed.read_bytes()


def test_every_character_of_content_is_in_some_chunk(doc, chunks):
    covered = bytearray(len(doc.text))
    for c in chunks:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    missing = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert missing == [], doc.text[missing[0] : missing[0] + 40] if missing else ""


def test_spans_slice_the_source_back_to_the_text(doc, chunks):
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        for start, end in c.sentences:
            assert c.start <= start < end <= c.end


def test_passages_are_short_enough_to_cite(chunks):
    lengths = [len(c.text) for c in chunks]
    assert max(lengths) <= MAX_CHARS
    assert sum(lengths) / len(lengths) <= 400
    assert min(lengths) >= 80, "a fragment became a passage of its own"


def test_spans_do_not_overlap(chunks):
    spans = sorted((c.start, c.end) for c in chunks)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


def test_sentences_end_at_sentence_or_line_boundaries(doc, chunks):
    for c in chunks:
        for _, end in c.sentences:
            assert end == len(doc.text) or doc.text[end - 1] in "。」』)）" or doc.text[end] in "\r\n", repr(
                doc.text[end - 20 : end + 5]
            )


def test_ids_are_the_same_in_another_process(chunks):
    """Ids come from content and place, never from Python's per-process hash seed or the clock."""
    code = (
        "from pathlib import Path; from rag.documents.corpus import read_corpus;"
        "from rag.documents.chunking import chunk_document;"
        f"print(' '.join(c.id for c in chunk_document(read_corpus(Path({str(CORPUS)!r}), log=print)[0])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == [c.id for c in chunks]


def test_editing_one_section_changes_only_its_ids(doc, chunks):
    edited_text = doc.text.replace("PCGの人員は4千人から約3万人に増加。", "PCGの人員は4千人から約4万人に増加。")
    edited = chunk_document(Document(doc.source, edited_text, "x"))
    before = {c.id: c for c in chunks}
    changed = [c for c in edited if c.id not in before]
    assert len(changed) == 1 and "約4万人" in changed[0].text
    assert len(edited) == len(chunks)
    assert {c.id for c in edited} - {changed[0].id} == {c.id for c in chunks if "約3万人" not in c.text}


HAND_CHECKED = {  # a phrase of the passage -> its section path below the document title
    "国際秩序は流動化": ("安全保障環境の変化（概観）",),
    "基軸である**日米同盟**": (
        "現下の国際情勢と「自由で開かれたインド太平洋(FOIP)」の戦略的進化",
        "自由で開かれた国際秩序を維持・強化するための外交",
    ),
    "2016年に発表した": ("FOIPの進化の基本的な考え方",),
    "共に、強く豊かになる": ("進化版FOIPの特徴",),
    "拡大抑止を含む": ("対米外交と日米安全保障協力", "(今後の課題)"),
    "4千人から約3万人": ("ODAによる安全保障への貢献", "1 シーレーンの強化(例)", "海上保安機関能力強化・巡視船供与"),
    "ポンペイ港は": ("ODAによる安全保障への貢献", "2 連結性の強化(例)", "(1) 港湾"),
    "同国唯一の国際空港": ("ODAによる安全保障への貢献", "2 連結性の強化(例)", "(2) 空港"),
    "予算約181億円": ("OSAの現状と当面の方向性",),
    "レアアース精錬": ("経済安全保障の確保に向けた外交上の取組", "《戦略的自律性の確保》"),
    "JBICによる劣後出資": (
        "経済安全保障の確保に向けた外交上の取組",
        "【上記を推進する手段として、経済安全保障に貢献するODAを活用】",
    ),
    "人間の認知領域": ("認知戦への対応", "1 認知戦をめぐる課題"),
    "インフルエンサーの登用": (
        "認知戦への対応",
        "2 認知戦を戦い抜くための情報収集・分析及び広報文化外交",
        "(1) 政策発信・広報",
    ),
    "尖閣諸島": ("対中外交の基本的な立場",),
    "約973万回": ("カウンター発信の例 (本年2月、於：ミュンヘン安全保障会議)",),
    "北方四島": ("対露外交",),
    "首脳レベルで3回": ("我が国の外交努力",),
}


@pytest.mark.parametrize("phrase", HAND_CHECKED)
def test_section_paths_match_the_slides(chunks, phrase):
    holder = [c for c in chunks if phrase in c.text]
    assert len(holder) == 1, phrase
    assert holder[0].section == ("外交力の強化について", *HAND_CHECKED[phrase])


@pytest.mark.parametrize(
    "stray", ["Tsukasa Kanke", "(外務省提出資料)", "PCGに供与された巡視船", "小型艇操船訓練の様子"]
)
def test_stray_lines_ride_with_content(chunks, stray):
    holder = [c for c in chunks if stray in c.text or stray.strip() == c.text.strip()]
    assert holder, stray
    assert all(len(c.text.strip()) > len(stray) + 50 for c in holder), "a stray line became its own passage"


def test_captions_are_not_section_titles(chunks):
    paths = {part for c in chunks for part in c.section}
    assert not paths & {"パラオ国際空港", "ポンペイ港", "Tsukasa Kanke", "午後6:53 · 2026年2月15日 · 721.7万 件の表示"}


def test_markdown_headings_give_the_sections():
    text = (
        "# 題名\n\n## 第一章\n\n本文です。説明が続きます。\n\n### 小節\n\n"
        "- 箇条書き一\n- 箇条書き二\n\n## 第二章\n\n別の本文。\n"
    )
    chunks = chunk_documents([Document("notes.md", text, "x", kind="markdown")])
    assert [c.section for c in chunks] == [("題名", "第一章"), ("題名", "第一章", "小節"), ("題名", "第二章")]
    for c in chunks:
        assert text[c.start : c.end] == c.text


def test_a_sentence_over_the_cap_is_split_not_dropped():
    long_sentence = "、".join(["安全保障協力を推進する取組"] * 80) + "。"
    doc = Document("long.txt", "題名\n\n見出し\n\n" + long_sentence + "\n", "x")
    chunks = chunk_document(doc)
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert "".join(c.text for c in chunks).count("取組") == 80
