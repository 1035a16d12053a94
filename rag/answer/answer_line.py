"""The short answer line above a quote: the figure, date, name or count the question asks for, as an exact
span of the quoted sentence (so it can be cited and highlighted), never words the document does not have.

    line("OSAの令和8年度の予算はいくらですか", "- 令和8(2026)年度(予算約181億円)の案件形成の方針…")
        -> Span(13, 20, "amount")   # 「約181億円」

What kind of answer is asked comes from `specifics.asked_kinds` (its interrogative or the noun asked
about); a why/how/what-is question asks no kind and gets no line, nor does a quote with no instance of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rag.answer.english_spans import english_spans
from rag.answer.figures import count_in_english, figures
from rag.answer.records import Quote, ShortAnswer
from rag.answer.specifics import (
    asked_kinds,
    counted_by,
    counts_a_noun,
    foreign_name,
    names_a_time,
    same_noun,
    specifics,
    years_in,
)
from rag.language.jmdict import counters_for
from rag.language.script import is_japanese, is_katakana, language_of_text, starts_latin
from rag.language.terms import Morpheme, content_terms, morphemes, numbers, proper_nouns
from rag.language.units import DATE_UNITS, ERA_START, SYMBOL_COUNTERS, currency_units, is_date_unit
from rag.search.english import stem

# a figure marked as a starting point (「4千人から約3万人に」) is where it was, not the answer
_FROM = ("から", "より")
_CLAUSE_BREAK = re.compile(r"[、。，,;；\n]")
_EN_CLAUSE_BREAK = re.compile(r"\s(?:and|but|while|whereas|although)\s")
_PART_OPENERS = ("、", "。", "\n", "(", "（", "「", ":", "：")  # where the first part's clause begins
_AFTER_FIGURE = frozenset(("以上", "以下", "超", "余り", "余", "強", "弱", "程度", "前後"))
Synonyms = Callable[[str], Iterable[str]]
_NAMES = frozenset(("person", "place", "country", "organization", "partner"))
_ROLE = re.compile(r"(大臣|長官|総理|首相|大統領|大使|長)$")  # 茂木外務大臣: a name with its office


@dataclass(frozen=True)
class Span:
    """An instance of a kind of answer: offsets into the text it was found in, and its kind
    ("amount", "count:人", "date", "person", "place", "organization")."""

    start: int
    end: int
    kind: str


def short_answer(
    question: str, quote: Quote, *, synonyms: Synonyms = lambda name: (), said: Iterable[str] = ()
) -> ShortAnswer | None:
    """The answer line for `question` from its first quote, with offsets into the quote's document (a
    quote's text is the document's text at its offsets, so the line's is too). `said`: names an English
    question says, as the documents write them (ホルムズ海峡): the question's own, no answer."""
    span = line(question, quote.text, synonyms=synonyms, said=said)
    if span is None:
        return None
    text = quote.text[span.start : span.end]
    english = next((en for written, en in figures(text) if written == _said(text).strip()), "")
    kind, _, counter = span.kind.partition(":")
    if kind == "count" and not english:
        english = count_in_english(text, counter)
    return ShortAnswer(text, quote.source, quote.start + span.start, quote.start + span.end, kind, english)


def line(question: str, quote: str, *, synonyms: Synonyms = lambda name: (), said: Iterable[str] = ()) -> Span | None:
    """The instance, in `quote`, of the kind of answer `question` asks for; None when it asks none or the
    quote holds none. With a named year or name (令和8年度, OSA), one in the same clause comes first.
    `synonyms(name)`: other spellings of a name the question says (アメリカ -> 米国), not an answer either."""
    kinds = asked_kinds(question)
    if not kinds:
        return None
    asked_text = unicodedata.normalize("NFKC", question)
    names = proper_nouns(asked_text)
    also = {_said(alt) for name in names for alt in synonyms(name)} | {_said(name) for name in said}
    every = spans(quote)
    found = [s for s in every if _said(quote[s.start : s.end]) not in asked_text]  # not the question's own
    found = [s for s in found if not (s.kind in _NAMES and _said(quote[s.start : s.end]) in also)]
    named = specifics(question, names)
    named_years = {s.year for s in named if s.year is not None}
    clauses = _clauses(quote)
    anchored = {
        clauses[i] for i in range(len(quote)) if _starts_named(quote, i, [s.label for s in named if s.year is None])
    }
    anchored |= {clauses[s.start] for s in every if s.kind == "date" and years_in(quote[s.start : s.end]) & named_years}
    for kind in _in_order(kinds):
        fits = [s for s in found if _fits(kind, s.kind)]
        if kind == "date":  # asked when, not the year the question names
            fits = [s for s in fits if not (years_in(quote[s.start : s.end]) & named_years)]
        if kind in _NAMES and len({_said(quote[s.start : s.end]) for s in fits}) > 1:
            return None  # 「どの国と」 over a list of countries: one of them is not the answer
        if fits:
            said = _said_of(fits, clauses, _clause_terms(quote, clauses))
            asked_terms = _stemmed(content_terms(question))
            best = max(
                fits,
                key=lambda s: (
                    clauses[s.start] in anchored,
                    not _is_origin(quote, s),
                    len(asked_terms & said[s]),
                    -s.start,
                ),
            )
            if kind.startswith("count"):
                return _parallel(question, quote, best, fits) or best
            return best
    return None


def _parallel(question: str, quote: str, best: Span, fits: list[Span]) -> Span | None:
    """A count given in parts, each a clause of a qualifier and its figure, side by side in one sentence:
    the whole list. 「(首脳レベルで3回、外相レベルで6回の電話会談)」 asked 「何回」 -> 「首脳レベルで3回、
    外相レベルで6回」; asked 「外相レベルでは何回」, the figure of the part it names, 「6回」. None when the
    counts are not such a list: a verb anywhere in it makes clauses of their own (「…10億人ほどであったが、
    中国13億人…」, 「…におけるその回数は米国が68回」)."""
    same = sorted((s for s in fits if s.kind == best.kind and not _is_origin(quote, s)), key=lambda s: s.start)
    if len(same) < 2 or best not in same:
        return None
    starts = []
    for a, b in zip(same, same[1:], strict=False):
        between = quote[a.end : b.start]
        if not between.startswith("、") or _CLAUSE_BREAK.search(between, 1):
            return None  # a figure and then more (「37人の公認候補を擁立、4人」), or not one clause apart
        starts.append(a.end + 1)
    head = quote[: same[0].start]
    starts.insert(0, max(map(head.rfind, _PART_OPENERS)) + 1)  # the first part's clause
    if any(m.pos[0] in ("動詞", "助動詞") for m in morphemes(quote[starts[0] : same[-1].end])):
        return None
    # what tells each part apart: 「外相レベルで」 of 6回; of the first, what follows its topic (「技術者数は
    # 2004年に14.9万人」: 2004年に), as the topic is said of every part
    qualifiers = [quote[p : s.start] for p, s in zip(starts, same, strict=True)]
    first = qualifiers[0]
    topic_end = max((i + 1 for i, ch in enumerate(first) if ch == "は" and first[i + 1 :].strip()), default=0)
    qualifiers[0] = first[topic_end:]  # 「大会には男子は12人」: 男子は
    starts[0] += topic_end
    telling = [t for t in content_terms(question) if 0 < sum(t in q for q in qualifiers) < len(qualifiers)]
    numbers_asked = numbers(question)
    named = [
        s
        for s, qualifier in zip(same, qualifiers, strict=True)
        if any(t in qualifier for t in telling) or numbers_asked & numbers(qualifier)
    ]
    if named:
        return named[0] if len(named) == 1 else None
    return Span(starts[0], same[-1].end, best.kind)


def _in_order(kinds: list[str]) -> list[str]:
    """いくら (quantity) asks a price first, then any other number: 「案件はトータルでいくら」 -> 計約150億円."""
    out: list[str] = []
    for kind in kinds:
        out += ["amount", "count"] if kind == "quantity" else [kind]
    return list(dict.fromkeys(out))


def spans(text: str) -> list[Span]:
    """Every figure, date, count and proper name in `text`, in text order, with offsets into `text`.

    「PCGの人員は4千人から約3万人に増加。」 -> [Span(7, 10, "count:人"), Span(12, 16, "count:人")]
    """
    if not is_japanese(text):  # Sudachi reads Japanese figures and names; English ones are words apart
        return [Span(start, end, kind) for start, end, kind in english_spans(text)]
    norm, origin = _normalised(text)
    ms = _placed(norm)
    english = language_of_text(text) == "en"  # mostly English, with Japanese words: Sudachi's figures, no names
    found: list[Span] = []
    i = 0
    while i < len(ms):
        m, at = ms[i]
        if m.pos[1] == "数詞":
            span, i = _figure(ms, i)
            if span is not None:
                found.append(span)
            continue
        if m.pos[:2] == ("名詞", "普通名詞") and names_a_time(m.surface):
            found.append(Span(at, at + len(m.surface), "date"))  # いつ -> 夜間, 春, 戦後
        if m.pos[:2] == ("名詞", "普通名詞") and (kinds := foreign_name(m.surface)):
            start, end = _katakana_run(ms, i)  # ラリー・ネイション: the whole name, not its unknown half
            kind = next(k for k in ("person", "organization", "place") if k in kinds)
            found.append(Span(start, end, kind))  # アルマ: a name Sudachi files as a common noun
        latin = english and starts_latin(m.surface)  # in English, "sand" is a person
        if m.pos[1] == "固有名詞" and m.surface not in ERA_START and not latin and not _inside_compound(ms, i):
            kind = {"人名": "person", "地名": "place", "組織名": "organization"}.get(m.pos[2])
            end = at + len(m.surface)
            if kind == "person" or (kind == "place" and i + 1 < len(ms) and _ROLE.search(ms[i + 1][0].surface)):
                if i + 1 < len(ms) and _ROLE.search(ms[i + 1][0].surface):
                    kind, end, i = "person", ms[i + 1][1] + len(ms[i + 1][0].surface), i + 1  # 茂木外務大臣
            if kind is not None:
                found.append(Span(at, end, kind))
        i += 1
    # an end inside what one character became (℃ -> °C) takes the whole character
    return [Span(origin[s.start], origin[s.end - 1] + 1, s.kind) for s in found]


def _katakana_run(ms: list[tuple[Morpheme, int]], i: int) -> tuple[int, int]:
    """Offsets of the katakana words joined by ・ around ms[i]: ラリー・ネイション, not ネイション alone."""
    first = last = i
    while first >= 2 and ms[first - 1][0].surface == "・" and is_katakana(ms[first - 2][0].surface):
        first -= 2
    while last + 2 < len(ms) and ms[last + 1][0].surface == "・" and is_katakana(ms[last + 2][0].surface):
        last += 2
    return ms[first][1], ms[last][1] + len(ms[last][0].surface)


def _figure(ms: list[tuple[Morpheme, int]], i: int) -> tuple[Span | None, int]:
    """The figure whose number is ms[i], with a prefix (約, 計) and what follows (its unit, and a date's
    later parts: 2025年10月21日, 令和8(2026)年度); and the index after it."""
    start = ms[i][1]
    if i > 0 and ms[i - 1][0].pos[0] == "接頭辞":
        start = ms[i - 1][1]  # 約181億円, 計16案件
    if i > 0 and ms[i - 1][0].surface in ERA_START:
        start = ms[i - 1][1]  # 令和8
    j = i + 1
    if j + 2 < len(ms) and ms[j][0].surface == "(" and ms[j + 1][0].pos[1] == "数詞" and ms[j + 2][0].surface == ")":
        j += 3  # 令和8(2026)年度: the western year in parentheses
    if j >= len(ms) or ms[j][1] != ms[j - 1][1] + len(ms[j - 1][0].surface):
        return None, j  # a unit is written against its number: 「25 令和7年度」 is a slide number, then a year
    unit = ms[j][0]
    if is_date_unit(unit.surface):  # 令和7年度末 as well
        kind = "date"
        while j + 2 < len(ms) and ms[j + 1][0].pos[1] == "数詞" and ms[j + 2][0].surface in DATE_UNITS:
            j += 2  # 2025年10月21日
    elif unit.surface.lower() in currency_units():
        kind = "amount"
    elif unit.surface in SYMBOL_COUNTERS:
        kind = f"count:{SYMBOL_COUNTERS[unit.surface]}"
        joined = j + 1 < len(ms) and ms[j + 1][1] == ms[j][1] + len(unit.surface)
        if joined and unit.surface + ms[j + 1][0].surface in SYMBOL_COUNTERS:
            j += 1  # 25°C: Sudachi reads ° and C apart
    elif unit.pos[0] in ("名詞", "接尾辞") and unit.pos[1] not in ("数詞", "固有名詞") and unit.surface[0].isalpha():
        kind = f"count:{unit.surface}"
    else:
        return None, j
    if j + 1 < len(ms) and ms[j + 1][0].surface in _AFTER_FIGURE:
        j += 1  # 4年以上
    return Span(start, ms[j][1] + len(ms[j][0].surface), kind), j + 1


def _inside_compound(ms: list[tuple[Morpheme, int]], i: int) -> bool:
    """A name written against the noun before it is part of a longer one (中部太平洋, インド太平洋), and so is
    one joined by ・ to the next word (ジャパン・ハウス; a list of names, 米国・イスラエル, is lost with it)."""
    here, end = ms[i][1], ms[i][1] + len(ms[i][0].surface)
    if i > 0:
        before, at = ms[i - 1]
        if at + len(before.surface) == here and before.pos[0] == "名詞" and before.pos[1] != "数詞":
            return True
    return i + 2 < len(ms) and ms[i + 1][0].surface == "・" and ms[i + 1][1] == end


def _fits(asked: str, found: str) -> bool:
    """「何件」 is answered by 16案件; いくら (quantity) by an amount or a count; 誰と by a person or a body."""
    if asked == "quantity":
        return found == "amount" or found.startswith("count")
    if asked == "measure":  # 2,351メートル is read as a count of メートル
        return found.startswith("count")
    if asked == "count":
        return found.startswith("count")
    if found == "name":  # English text: a name, of a person, a place or a body alike
        return asked in (*_NAMES, "company")
    if counts_a_noun(asked):  # "how many ships": 3隻, or in English text "12 ships"; a noun no counter counts: any
        noun = asked.split(":", 1)[1]
        if counts_a_noun(found):
            return any(same_noun(noun, word) for word in found.split(":", 1)[1].split())
        return found.startswith("count") and (counted_by(noun, found) or not counters_for(noun))
    if asked.startswith("count:"):  # 何% is answered by 12.8%, which spans() reads as a count of パーセント
        unit = asked.split(":", 1)[1]
        return found.startswith("count:") and found.split(":", 1)[1].endswith(SYMBOL_COUNTERS.get(unit, unit))
    if asked == "partner":
        return found in ("person", "organization", "place")
    if asked in ("place", "country"):  # a country's name is a place's; the status has checked it is one
        return found in ("place", "organization")  # どこ: a country, or an institution (どこの大学)
    if asked == "company":
        return found == "organization"
    return asked == found


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC, one character at a time, with where each normalised character came from (and the end)."""
    out: list[str] = []
    origin: list[int] = []
    for n, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded)
        origin += [n] * len(folded)
    origin.append(len(text))
    return "".join(out), origin


def _placed(norm: str, mode: str = "C") -> list[tuple[Morpheme, int]]:
    """Each morpheme with its offset in `norm` (Sudachi drops nothing, but it is found, not assumed)."""
    placed, pos = [], 0
    for m in morphemes(norm, mode=mode):
        at = norm.find(m.surface, pos)
        if at < 0:
            continue  # a surface Sudachi changed: leave it out rather than misplace it
        placed.append((m, at))
        pos = at + len(m.surface)
    return [(m, at) for m, at in placed if m.pos[0] != "空白"]


def _clause_terms(text: str, clauses: list[int]) -> dict[int, set[str]]:
    """The content terms (as `content_terms` reads them) of each clause of `text` (`_clauses`), by number. The
    sentence's topic (「新庁舎は」 of 「新庁舎は2019年4月に着工し、2021年9月に完成した」) is said of every
    clause, so it tells none apart and is left out."""
    norm, origin = _normalised(text)
    found: dict[int, set[str]] = {}
    for m, at in _placed(norm, mode="A"):
        clause = clauses[origin[at]]
        if clause == 0 and m.surface == "は" and m.pos[1] == "係助詞":
            found[0] = set()  # the first clause's words so far were its topic
        elif m.is_content:  # an English word as written: Sudachi's form of "finish" is フィニッシュ
            found.setdefault(clause, set()).update(_stemmed([m.surface.lower() if m.surface.isascii() else m.form]))
    return found


def _stemmed(terms: Iterable[str]) -> set[str]:
    """Terms with English words Snowball-stemmed: "finished" meets "finish"; Japanese ones as they are."""
    return {stem(t) if t.isascii() and t.isalpha() else t for t in terms}


def _said_of(fits: list[Span], clauses: list[int], terms: dict[int, set[str]]) -> dict[Span, set[str]]:
    """What the text says of each instance: the terms of its clause and of the clauses after it, up to the
    next instance's. 「1858年には、…エンジンが発明され、1876年に…を発明した」: 1858年 is said of the
    engine's invention, three clauses on."""
    ordered = sorted(fits, key=lambda s: s.start)
    last = max(terms, default=0)
    said = {}
    for here, after in zip(ordered, [*ordered[1:], None], strict=True):
        first = clauses[here.start]
        end = max(first + 1, clauses[after.start]) if after is not None else last + 1
        said[here] = set().union(*(terms.get(c, set()) for c in range(first, end)))
    return said


def _clauses(text: str) -> list[int]:
    """The clause number of each character, and of the end. In English a conjunction between clauses
    starts one too: "began in 2025 and is due to finish in 2029"."""
    breaks = {m.start() for m in _EN_CLAUSE_BREAK.finditer(text)}
    numbers, n = [], 0
    for i, ch in enumerate(text):
        numbers.append(n)
        n += bool(_CLAUSE_BREAK.match(ch)) or i in breaks
    return numbers + [n]


def _starts_named(text: str, i: int, names: list[str]) -> bool:
    return any(text.startswith(name, i) for name in names if name)


def _is_origin(text: str, span: Span) -> bool:
    return text.startswith(_FROM, span.end)


def _said(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
