"""The corpus as MCP tools for AI assistants (search, ask, list_documents, read): over stdio for
`rag mcp`, and over streamable HTTP at /mcp beside the web UI (`rag serve`), loopback only.

Each tool is one call into rag.serve.mcp_results; a refused input is a tool error (isError) with the
engine's one-sentence message, and the server keeps serving.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from typing import Annotated

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from rag.errors import RagError
from rag.serve import mcp_results as results
from rag.serve.mcp_schema import AskOutput, DocumentsOutput, ReadOutput, SearchOutput

HTTP_PATH = "/mcp"
AT_ONCE = 2  # tool calls computed at once, as the web UI's queue (rag.serve.ui.app.CONCURRENCY): two cores
ASK_K = 3  # passages on an answer card, as in the web UI (rag.serve.ui.app.DEFAULT_K)
TITLES_NAMED = 12  # tool descriptions name this many documents; list_documents gives them all

# Module level, not inside build_server: the SDK reads the tools' (postponed) annotations from here.
Question = Annotated[str, Field(description="the question, in Japanese or English (at most 1,000 characters)")]
K = Annotated[int, Field(description="how many passages to return, 1-20")]
Sources = Annotated[
    list[str] | None, Field(description="only these documents (their `source` from list_documents); default all")
]
Previous = Annotated[str | None, Field(description="the question asked just before, when this one follows up on it")]
Source = Annotated[str, Field(description="the document's `source` (a file name from list_documents or a hit)")]
Start = Annotated[int, Field(description="character offset where the text starts (a hit's or section's start)")]
End = Annotated[int, Field(description="character offset just past where it ends")]
SearchResult = Annotated[CallToolResult, SearchOutput]
AskResult = Annotated[CallToolResult, AskOutput]
DocumentsResult = Annotated[CallToolResult, DocumentsOutput]
ReadResult = Annotated[CallToolResult, ReadOutput]

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

DESCRIPTIONS = {  # each is followed by the corpus line (corpus_line): what the documents are
    "search": (
        "Search the corpus for the passages that answer a question (Japanese or English). Returns the ranked "
        "passages, each with its section path, source file, page (PDFs), exact character offsets [start, end) "
        "into the document text, the answering sentences (highlights, same offsets) and a score; and the "
        "answer status (answered, partial with what is missing, not_covered, or not_a_question) and its "
        "reason (for not_covered the hits are only the nearest passages, not answers). "
        "Cite passages by source and offsets; `read` gives the text around them."
    ),
    "ask": (
        "Ask the corpus a question and get its answer card: the status (answered, partial with what is "
        "missing, not_covered, or not_a_question with a guide to what the corpus covers) and why, "
        "the one or two sentences that answer it quoted with [n] and exact "
        "character offsets, and the sources [n] (section, file, page or offsets, whether each answers). "
        "For a follow-up such as 'what is its budget?', pass the question asked before as `previous`. "
        "Quote only the sentences returned; when the status is not_covered, say the documents do not cover it."
    ),
    "list_documents": (
        "List the documents of the corpus: title, file (the `source` the other tools take), kind, length in "
        "characters, pages (PDFs), number of passages and the section outline with each section's start offset."
    ),
    "read": (
        "Read the exact text of a document between character offsets [start, end), the offsets that search "
        "and ask cite, e.g. to quote the context around a citation. One call returns at most "
        f"{results.MAX_READ_CHARS:,} characters (a longer range is cut: truncated is true, read on from the "
        "returned end); a range outside the document is refused."
    ),
}


def describe(tool: str, corpus: str) -> str:
    return f"{DESCRIPTIONS[tool]} {corpus}"


def corpus_line(documents) -> str:
    """[(a.txt, 外交力の強化について)] -> 'The corpus holds 1 document: 「外交力の強化について」 (a.txt).'"""
    named = [f"「{d.title}」 ({d.source})" if d.title != d.source else d.source for d in documents[:TITLES_NAMED]]
    more = f" and {len(documents) - TITLES_NAMED} more (see list_documents)" if len(documents) > TITLES_NAMED else ""
    noun = "document" if len(documents) == 1 else "documents"
    return f"The corpus holds {len(documents)} {noun}: {', '.join(named)}{more}."


class CorpusServer(MCPServer):
    """The SDK's server, with tool descriptions naming the live build's documents and one-sentence
    refusals of arguments that do not fit a tool's input schema."""

    def __init__(self, engine, **kwargs):
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        super().__init__(**kwargs)
        # the SDK calls logging.basicConfig (a rich handler on the root logger): that would restyle and
        # wrap the whole process's log, e.g. the engine's one-line "kept build" warning in `rag serve`
        root.handlers[:] = handlers
        root.setLevel(level)
        self.engine = engine

    async def list_tools(self):
        tools = await super().list_tools()
        try:  # a rebuild may have added or renamed documents since the start
            corpus = corpus_line(self.engine.documents())
        except RagError:  # no build loads right now: the tools will say why when called
            return tools
        return [t.model_copy(update={"description": describe(t.name, corpus)}) for t in tools]

    async def call_tool(self, name, arguments, context=None):
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                return refusal(argument_error(exc.__cause__))
            raise


def argument_error(error: ValidationError) -> str:
    """The first problem, in one sentence: "k: Input should be a valid integer; see the tool's input schema"."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "arguments"
    return f"{where}: {first['msg']}; see the tool's input schema"


def refusal(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def build_server(engine, *, log=None) -> CorpusServer:
    """The four tools over `engine` (one loaded index, hot-reloaded between calls)."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    documents = engine.documents()
    corpus = corpus_line(documents)
    server = CorpusServer(
        engine,
        name="rag-gaiko",
        title="Cited answers from " + ", ".join(f"「{d.title}」" for d in documents[:TITLES_NAMED]),
        instructions=(
            f"Answers questions from local documents, offline, with exact citations. {corpus} Use `ask` for "
            "an answer card or `search` for ranked passages; quote only the text they return and cite its "
            "source and offsets. "
            "A not_covered status means the documents do not answer the question."
        ),
    )
    limiter: list[anyio.CapacityLimiter] = []  # made on first use, inside the serving event loop

    async def answer(tool: str, call) -> CallToolResult:
        if not limiter:
            limiter.append(anyio.CapacityLimiter(AT_ONCE))
        try:
            record, text = await anyio.to_thread.run_sync(call, limiter=limiter[0])
        except RagError as exc:
            log(f"user error (mcp {tool}): {exc}")  # one line, not a traceback
            return refusal(str(exc))
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=record)

    def tool(name: str):
        return server.tool(name=name, description=describe(name, corpus), annotations=READ_ONLY)

    @tool("search")
    async def search(question: Question, k: K = 5, sources: Sources = None) -> SearchResult:
        return await answer("search", lambda: results.search_json(engine, question, k=k, sources=sources))

    @tool("ask")
    async def ask(question: Question, previous: Previous = None, k: K = ASK_K, sources: Sources = None) -> AskResult:
        return await answer("ask", lambda: results.ask_json(engine, question, k=k, previous=previous, sources=sources))

    @tool("list_documents")
    async def list_documents() -> DocumentsResult:
        return await answer("list_documents", lambda: results.documents_json(engine))

    @tool("read")
    async def read(source: Source, start: Start, end: End) -> ReadResult:
        return await answer("read", lambda: results.read_json(engine, source, start, end))

    return server


def warm_up(engine) -> None:
    """One question through both answering paths (model, Sudachi, sentence choice), so the first call is not slow.

    The question is the first document's title: a question every corpus can answer.
    """
    question = engine.documents()[0].title
    try:
        results.search_json(engine, question, k=ASK_K, sources=None)
        results.ask_json(engine, question, k=ASK_K, previous=None, sources=None)
    except RagError:  # a title that is no question (only symbols, say): the first call warms up instead
        pass


def serve_stdio(engine, *, log) -> None:
    """`rag mcp`: the tools over stdin/stdout until the client closes them (call `warm_up` first)."""
    server = build_server(engine, log=log)
    log(f"rag mcp: serving MCP over stdio. {corpus_line(engine.documents())}")
    server.run("stdio")


def http_route(engine, *, log=None):
    """(route, lifespan) to serve the tools over streamable HTTP at HTTP_PATH of a running app.

    Stateless, with JSON responses: every tool call is one POST answered with one JSON body, and no
    session is kept between calls (`previous` carries a follow-up's context). The SDK's DNS-rebinding
    protection admits only 127.0.0.1/localhost Host and Origin headers; `LoopbackOnly` also refuses any
    client not on this machine, whatever address the server listens on.
    """
    from starlette.routing import Route

    server = build_server(engine, log=log)
    app = server.streamable_http_app(streamable_http_path=HTTP_PATH, stateless_http=True, json_response=True)
    manager = server.session_manager
    return Route(HTTP_PATH, endpoint=LoopbackOnly(app)), lambda _app: manager.run()


class LoopbackOnly:
    """An ASGI wrapper that answers 403 to any client whose address is not a loopback one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not _is_loopback((scope.get("client") or ("",))[0]):
            from starlette.responses import JSONResponse

            refused = JSONResponse({"error": "the MCP endpoint answers only clients on this machine"}, status_code=403)
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
