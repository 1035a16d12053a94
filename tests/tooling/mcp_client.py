"""A blocking MCP client for tests and scripts: the SDK's own ClientSession, over stdio (spawning
`rag mcp`) or streamable HTTP, kept open on an event loop in a thread of its own.

    with stdio_session(env={"RAG_EMBED_MODEL": "hash"}) as client:
        client.list_tools()
        result = client.call("search", {"question": "OSAの予算は", "k": 3})
        result.structured_content["hits"][0]["start"]
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from contextlib import contextmanager

from rag.paths import PROJECT_ROOT

CALL_SECONDS = 120
OPEN_SECONDS = 300  # `rag mcp` loads the model (and builds a missing index) before it answers initialize


class BlockingSession:
    """One open ClientSession; `call` and `list_tools` block until the server answers."""

    def __init__(self, connect, *, open_timeout: float = OPEN_SECONDS):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mcp-client", daemon=True)
        self._thread.start()
        self._stop: asyncio.Event | None = None
        self._task = None
        try:
            self.initialized = self._run(self._open(connect), open_timeout)
        except BaseException:
            self._shutdown()
            raise

    def list_tools(self):
        return self._run(self.session.list_tools(), CALL_SECONDS).tools

    def call(self, name: str, arguments: dict | None = None, *, timeout: float = CALL_SECONDS):
        return self._run(self.session.call_tool(name, arguments or {}), timeout)

    def close(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            try:
                asyncio.run_coroutine_threadsafe(asyncio.wait_for(self._task, 30), self._loop).result(60)
            except Exception:  # noqa: BLE001 - closing must not hide the test's own failure
                pass
        self._shutdown()

    def _run(self, coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _open(self, connect):
        self._stop = asyncio.Event()
        ready = self._loop.create_future()
        self._task = asyncio.ensure_future(self._hold(connect, ready))
        return await ready

    async def _hold(self, connect, ready) -> None:
        """Enter and leave the transport and session in this one task, as anyio requires."""
        from mcp.client.session import ClientSession

        try:
            async with connect() as (read, write), ClientSession(read, write) as session:
                self.session = session
                ready.set_result(await session.initialize())
                await self._stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            elif not isinstance(exc, asyncio.CancelledError):
                raise

    def _shutdown(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)

    def __enter__(self) -> BlockingSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def rag_mcp_parameters(env: dict | None = None, args: tuple[str, ...] = ()):
    """How a desktop client launches `rag mcp`: this interpreter, the project folder, extra environment."""
    from mcp.client.stdio import StdioServerParameters

    child_env = {k: v for k, v in os.environ.items() if k.startswith(("RAG_", "HF_", "PATH", "HOME"))}
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "rag.cli", "mcp", *args],
        env={**child_env, **(env or {})},
        cwd=str(PROJECT_ROOT),
    )


@contextmanager
def stdio_session(env: dict | None = None, *, errlog=None, open_timeout: float = OPEN_SECONDS):
    """`rag mcp` in a child process, with an initialized ClientSession on its stdin/stdout."""
    from mcp.client.stdio import stdio_client

    parameters = rag_mcp_parameters(env)
    with BlockingSession(
        lambda: stdio_client(parameters, errlog=errlog or sys.stderr), open_timeout=open_timeout
    ) as client:
        yield client


@contextmanager
def http_session(url: str):
    """A ClientSession on a running server's streamable-HTTP endpoint, e.g. http://127.0.0.1:7860/mcp."""
    from mcp.client.streamable_http import streamable_http_client

    with BlockingSession(lambda: streamable_http_client(url), open_timeout=CALL_SECONDS) as client:
        yield client
