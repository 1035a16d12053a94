"""English glosses of Japanese words from JMdict and JMnedict (the offline `jamdict-data` database).

Looked up once per build for the corpus's own terms, so English questions can reach the
Japanese passages through a real dictionary ("peace treaty" -> 平和条約, "Strait of Hormuz" ->
ホルムズ海峡) and not only through the embedding space.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

MAX_GLOSS_WORDS = 4  # longer glosses are explanations ("Southern Kuril Islands (held by Russia...)"), not names
_PAREN = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
ARTICLES = frozenset({"the", "a", "an", "to"})
# CROSS JOIN keeps SQLite on the indexed word lookup; "+g.lang" stops it scanning every English gloss.
# Ordered: JMdict's common words first (a priority tag: ichi1, news1, ...) with their senses in dictionary
# order, then the rest, then JMnedict's names. 中身 is "contents", not the judo term spelled alike.
_GLOSSES = """
select k.text, g.text, 0, not exists (select 1 from KJP p where p.kid = k.ID), s.ID, g.rowid
  from Kanji k cross join Sense s on s.idseq = k.idseq
  cross join SenseGloss g on g.sid = s.ID where +g.lang = 'eng' and k.text in ({marks})
union select k.text, g.text, 0, not exists (select 1 from KNP p where p.kid = k.ID), s.ID, g.rowid
  from Kana k cross join Sense s on s.idseq = k.idseq
  cross join SenseGloss g on g.sid = s.ID where +g.lang = 'eng' and k.text in ({marks})
union select k.text, g.text, 1, 1, t.ID, g.rowid from NEKanji k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransGloss g on g.tid = t.ID where k.text in ({marks})
union select k.text, g.text, 1, 1, t.ID, g.rowid from NEKana k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransGloss g on g.tid = t.ID where k.text in ({marks})
order by 3, 4, 5, 6
"""


@cache
def _database() -> str | None:
    try:
        import jamdict_data
    except ImportError:
        return None
    from pathlib import Path

    path = Path(jamdict_data.__file__).parent / "jamdict.db"
    return str(path) if path.exists() else None


def available() -> bool:
    return _database() is not None


def english_words(text: str) -> tuple[str, ...]:
    """Lower-case words, plural and possessive endings off: "Japan's patrol boats" -> (japan, patrol, boat)."""
    return tuple(_stem(w) for w in _WORD.findall(text.lower().replace("’", "'")))


def english_word(word: str) -> str:
    """One English word as `english_words` reads it: "Ships" -> "ship"; with no word in it, lower-cased."""
    stems = english_words(word)
    return stems[0] if stems else word.lower()


def _stem(word: str) -> str:
    for suffix, keep in (("'s", ""), ("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            return word[: len(word) - len(suffix)] + keep
    return word


def bare_gloss(gloss: str) -> str:
    """A gloss without its parenthesised qualifiers: "sarin (nerve agent)" -> "sarin  "."""
    return _PAREN.sub(" ", gloss)


def gloss_phrases(gloss: str) -> tuple[str, ...] | None:
    """A gloss as a phrase of stemmed words, or None if it is an explanation rather than a name for the word."""
    words = tuple(w for w in english_words(bare_gloss(gloss)) if w not in ARTICLES)
    return words if 0 < len(words) <= MAX_GLOSS_WORDS else None


@lru_cache(maxsize=8192)
def glosses_of(term: str) -> tuple[str, ...]:
    """One term's glosses, remembered for the process: questions name the same things again and again."""
    return tuple(glosses([term]).get(term, ()))


def glosses(terms: list[str], *, batch: int = 500) -> dict[str, list[str]]:
    """term -> its English glosses (JMdict senses, then JMnedict translations); terms with none are left out."""
    path = _database()
    found: dict[str, list[str]] = defaultdict(list)
    if path is None or not terms:
        return {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        for i in range(0, len(terms), batch):
            part = terms[i : i + batch]
            sql = _GLOSSES.format(marks=",".join("?" * len(part)))
            for term, gloss, *_ in con.execute(sql, part * 4):
                if gloss not in found[term]:
                    found[term].append(gloss)
    return dict(found)


_NAME_TYPES = """
select ty.text from NEKana k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransType ty on ty.tid = t.ID where k.text = ?
union select ty.text from NEKanji k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransType ty on ty.tid = t.ID where k.text = ?
"""


@lru_cache(maxsize=8192)
def name_types(word: str) -> frozenset[str]:
    """JMnedict's types for a name spelled so: アルマ -> {"given", "place"}; a word it lacks -> {}."""
    path = _database()
    if path is None or not word:
        return frozenset()
    return frozenset(t for (t,) in _connection(path).execute(_NAME_TYPES, (word, word)))


_MATES = """
select g2.text from SenseGloss g1 cross join SenseGloss g2 on g2.sid = g1.sid
  where g1.text = ? and +g1.lang = 'eng' and +g2.lang = 'eng'
"""


@lru_cache(maxsize=4096)
def sense_mates(word: str) -> frozenset[str]:
    """The one-word English glosses that share a JMdict sense with `word`: "kids" -> {children, kids}
    (子供たち's sense). An English word to English words, through a Japanese word that means both."""
    path = _database()
    if path is None or not word:
        return frozenset()
    return frozenset(g for (g,) in _connection(path).execute(_MATES, (word,)) if g.isalpha())


_COUNTERS = """
select g.text, k.text from SenseGloss g cross join Sense s on s.ID = g.sid cross join Kanji k on k.idseq = s.idseq
  where g.text like 'counter for %' and +g.lang = 'eng'
"""
_COUNTED = re.compile(r"^counter for ([a-z]+)\s*(?:,|$)")


@cache
def _counters() -> dict[str, tuple[str, ...]]:
    path = _database()
    if path is None:
        return {}
    found: dict[str, list[str]] = defaultdict(list)
    for gloss, counter in _connection(path).execute(_COUNTERS):
        counted = _COUNTED.match(" ".join(bare_gloss(gloss).split()))  # "counter for (small) boats": boats
        if counted and counter not in found[_stem(counted.group(1))]:
            found[_stem(counted.group(1))].append(counter)
    return {noun: tuple(counters) for noun, counters in found.items()}


@cache
def _counted() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for noun, counters in _counters().items():
        for counter in counters:
            found[counter].add(noun)
    return {counter: frozenset(nouns) for counter, nouns in found.items()}


def counts_of(counter: str) -> frozenset[str]:
    """The English nouns JMdict says a counter counts: 名 -> {"people", ...}; a word that counts none -> {}."""
    return _counted().get(counter, frozenset())


def counters_for(noun: str) -> tuple[str, ...]:
    """The counters JMdict gives for one English noun, by their glosses ("counter for ships (large boats)",
    "counter for countries"): "ships" -> (隻,), "people" -> (氏, 人); a noun no counter names -> ()."""
    return _counters().get(_stem(noun.lower()), ())


@dataclass(frozen=True)
class Sense:
    """One JMdict sense: its English glosses, parts of speech, and tags (field and misc: "Buddhism", "archaism")."""

    glosses: tuple[str, ...]
    pos: tuple[str, ...]
    tags: tuple[str, ...]
    reading: str  # the entry's first kana form
    kana_word: bool = False  # usually written in kana, or an entry with no kanji form: こと is 事, not 琴


KANA_USUAL = "word usually written using kana alone"
_SEP = "\x1f"  # glosses contain commas and semicolons, never a unit separator
# An entry's senses in dictionary order, common entries (a priority tag) first: 中国 is China before Chūgoku.
_SENSES = f"""
select e.rank, s.ID,
  (select group_concat(text, '{_SEP}') from pos where sid = s.ID),
  (select group_concat(text, '{_SEP}') from field where sid = s.ID),
  (select group_concat(text, '{_SEP}') from misc where sid = s.ID),
  (select group_concat(text, '{_SEP}') from SenseGloss g where g.sid = s.ID and +g.lang = 'eng'),
  (select n.text from Kana n where n.idseq = e.idseq order by n.ID limit 1),
  not exists (select 1 from Kanji j where j.idseq = e.idseq)
from (select idseq, not exists (select 1 from KJP p where p.kid = k.ID) rank from Kanji k where k.text = ?
      union select idseq, not exists (select 1 from KNP p where p.kid = k.ID) from Kana k where k.text = ?) e
cross join Sense s on s.idseq = e.idseq
order by e.rank, e.idseq, s.ID
"""


_local = threading.local()  # an SQLite connection serves only the thread that opened it


def _connection(path: str) -> sqlite3.Connection:
    """This thread's read-only connection, opened once: a glossary looks up dozens of words per sentence."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return con


@lru_cache(maxsize=16384)
def senses(word: str) -> tuple[Sense, ...]:
    """JMdict's senses of a word written in kanji or kana, in dictionary order; () when it has none."""
    path = _database()
    if path is None or not word:
        return ()
    rows = _connection(path).execute(_SENSES, (word, word)).fetchall()

    def split(value: str | None) -> tuple[str, ...]:
        return tuple(value.split(_SEP)) if value else ()

    return tuple(
        Sense(
            split(glosses),
            split(pos),
            split(field) + split(misc),
            reading or "",
            bool(no_kanji) or KANA_USUAL in split(misc),
        )
        for _, _, pos, field, misc, glosses, reading, no_kanji in rows
        if glosses
    )
