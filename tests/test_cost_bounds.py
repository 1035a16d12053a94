"""Bounds on what one request can cost: English words looked up per question, questions computed at once."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from rag.search.forms import QueryAnalyzer
from rag.serve import http_api
from rag.settings import RetrievalConfig

# ~140 distinct English-looking words the briefing does not spell, 1,000 characters: each one used to be
# embedded (with the real model, 13-19 s of CPU for such a question)
MANY = " ".join(f"{a}{b}word{s}" for s in ("", "ish", "ness") for a in "bcdfghjklmnp" for b in "aeiou")[:1000]


class CountingEmbedder:
    """The hashing embedder, counting the texts of each model call."""

    def __init__(self, embedder):
        self.embedder, self.calls = embedder, []

    def encode_queries(self, texts):
        self.calls.append(len(texts))
        return self.embedder.encode_queries(texts)


def analyzer(hash_engine, embedder, **settings) -> QueryAnalyzer:
    retriever = hash_engine.retriever()
    config = replace(retriever.config, match_at_least=-1.0, **settings)  # every unknown word is looked up
    return QueryAnalyzer(retriever.index.lexicon, retriever._vocab, bm25_mode="C", embedder=embedder, config=config)


def test_a_question_of_many_english_words_looks_up_at_most_the_cap(hash_engine, hash_embedder):
    counting = CountingEmbedder(hash_embedder)
    analyzer(hash_engine, counting).analyze(MANY, embed=True)
    cap = RetrievalConfig().max_translated_words
    assert counting.calls == [1 + cap]  # one model call: the question and the first `cap` words


def test_without_the_cap_every_word_would_be_embedded(hash_engine, hash_embedder):
    counting = CountingEmbedder(hash_embedder)
    analyzer(hash_engine, counting, max_translated_words=None).analyze(MANY, embed=True)
    assert counting.calls[0] > 100


def test_the_cap_is_recorded_with_the_index(hash_engine):
    manifest = hash_engine.retriever().index.manifest
    assert RetrievalConfig.from_manifest(manifest).max_translated_words == manifest["retrieval"]["max_translated_words"]


class BlockingService(http_api.Service):
    """Questions that hold their slot until released: the queue fills as under real load."""

    def __init__(self):
        super().__init__(engine=None, key=None)
        self.release, self.running = threading.Event(), 0

    def answer(self, body):
        self.running += 1
        self.release.wait(60)
        return 200, {"ok": body["n"]}


def test_the_json_api_computes_two_questions_at_once_queues_64_and_refuses_more():
    async def scenario():
        service = BlockingService()
        queued = [asyncio.create_task(service.answer_in_turn({"n": n})) for n in range(2 + http_api.WAITING)]
        await asyncio.sleep(0)  # one turn of the loop: every task has taken a slot or joined the queue
        assert service._waiting == http_api.WAITING
        refused = await service.answer_in_turn({"n": "one too many"})
        service.release.set()
        answered = await asyncio.gather(*queued)
        return service, refused, answered

    service, refused, answered = asyncio.run(scenario())
    assert refused == (503, {"error": "the server is busy; ask again in a moment"})
    assert [status for status, _ in answered] == [200] * (2 + http_api.WAITING) and service.running == 66
