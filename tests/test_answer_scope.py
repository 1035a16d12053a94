"""Where an answer of the asked kind must be: the paragraphs about the question's subject."""

from rag.answer import specifics
from rag.answer.scope import answer_scope, heading_for_answers

PASSAGE = (
    "- ✓ 対フィリピン「フィリピン沿岸警備隊(PCG)への能力強化支援」\n\n"
    "フィリピンに対し支援を継続的に実施。PCGの人員は4千人から約3万人に増加。\n\n"
    "- ✓ 対インドネシア「インドネシア海上保安機構能力開発プロジェクト」\n\n"
    "インドネシア海上保安機構の職員を育成。監視能力強化。"
)


def test_a_count_in_another_paragraph_does_not_answer():
    scope = answer_scope([("シーレーンの強化", PASSAGE)], ["インドネシア"])
    assert scope and all("PCG" not in part for part in scope)
    absent = specifics.missing("インドネシアの職員は何人いますか", [PASSAGE], answer_scope=scope)
    assert absent.kinds  # the whole passage would have answered with 3万人
    assert not specifics.missing("インドネシアの職員は何人いますか", [PASSAGE]).kinds


def test_the_paragraph_about_the_subject_answers_whatever_its_sentences_name():
    scope = answer_scope([("シーレーンの強化", PASSAGE)], ["フィリピン"])
    assert not specifics.missing("フィリピンの人員は何人増えましたか", [PASSAGE], answer_scope=scope).kinds


def test_a_heading_naming_the_subject_brings_its_whole_passage():
    assert answer_scope([("OSAの現状", "- 予算約81億円")], ["OSA"]) == ["OSAの現状", "- 予算約81億円"]


def test_no_subject_or_no_paragraph_naming_it_means_the_whole_evidence():
    assert answer_scope([("h", PASSAGE)], []) is None
    assert answer_scope([("h", PASSAGE)], ["ブラジル"]) is None


def test_a_figure_in_the_documents_title_dates_the_document_not_the_answer():
    """「…（2025年版）」 is when the handbook was written; a question of when the bridge was built is not answered."""
    section = ("川辺町観光案内（2025年版）", "2 見どころ")
    text = "- 石造りの眼鏡橋は町のシンボルで、川面に姿を映す。"
    assert heading_for_answers(section) == "川辺町観光案内（） > 2 見どころ"  # its names stay
    label = " > ".join(section)
    assert not specifics.missing("眼鏡橋はいつ造られましたか", [label, text]).kinds  # the title's year answered
    scope = [heading_for_answers(section), text]
    assert specifics.missing("眼鏡橋はいつ造られましたか", [label, text], answer_scope=scope).kinds == ("date",)
    dated = "- 眼鏡橋は1891年に完成した。"
    assert not specifics.missing("眼鏡橋はいつ造られましたか", [label, dated], answer_scope=[scope[0], dated]).kinds
