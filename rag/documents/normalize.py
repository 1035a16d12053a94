"""Search normalisation: one form of extracted text for embedding and BM25, mapped back to exact offsets.

Citations always point into the stored text as extracted; only what the model and BM25 see is normalised:

    "外交⼒の強\n化（概観）" -> "外交力の強化(概観)"   (a Kangxi radical, a line break inside a word, full width)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Radical and stroke forms that NFKC leaves alone, paired with their unified ideographs: from Unicode's
# EquivalentUnifiedIdeograph.txt (15.0). PDF text layers carry them when a font shares one glyph between
# a radical and its ideograph (Noto CJK: 「⻑」 for 長). NFKC itself maps the Kangxi radicals U+2F00-U+2FD5.
RADICALS = (
    "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑⺕𫜹⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺠民"
    "⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑⺾艹"
    "⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞"
    "⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀㇆𠃌㇏乀㇐一㇑丨㇒丿㇓丿㇔丶㇕𠃍"
    "㇖乛㇗𠃊㇘𠃎㇙𠄌㇚亅㇛𡿨㇜𠃋㇝乀㇞𠃑㇟乚㇠乙㇡𠄎"
)
LOOKALIKES = {"\u2027": "・"}  # HYPHENATION POINT: Noto CJK draws 「・」 with its glyph, and PDF text maps back to it
_MAP = {ord(a): b for a, b in zip(RADICALS[::2], RADICALS[1::2], strict=True)}
_MAP |= {ord(k): v for k, v in LOOKALIKES.items()}
_JOINERS = "\u3099\u309a\uff9e\uff9f"  # (half-width) voiced sound marks, composed with the kana before them
# Characters NFKC and the tables leave as they are: kana, unified ideographs, ASCII letters and digits.
_STABLE = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9、。「」]+")
# Markdown emphasis (also in the slide export). Kept for the model by default: it marks the key phrases,
# and dropping it cost 2 of 118 gold questions at hit@1 (docs/decisions.md). Matching drops it.
MARKUP = "**"
SENTENCE_END = "。．！？!?.:："


@dataclass(frozen=True)
class Normalized:
    """The search form of a text; `spans[i]` is the [start, end) in the source that gave `text[i]`."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Where text[start:end] came from in the source."""
        return self.spans[start][0], self.spans[end - 1][1]


def search_form(text: str, *, drop_markup: bool = False) -> str:
    """What is embedded and BM25-indexed for `text` (with `drop_markup`: what answers are matched in)."""
    return normalize(text, drop_markup=drop_markup).text


def normalize(text: str, *, drop_markup: bool = False) -> Normalized:
    """NFKC, radicals to ideographs, line breaks inside a sentence joined, spaces collapsed, `**` kept
    unless `drop_markup`."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        stable = _STABLE.match(text, i)
        if stable:  # the common case, copied as it is
            end = stable.end()
            if end < n and _joins(text[end]):
                end -= 1  # the last character composes with the mark after it
            chars.extend(text[i:end])
            spans.extend(zip(range(i, end), range(i + 1, end + 1), strict=True))
            if end > i:
                i = end
                continue
        if drop_markup and text.startswith(MARKUP, i):
            i += len(MARKUP)
            continue
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            joint = _whitespace(text[i:j], chars[-1] if chars else "", _form(text[j]) if j < n else "")
            if joint and chars:
                chars.append(joint)
                spans.append((i, j))
            i = j
            continue
        j = i + 1
        while j < n and _joins(text[j]):
            j += 1
        for ch in _form(text[i:j]):
            chars.append(ch)
            spans.append((i, j))
        i = j
    while chars and chars[-1].isspace():
        chars.pop()
        spans.pop()
    return Normalized("".join(chars), tuple(spans))


def _form(piece: str) -> str:
    return unicodedata.normalize("NFKC", piece).translate(_MAP)


def _joins(ch: str) -> bool:
    return bool(unicodedata.combining(ch)) or ch in _JOINERS


def locate(text: str, phrase: str) -> tuple[int, int] | None:
    """The source span of the first match of `phrase` in `text`, both compared in search form, markup dropped."""
    haystack, needle = normalize(text, drop_markup=True), search_form(phrase, drop_markup=True)
    at = haystack.text.find(needle) if needle else -1
    return None if at < 0 else haystack.source_span(at, at + len(needle))


def _whitespace(run: str, before: str, after: str) -> str:
    """A run of spaces becomes one space; a blank line a line break; a single line break inside a
    sentence nothing between two wide (CJK) characters, else a space."""
    breaks = run.count("\n") + run.count("\r") - run.count("\r\n")
    if breaks == 0:
        return " "
    if breaks > 1 or not before or before in SENTENCE_END or not unicodedata.category(after or " ").startswith("L"):
        return "\n"
    return "" if _wide(before) and _wide(after) else " "


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"
