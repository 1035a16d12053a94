"""The corpus as MCP tools, through the SDK's own ClientSession: over stdio (`rag mcp` in a child
process) and over streamable HTTP (`rag serve`'s /mcp).

Each transport is checked against another way to the same answers: stdio (hashing embedder, fast)
against the engine in this process; HTTP (the real model, slow) against the same server's
/rag/v1/search and Gradio `/ask`. The real model's stdio test checks a known passage is cited with
offsets that slice the briefing file to the quoted text.
"""

from __future__ import annotations

import time

import pytest

from rag.serve.mcp_results import MAX_READ_CHARS
from tests.tooling.mcp_client import http_session, stdio_session

from .conftest import BRIEFING, run_cli

TOOLS = {"search", "ask", "list_documents", "read"}
QUESTION = "OSAの予算は"
KNOWN = ("OSAの令和8年度の予算はいくらですか", "予算約181億円")  # a question and the phrase its answer quotes


def hash_env(corpus, index) -> dict:
    return {"RAG_EMBED_MODEL": "hash", "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}


class InProcess:
    """The stdio server's answers computed here, from an engine over the same build."""

    def __init__(self, engine):
        self.engine = engine

    def search(self, question: str, k: int) -> dict:
        return self.engine.ask(question, k=k).to_json()

    def ask(self, question: str, k: int, previous: str) -> dict:
        return self.engine.ask(question, k=k, previous=previous or None).card_json()


class SameServer:
    """The HTTP server's answers through its other endpoints: the JSON API and Gradio's `/ask`."""

    def __init__(self, url: str):
        from gradio_client import Client

        from rag.serve.client import ServerClient

        self.api, self.gradio = ServerClient(url), Client(url, verbose=False)

    def search(self, question: str, k: int) -> dict:
        return self.api.search(question, k=k, mode="hybrid")["json"]

    def ask(self, question: str, k: int, previous: str) -> dict:
        return self.gradio.predict(question, k, previous, api_name="/ask")


@pytest.fixture(scope="module", params=["stdio", pytest.param("http", marks=pytest.mark.slow)])
def transport(request):
    """(client session, the same answers another way, the engine's documents) for each transport."""
    if request.param == "stdio":
        corpus, index, _ = request.getfixturevalue("hash_built")
        engine = request.getfixturevalue("hash_engine")
        with stdio_session(hash_env(corpus, index)) as client:
            yield client, InProcess(engine), engine
    else:
        url = request.getfixturevalue("server")[0]
        engine = request.getfixturevalue("engine")  # the same build as the server's: for titles and texts
        with http_session(url + "mcp") as client:
            yield client, SameServer(url), engine


def test_the_tools_are_listed_with_the_corpus_titles_and_schemas(transport):
    client, _, engine = transport
    tools = {t.name: t for t in client.list_tools()}
    assert set(tools) == TOOLS
    for tool in tools.values():
        for document in engine.documents():  # titles read from the index, not written in the code
            assert f"「{document.title}」 ({document.source})" in tool.description
        assert tool.output_schema["type"] == "object" and tool.output_schema["properties"]
        assert tool.annotations.read_only_hint
    assert set(tools["search"].input_schema["properties"]) == {"question", "k", "sources"}
    assert set(tools["read"].input_schema["required"]) == {"source", "start", "end"}


def test_search_returns_the_rag_search_json_with_offsets_into_the_document(transport):
    client, same, engine = transport
    result = client.call("search", {"question": QUESTION, "k": 3})
    assert not result.is_error
    assert result.structured_content == same.search(QUESTION, 3)  # passed through as it is
    # the readable form, as `rag ask` prints: the answer line (when the question asks a figure), then [1]
    text = result.content[0].text.strip()
    assert text.startswith("[1]") or (text.startswith("答え: ") and text.split("\n\n", 1)[1].startswith("[1]"))
    for hit in result.structured_content["hits"]:
        text = engine.document_text(hit["source"])
        assert text[hit["start"] : hit["end"]] == hit["text"]
        assert all(hit["start"] <= a < b <= hit["end"] for a, b in hit["highlights"])


def test_ask_returns_the_answer_card_of_the_web_app(transport):
    client, same, engine = transport
    result = client.call("ask", {"question": QUESTION})
    assert not result.is_error
    card = result.structured_content
    assert card == same.ask(QUESTION, 3, "")
    for quote in card["answer"]:
        assert engine.document_text(quote["source"])[quote["start"] : quote["end"]] == quote["text"]
        assert f"[{quote['label']}]" in result.content[0].text
    for cited in [q["citation"] for q in card["answer"]] + [s["citation"] for s in card["sources"]]:
        assert cited["issuer"] == "外務省" and cited["text"].startswith("外務省『外交力の強化について』")  # sidecar
    ask_schema = next(t for t in client.list_tools() if t.name == "ask").output_schema
    assert "issuer" in ask_schema["$defs"]["Citation"]["properties"]  # documented, not only passed through
    follow_up = client.call("ask", {"question": "それは何年から続いていますか", "previous": QUESTION})
    assert follow_up.structured_content == same.ask("それは何年から続いていますか", 3, QUESTION)
    assert follow_up.structured_content["read_as"].endswith("それは何年から続いていますか")
    assert follow_up.structured_content["read_as"] != "それは何年から続いていますか"  # read with its topic


def test_list_documents_gives_titles_files_and_an_outline_into_the_text(transport):
    client, _, engine = transport
    listed = client.call("list_documents").structured_content
    assert [(d["source"], d["title"]) for d in listed["documents"]] == [(d.source, d.title) for d in engine.documents()]
    for document in listed["documents"]:
        text = engine.document_text(document["source"])
        assert document["characters"] == len(text) and document["outline"]
        starts = [e["start"] for e in document["outline"]]
        assert starts == sorted(starts) and 0 <= starts[0] and starts[-1] < len(text)
        for entry in document["outline"]:  # a section's heading is in the text from its start to the next section
            heading = text.find(entry["title"].split()[0], entry["start"])  # a title joins its heading's lines
            assert heading >= 0 and all(s > heading for s in starts if s > entry["start"]), entry
    assert listed["build"] and listed["notice"] is None


def test_read_gives_the_exact_text_at_cited_offsets_and_caps_its_length(transport):
    client, _, engine = transport
    hit = client.call("search", {"question": QUESTION, "k": 1}).structured_content["hits"][0]
    passage = client.call("read", {"source": hit["source"], "start": hit["start"], "end": hit["end"]})
    assert passage.structured_content["text"] == hit["text"] and not passage.structured_content["truncated"]
    text = engine.document_text(hit["source"])
    whole = client.call("read", {"source": hit["source"], "start": 0, "end": len(text)}).structured_content
    shown = min(len(text), MAX_READ_CHARS)
    assert whole["text"] == text[:shown] and whole["end"] == shown
    assert whole["truncated"] == (len(text) > MAX_READ_CHARS) and whole["characters"] == len(text)


@pytest.mark.parametrize(
    "tool, arguments, message",
    [
        ("search", {"question": ""}, "the question is empty"),
        ("search", {"question": "外交" * 5000}, "the question is 10,000 characters; the limit is 1,000"),
        ("ask", {"question": "外交" * 5000}, "the question is 10,000 characters; the limit is 1,000"),
        ("search", {"question": QUESTION, "k": 0}, "k must be a whole number between 1 and 20"),
        ("search", {"question": QUESTION, "k": 10**9}, "k must be a whole number between 1 and 20"),
        ("ask", {"question": QUESTION, "k": 0}, "k must be a whole number between 1 and 20"),
        ("search", {"question": QUESTION, "sources": ["nowhere.pdf"]}, "no document 'nowhere.pdf' in the index"),
        ("ask", {"question": "   "}, "the question is empty"),
        ("read", {"source": "nowhere.pdf", "start": 0, "end": 10}, "there is no document 'nowhere.pdf'"),
        (
            "read",
            {"source": BRIEFING.name, "start": 0, "end": 10**7},
            f"0-10000000 is not a range inside {BRIEFING.name}",
        ),
        ("read", {"source": BRIEFING.name, "start": -5, "end": 10}, "-5-10 is not a range inside"),
        ("read", {"source": BRIEFING.name, "start": 20, "end": 20}, "20-20 is not a range inside"),
        ("search", {"question": QUESTION, "k": "many"}, "k: Input should be a valid integer"),
        ("search", {}, "question: Field required"),
        ("read", {"source": BRIEFING.name, "start": 0}, "end: Field required"),
    ],
)
def test_bad_arguments_are_one_sentence_tool_errors_and_the_server_keeps_serving(transport, tool, arguments, message):
    client = transport[0]
    result = client.call(tool, arguments)
    assert result.is_error and result.structured_content is None
    assert len(result.content) == 1 and message in result.content[0].text
    assert "\n" not in result.content[0].text and "Traceback" not in result.content[0].text
    assert not client.call("list_documents").is_error  # still serving


def test_a_rebuild_while_serving_is_picked_up(hash_workspace):
    """`rag build` in another process adds a document; the running `rag mcp` answers from it without a
    restart, and its tool descriptions name it."""
    corpus, index = hash_workspace
    env = hash_env(corpus, index)
    with stdio_session(env) as client:
        before = client.call("list_documents").structured_content
        (corpus / "notes.md").write_text("# 港湾整備の覚え書き\n\n港湾の整備を三つの港で進める。\n", encoding="utf-8")
        build = run_cli("build", env=env)
        assert build.returncode == 0, build.stderr
        deadline = time.monotonic() + 60
        while (listed := client.call("list_documents").structured_content)["build"] == before["build"]:
            assert time.monotonic() < deadline, "the new build was not picked up within 60 s"
        assert "notes.md" in [d["source"] for d in listed["documents"]]
        hit = client.call("search", {"question": "港湾の整備", "sources": ["notes.md"]}).structured_content["hits"][0]
        assert hit["source"] == "notes.md" and hit["text"].startswith("# 港湾整備の覚え書き")
        assert all("「港湾整備の覚え書き」 (notes.md)" in t.description for t in client.list_tools())


def test_rag_mcp_keeps_stdout_for_the_protocol_and_stops_when_the_client_goes(hash_built):
    corpus, index, _ = hash_built
    result = run_cli("mcp", env=hash_env(corpus, index), input="")  # the client closes stdin at once
    assert result.returncode == 0 and result.stdout == ""  # loading printed nothing onto the protocol
    assert "The corpus holds 1 document" in result.stderr


def test_rag_mcp_that_cannot_load_says_why_in_one_line(tmp_path):
    result = run_cli("mcp", env=hash_env(tmp_path / "no-corpus", tmp_path / "index"), input="")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: corpus folder {tmp_path / 'no-corpus'} does not exist; create it and add .txt, .md or .pdf files"
    )


def test_the_server_leaves_the_process_log_as_it_was(hash_engine, monkeypatch):
    """The SDK configures logging when a server is made; `rag serve`'s one-line log must not change."""
    import logging

    from rag.serve.mcp import build_server

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in `rag serve`: nothing configured (pytest adds its own)
    monkeypatch.setattr(root, "level", logging.WARNING)
    build_server(hash_engine)
    assert root.handlers == [] and root.level == logging.WARNING


@pytest.mark.parametrize(
    "client, served",
    [(("127.0.0.1", 50000), True), (("::1", 50000), True), (("192.168.1.20", 50000), False), (None, False)],
)
def test_the_http_endpoint_answers_only_loopback_clients(client, served):
    import asyncio

    from rag.serve.mcp import LoopbackOnly

    reached, sent = [], []

    async def inner(scope, receive, send):
        reached.append(scope["client"])

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/mcp", "headers": [], "client": client}
    asyncio.run(LoopbackOnly(inner)(scope, receive, send))
    assert bool(reached) == served
    assert served or sent[0]["status"] == 403


@pytest.mark.slow
def test_the_real_model_over_stdio_cites_a_known_passage_at_its_offsets(built):
    """`rag mcp` as a desktop client starts it: the model loads once, before the first call."""
    corpus, index, _ = built
    question, phrase = KNOWN
    with stdio_session({"RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(index)}) as client:
        card = client.call("ask", {"question": question}).structured_content
        hits = client.call("search", {"question": question, "k": 3}).structured_content
    briefing = BRIEFING.read_text(encoding="utf-8")  # a .txt is cited by offsets into the file itself
    assert card["status"] == "answered"
    quote = next(q for q in card["answer"] if phrase in q["text"])
    assert quote["source"] == BRIEFING.name and briefing[quote["start"] : quote["end"]] == quote["text"]
    top = hits["hits"][0]
    assert top["chunk_id"] == quote["chunk_id"] and briefing[top["start"] : top["end"]] == top["text"]
    assert any(phrase in briefing[a:b] for a, b in top["highlights"])


@pytest.mark.slow
def test_the_web_server_cites_the_known_passage_over_http(server):
    question, phrase = KNOWN
    briefing = BRIEFING.read_text(encoding="utf-8")
    with http_session(server[0] + "mcp") as client:
        card = client.call("ask", {"question": question}).structured_content
    quote = next(q for q in card["answer"] if phrase in q["text"])
    assert briefing[quote["start"] : quote["end"]] == quote["text"]
