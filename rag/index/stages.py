"""Named points inside a build, so a caller can watch it (or a test stop it there): embedded, written, renamed.

stages.watch(print)   # prints "embedded", "written", "renamed" as a build passes them
"""

from __future__ import annotations

from collections.abc import Callable

_watchers: list[Callable[[str], None]] = []


def watch(callback: Callable[[str], None]) -> None:
    _watchers.append(callback)


def reached(stage: str) -> None:
    for callback in _watchers:
        callback(stage)
