"""The conversation as HTML: the first screen, then each reply headed by its answer card, newest first.

Everything from a question or a document is escaped here; the page's script only reads data-* attributes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

from rag.answer.citation import quoted_title
from rag.answer.figures import figures
from rag.answer.glossary import Gloss
from rag.answer.records import Answer, CitedPassage, Quote
from rag.documents.chunking import PATH_SEPARATOR
from rag.language.script import language_of_text
from rag.serve.ui.about import About
from rag.serve.ui.conversation import REASONS, Conversation, Turn
from rag.serve.ui.export import (
    card_markdown,
    card_text,
    clean,
    conversation_markdown,
    place,
    quote_with_citation,
    status_line,
)
from rag.serve.ui.text import words

STATUS_ICON = {"answered": "✓", "partial": "◐", "not_covered": "✕", "not_a_question": "?"}
_SVG = (
    '<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="{}"/></svg>'
)
THUMB_ICON = {  # drawn, not emoji: a machine without an emoji font would show empty boxes
    "up": _SVG.format(
        "M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3z"
        "M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3"
    ),
    "down": _SVG.format(
        "M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 4v7"
        "a2.31 2.31 0 0 1-2.33 2H17"
    ),
}


def attr(value) -> str:
    return escape(str(value), quote=True)


def render_conversation(
    conversation: Conversation,
    lang: str,
    about: About,
    *,
    glossary: Callable[[Answer], list[Gloss]] | None = None,
    notice: str | None = None,
) -> str:
    """The whole conversation pane. `glossary(card)` is asked for English readers only."""
    t = words(lang)
    announce = announcement(conversation.turns[-1], lang) if conversation.turns else ""
    latest = conversation.next_id - 1
    parts = [
        f'<div class="rag-conv" lang="{lang}" data-latest="{latest}" data-announce="{attr(announce)}" '
        f'data-title="{attr(about.page_title)}" data-counter="{attr(t["counter"])}" '
        f'data-questions="{attr(json.dumps(asked_questions(conversation), ensure_ascii=False))}">'
    ]
    if notice:
        parts.append(f'<p class="notice" role="status">{escape(t["stale"])}: {escape(notice)}</p>')
    if not conversation.turns:
        if conversation.undo:  # just cleared: an inline way back, hidden by the page after a few seconds
            parts.append(
                f'<p class="undo" role="status"><span>{escape(t["cleared"])}</span> '
                f'<button type="button" data-restore>{escape(t["undo"])}</button></p>'
            )
        parts.append(render_empty(about.examples, lang))
    else:
        newest_first = list(reversed(conversation.turns))
        gloss = glossary if lang == "en" else None
        parts.append(render_turn(newest_first[0], lang, gloss))
        if len(newest_first) > 1:
            parts.append(f'<h2 class="earlier">{escape(t["earlier"])}</h2>')
            parts += [render_turn(turn, lang, gloss) for turn in newest_first[1:]]
        markdown = conversation_markdown(conversation, lang, about.title)
        parts.append(
            f'<div class="conv-actions"><button type="button" class="download" data-download="{attr(markdown)}">'
            f"{escape(t['download'])}</button></div>"
        )
    parts.append("</div>")
    return "".join(parts)


def asked_questions(conversation: Conversation) -> list[dict]:
    """The turns the browser keeps across reloads (localStorage): each question as typed, and whether it
    was asked without the earlier topic, oldest first. Replaying them gives the same conversation."""
    return [
        {"q": t.question, "alone": t.card is not None and t.card.reading.topic is None}
        for t in conversation.turns
        if t.card is not None
    ]


def announcement(turn: Turn, lang: str) -> str:
    """What a screen reader is told when a reply arrives: its status and its first quote."""
    if turn.card is None:
        return f"{words(lang)['error']}: {turn.error or ''}"
    first = f" 「{clean(turn.card.quotes[0].text)}」" if turn.card.quotes else ""
    if turn.card.short is not None:  # the answer itself first, then the sentence it is quoted from
        first = f" {words(lang)['short_answer']}: {turn.card.short.text}." + first
    return f"{words(lang)['new_answer']}: {status_line(turn.card, lang)}{first}"


def render_empty(examples: tuple[str, ...], lang: str) -> str:
    """The first screen: example questions that ask when clicked (the header says what the app does,
    the document pane's outline what each document covers)."""
    t = words(lang)
    if not examples:
        return ""
    buttons = "".join(
        f'<li><button type="button" class="example" data-example="{attr(q)}">{escape(q)}</button></li>'
        for q in examples
    )
    return (
        f'<section class="empty" aria-labelledby="examples-h">'
        f'<h2 id="examples-h">{escape(t["examples"])}</h2><ul class="examples">{buttons}</ul></section>'
    )


def render_turn(turn: Turn, lang: str, glossary=None) -> str:
    t = words(lang)
    qid = f"turn-{turn.id}-q"
    shown = turn.card.reading.shown if turn.card is not None else turn.question  # a follow-up: how it was read
    limit = 300 if turn.card is not None else 80  # a refused question is in the box still, to be edited
    shown = shown if len(shown) <= limit else shown[:limit] + "…"
    head = (
        f'<article class="turn" id="turn-{turn.id}" data-turn="{turn.id}" data-question="{attr(turn.question)}" '
        f'aria-labelledby="{qid}">'
        f'<h2 class="question" id="{qid}" tabindex="-1"><span class="sr-only">{escape(t["your_question"])}: </span>'
        f"{escape(shown) or '—'}</h2>"
    )
    if turn.card is not None and turn.card.reading.topic:
        # The earlier topic it was searched with, and a way to ask it again on its own.
        head += (
            f'<p class="context"><span>{escape(t["context"].format(topic=turn.card.reading.topic))}</span> '
            f'<button type="button" class="fresh" data-fresh="{attr(turn.card.reading.question)}">'
            f"{escape(t['drop_context'])}</button></p>"
        )
    if turn.card is None:
        return head + f'<p class="error" role="alert">{escape(t["error"])}: {escape(turn.error or "")}</p></article>'
    card = turn.card
    body = render_card(card, lang, glossary(card) if glossary else None)
    return head + body + render_actions(turn, lang) + "</article>"


def render_card(card: Answer, lang: str, glossary: list[Gloss] | None = None) -> str:
    t = words(lang)
    status = (
        f'<p class="status"><span class="badge" aria-hidden="true">{STATUS_ICON[card.status]}</span> '
        f"{escape(status_line(card, lang))}</p>"
    )
    parts = [f'<div class="card status-{card.status}">', status]
    if card.status == "not_a_question":
        parts.append(render_guide(card, lang))
    elif card.status == "not_covered":
        summary = escape(t["nearest"].format(n=len(card.passages)))
        items = "".join(render_source(s, lang, "") for s in card.passages)
        parts.append(f'<details class="nearest"><summary>{summary}</summary><ol class="sources">{items}</ol></details>')
    else:
        parts.append(render_short(card, lang))
        if card.quotes:
            parts.append('<div class="quotes">' + "".join(render_quote(q, card, lang) for q in card.quotes) + "</div>")
        else:
            parts.append(f'<p class="no-quote">{escape(t["no_quote"])}</p>')
        if glossary:
            parts.append(render_glossary(glossary, lang))
        items = "".join(render_source(s, lang, _marks(card, s.chunk_id)) for s in card.passages)
        parts.append(f'<h3 class="sources-h">{escape(t["sources"])}</h3><ol class="sources">{items}</ol>')
    parts.append("</div>")
    return "".join(parts)


def render_guide(card: Answer, lang: str) -> str:
    """The reply to a greeting or a request: what the documents cover, and questions to ask (buttons)."""
    t = words(lang)
    if card.guide is None:
        return ""
    covers = "".join(
        f'<li><span lang="{language_of_text(title)}">{escape(quoted_title(title, lang))}</span>'
        + (
            f': <span lang="{language_of_text("".join(sections))}">{escape(_listed(sections))}</span>'
            if sections
            else ""
        )
        + "</li>"
        for title, sections in card.guide.documents
    )
    examples = "".join(
        f'<li><button type="button" class="example" data-example="{attr(q)}">{escape(q)}</button></li>'
        for q in card.guide.examples
    )
    return (
        f'<div class="guide"><h3>{escape(t["covers"])}</h3><ul class="covers">{covers}</ul>'
        + (f'<h3>{escape(t["try_asking"])}</h3><ul class="examples">{examples}</ul>' if examples else "")
        + "</div>"
    )


def _listed(sections: list[str]) -> str:
    """Japanese headings joined by 、, English ones by a comma."""
    return ("、" if language_of_text("".join(sections)) == "ja" else ", ").join(sections)


def _marks(card: Answer, chunk_id: str) -> str:
    return ",".join(f"{q.start}-{q.end}" for q in card.quotes if q.chunk_id == chunk_id)


def _open_attrs(source: str, chunk_id: str, marks: str) -> str:
    return f'href="#c-{attr(chunk_id)}" data-source="{attr(source)}" data-chunk="{attr(chunk_id)}" data-marks="{marks}"'


def render_short(card: Answer, lang: str) -> str:
    """The answer line above the quote: the figure, date, name or count asked for, as the document says it
    (its offsets carried for the document pane), with the figure in English for English readers."""
    short = card.short
    if short is None:
        return ""
    english = f' <span class="short-en">({escape(short.english)})</span>' if lang == "en" and short.english else ""
    return (
        f'<p class="short-answer" data-source="{attr(short.source)}" data-start="{short.start}" '
        f'data-end="{short.end}" data-kind="{attr(short.kind)}"><span class="short-label">'
        f"{escape(words(lang)['short_answer'])}</span> "
        f'<strong lang="{language_of_text(short.text)}">{escape(short.text)}</strong>{english}</p>'
    )


def render_quote(quote: Quote, card: Answer, lang: str = "ja") -> str:
    """The quoted sentence, its [n] into the document, the citation fit to print and a copy button."""
    t = words(lang)
    where = _open_attrs(quote.source, quote.chunk_id, _marks(card, quote.chunk_id))
    cited = quote.citation.text(lang) if quote.citation is not None else quote.source
    name = t["open_passage"].format(n=quote.label, where=cited)
    link = f'<a class="ref" {where} aria-label="{attr(name)}">[{quote.label}]</a>'
    copy = copy_button(quote_with_citation(quote, lang), t["copy_quote"], t["copied_quote"])
    english = ""
    if lang == "en" and (found := figures(quote.text)):  # 令和8年度 = FY2026, 約181億円 ≈ about ¥18.1 billion
        english = (
            '<p class="figures">'
            + " · ".join(f'<span lang="ja">{escape(ja)}</span> = {escape(en)}' for ja, en in found)
            + "</p>"
        )
    return (
        f'<figure class="quote"><blockquote lang="{language_of_text(quote.text)}">'
        f"<p><mark>{escape(clean(quote.text))}</mark> {link}</p>"
        f"</blockquote>{english}"
        f'<figcaption><cite class="citation">{escape(cited)}</cite> {copy}</figcaption></figure>'
    )


def render_source(source: CitedPassage, lang: str, marks: str) -> str:
    """[n], section path, file and page or offsets, and why it matched; a link into the document pane."""
    t = words(lang)
    path = source.section[1:] or source.section
    terms = ("、" if lang == "ja" else ", ").join(source.shared_terms)
    why = f"{escape(t['matched'])}: {escape(terms)}" if source.shared_terms else escape(t["by_meaning"])
    return (
        f'<li class="source{" answering" if source.answering else ""}">'
        f'<a class="open" {_open_attrs(source.source, source.chunk_id, marks)}>'
        f'<span class="label">[{source.label}]</span> <span class="section" lang="{language_of_text("".join(path))}">'
        f"{escape(PATH_SEPARATOR.join(path))}</span></a>"
        f'<span class="where">{_where(source, lang)}</span>'
        f'<span class="why">{why}</span></li>'
    )


def _where(source: CitedPassage, lang: str) -> str:
    """外務省『外交力の強化について』「…」 · gaikoryoku_no_kyoka.txt · 3507–4019字目"""
    cited = f'<cite class="citation">{escape(source.citation.text(lang))}</cite> · ' if source.citation else ""
    return f"{cited}{escape(source.source)} · {escape(place(source, lang))}"


def render_glossary(glossary: list[Gloss], lang: str) -> str:
    rows = "".join(
        f'<div class="term"><dt><span lang="ja">{escape(g.term)}</span>'
        f"{f' <span class=reading lang=ja>{escape(g.reading)}</span>' if g.reading and g.reading != g.term else ''}"
        f"</dt><dd>{escape(g.english)}</dd></div>"
        for g in glossary
    )
    return f'<section class="glossary"><h3>{escape(words(lang)["glossary"])}</h3><dl>{rows}</dl></section>'


def render_actions(turn: Turn, lang: str) -> str:
    """Thumbs bound to this reply, and copy buttons carrying the reply as text and as Markdown."""
    t = words(lang)
    card = turn.card

    def thumb(rating: str, label: str) -> str:
        pressed = "true" if turn.vote == rating else "false"
        return (
            f'<button type="button" class="vote" data-vote="{rating}" aria-pressed="{pressed}">'
            f"{THUMB_ICON[rating]} {escape(label)}</button>"
        )

    return (
        f'<div class="actions" role="group" aria-label="{attr(t["feedback"])}" '
        f'data-thanks="{attr(t["thanks"])}" data-withdrawn="{attr(t["cleared_vote"])}">'
        + thumb("up", t["helpful"])
        + thumb("down", t["not_helpful"])
        + reason_select(turn, lang)
        + copy_button(card_text(card, lang), t["copy_text"], t["copied_text"])
        + copy_button(card_markdown(card, lang), t["copy_md"], t["copied_md"])
        + f'<button type="button" class="copy-link" data-link="{attr(turn.question)}" '
        + f'data-done="{attr(t["copied_link"])}">{escape(t["link"])}</button>'
        + '<span class="note" role="status" aria-live="polite"></span></div>'
    )


def reason_select(turn: Turn, lang: str) -> str:
    """An optional reason, shown while the thumbs-down is pressed (the page shows and hides it)."""
    t = words(lang)
    rid = f"turn-{turn.id}-reason"
    options = [("", t["reason_none"])] + [(r, t[f"reason_{r}"]) for r in REASONS]
    shown = "".join(
        f'<option value="{r}"{" selected" if r == (turn.reason or "") else ""}>{escape(label)}</option>'
        for r, label in options
    )
    hidden = "" if turn.vote == "down" else " hidden"
    return (
        f'<span class="reason"{hidden}><label for="{rid}">{escape(t["reason"])}</label> '
        f'<select id="{rid}" data-reason>{shown}</select></span>'
    )


def copy_button(content: str, label: str, done: str) -> str:
    """The page's script copies data-copy and says data-done in the reply's status line."""
    return (
        f'<button type="button" class="copy" data-copy="{attr(content)}" data-done="{attr(done)}">'
        f"{escape(label)}</button>"
    )
