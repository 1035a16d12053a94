"""What a web page in the user's browser (or a careless client) can do to a real `rag serve`: nothing.

Every request goes over a real socket to a real server (hashing embedder, so it starts quickly):
DNS rebinding, cross-origin simple requests, huge and chunked bodies, uploads, framing, half-sent
requests, and the inputs that used to crash (k = "²", deep JSON, a non-text `previous`, `sources: []`).
docs/integrity.md, "Security", lists each case with its answer.
"""

from __future__ import annotations

import http.client
import json
import socket

import pytest

from rag.serve.guard import BODY_SECONDS, MAX_BODY_BYTES
from rag.serve.listener import HEAD_SECONDS
from tests.tooling.launch import start_app

pytestmark = pytest.mark.slow

HASH = {"RAG_EMBED_MODEL": "hash"}
ALLOWED = "rag.example.test"
SEARCH = json.dumps({"question": "OSAの予算", "k": 2}).encode()


@pytest.fixture(scope="module")
def app(hash_built, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("gradio-tmp")
    env = {**HASH, "GRADIO_TEMP_DIR": str(uploads)}
    feedback = tmp_path_factory.mktemp("fb") / "feedback.jsonl"
    allow = ("--allow-host", ALLOWED)
    with start_app(
        corpus_dir=hash_built[0], index_dir=hash_built[1], feedback=feedback, env=env, extra_args=allow
    ) as running:
        running.uploads = uploads
        yield running


def call(app, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None, host=None):
    """(status, headers, JSON or text) of one request; `host` replaces the Host header as a rebinding page's would."""
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
    sent = dict(headers or {})
    if host is not None:
        sent["Host"] = host
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = raw.decode("utf-8", "replace")
    return response.status, {k.lower(): v for k, v in response.getheaders()}, payload


def search(app, body: bytes = SEARCH, **headers):
    return call(app, "POST", "/rag/v1/search", body=body, headers={"Content-Type": "application/json", **headers})


# --- DNS rebinding: only loopback names, on every route ------------------------------------------------


@pytest.mark.parametrize(
    "method, path", [("GET", "/rag/v1/info"), ("GET", "/config"), ("GET", "/gradio_api/info"), ("GET", "/")]
)
def test_a_rebinding_host_name_is_refused_on_every_route_gradios_included(app, method, path):
    status, _, body = call(app, method, path, host="rebind.evil.example")
    assert status == 400 and "rebind.evil.example" in body["error"] and "--allow-host" in body["error"]
    assert call(app, method, path, host=f"localhost:{app.port}")[0] == 200
    assert call(app, method, path, host=f"{ALLOWED}:{app.port}")[0] == 200  # named with --allow-host


def test_a_rebinding_page_cannot_reach_the_mcp_tools(app):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    status, _, reply = call(app, "POST", "/mcp", body=body, headers=headers, host="rebind.evil.example")
    assert status == 400 and "rebind.evil.example" in reply["error"]
    assert call(app, "POST", "/mcp", body=body, headers=headers)[0] == 200


def test_a_rebinding_page_cannot_search_the_corpus(app):
    status, _, body = call(
        app, "POST", "/rag/v1/search", body=SEARCH, headers={"Content-Type": "application/json"}, host="evil.example"
    )
    assert status == 400 and "json" not in body
    assert search(app)[0] == 200


# --- cross-origin simple requests ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", "application/json"])
def test_a_request_from_another_origin_is_refused_whatever_its_type(app, kind):
    status, _, body = call(
        app, "POST", "/rag/v1/search", body=SEARCH, headers={"Content-Type": kind, "Origin": "http://evil.example"}
    )
    assert status == 403 and body == {"error": "requests from other web pages ('http://evil.example') are refused"}


def test_gradios_own_routes_refuse_another_origin_too(app):
    join = json.dumps({"data": ["OSA", 3], "fn_index": 0, "session_hash": "abc"}).encode()
    status, _, _ = call(
        app, "POST", "/gradio_api/queue/join", body=join, headers={"Content-Type": "text/plain", "Origin": "null"}
    )
    assert status == 403


def test_the_api_wants_json_and_answers_its_own_origin(app):
    status, _, body = call(app, "POST", "/rag/v1/search", body=SEARCH, headers={"Content-Type": "text/plain"})
    assert (status, body) == (415, {"error": "send the question as Content-Type: application/json"})
    assert search(app, Origin=f"http://127.0.0.1:{app.port}")[0] == 200  # the page's own scripts


# --- bodies: capped, chunked ones counted, uploads closed ----------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(app):
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
    size = 100 * 2**20
    connection.putrequest("POST", "/rag/v1/search")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    connection.send(b"{" + b" " * 1024)  # the first KiB of 100 MB: the answer comes without the rest
    response = connection.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"].endswith("64 KiB limit")
    connection.close()
    assert search(app)[0] == 200


def test_a_chunked_body_is_counted_as_it_comes(app):
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
    chunks = (b"[" * 4096 for _ in range(MAX_BODY_BYTES // 4096 + 8))  # no Content-Length: chunked
    connection.request("POST", "/rag/v1/search", body=chunks, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 413 and response.getheader("Content-Length") is not None
    connection.close()


def test_the_upload_route_is_closed_and_keeps_nothing(app):
    body = b"--b\r\nContent-Disposition: form-data; name=files; filename=x.txt\r\n\r\n" + b"x" * 1000 + b"\r\n--b--\r\n"
    status, _, reply = call(
        app, "POST", "/gradio_api/upload", body=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert (status, reply) == (404, {"error": "this server takes no uploads"})
    assert [p for p in app.uploads.rglob("*") if p.is_file()] == []


# --- framing, and half-sent requests -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/config", "/rag/v1/info"])
def test_no_page_can_frame_the_app(app, path):
    _, headers, _ = call(app, "GET", path)
    assert headers["x-frame-options"] == "DENY" and headers["content-security-policy"] == "frame-ancestors 'none'"


def test_a_half_sent_request_head_is_dropped(app):
    with socket.create_connection(("127.0.0.1", app.port)) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # a slowloris client never finishes
        s.settimeout(HEAD_SECONDS * 6)
        assert s.recv(100) == b""  # closed by the server, with no answer


def test_a_half_sent_head_after_a_kept_alive_answer_is_dropped_too(app):
    with socket.create_connection(("127.0.0.1", app.port)) as s:
        s.sendall(b"GET /rag/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        s.settimeout(HEAD_SECONDS * 6)
        received = b""
        while b'"notice"' not in received:
            received += s.recv(65536)
        s.sendall(b"GET / HTTP/1.1\r\n")
        assert s.recv(100) == b""


def test_a_half_sent_body_gets_408(app):
    with socket.create_connection(("127.0.0.1", app.port)) as s:
        head = b"POST /rag/v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        s.sendall(head + b"Content-Length: 100\r\n\r\n{")
        s.settimeout(BODY_SECONDS * 6)
        assert s.recv(100).startswith(b"HTTP/1.1 408 ")


# --- inputs that crashed: every one a 400 (API) or the message (Gradio), never a 500 -------------------


@pytest.mark.parametrize(
    "body, error",
    [
        ({"question": "OSA", "k": "²"}, "k must be a whole number between 1 and 20"),
        ({"question": "OSA", "k": "٣"}, "k must be a whole number between 1 and 20"),
        ({"question": "OSAの予算", "sources": []}, "sources is an empty list"),
        ({"question": "OSAの予算", "sources": [1]}, "sources must be a list of document names"),
        ({"question": ["OSA"]}, "the question must be text"),
    ],
)
def test_bad_fields_are_400_with_one_sentence(app, body, error):
    status, _, reply = search(app, json.dumps(body).encode())
    assert status == 400 and reply["error"].startswith(error) and "\n" not in reply["error"]


def test_deeply_nested_json_is_400_not_a_recursion_error(app):
    status, _, reply = search(app, b"[" * 30_000 + b"]" * 30_000)
    assert (status, reply) == (400, {"error": "the request nests JSON 30000 levels deep; the limit is 8"})
    assert "Traceback" not in app.output() and "RecursionError" not in app.output()


@pytest.mark.parametrize(
    "endpoint, args, message",
    [
        ("/search", ("OSA", "²"), "k must be a whole number"),
        ("/ask", ("OSA", "²", ""), "k must be a whole number"),
        ("/ask", ("それは何年から", 3, 42), "previous must be the text of the question asked before"),
        ("/ask", ("それは何年から", 3, ["x"]), "previous must be the text of the question asked before"),
    ],
)
def test_gradio_endpoints_refuse_what_used_to_crash_them(app, endpoint, args, message):
    from gradio_client import Client

    with pytest.raises(Exception, match=message):
        Client(app.url, verbose=False).predict(*args, api_name=endpoint)
    app.wait_for(rf"user error \(api {endpoint[1:]}\): {message}", 30)
    assert "Traceback" not in app.output() and "upstream Gradio app has raised an exception" not in app.output()
