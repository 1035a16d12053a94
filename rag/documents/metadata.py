"""What a citation needs that a document's text may not say: who issued it, its title, date and original
address, from a sidecar file beside it: `corpus/NAME.meta.toml` for `corpus/NAME.txt` (or .md, .pdf).

    title = "外交力の強化について"
    issuer = "外務省"
    issuer_en = "Ministry of Foreign Affairs of Japan"   # for English readers; optional
    date = "2026-03"                                    # as precise as known; optional
    url = "https://www.mofa.go.jp/..."                  # the original; optional
    examples = ["OSAの令和8年度の予算はいくらですか"]     # questions it answers, shown on the web UI's
                                                        # first screen; optional

Every key is optional; a sidecar that cannot be read is skipped with a note, never fatal (a citation then
falls back to the document's own title). The sidecar is not indexed text: it is read when a build loads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("title", "issuer", "issuer_en", "date", "url")
SUFFIX = ".meta.toml"


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None
    issuer_en: str | None = None
    date: str | None = None
    url: str | None = None
    examples: tuple[str, ...] = ()


def sidecar_path(corpus_dir: Path, source: str) -> Path:
    """corpus/a/b.txt -> corpus/a/b.meta.toml"""
    path = corpus_dir / source
    return path.with_name(path.stem + SUFFIX) if path.suffix else path.with_name(path.name + SUFFIX)


def read_meta(corpus_dir: Path, source: str, *, log=print) -> DocumentMeta:
    """The sidecar's fields; a missing one gives an empty record, a broken one a note and an empty record."""
    path = sidecar_path(corpus_dir, source)
    root = corpus_dir.resolve()
    try:
        if not path.resolve().is_relative_to(root):  # the corpus boundary holds for sidecars too
            return DocumentMeta()
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DocumentMeta()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log(f"note: {path.name} could not be read ({type(exc).__name__}); citing {source} without it")
        return DocumentMeta()
    fields = {k: str(v).strip() for k, v in data.items() if k in FIELDS and isinstance(v, str | int) and str(v).strip()}
    examples = data.get("examples", ())
    if isinstance(examples, list):  # anything else is ignored, as a field of the wrong type is
        fields["examples"] = tuple(q.strip() for q in examples if isinstance(q, str) and q.strip())
    return DocumentMeta(**fields)
