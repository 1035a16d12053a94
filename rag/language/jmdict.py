"""English glosses of Japanese words from JMdict and JMnedict (the offline `jamdict-data` database).

Looked up once per build for the corpus's own terms, so English questions can reach the
Japanese passages through a real dictionary ("peace treaty" -> 平和条約, "Strait of Hormuz" ->
ホルムズ海峡) and not only through the embedding space.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from functools import cache, lru_cache

MAX_GLOSS_WORDS = 4  # longer glosses are explanations ("Southern Kuril Islands (held by Russia...)"), not names
_PAREN = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
ARTICLES = frozenset({"the", "a", "an", "to"})
# CROSS JOIN keeps SQLite on the indexed word lookup; "+g.lang" stops it scanning every English gloss.
# Ordered: JMdict's senses in dictionary order (its commonest sense first), then JMnedict's names.
_GLOSSES = """
select k.text, g.text, 0, s.ID from Kanji k cross join Sense s on s.idseq = k.idseq
  cross join SenseGloss g on g.sid = s.ID where +g.lang = 'eng' and k.text in ({marks})
union select k.text, g.text, 0, s.ID from Kana k cross join Sense s on s.idseq = k.idseq
  cross join SenseGloss g on g.sid = s.ID where +g.lang = 'eng' and k.text in ({marks})
union select k.text, g.text, 1, t.ID from NEKanji k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransGloss g on g.tid = t.ID where k.text in ({marks})
union select k.text, g.text, 1, t.ID from NEKana k cross join NETranslation t on t.idseq = k.idseq
  cross join NETransGloss g on g.tid = t.ID where k.text in ({marks})
order by 3, 4
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


def _stem(word: str) -> str:
    for suffix, keep in (("'s", ""), ("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            return word[: len(word) - len(suffix)] + keep
    return word


def gloss_phrases(gloss: str) -> tuple[str, ...] | None:
    """A gloss as a phrase of stemmed words, or None if it is an explanation rather than a name for the word."""
    words = tuple(w for w in english_words(_PAREN.sub(" ", gloss)) if w not in ARTICLES)
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
            for term, gloss, _, _ in con.execute(sql, part * 4):
                if gloss not in found[term]:
                    found[term].append(gloss)
    return dict(found)
