"""Asking a running `rag serve` instead of loading the model here: what makes `rag ask` quick.

Standard library only, so nothing heavy is imported on this path:

    server = find_server(url=None, index_dir=Path("index"), corpus_dir=Path("corpus"), model=None)
    if server:                       # a server of ours over the same index and model is on the default port
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
from rag.serve import proof

PREFIX = "/rag/v1"  # rag.serve.http_api.PREFIX (not imported: that module loads the answer code)
PROBE_SECONDS = 0.5  # looking for a server on the default port must not slow down a local run
ANSWER_SECONDS = 120
MAX_REPLY_BYTES = 16 * 2**20  # 20 passages of text and JSON are ~100 KB; a server sending more is not ours
DEFAULT_MODEL_NAMES = {None, "", "default", "multilingual-e5-small", "intfloat/multilingual-e5-small"}


def default_url() -> str:
    """Where `rag serve` listens unless told otherwise (its --port default)."""
    return f"http://127.0.0.1:{os.environ.get('GRADIO_SERVER_PORT', '7860')}"


class ServerClient:
    """A `rag serve` at `url`; with `key` (the index folder's, rag/serve/proof.py) every reply must be
    signed with it, so a server run by someone else cannot answer for ours."""

    def __init__(self, url: str, *, key: bytes | None = None):
        self.url, self.key = url.rstrip("/"), key

    def info(self, *, timeout: float = PROBE_SECONDS) -> dict:
        """What the server says it serves; with a key, "proven" says whether it signed our nonce."""
        nonce = proof.new_nonce()
        info, _, _ = self._call("GET", f"/info?nonce={nonce}", None, timeout)
        if self.key is not None:
            claimed = {k: v for k, v in info.items() if k != "proof"}
            info["proven"] = proof.verify(self.key, "info", nonce, proof.canonical(claimed), info.get("proof"))
        return info

    def search(self, question: str, *, k: int, mode: str, sources: list[str] | None = None) -> dict:
        """{"json": the `rag search --json` object, "text": the `rag ask` text, "build", "notice"};
        RagError for bad input, and for a reply not signed with the key."""
        body = {"question": question, "k": k, "mode": mode, "sources": sources}
        nonce = proof.new_nonce()
        reply, raw, headers = self._call("POST", "/search", body, ANSWER_SECONDS, nonce=nonce)
        if self.key is not None and not proof.verify(self.key, "search", nonce, raw, headers.get(proof.PROOF_HEADER)):
            raise RagError(f"the server at {self.url} did not sign its answer with this index's key; use --local")
        return reply

    def _call(self, method: str, path: str, body, timeout: float, *, nonce: str | None = None):
        """One request: (JSON reply, its raw bytes, headers). http.client rather than urllib.request,
        which imports far more."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        parts = urlsplit(self.url)
        if parts.scheme != "http" or not parts.hostname:
            raise RagError(f"--server wants an http:// URL such as {default_url()}, not {self.url!r}")
        headers = {"Content-Type": "application/json"}
        if nonce is not None:
            headers[proof.NONCE_HEADER] = nonce
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        try:
            connection.request(method, parts.path.rstrip("/") + PREFIX + path, body=data, headers=headers)
            response = connection.getresponse()
            status, raw, received = response.status, response.read(MAX_REPLY_BYTES + 1), response.headers
        except (OSError, http.client.HTTPException) as exc:
            raise RagError(f"cannot reach a rag server at {self.url} ({exc}); start one with: rag serve") from None
        finally:
            connection.close()
        try:
            payload = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_REPLY_BYTES else None
        except ValueError:
            payload = None
        if status == 200 and isinstance(payload, dict):
            return payload, raw, received
        if isinstance(payload, dict) and isinstance(payload.get("error"), str):
            raise RagError(payload["error"])  # the question's own problem, as the engine words it
        raise RagError(f"{self.url} is not a rag server, or a broken one (HTTP {status}); see its log")


def find_server(
    *, url: str | None, index_dir: Path, corpus_dir: Path, model: str | None, log=None
) -> ServerClient | None:
    """The server to ask: the one named by `url`, else one on the default port that proves it holds
    this index folder's key and serves the same index, corpus and model as this command would use;
    None to answer locally."""
    if url:
        server = ServerClient(url)
        server.info(timeout=5)  # fails with a clear line if there is no rag server there
        return server
    key = proof.server_key(index_dir)
    if key is None:
        return None  # no `rag serve` of ours has run on this index: nothing could prove itself
    server = ServerClient(default_url(), key=key)
    try:
        info = server.info()
    except RagError:
        return None
    if not serves(info, index_dir=index_dir, corpus_dir=corpus_dir, model=model):
        return None
    if not info.get("proven"):
        if log is not None:
            log(
                f"note: the server at {server.url} says it serves this index but cannot prove it "
                f"(it does not hold {proof.key_path(index_dir)}); answering here"
            )
        return None
    return server


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
