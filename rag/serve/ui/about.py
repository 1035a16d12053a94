"""What the page says it is about, read from the live build: the heading, the line under it, the browser
tab's title, the question box's hint and the example questions. Another corpus is introduced as itself,
not as the briefing the app was first written for.

    about([Titled("外交力の強化について", meta)], {}, "en")
      -> About(title="Ask 「外交力の強化について」",
               intro="Answers come only from the text of 「外交力の強化について」, issued by the Ministry of ...",
               page_title="外交力の強化について · Q&A", placeholder="e.g. What does Japan do to counter ...", ...)

The examples are the ones the documents' sidecars give (`examples = [...]` in NAME.meta.toml), else the
questions the build checked the documents answer (rag.answer.judge_calibration records them).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.documents.metadata import DocumentMeta
from rag.language.script import is_japanese, quoted

EXAMPLES = 5  # buttons on the first screen
NAMED = 2  # titles named in the line under the heading when there are more documents


@dataclass(frozen=True)
class Titled:
    title: str  # the sidecar's title, else the document's own, else its file name
    meta: DocumentMeta


@dataclass(frozen=True)
class About:
    title: str
    intro: str
    page_title: str
    placeholder: str
    examples: tuple[str, ...]


def about(documents: list[Titled], recorded: dict[str, list[str]], lang: str) -> About:
    examples = tuple(q for d in documents for q in d.meta.examples)[:EXAMPLES]
    examples = examples or tuple(recorded.get(lang, ()))[:EXAMPLES]
    in_language = [q for q in examples if is_japanese(q) == (lang == "ja")]
    hint = (in_language or list(examples) or [""])[0]
    one = len(documents) == 1
    if lang == "ja":
        plain = documents[0].title if one else f"{len(documents)}件の資料"
        return About(
            title=(f"「{plain}」" if one else plain) + "に質問する",
            intro=_intro_ja(documents),
            page_title=f"{plain} · 質問応答",
            placeholder=f"例: {hint}" if hint else "資料について質問してください",
            examples=examples,
        )
    plain = documents[0].title if one else f"{len(documents)} documents"
    return About(
        title="Ask " + (quoted(plain) if one else plain),
        intro=_intro_en(documents),
        page_title=f"{plain} · Q&A",
        placeholder=f"e.g. {hint}" if hint else "Ask about the documents",
        examples=examples,
    )


def _intro_ja(documents: list[Titled]) -> str:
    if len(documents) == 1:
        issuer = f"{documents[0].meta.issuer}の" if documents[0].meta.issuer else ""
        what = f"{issuer}資料「{documents[0].title}」"
    else:
        named = "".join(f"「{d.title}」" for d in documents[:NAMED])
        what = f"{named}など{len(documents)}件の資料"
    return f"{what}の本文だけを根拠に、該当箇所を引用して答えます。日本語・英語のどちらでも質問できます。"


def _intro_en(documents: list[Titled]) -> str:
    if len(documents) == 1:
        issuer = documents[0].meta.issuer_en
        what = quoted(documents[0].title) + (f", issued by the {issuer}" if issuer else "")
    else:
        named = ", ".join(quoted(d.title) for d in documents[:NAMED])
        what = f"{len(documents)} documents ({named} and others)"
    return (
        f"Answers come only from the text of {what}, each quote cited to its passage. "
        "Ask in English or Japanese; passages are shown in the documents' own language."
    )
