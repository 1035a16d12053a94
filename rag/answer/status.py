"""The answer status and why: a few named steps over the search result, each able to decide.

    judge = StatusJudge(index, config)
    judge.verdict(result) -> Verdict("partial", Reason("missing", ("令和9年度",), "OSA", ("amount",)), ...)

1. not a question: nothing to search for (「何ができるの？」, "Why?"); a greeting, thanks, a question about
   the assistant, a request of another kind (the message classifier, sure of it; or likely, and the
   documents hold nothing close);
2. not covered: every name the question asks about, or every noun but the documents' backdrop, is one
   no document mentions (「南極観測」, 「日本の人口」);
3. not covered: the answerability model finds the top passage does not answer;
4. partial: what the question asks for (a year, a name, an amount, a count, a date) is not in the
   passage that answers;
5. answered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.answer import specifics
from rag.answer.answerability import AnswerabilityModel, asked_across, signals, vector
from rag.answer.facts import CorpusFacts
from rag.answer.messages import LIKELY, SURE, MessageClassifier
from rag.answer.reasons import kind_label
from rag.answer.records import Reason
from rag.answer.scope import answer_scope, heading_for_answers
from rag.index.store import LoadedIndex
from rag.language.script import is_japanese, script_of
from rag.language.terms import content_nouns, content_terms, proper_nouns, region_names, telling_nouns
from rag.search.retriever import SearchResult
from rag.settings import RetrievalConfig

# a run of the question between particles and punctuation: 北方四島 in 「北方四島の面積は」, ジャパン・ハウス
_COMPOUND = re.compile(r"[^\s\u3040-\u309f、。，．？！?!「」『』（）()【】:：]+")


def _about_nothing(text: str) -> bool:
    """No content word, name or number to search for: 「何ができるの？」, "Why?" with no turn before them.
    Any passage would be a guess; what the assistant covers is the answer. Latin letters in a Japanese
    question are a name (m5C); in an English one, its content words are all it has."""
    text = unicodedata.normalize("NFKC", text)
    searchable = r"[0-9A-Za-z]" if is_japanese(text) else r"[0-9]"
    return not content_terms(text) and not re.search(searchable, text)


# a text the message classifier reads as more likely a request or a greeting than a question gets no help
# from a second passage: it names things without asking about them
EVEN = 0.5


@dataclass(frozen=True)
class Verdict:
    status: str  # rag.answer.records.STATUSES
    reason: Reason
    missing: tuple[str, ...] = ()
    # the names an English question says, as the documents write them ("Strait of Hormuz": ホルムズ海峡):
    # the question's own, so no answer to it. Set on "answered" only: the one status with an answer line
    said: tuple[str, ...] = ()


class StatusJudge:
    """Judges search results of one loaded index; safe to share between threads."""

    def __init__(self, index: LoadedIndex, config: RetrievalConfig):
        self.index, self.config = index, config
        self.facts = CorpusFacts(index)
        self.model = AnswerabilityModel.from_manifest(index.manifest.get("answerability"))
        self.hub = index.judge.get("hub")
        self.messages = MessageClassifier.from_arrays(index.judge)

    def verdict(self, result: SearchResult) -> Verdict:
        if _about_nothing(result.forms.search_text):
            return Verdict("not_a_question", Reason("not_a_question"))
        if not result.hits:
            return Verdict("not_covered", Reason("no_close_passage"))
        p = self.answerability(result)
        if self._not_a_question(result, p):
            return Verdict("not_a_question", Reason("not_a_question"))
        forms = result.forms
        shouted = not is_japanese(result.query) and result.query.isupper()  # capitals that mark no name
        names = [] if shouted else proper_nouns(forms.search_text)
        english = {} if is_japanese(result.query) or shouted else self._english_names(result)
        # "the Senkaku Islands" is checked as 尖閣, and "the US" as 米国, not as the letters the question wrote
        names = [n for n in names if n not in english.values()] + [n for n in english if n not in names]
        background = self._background(result, names)
        unknown = self.facts.unknown_names(names)
        if names and len(unknown) == len(names):  # about something the documents never name (南極観測)
            return Verdict("not_covered", Reason("unknown_terms", tuple(unknown)))
        if is_japanese(result.query):  # English words have no Japanese nouns to check; they are translated
            nouns = [n for n in content_nouns(forms.search_text) if n not in background]
            if nouns and self.facts.unknown_names(nouns) == nouns:
                return Verdict("not_covered", Reason("unknown_terms", tuple(nouns)))  # 日本の人口
        if self._not_covered(result, p):
            return Verdict(
                "not_covered", Reason("unknown_terms", tuple(unknown)) if unknown else Reason("no_close_passage")
            )
        return self._partial_or_answered(result, names, background, english)

    def _english_names(self, result: SearchResult) -> dict[str, str]:
        """Each English name as the term the top passage's document uses most ("Japan": 日本, not ジャパン),
        mapped to the name as the question wrote it."""
        source = result.hits[0].chunk.source
        return {
            max(terms, key=lambda t: self.facts.share_of_document(t, source)): english
            for english, terms in self.index.lexicon.english_names(result.query)
        }

    def answerability(self, result: SearchResult) -> float | None:
        """P(the top passage answers), or None for a build without the model."""
        if self.model is None or not result.hits:
            return None
        return self.model.probability(vector(signals(result, self.facts, self.config, self.hub)))

    def _not_a_question(self, result: SearchResult, p: float | None) -> bool:
        if self.messages is None:
            return False
        if self._in_the_documents_words(result):
            return False
        message = self.messages.probability(result.query, result.query_vector)
        unanswered = p is None or self._below_the_bar(result, p)
        return message >= SURE or (message >= LIKELY and unanswered)

    def _in_the_documents_words(self, result: SearchResult) -> bool:
        """Whether every noun of the question is one the documents use (「首脳レベルで3回」, 「港湾」, "OSA"):
        then it is about them, however short. A request of another kind names something they do not
        (「旅行の計画を立てて」: 旅行). English words are read by their acronyms only."""
        text = result.forms.search_text
        if is_japanese(result.query):  # a word in Latin letters is known as the documents spell it (UNTSO)
            nouns = telling_nouns(text)  # not こと or 今: 「何か面白いことを言って」 names nothing of theirs
            latin = [n for n in nouns if n.isascii()]
            known = not latin or not self.facts.unknown_names(latin)
            return bool(nouns) and known and all(self.index.lexicon.has_term(n) for n in nouns if not n.isascii())
        acronyms = [n for n in proper_nouns(text) if n.isascii()]
        return bool(acronyms) and not self.facts.unknown_names(acronyms)

    def _not_covered(self, result: SearchResult, p: float | None) -> bool:
        if p is not None:
            return self._below_the_bar(result, p)
        # no model in this build: the calibrated score threshold of before, per script
        threshold = self.config.abstain_below.get(result.mode, {}).get(script_of(result.query))
        return threshold is not None and result.hits[0].score < threshold

    def _below_the_bar(self, result: SearchResult, p: float) -> bool:
        """P(answers) under the model's bar for this pair of languages (the text's own, or across)."""
        return p < self.model.bar(asked_across(result))

    def _background(self, result: SearchResult, names: list[str]) -> frozenset[str]:
        """Names never asked for specifically: what the top passage's whole document is about (日本 in a
        Japanese briefing), and regions the documents know (中東, アジア): a topic, not a fact to quote."""
        source = result.hits[0].chunk.source
        background = {n for n in names if self.facts.share_of_document(n, source) >= self.config.background_share}
        regions = [n for n in region_names(result.forms.search_text) if n in names]
        if not is_japanese(result.query):  # "the Middle East" is checked as 中東, a region of its own
            regions += [n for n in names if region_names(n) == [n]]
        return frozenset(background | {n for n in regions if not self.facts.unknown_names([n])})

    @staticmethod
    def _topic(result: SearchResult, held: str, absent: specifics.Missing, english: dict[str, str]) -> str:
        """What the evidence does cover, as the question says it: a noun of two or more characters it
        holds (a lone 行 or "a" is no topic) that is not what is asked (値段 when an amount is missing),
        or for an English question one of its names."""
        if not is_japanese(result.query):
            return next((said for term, said in english.items() if term in held and term not in absent.terms), "")
        text = result.forms.search_text
        noun = next(
            (
                n
                for n in content_nouns(text)
                if len(n) > 1 and n in held and n not in absent.terms and specifics.noun_kind(n) not in absent.kinds
            ),
            "",
        )
        # Sudachi cuts 北方四島 at its numeral: the topic is the whole run of the question the evidence holds
        whole = (m.group() for m in _COMPOUND.finditer(text) if noun and noun in m.group() and m.group() in held)
        return max(whole, key=len, default=noun)

    def _named_by_the_next(
        self,
        result: SearchResult,
        evidence: list[str],
        names: list[str],
        background: frozenset[str],
    ) -> bool:
        """A question asking for no one thing (how do A and B differ, is Japan working with the UN) may be
        answered by two passages: the names the top one lacks are all in the next one. A figure, a date or a
        name must be found beside what it is of, in one passage: it gets no such help."""
        forms = result.forms
        if len(result.hits) <= self.config.evidence_passages or specifics.asked_kinds(forms.search_text):
            return False
        if self.messages is not None and self.messages.probability(result.query, result.query_vector) >= EVEN:
            return False  # 「パラオとミクロネシアを巡る旅行の計画を立てて」 names two places and asks nothing of them
        following = result.hits[self.config.evidence_passages].chunk
        both = "\n".join([*evidence, following.section_label, following.text])
        synonyms = self.index.lexicon.synonyms
        return not specifics.absent_terms(
            forms.search_text, both, names=names, background=background, synonyms=synonyms
        )

    def _partial_or_answered(
        self, result: SearchResult, names: list[str], background: frozenset[str], english: dict[str, str]
    ) -> Verdict:
        forms, top = result.forms, result.hits[: self.config.evidence_passages]
        evidence = [text for h in top for text in (h.chunk.section_label, h.chunk.text)]  # headings say it too
        subject = [n for n in names if n not in background]
        answerable = [(heading_for_answers(h.chunk.section), h.chunk.text) for h in top]
        absent = specifics.missing(
            forms.search_text,
            evidence,
            names=names,
            background=background,
            synonyms=self.index.lexicon.synonyms,
            answer_scope=answer_scope(answerable, subject) or [text for pair in answerable for text in pair],
            headings=[h.chunk.section_label for h in top] + [heading for heading, _ in answerable],
            said=tuple(english),
        )
        if absent.terms and self._named_by_the_next(result, evidence, names, background):
            absent = specifics.Missing()
        if not absent:
            return Verdict("answered", Reason("answers"), said=tuple(english))
        held = "\n".join(evidence)
        topic = self._topic(result, held, absent, english)
        terms = tuple(english.get(t, t) for t in absent.terms)  # said as the question said it
        reason = Reason("missing", terms, topic, absent.kinds)
        return Verdict("partial", reason, terms + tuple(kind_label(k, result.query) for k in absent.kinds))
