"""Asking a running `rag serve` instead of loading the model here: what makes `rag ask` quick.

Standard library only, so nothing heavy is imported on this path:

    server = find_server(url=None, index_dir=Path("index"), corpus_dir=Path("corpus"), model=None)
    if server:                       # a server over the same index and model is on the default port
        reply = server.search("OSAの予算", k=3, mode="hybrid")
        print(reply["text"])         # exactly what a local `rag ask` prints; reply["json"] for --json
"""

from __future__ import annotations

import http.client
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

from rag.errors import RagError

PREFIX = "/rag/v1"  # rag.serve.http_api.PREFIX (not imported: that module loads the answer code)
PROBE_SECONDS = 0.5  # looking for a server on the default port must not slow down a local run
ANSWER_SECONDS = 120
DEFAULT_MODEL_NAMES = {None, "", "default", "multilingual-e5-small", "intfloat/multilingual-e5-small"}


def default_url() -> str:
    """Where `rag serve` listens unless told otherwise (its --port default)."""
    return f"http://127.0.0.1:{os.environ.get('GRADIO_SERVER_PORT', '7860')}"


class ServerClient:
    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def info(self, *, timeout: float = PROBE_SECONDS) -> dict:
        return self._call("GET", "/info", None, timeout)

    def search(self, question: str, *, k: int, mode: str, sources: list[str] | None = None) -> dict:
        """{"json": the `rag search --json` object, "text": the `rag ask` text}; RagError for bad input."""
        body = {"question": question, "k": k, "mode": mode, "sources": sources}
        return self._call("POST", "/search", body, ANSWER_SECONDS)

    def _call(self, method: str, path: str, body, timeout: float) -> dict:
        """One request; http.client rather than urllib.request, which imports far more."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        parts = urlsplit(self.url)
        if parts.scheme != "http" or not parts.hostname:
            raise RagError(f"--server wants an http:// URL such as {default_url()}, not {self.url!r}")
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            connection.request(
                method, parts.path.rstrip("/") + PREFIX + path, body=data, headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise RagError(f"cannot reach a rag server at {self.url} ({exc}); start one with: rag serve") from None
        finally:
            connection.close()
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            payload = None
        if status == 200 and isinstance(payload, dict):
            return payload
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            raise RagError(payload["error"])  # the question's own problem, as the engine words it
        raise RagError(f"{self.url} is not a rag server, or a broken one (HTTP {status}); see its log")


def find_server(*, url: str | None, index_dir: Path, corpus_dir: Path, model: str | None) -> ServerClient | None:
    """The server to ask: the one named by `url`, else one on the default port serving the same
    index, corpus and model as this command would use; None to answer locally."""
    if url:
        server = ServerClient(url)
        server.info(timeout=5)  # fails with a clear line if there is no rag server there
        return server
    server = ServerClient(default_url())
    try:
        info = server.info()
    except RagError:
        return None
    return server if serves(info, index_dir=index_dir, corpus_dir=corpus_dir, model=model) else None


def serves(info: dict, *, index_dir: Path, corpus_dir: Path, model: str | None) -> bool:
    """True when a server's answers are the ones this command would compute itself."""
    wanted = model if model is not None else os.environ.get("RAG_EMBED_MODEL")
    same_model = info.get("model") == wanted or (
        wanted in DEFAULT_MODEL_NAMES and info.get("model") == "intfloat/multilingual-e5-small"
    )
    return (
        info.get("service") == "rag"
        and same_model
        and info.get("index_dir") == str(Path(index_dir).resolve())
        and info.get("corpus_dir") == str(Path(corpus_dir).resolve())
    )
