"""Text bound for a terminal: control characters and bidi overrides made harmless, names shown escaped.

Corpus text and file names come from whoever wrote the files. Printed raw, an ESC or OSC sequence
retitles or clears the terminal, a CR overwrites a line, a bidi override reverses what follows and a
newline in a file name forges a line of its own:

    safe_text("ok\\x1b]0;owned\\x07\\n")  -> "ok\\ufffd]0;owned\\ufffd\\n"
    shown("notes\\n.md")                 -> "'notes\\\\n.md'"   (as repr escapes it; plain names stay plain)
"""

from __future__ import annotations

import json
import os
import re

# C0 controls but newline and tab, DEL, C1 controls (0x9b is a one-byte CSI), and the bidi embeddings,
# overrides, isolates and marks that reorder what a reader sees.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same inside JSON strings: json.dumps already escapes C0, so only what it leaves raw.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
REPLACEMENT = "\ufffd"


def safe_text(text: str) -> str:
    """Text to print for people: every unsafe character becomes U+FFFD; newlines and tabs stay."""
    return _UNSAFE.sub(REPLACEMENT, text)


def safe_json(record, **options) -> str:
    """JSON with the characters a terminal would act on escaped (\\u009b); the data is unchanged."""
    text = json.dumps(record, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown(name) -> str:
    """A file name or path for a note or an error: as it is when every character is printable, else
    as Python's repr escapes it, so a name cannot forge lines or reorder the message around it."""
    text = os.fsdecode(name) if isinstance(name, (bytes, os.PathLike)) else str(name)
    return text if text.isprintable() else repr(text)
