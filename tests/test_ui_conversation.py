"""A session's conversation: follow-up context, clearing, and feedback bound to the reply it rates."""

from __future__ import annotations

from rag.serve.feedback import append_feedback, gold_candidates
from rag.serve.ui.conversation import Conversation

from .conftest import answer_with_status


def card_for(engine, question, previous=None):
    return answer_with_status(engine, question, previous=previous, k=2)


def asked(conv, engine, question):
    return conv.add(question, card=card_for(engine, question, conv.context()), error=None, mode="hybrid")


def test_context_is_the_latest_answered_turn_and_clearing_drops_it(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    conv = conv.add("", card=None, error="the question is empty", mode="hybrid")  # a refused question is no context
    assert conv.context().question == "フィリピン沿岸警備隊への支援について教えて"
    conv = asked(conv, hash_engine, "それは何年から続いていますか")
    assert conv.turns[-1].card.reading.topic == "フィリピン沿岸警備隊への支援"
    cleared = conv.cleared()
    assert cleared.turns == () and cleared.context() is None
    assert asked(cleared, hash_engine, "それは何年から続いていますか").turns[-1].card.reading.topic is None


def test_a_vote_is_recorded_against_its_own_reply(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "OSAの予算は")
    conv = asked(conv, hash_engine, "中国とはどのような関係を築く方針ですか")
    first, second = conv.turns
    conv, record = conv.vote(first.id, "down")
    assert record["question"] == "OSAの予算は" and record["reply"] == f"s-{first.id}"
    assert record["cited"] == [s.chunk_id for s in first.card.passages]
    assert record["status"] == "answered" and record["rating"] == "down" and record["time"]
    assert conv.turn(first.id).vote == "down" and conv.turn(second.id).vote is None


def test_unclicking_records_cleared_and_switching_records_the_new_vote(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "OSAの予算は")
    turn_id = conv.turns[0].id
    ratings = []
    for clicked in ("up", "up", "down", "up", "up"):
        conv, record = conv.vote(turn_id, clicked)
        ratings.append(record["rating"])
    assert ratings == ["up", "cleared", "down", "up", "cleared"]
    assert conv.turn(turn_id).vote is None


def test_after_clearing_a_vote_lands_on_the_new_question_only(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "OSAの予算は")
    old_id = conv.turns[0].id
    conv = asked(conv.cleared(), hash_engine, "中国とはどのような関係を築く方針ですか")
    assert conv.vote(old_id, "down")[1] is None  # a vote from the page before clearing finds no reply
    new_id = conv.turns[0].id
    assert new_id != old_id
    assert conv.vote(new_id, "down")[1]["question"] == "中国とはどのような関係を築く方針ですか"


def test_bad_votes_are_ignored(hash_engine):
    conv = asked(Conversation(), hash_engine, "OSAの予算は")
    conv = conv.add("", card=None, error="the question is empty", mode="hybrid")
    assert conv.vote(conv.turns[0].id, "meh")[1] is None
    assert conv.vote(conv.turns[1].id, "down")[1] is None  # a refused question has nothing to rate
    assert conv.vote(99, "up")[1] is None


def test_gold_candidates_take_each_replys_last_vote(tmp_path, hash_engine):
    path = tmp_path / "feedback.jsonl"
    conv = asked(Conversation(session="s"), hash_engine, "OSAの予算は")
    conv = asked(conv, hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    conv = asked(conv, hash_engine, "それは何年から続いていますか")
    a, b, c = (t.id for t in conv.turns)
    for turn_id, clicked in ((a, "down"), (a, "down"), (b, "down"), (b, "up"), (c, "down")):
        conv, record = conv.vote(turn_id, clicked)
        append_feedback(path, record)
    rows = gold_candidates(path)
    # a: down then withdrawn; b: changed to up; c: a follow-up, listed as it was searched
    assert [r["question"] for r in rows] == ["フィリピン沿岸警備隊への支援 それは何年から続いていますか"]
    assert rows[0]["cited"] == [s.chunk_id for s in conv.turn(c).card.passages]


def test_a_reply_that_did_not_answer_is_no_context(hash_engine):
    """The weather in Tokyo, then 「こんにちは」: the greeting is not read as a follow-up of the weather."""
    conv = Conversation().add(
        "今日の東京の天気は？",
        card=answer_with_status(hash_engine, "今日の東京の天気は？", "not_covered"),
        error=None,
        mode="hybrid",
    )
    assert conv.context() is None
    conv = asked(conv, hash_engine, "OSAの予算について教えて")
    assert conv.context() is not None
    greeting = answer_with_status(hash_engine, "こんにちは", "not_a_question")
    assert conv.add("こんにちは", card=greeting, error=None, mode="hybrid").context() is None


def test_undo_of_clear_brings_back_the_turns_their_votes_and_context_until_a_new_question(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    conv, _ = conv.vote(conv.turns[-1].id, "up")
    restored = conv.cleared().restored()
    assert restored.turns == conv.turns and restored.turns[-1].vote == "up"
    assert restored.context() == conv.context() and restored.undo == ()
    assert restored.restored() == restored  # nothing left to undo
    moved_on = asked(conv.cleared(), hash_engine, "中国とはどのような関係を築く方針ですか")
    assert moved_on.restored() == moved_on and len(moved_on.turns) == 1  # a new question ends the offer
    assert conv.cleared().cleared().restored().turns == conv.turns  # a second Clear does not lose the first


def test_a_thumbs_down_reason_is_recorded_as_that_vote_with_its_reason(hash_engine):
    conv = asked(Conversation(session="s"), hash_engine, "フィリピン沿岸警備隊への支援について教えて")
    turn_id = conv.turns[-1].id
    assert conv.explain(turn_id, "quote") == (conv, None)  # no thumbs-down yet: nothing to explain
    conv, _ = conv.vote(turn_id, "down")
    assert conv.explain(turn_id, "<script>") == (conv, None)  # only the fixed list
    conv, record = conv.explain(turn_id, "quote")
    assert (record["rating"], record["reason"], record["reply"]) == ("down", "quote", f"s-{turn_id}")
    conv, record = conv.vote(turn_id, "up")  # another vote drops the reason
    assert "reason" not in record and conv.turns[-1].reason is None
