"""A small JSON API on the web server, so `rag ask`/`rag search` can answer without loading a model.

    GET  /rag/v1/info   -> {"service": "rag", "index_dir", "corpus_dir", "model", "build"}
    POST /rag/v1/search {"question": "OSAの予算", "k": 3, "mode": "hybrid", "sources": null}
         -> 200 {"json": <the `rag search --json` object>, "text": <what `rag ask` prints>}
         -> 400 {"error": "the question is empty; ..."}

One request, one JSON answer: lighter for a command-line client than Gradio's queue protocol.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from rag.errors import RagError
from rag.index import store

PREFIX = "/rag/v1"


def describe(engine) -> dict:
    """What a client compares with its own settings before trusting this server's answers."""
    return {
        "service": "rag",
        "index_dir": str(Path(engine.index_dir).resolve()),
        "corpus_dir": str(Path(engine.corpus_dir).resolve()),
        "model": engine.embedder.name,
        "build": store.build_id(engine.index_dir),
    }


def answer(engine, body) -> tuple[int, dict]:
    """(HTTP status, JSON body) for one search request."""
    if not isinstance(body, dict):
        return 400, {"error": 'send a JSON object: {"question": ..., "k": ..., "mode": ..., "sources": [...]}'}
    sources = body.get("sources")
    if sources is not None and not (isinstance(sources, list) and all(isinstance(s, str) for s in sources)):
        return 400, {"error": "sources must be a list of document names"}
    try:
        result = engine.ask(body.get("question"), k=body.get("k", 5), mode=body.get("mode", "hybrid"), sources=sources)
    except RagError as exc:
        return 400, {"error": str(exc)}
    return 200, {"json": result.to_json(), "text": result.to_text()}


def mount(app, engine) -> None:
    """Add the routes to the server's FastAPI app (Gradio's, once it is launched)."""

    async def info() -> JSONResponse:
        return JSONResponse(describe(engine))

    async def search(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        status, payload = await run_in_threadpool(answer, engine, body)
        return JSONResponse(payload, status_code=status)

    app.add_api_route(f"{PREFIX}/info", info, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{PREFIX}/search", search, methods=["POST"], include_in_schema=False)
