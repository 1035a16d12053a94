"""A session's conversation: its turns, the context a follow-up leans on, and votes bound to their reply."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from rag.answer.followup import Reading
from rag.answer.records import Answer

RATINGS = ("up", "down")
REASONS = ("wrong", "quote", "missing", "other")  # why a thumbs-down, optional: a short fixed list to count


@dataclass(frozen=True)
class Turn:
    """One question and its reply (an answer card, or the message saying why the question was refused)."""

    id: int  # unique within the session, never reused, even after the chat is cleared
    question: str
    card: Answer | None
    error: str | None
    mode: str
    asked_at: str
    vote: str | None = None  # "up", "down" or None
    reason: str | None = None  # with a "down" vote, one of REASONS when the reader gave one


@dataclass(frozen=True)
class Conversation:
    session: str = ""  # ties feedback records of one browser session together
    turns: tuple[Turn, ...] = ()  # oldest first
    next_id: int = 1
    undo: tuple[Turn, ...] = ()  # the turns Clear just removed, until the next question (the inline Undo)

    def context(self) -> Reading | None:
        """What a follow-up leans on: the reading of the latest reply, when it answered. A not-covered
        question (the weather in Tokyo) or a greeting gives a next message nothing to lean on."""
        latest = next((t.card for t in reversed(self.turns) if t.card is not None), None)
        return latest.reading if latest is not None and latest.status in ("answered", "partial") else None

    def add(self, question: str, *, card: Answer | None, error: str | None, mode: str) -> Conversation:
        turn = Turn(self.next_id, question, card, error, mode, now())
        return replace(self, turns=(*self.turns, turn), next_id=self.next_id + 1, undo=())

    def cleared(self) -> Conversation:
        """No turns and no context; ids keep counting so a vote from a stale page never lands on a new reply."""
        return replace(self, turns=(), undo=self.turns or self.undo)

    def restored(self) -> Conversation:
        """Undo of Clear: the cleared turns back, with their votes; nothing to undo once a question was asked."""
        if self.turns or not self.undo:
            return self
        return replace(self, turns=self.undo, undo=())

    def turn(self, turn_id: int) -> Turn | None:
        return next((t for t in self.turns if t.id == turn_id), None)

    def vote(self, turn_id: int, clicked: str) -> tuple[Conversation, dict | None]:
        """Clicking a thumb records it; clicking the pressed thumb again records "cleared", never a new vote.

        Returns the new conversation and the feedback record to append (None when the reply is gone).
        """
        turn = self.turn(turn_id)
        if clicked not in RATINGS or turn is None or turn.card is None:
            return self, None
        vote, rating = (None, "cleared") if turn.vote == clicked else (clicked, clicked)
        updated = replace(turn, vote=vote, reason=None)
        turns = tuple(updated if t.id == turn_id else t for t in self.turns)
        return replace(self, turns=turns), feedback_record(updated, rating, self.session)

    def explain(self, turn_id: int, reason: str) -> tuple[Conversation, dict | None]:
        """The optional reason for a thumbs-down: recorded as that vote again, with its reason (the last
        record of a reply is the one that counts). Ignored unless the reply's vote is "down"."""
        turn = self.turn(turn_id)
        if reason not in REASONS or turn is None or turn.vote != "down":
            return self, None
        updated = replace(turn, reason=reason)
        turns = tuple(updated if t.id == turn_id else t for t in self.turns)
        return replace(self, turns=turns), feedback_record(updated, "down", self.session)


def feedback_record(turn: Turn, rating: str, session: str) -> dict:
    """What `rag eval --feedback` reads: the reply's own question, passages, status and time."""
    card = turn.card
    return {
        "time": now(),
        "reply": f"{session}-{turn.id}" if session else str(turn.id),
        "rating": rating,
        "question": card.reading.question,
        "read_as": card.reading.shown,
        "searched": card.reading.query,
        "cited": [s.chunk_id for s in card.passages],
        "status": card.status,
        "abstained": card.status == "not_covered",
        "mode": turn.mode,
        "asked_at": turn.asked_at,
        **({"reason": turn.reason} if turn.reason else {}),
    }


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
