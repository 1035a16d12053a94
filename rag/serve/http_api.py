"""A small JSON API on the web server, so `rag ask`/`rag search` can answer without loading a model.

    GET  /rag/v1/info?nonce=N -> {"service": "rag", "index_dir", "corpus_dir", "model", "build", "current",
                                  "notice", "proof"}
    POST /rag/v1/search  (Content-Type: application/json, at most 64 KiB, X-Rag-Nonce: N)
         {"question": "OSAの予算", "k": 3, "mode": "hybrid", "sources": null}
         -> 200 {"json": <the `rag search --json` object>, "text": <what `rag ask` prints>,
                 "build": <the build that answered>, "notice": <why a local run would refuse, or null>}
            with X-Rag-Proof: the HMAC of N and the body under the index folder's key (rag/serve/proof.py)
         -> 400/415/503 {"error": "<one sentence>"}

`build` is the build actually answering: after a damaged build is switched in, the server keeps the
last good one, and `notice` says what a local `rag ask` would say instead (the refused build's
error, or "corpus differs from the index"). One request, one JSON answer: lighter for a
command-line client than Gradio's queue protocol. Host, Origin and body size are checked before
any of this runs (rag/serve/guard.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from rag.documents.chunking import CHUNKER_VERSION
from rag.documents.corpus import corpus_hashes
from rag.errors import RagError, disk_error
from rag.index import store
from rag.inputs import parse_json_object, validate_sources
from rag.serve import proof

PREFIX = "/rag/v1"
CONCURRENCY = 2  # questions computed at once (two cores: more only queue inside torch); the UI's queue too
WAITING = 64  # questions waiting beyond that get a clean "busy" answer, here and in the UI's queue


class Service:
    """What the API needs besides the engine: the proof key, the corpus hashes memo, the question slots."""

    def __init__(self, engine, *, key: bytes | None):
        self.engine, self.key = engine, key
        self._hashes_memo: dict = {}  # corpus file -> (stat signature, sha256): one read per change
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._waiting = 0

    def describe(self) -> dict:
        """What a client compares with its own settings before trusting this server's answers."""
        engine = self.engine
        return {
            "service": "rag",
            "index_dir": str(Path(engine.index_dir).resolve()),
            "corpus_dir": str(Path(engine.corpus_dir).resolve()),
            "model": engine.embedder.name,
            "build": self._live_build(),
            "current": store.build_id(engine.index_dir),
            "notice": self.notice(),
        }

    def notice(self) -> str | None:
        """Why a local run would refuse to answer now, though this server still can: a newer build it
        refused (its error, as loading it says), or corpus files changed since the build it answers from."""
        engine = self.engine
        if engine.reload_error:
            return engine.reload_error
        try:
            manifest = engine.live().retriever.index.manifest
            corpus = corpus_hashes(engine.corpus_dir, memo=self._hashes_memo)
            store.check_fresh(manifest, corpus=corpus, embedder=engine.embedder.identity, chunker=CHUNKER_VERSION)
        except RagError as exc:  # IndexStaleError: "corpus differs from the index (changed: ...); run: rag build"
            return str(exc)
        except OSError as exc:  # a corpus file became unreadable
            return str(disk_error(exc, writing=False))
        return None

    def _live_build(self) -> str | None:
        try:
            return self.engine.live().build
        except RagError:
            return None

    def answer(self, body: dict) -> tuple[int, dict]:
        """(HTTP status, JSON body) for one search request."""
        try:
            sources = validate_sources(body.get("sources"))
            build = self._live_build()
            result = self.engine.ask(
                body.get("question"), k=body.get("k", 5), mode=body.get("mode", "hybrid"), sources=sources
            )
        except RagError as exc:
            return 400, {"error": str(exc)}
        return 200, {"json": result.to_json(), "text": result.to_text(), "build": build, "notice": self.notice()}

    async def answer_in_turn(self, body: dict) -> tuple[int, dict]:
        """At most CONCURRENCY questions computed at once and WAITING queued, as in the UI's queue."""
        if self._waiting >= WAITING:
            return 503, {"error": "the server is busy; ask again in a moment"}
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        try:
            return await run_in_threadpool(self.answer, body)
        finally:
            self._slots.release()


def describe(engine) -> dict:
    return Service(engine, key=None).describe()


def answer(engine, body) -> tuple[int, dict]:
    """For scripts and tests: one request body (already parsed) through the API's checks."""
    if not isinstance(body, dict):
        return 400, {"error": 'send a JSON object: {"question": ..., "k": ..., "mode": ..., "sources": [...]}'}
    return Service(engine, key=None).answer(body)


def mount(app, engine, *, key: bytes | None) -> Service:
    """Add the routes to the server's FastAPI app, before Gradio is mounted at "/"."""
    service = Service(engine, key=key)

    async def info(request: Request) -> JSONResponse:
        described = await run_in_threadpool(service.describe)
        nonce = request.query_params.get("nonce")
        if service.key is not None and proof.valid_nonce(nonce):
            described["proof"] = proof.sign(service.key, "info", nonce, proof.canonical(described))
        return JSONResponse(described)

    async def search(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind != "application/json":
            return JSONResponse({"error": "send the question as Content-Type: application/json"}, status_code=415)
        try:
            body = parse_json_object(await request.body())
        except RagError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        status, payload = await service.answer_in_turn(body)
        response = JSONResponse(payload, status_code=status)
        nonce = request.headers.get(proof.NONCE_HEADER)
        if service.key is not None and proof.valid_nonce(nonce):
            response.headers[proof.PROOF_HEADER] = proof.sign(service.key, "search", nonce, response.body)
        return response

    app.add_api_route(f"{PREFIX}/info", info, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{PREFIX}/search", search, methods=["POST"], include_in_schema=False)
    return service
