"""The one error type the project raises for problems a user can fix."""

from __future__ import annotations


class RagError(Exception):
    """A problem with input, corpus, index or model; the message says what to do next."""


class IndexStaleError(RagError):
    """The index on disk was built from another corpus, model or chunker."""


class IndexCorruptError(RagError):
    """An index file is unreadable or inconsistent with the others."""
