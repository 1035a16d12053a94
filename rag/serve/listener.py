"""The HTTP listener: uvicorn, with a deadline for each request's head and a cap on connections.

uvicorn times out idle kept-alive connections but not a request head that never ends: 1,100
connections each sending a header line now and then were all held (slowloris). Here a connection
must deliver a complete request head within HEAD_SECONDS of opening or of its last answer, and
beyond MAX_CONNECTIONS open connections or running requests new requests get 503 at once.

    server = start(app, host="127.0.0.1", port=7860)   # returns once it accepts connections
    server.close()
"""

from __future__ import annotations

import threading
import time

HEAD_SECONDS = 10.0  # a browser or the CLI sends its request head in one packet
KEEP_ALIVE_SECONDS = 5  # uvicorn's default: an idle kept-alive connection is closed after it
MAX_CONNECTIONS = 256  # open connections plus running requests; Gradio holds one stream per open tab
STARTUP_SECONDS = 30


def _protocol_class():
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadDeadlineProtocol(H11Protocol):
        """h11 with a timer running whenever the connection waits for a request head."""

        _head_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()  # a whole head arrived: the request runs under the app's own limits

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's head is held to the same deadline

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_late)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_late(self) -> None:
            self._head_timer = None
            if self.cycle is None or self.cycle.response_complete:
                self.transport.close()

    return HeadDeadlineProtocol


class Listener:
    def __init__(self, server, thread: threading.Thread):
        self.server, self.thread = server, thread

    def wait(self) -> None:
        """Until the server stops (close(), or Ctrl-C / SIGTERM in the main thread)."""
        while self.thread.is_alive():
            self.thread.join(timeout=1)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start(app, *, host: str, port: int) -> Listener:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host.strip("[]"),
        port=port,
        http=_protocol_class(),
        ws="none",  # Gradio 6 talks over HTTP and server-sent events
        lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        log_level="warning",
        server_header=False,
    )
    server = uvicorn.Server(config)  # run in a thread, it leaves Ctrl-C and SIGTERM to the main thread
    thread = threading.Thread(target=server.run, name="rag-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise OSError(f"cannot serve on {host}:{port}: the port is in use or not allowed; try --port")
        time.sleep(0.01)
    return Listener(server, thread)
