"""The UI's words in Japanese and English, and which of the two a browser asks for."""

from __future__ import annotations

LANGUAGES = ("ja", "en")

TEXT = {
    "ja": {
        "question": "質問",
        "ask": "質問する",
        "advanced": "詳細設定",
        "k": "引用する箇所の数",
        "mode": "探し方",
        "mode_hybrid": "おすすめ(意味+語句)",
        "mode_dense": "意味の近さ",
        "mode_bm25": "語句の一致",
        "scope": "検索する資料",
        "clear": "会話を消去",
        "cleared": "会話を消去しました。",
        "undo": "元に戻す",
        "download": "会話をMarkdownで保存",
        "language": "表示言語 / Language",
        "examples": "質問の例(クリックすると質問します)",
        "answered": "資料に答えがあります",
        "partial": "一部だけ資料にあります",
        "partial_missing": "資料に書かれていない点: {missing}",
        "not_covered": "この資料には、この質問に答える記述が見当たりません。",
        "nearest": "参考: 近い箇所 {n} 件(回答ではありません)",
        "no_quote": "答えにあたる文を特定できませんでした。出典の箇所を確認してください。",
        "short_answer": "答え",
        "sources": "出典",
        "matched": "一致した語",
        "by_meaning": "意味の近さで一致",
        "chars": "{start}–{end}字目",
        "helpful": "役に立った",
        "not_helpful": "役に立たなかった",
        "reason": "理由(任意)",
        "reason_none": "選んでください",
        "reason_wrong": "答えが違う",
        "reason_quote": "引用した箇所が違う",
        "reason_missing": "資料にあるのに見つからない",
        "reason_other": "その他",
        "feedback": "この回答の評価",
        "copy_text": "テキストをコピー",
        "copy_quote": "出典付きでコピー",
        "open_passage": "[{n}] 資料の該当箇所を開く: {where}",
        "copied_quote": "引用を出典付きでコピーしました",
        "copy_md": "Markdownでコピー",
        "copied_text": "テキストをコピーしました",
        "copied_md": "Markdownをコピーしました",
        "glossary": "用語集 (JMdict)",
        "error": "質問を受け付けられませんでした",
        "stale": "新しい索引を読み込めなかったため、直前の索引で回答しています",
        "thanks": "フィードバックを記録しました",
        "cleared_vote": "評価を取り消しました",
        "document": "資料",
        "outline": "この資料の内容",
        "document_text": "本文",
        "earlier": "これまでの質問",
        "your_question": "質問",
        "reply": "回答",
        "all_documents": "すべての資料",
        "not_a_question": "資料についての質問ではないようです。資料の内容と、質問の例を示します。",
        "link": "この回答へのリンクをコピー",
        "copied_link": "リンクをコピーしました",
        "covers": "資料の内容",
        "try_asking": "質問の例(クリックすると質問します)",
        "context": "前の質問の話題「{topic}」を補って検索しました",
        "drop_context": "話題を補わずに聞き直す",
        "too_long": "質問が長すぎます({n:,}字)。{limit:,}字以内にしてください。",
        "empty": "質問を入力してください。",
        "no_words": "質問に文字がありません。資料についての質問を入力してください。",
        "refused": "この質問は受け付けられませんでした。",
        "new_answer": "新しい回答",
        "back": "回答に戻る",
        "counter": "{n} / {limit}字",
    },
    "en": {
        "question": "Question",
        "ask": "Ask",
        "advanced": "Advanced settings",
        "k": "Passages to cite",
        "mode": "How to search",
        "mode_hybrid": "Recommended (meaning + words)",
        "mode_dense": "Meaning",
        "mode_bm25": "Exact words",
        "scope": "Documents to search",
        "clear": "Clear chat",
        "cleared": "Chat cleared.",
        "undo": "Undo",
        "download": "Download chat as Markdown",
        "language": "表示言語 / Language",
        "examples": "Example questions (click to ask)",
        "answered": "Answered by the documents",
        "partial": "Partly covered by the documents",
        "partial_missing": "Not in the documents: {missing}",
        "not_covered": "Not covered: the documents have nothing that answers this question.",
        "nearest": "For reference: the {n} nearest passages (not answers)",
        "no_quote": "No single sentence answers it; see the cited passages.",
        "short_answer": "Answer",
        "sources": "Sources",
        "matched": "matched",
        "by_meaning": "matched by meaning",
        "chars": "chars {start}–{end}",
        "helpful": "Helpful",
        "not_helpful": "Not helpful",
        "reason": "Why? (optional)",
        "reason_none": "Choose one",
        "reason_wrong": "Wrong answer",
        "reason_quote": "Wrong passage quoted",
        "reason_missing": "The documents have it, but it was not found",
        "reason_other": "Other",
        "feedback": "Rate this answer",
        "copy_text": "Copy text",
        "copy_quote": "Copy with citation",
        "open_passage": "[{n}] open the passage: {where}",
        "copied_quote": "Quote copied with its citation",
        "copy_md": "Copy Markdown",
        "copied_text": "Text copied",
        "copied_md": "Markdown copied",
        "glossary": "Glossary (JMdict)",
        "error": "The question was not accepted",
        "stale": "The newest index could not be loaded; answering from the previous one",
        "thanks": "Feedback recorded",
        "cleared_vote": "Feedback withdrawn",
        "document": "Document",
        "outline": "What this document covers",
        "document_text": "Full text",
        "earlier": "Earlier questions",
        "your_question": "Question",
        "reply": "Answer",
        "all_documents": "All documents",
        "not_a_question": (
            "This does not look like a question about the documents: here is what they cover, and questions "
            "they answer."
        ),
        "covers": "What the documents cover",
        "link": "Copy a link to this answer",
        "copied_link": "Link copied",
        "try_asking": "Questions they answer (click to ask)",
        "context": "Searched with the earlier topic “{topic}”",
        "drop_context": "Ask again without it",
        "too_long": "The question is too long ({n:,} characters); the limit is {limit:,}.",
        "empty": "Type a question.",
        "no_words": "The question has no words; type a question about the documents.",
        "refused": "The question was not accepted.",
        "new_answer": "New answer",
        "back": "Back to the answer",
        "counter": "{n} / {limit} characters",
    },
}


def words(lang: str) -> dict[str, str]:
    return TEXT.get(lang, TEXT["ja"])


def mode_choices(lang: str) -> list[tuple[str, str]]:
    """The search modes as (plain label, value): the values stay the engine's "hybrid", "dense", "bm25"."""
    from rag.search.retriever import MODES

    t = words(lang)
    return [(t[f"mode_{mode}"], mode) for mode in MODES]


def answer_language(shown: str, chosen: bool, accept_language: str | None) -> str:
    """The language to answer in: the one the user picked, else the browser's. The picker shows the
    browser's language only once the page's load event has run; a question sent before then carries the
    page's default, 日本語, and an English reader got Japanese labels."""
    return shown if chosen else language_of(accept_language)


def language_of(accept_language: str | None) -> str:
    """The UI language for a browser's Accept-Language header: Japanese if it ranks ja above en, else English.

    "ja,en-US;q=0.9" -> "ja"; "en-US,en;q=0.9,ja;q=0.8" -> "en"; None -> "ja" (the default)
    """
    if not accept_language:
        return "ja"
    ranked = []
    for n, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        ranked.append((-q, n, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("ja"):
            return "ja"
        if tag and tag != "*":
            return "en"
    return "ja"


def refusal(question: str, lang: str) -> str:
    """Why a question was refused, in the UI's language (the engine's own message is English, for logs).

    ("長" * 1200, "ja") -> 「質問が長すぎます(1,200字)。1,000字以内にしてください。」
    """
    from rag.inputs import MAX_QUESTION_CHARS, clean_question

    t = words(lang)
    if not isinstance(question, str):
        return t["refused"]
    if len(question) > MAX_QUESTION_CHARS:
        return t["too_long"].format(n=len(question), limit=MAX_QUESTION_CHARS)
    cleaned = clean_question(question) if question.strip() else ""
    if not cleaned:
        return t["empty"]
    if not any(ch.isalnum() for ch in cleaned):
        return t["no_words"]
    return t["refused"]
