"""Questions typed in kana, matched to the corpus's own words by reading.

Sudachi cuts kana-only text badly (「ほっぽうりょうど」 becomes ほっ/ぽう/りょう/ど), so a casual
question shares almost no tokens with the passages and embeds poorly. At build time every
content word of the corpus is keyed by its reading; at question time the kana runs of the
question are matched against those keys, longest first, and replaced by the corpus's spelling:

    「ほっぽうりょうどのもんだいってどうするつもり？」 -> 「北方領土の問題ってどうするつもり？」

Keys forgive how people type: hiragana or katakana, long-vowel marks (おー = おう, えー = えい),
small kana, and Latin acronyms read letter by letter (OSA -> オーエスエー).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# A question whose Japanese letters are at least this share hiragana was typed without kana-kanji
# conversion (casual gold questions: 0.74-1.0; paraphrases: median 0.57; JSQuAD: median 0.43, 95% below
# 0.65). Only such questions are respelled: in ordinary text the kana are grammar, and matching them
# (いつか -> 一家, している -> 指定, コンゴ -> 今後) hurt 20% of JSQuAD questions. docs/decisions.md.
KANA_TYPED_SHARE = 0.7
MIN_KEY_CHARS = 3  # two-kana keys (いま, どう) match inside too many casual phrases; see docs/decisions.md
READING_POS = {"名詞", "形状詞"}
COPULA = {"だ", "です"}  # after a noun typed in kana they are grammar of the sentence, not of the word
_KANA_RUN = re.compile(r"[\u3041-\u3096\u30a1-\u30faー〜～]+")
_HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")
_JAPANESE_LETTER = re.compile(r"[\u3041-\u3096\u30a1-\u30faー\u3005\u4e00-\u9fff]")
_LATIN_ACRONYM = re.compile(r"^[A-Z]{2,6}$")  # OSA, FOIP; "Japan" is a word, not letters
_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "エー ビー シー ディー イー エフ ジー エイチ アイ ジェー ケー エル エム "
        "エヌ オー ピー キュー アール エス ティー ユー ブイ ダブリュー エックス ワイ ゼット".split(),
        strict=True,
    )
)
# hiragana -> katakana, small kana -> large, and the rarer spellings to the common ones
_PLAIN = dict(zip("ァィゥェォッャュョヮヵヶヴヂヅ", "アイウエオツヤユヨワカケブジズ", strict=True))
_TO_KEY = str.maketrans({**{chr(c): _PLAIN.get(chr(c + 0x60), chr(c + 0x60)) for c in range(0x3041, 0x3097)}, **_PLAIN})
_LONG_VOWEL = {"ア": "ア", "イ": "イ", "ウ": "ウ", "エ": "イ", "オ": "ウ"}
_VOWEL_OF = {}
for _row, _vowel in (
    ("アカサタナハマヤラワガザダバパァャ", "ア"),
    ("イキシチニヒミリギジヂビピィ", "イ"),
    ("ウクスツヌフムユルグズヅブプゥュ", "ウ"),
    ("エケセテネヘメレゲゼデベペェ", "エ"),
    ("オコソトノホモヨロヲゴゾドボポォョ", "オ"),
):
    _VOWEL_OF.update(dict.fromkeys(_row, _vowel))


def reading_key(kana: str) -> str:
    """A forgiving key for a reading: katakana, long-vowel marks spelled as in dictionaries, small kana enlarged.

    "おーえすえー", "オーエスエー", "オウエスエイ" -> "オウエスエイ"; "ほっぽう", "ホッポー" -> "ホツポウ"
    """
    text = unicodedata.normalize("NFKC", kana).translate(_TO_KEY)
    if "ー" not in text and "〜" not in text and "～" not in text:
        return text
    out: list[str] = []
    for ch in text:
        prev = _VOWEL_OF.get(out[-1]) if out else None
        if ch in "ー〜～" and prev:
            ch = _LONG_VOWEL[prev]  # ほっぽー and ほっぽう, けーざい and けいざい read alike
        out.append(ch)
    return "".join(out)


def latin_reading(word: str) -> str | None:
    """How an acronym is said in Japanese: "OSA" -> "オーエスエー"; None for anything else."""
    if not _LATIN_ACRONYM.match(word):
        return None
    return "".join(_LETTERS[ch] for ch in word.upper())


def corpus_readings(texts: list[str]) -> dict[str, str]:
    """reading key -> the corpus's spelling, for every content word of the texts (modes A and C)."""
    from rag.language.sudachi import split

    found: dict[str, str] = {}
    key_of = functools.cache(reading_key)
    for text in texts:
        text = unicodedata.normalize("NFKC", text).replace("*", " ")
        for mode in ("C", "A"):
            for m in split(text, mode):
                if m.part_of_speech()[0] not in READING_POS or m.part_of_speech()[1] == "数詞":
                    continue
                surface = m.surface().strip()
                reading = latin_reading(surface) or m.reading_form()
                if not surface or not _KANA_RUN.fullmatch(reading or ""):
                    continue
                key = key_of(reading)
                if len(key) >= MIN_KEY_CHARS and not _HIRAGANA.fullmatch(surface):  # hiragana words match as typed
                    found.setdefault(key, surface)
    return found


@dataclass(frozen=True)
class Rewrite:
    text: str  # the question with matched kana replaced by the corpus's spelling
    replaced: tuple[tuple[str, str], ...]  # (as typed, as the corpus spells it)


class ReadingIndex:
    """Finds corpus words inside the kana runs of a question."""

    def __init__(self, readings: dict[str, str]):
        self.readings = readings
        self.longest = max((len(k) for k in readings), default=0)

    def rewrite(self, question: str) -> Rewrite:
        """Replace, left to right and longest first, each kana stretch that reads like a corpus word,
        in a question typed in kana; any other question is left as it is."""
        if hiragana_share(question) < KANA_TYPED_SHARE:
            return Rewrite(question, ())
        out, replaced, pos = [], [], 0
        for run in _KANA_RUN.finditer(question):
            out.append(question[pos : run.start()])
            out.append(self._rewrite_run(run.group(), replaced))
            pos = run.end()
        out.append(question[pos:])
        return Rewrite("".join(out), tuple(replaced))

    def _rewrite_run(self, run: str, replaced: list) -> str:
        key = reading_key(run)  # one key character per typed character, so the spans stay aligned
        if len(key) != len(run):  # an NFKC change of length; leave the run as typed
            return run
        grammar = _grammar_around(run)
        out, i = [], 0
        while i < len(run):
            for j in range(min(len(run), i + self.longest), i + MIN_KEY_CHARS - 1, -1):
                spelled = self.readings.get(key[i:j])
                if spelled and not grammar(i, j):
                    out.append(spelled)
                    if spelled != run[i:j]:
                        replaced.append((run[i:j], spelled))
                    i = j
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)


def hiragana_share(text: str) -> float:
    """Hiragana among the Japanese letters (kana and kanji); 0 when there are none.

    「らちもんだいってどうなってんの」 -> 1.0, 「拉致問題の現状は」 -> 0.25
    """
    letters = _JAPANESE_LETTER.findall(text)
    return sum(bool(_HIRAGANA.fullmatch(c)) for c in letters) / len(letters) if letters else 0.0


def _grammar_around(run: str):
    """A test for spans that are grammar rather than a word typed in kana, by Sudachi's reading of the run:
    a span starting on an auxiliary (し|ないよう|に) or followed by an ending that needs a verb stem
    (どうし|ます, どうし|て). A copula after a noun is fine (でんわ|で, ほっぽうりょうど|だ)."""
    from rag.language.sudachi import split

    auxiliary, needs_stem, pos = set(), set(), 0
    for m in split(run, "C"):
        kind = m.part_of_speech()[:2]
        if kind[0] == "助動詞":
            auxiliary.add(pos)
            if m.normalized_form() not in COPULA:
                needs_stem.add(pos)
        elif kind == ("助詞", "接続助詞"):
            needs_stem.add(pos)
        pos += len(m.surface())

    def grammar(i: int, j: int) -> bool:
        return i in auxiliary or j in needs_stem

    return grammar
