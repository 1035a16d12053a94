"""The why/how reading behind scripts/why_quote_check.py: what a question asks, what a sentence gives."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from clauses import MEANS, REASON, asked_clause, gives_clause  # noqa: E402


def test_a_why_word_or_an_asked_reason_asks_a_reason():
    assert asked_clause("江戸幕府はなぜ鎖国をしたのか") == REASON
    assert asked_clause("城を移した理由は？") == REASON
    assert asked_clause("この祭りは何のために行われるのですか") == REASON
    assert asked_clause("Why did the empire fall?") == REASON


def test_how_asks_a_means_but_not_how_many():
    assert asked_clause("どうやって塩を作るのですか") == MEANS
    assert asked_clause("How do bees find flowers?") == MEANS
    assert asked_clause("How many bees live in a hive?") is None


def test_words_that_only_look_like_why_ask_nothing_of_the_kind():
    assert asked_clause("観測を目的としたシステムを何と言う？") is None  # 目的 is not what is asked
    assert asked_clause("この料理はなんでしょう") is None  # 何でしょう
    assert asked_clause("今後どうしていきますか") != REASON  # "do how", not "why"


def test_a_sentence_gives_a_reason_or_a_means_by_its_markers():
    assert gives_clause("雨が降ったので、試合は中止された。", REASON)
    assert gives_clause("交易路を守るため、砦が築かれた。", REASON)
    assert gives_clause("新しい市場を開くべく、港を広げた。", REASON)
    assert not gives_clause("これは重要なのである。", REASON)
    assert gives_clause("話し合いを通じて解決した。", MEANS)
    assert gives_clause("海水を煮詰めることで塩を得る。", MEANS)
    assert not gives_clause("外国からの使節が来た。", MEANS)
    assert gives_clause("The dam was built because floods were common.", REASON)
