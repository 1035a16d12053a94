"""What every request must pass before the app sees it: a loopback Host, no foreign Origin, a small body.

A web page in the user's browser can reach a server on 127.0.0.1. DNS rebinding makes the browser
send it requests under the attacker's host name, and a cross-origin "simple" POST runs without a
preflight. So, on every route (Gradio's own included):

    Host: rebind.evil.example            -> 400  (only loopback names and --allow-host ones)
    Origin: http://evil.example          -> 403  (an Origin must be this server's own)
    a body over 64 KiB, chunked or not   -> 413  (read at most that much, never the whole)
    a body not sent within 10 s          -> 408
    /gradio_api/upload                   -> 404  (the app has no upload control)

and every answer forbids framing (X-Frame-Options, CSP frame-ancestors) and cross-origin embedding.
Clients without an Origin (the CLI, gradio_client, curl) are not browsers and pass that check.
"""

from __future__ import annotations

import asyncio
import json

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
MAX_BODY_BYTES = 64 * 1024  # a question is at most 1,000 characters; Gradio's event bodies are a few KiB
BODY_SECONDS = 10.0  # loopback clients send a body in milliseconds; a slow one is holding a worker
CLOSED_PREFIXES = ("/gradio_api/upload",)  # upload and upload_progress: no component takes files
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"referrer-policy", b"no-referrer"),
)


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Loopback names, the address the server is bound to (unless a wildcard) and `--allow-host` names."""
    names = {host_name(n) for n in (bind_host, *extra)} - WILDCARDS
    return LOOPBACK | names


def host_name(host: str) -> str:
    """The name part of a Host header, lower-cased: "[::1]:7860" -> "::1", "LocalHost.:80" -> "localhost"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


class Guard:
    """ASGI middleware around the whole app (rag/serve/ui/app.py puts it outermost)."""

    def __init__(self, app, *, hosts: frozenset[str], max_body: int = MAX_BODY_BYTES, body_seconds=BODY_SECONDS):
        self.app, self.hosts, self.max_body, self.body_seconds = app, hosts, max_body, body_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await reply(send, *refusal)
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            return await reply(send, 413, f"the request body is over the {self.max_body // 1024} KiB limit")
        try:
            async with asyncio.timeout(self.body_seconds):
                body, disconnected = await self._read_body(receive)
        except TimeoutError:
            return await reply(send, 408, f"the request body did not arrive within {self.body_seconds:.0f} s")
        if body is None:
            return await reply(send, 413, f"the request body is over the {self.max_body // 1024} KiB limit")
        if disconnected:
            return None
        return await self.app(scope, _replay(body, receive), _with_headers(send))

    def refusal(self, scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            return 400, (
                f"this server answers only to {', '.join(sorted(self.hosts))} as a host name, not {host!r}; "
                "start it with --allow-host NAME to serve it under another name"
            )
        origin = headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1].rstrip("/").lower() != host.lower():
            return 403, f"requests from other web pages ({origin!r}) are refused"
        if scope["type"] == "http" and scope["path"].startswith(CLOSED_PREFIXES):
            return 404, "this server takes no uploads"
        return None

    async def _read_body(self, receive) -> tuple[bytes | None, bool]:
        """The whole body, or None once it passes the limit; chunked bodies are counted as they come."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None, False
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def _replay(body: bytes, receive):
    """The app reads the body already read, then whatever comes next (a disconnect)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _with_headers(send):
    async def sending(message):
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending


async def reply(send, status: int, error: str) -> None:
    """A refusal: `{"error": "<one sentence>"}`, with the same headers as every other answer."""
    body = json.dumps({"error": error}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
