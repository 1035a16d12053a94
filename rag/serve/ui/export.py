"""A reply as clean text or Markdown with its citations (section, file, page or offsets), and the
whole conversation as one Markdown file."""

from __future__ import annotations

from rag.answer.records import Answer, CitedPassage, Quote
from rag.documents.chunking import PATH_SEPARATOR
from rag.serve.ui.conversation import Conversation, Turn
from rag.serve.ui.text import words


def clean(text: str) -> str:
    """A quote as read: no ** emphasis, no bullet mark, one line.

    "- 令和8(2026)年度(**予算約181億円**)\\n(4か国)" -> "令和8(2026)年度(予算約181億円) (4か国)"
    """
    text = " ".join(text.replace("**", "").split())
    for mark in ("- ", "・", "✓ "):
        text = text.removeprefix(mark)
    return text.strip()


def place(source: CitedPassage, lang: str) -> str:
    """Where a passage is: "p. 3" for paged documents, else its character offsets."""
    if source.page is not None:
        pages = source.pages
        return f"p. {pages[0]}–{pages[1]}" if pages and pages[1] != pages[0] else f"p. {source.page}"
    return words(lang)["chars"].format(start=source.start, end=source.end)


def citation(source: CitedPassage, lang: str) -> str:
    """[1] 外務省『外交力の強化について』「OSAの現状と当面の方向性」 (gaikoryoku_no_kyoka.txt, 3507–4019字目)"""
    if source.citation is not None:
        return f"[{source.label}] {source.citation.text(lang)} ({source.source}, {place(source, lang)})"
    return f"[{source.label}] {PATH_SEPARATOR.join(source.section)} — {source.source}, {place(source, lang)}"


def quote_with_citation(quote: Quote, lang: str) -> str:
    """「令和8(2026)年度(予算約181億円)の…」(外務省『外交力の強化について』「OSAの現状と当面の方向性」)"""
    where = quote.citation.text(lang) if quote.citation is not None else quote.source
    offsets = words(lang)["chars"].format(start=quote.start, end=quote.end)
    url = f" {quote.citation.url}" if quote.citation is not None and quote.citation.url else ""
    return (
        f"「{clean(quote.text)}」({where}、{offsets}){url}"
        if lang == "ja"
        else (f"“{clean(quote.text)}” ({where}, {offsets}){url}")
    )


def status_line(card: Answer, lang: str) -> str:
    t = words(lang)
    if card.status == "partial":
        missing = ("、" if lang == "ja" else ", ").join(missing_in(card, lang))
        return t["partial"] + (" — " + t["partial_missing"].format(missing=missing) if missing else "")
    return t[card.status]


def missing_in(card: Answer, lang: str) -> list[str]:
    """What a partial answer lacks, in the UI's language: the question's own terms as typed, the kinds
    of answer (金額, number) in the UI's words rather than the question's."""
    from rag.answer.reasons import kind_label

    if card.reason.code != "missing":
        return list(card.missing)
    return [*card.reason.terms, *(kind_label(k, lang) for k in card.reason.kinds)]


def card_text(card: Answer, lang: str) -> str:
    """Plain text: the question as read, the status, the quotes with [n], then the citations."""
    t = words(lang)
    lines = [card.reading.shown, status_line(card, lang)]
    if card.short is not None:
        lines.append(f"{t['short_answer']}: {card.short.text}")
    lines += [f"「{clean(q.text)}」[{q.label}]" for q in card.quotes]
    if card.status == "not_a_question":
        return "\n".join(lines + [f"- {q}" for q in (card.guide.examples if card.guide else ())])
    if card.status == "not_covered":
        lines.append(t["nearest"].format(n=len(card.passages)) + ":")
    else:
        lines.append(t["sources"] + ":")
    lines += [citation(s, lang) for s in card.passages]
    return "\n".join(lines)


def card_markdown(card: Answer, lang: str, *, heading: str = "##") -> str:
    t = words(lang)
    lines = [f"{heading} {md_escape(card.reading.shown)}", "", f"**{status_line(card, lang)}**", ""]
    if card.short is not None:
        lines += [f"{t['short_answer']}: **{md_escape(card.short.text)}**", ""]
    for q in card.quotes:
        lines += [f"> {md_escape(clean(q.text))} [{q.label}]", ""]
    if card.status == "not_a_question":
        return "\n".join(lines + [f"- {md_escape(q)}" for q in (card.guide.examples if card.guide else ())]) + "\n"
    lines.append(f"{t['nearest'].format(n=len(card.passages)) if card.status == 'not_covered' else t['sources']}:")
    lines.append("")
    for s in card.passages:
        terms = f" ({t['matched']}: {', '.join(s.shared_terms)})" if s.shared_terms else ""
        section = md_escape(PATH_SEPARATOR.join(s.section))
        cited = md_escape(s.citation.text(lang)) if s.citation is not None else section
        lines.append(f"- [{s.label}] {cited} — `{s.source}`, {place(s, lang)}{terms}")
    return "\n".join(lines) + "\n"


def turn_markdown(turn: Turn, lang: str) -> str:
    if turn.card is not None:
        return card_markdown(turn.card, lang)
    return f"## {md_escape(turn.question)}\n\n*{words(lang)['error']}: {md_escape(turn.error or '')}*\n"


def conversation_markdown(conversation: Conversation, lang: str, title: str) -> str:
    """Every turn, oldest first, under the page's heading."""
    return f"# {title}\n\n" + "\n".join(turn_markdown(t, lang) for t in conversation.turns)


def md_escape(text: str) -> str:
    """Characters that would start Markdown markup are escaped; > and # only where a line starts.

    "a*b_c > d" -> "a\\*b\\_c > d"; "# x" -> "\\# x"
    """
    escaped = "".join("\\" + ch if ch in "\\`*_[]<|" else ch for ch in text)
    return "\\" + escaped if escaped[:1] in ("#", ">") else escaped
