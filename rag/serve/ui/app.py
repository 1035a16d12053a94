"""The Gradio app: the answer-first chat, the document pane, feedback, the `search` and `ask` APIs and
the MCP tools at /mcp."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rag import paths
from rag.engine import Engine
from rag.errors import RagError
from rag.serve import http_api
from rag.serve.feedback import append_feedback
from rag.serve.mcp import http_route
from rag.serve.ui.api import endpoints
from rag.serve.ui.conversation import Conversation
from rag.serve.ui.pages import Pages, header_html
from rag.serve.ui.palette import gradio_theme, variables_css
from rag.serve.ui.render import render_conversation
from rag.serve.ui.text import answer_language, language_of, mode_choices, refusal, words

QUEUE_SIZE = http_api.WAITING  # waiting requests beyond this get a clean "busy, retry" answer
CONCURRENCY = http_api.CONCURRENCY  # two cores: more parallel searches only queue inside torch
DEFAULT_K = 3  # passages cited by default: the answer and two neighbours to compare
ASSETS = Path(__file__).parent / "assets"


def build_ui(engine: Engine, *, feedback_path, log=print):
    import gradio as gr

    pages = Pages(engine)
    docs = pages.documents()
    first_source = docs[0].source if docs else None
    t = words("ja")

    def choices_of(documents) -> list[tuple[str, str]]:
        return [(d.title, d.source) for d in documents]

    def conversation_html(conv: Conversation, lang: str) -> str:
        return render_conversation(conv, lang, pages.about(lang), glossary=pages.glossary, notice=engine.reload_error)

    def with_session(conv: Conversation, request) -> Conversation:
        if conv.session or request is None:
            return conv
        return replace(conv, session=(getattr(request, "session_hash", None) or "")[:12])

    def answer(question, conv, k, mode, scope, lang, chosen, request=None, *, with_context=True):
        conv = with_session(conv or Conversation(), request)
        lang = answer_language(lang, chosen, request.headers.get("accept-language") if request else None)
        question = question if isinstance(question, str) else ""
        if not question.strip():
            return gr.update(), gr.update(), conv  # an empty Enter does nothing
        previous = conv.context() if with_context else None
        try:
            card = engine.ask(question, k=k, mode=mode, sources=scope or None, previous=previous)
            conv = conv.add(card.reading.question, card=card, error=None, mode=mode)
        except RagError as exc:
            log(f"user error (question refused): {exc}", flush=True)  # one line, not a traceback
            conv = conv.add(question, card=None, error=refusal(question, lang), mode=mode)
            return gr.update(), conversation_html(conv, lang), conv  # the question stays to be shortened
        return "", conversation_html(conv, lang), conv

    def answer_example(conv, k, mode, scope, lang, chosen, evt: gr.EventData, request: gr.Request):
        return answer((evt._data or {}).get("question", ""), conv, k, mode, scope, lang, chosen, request)

    def answer_fresh(conv, k, mode, scope, lang, chosen, evt: gr.EventData, request: gr.Request):
        """「話題を補わずに聞き直す」: the same question, without the earlier topic."""
        question = (evt._data or {}).get("question", "")
        return answer(question, conv, k, mode, scope, lang, chosen, request, with_context=False)

    def vote(conv, lang, evt: gr.EventData):
        data = evt._data or {}
        try:
            turn_id = int(data.get("turn"))
        except (TypeError, ValueError):
            return conv
        conv, record = conv.vote(turn_id, data.get("rating"))
        if record is not None:
            try:
                append_feedback(feedback_path, record)
            except RagError as exc:  # e.g. a symlink at its path: said once in the log, the vote kept in the page
                log(f"feedback not saved: {exc}", flush=True)
                return conv
        return conv

    def explain(conv, evt: gr.EventData):
        """The optional reason for a thumbs-down, saved as that vote again with its reason."""
        data = evt._data or {}
        try:
            turn_id = int(data.get("turn"))
        except (TypeError, ValueError):
            return conv
        conv, record = conv.explain(turn_id, data.get("reason"))
        if record is not None:
            try:
                append_feedback(feedback_path, record)
            except RagError as exc:
                log(f"feedback not saved: {exc}", flush=True)
        return conv

    def open_document(lang, evt: gr.EventData):
        source = (evt._data or {}).get("source")
        try:
            return pages.document(source, lang), gr.update(value=source)
        except RagError as exc:
            log(f"user error (document): {exc}", flush=True)
            return gr.update(), gr.update()

    def show_document(source, lang):
        try:
            return pages.document(source, lang) if source else ""
        except RagError:  # a document the live build no longer has (the page was loaded before a rebuild)
            return ""

    def clear(conv, lang):
        conv = (conv or Conversation()).cleared()
        return conv, conversation_html(conv, lang), ""

    def restore(conv, lang):
        """Undo of Clear, from the inline button the cleared conversation shows."""
        conv = (conv or Conversation()).restored()
        return conv, conversation_html(conv, lang)

    def relabel(lang, conv, source, scope):
        """Every label and everything shown, in the chosen language, and the live build's documents in
        the two choosers (a rebuild may have added or removed some since the page was made)."""
        live = engine.live()  # the heading and the choosers from one build
        t, about, now = words(lang), pages.about(lang, live), pages.documents(live)
        choices = choices_of(now)
        sources = {d.source for d in now}
        source = source if source in sources else (now[0].source if now else None)
        return (
            header_html(about),
            gr.update(label=t["question"], placeholder=about.placeholder),
            gr.update(value=t["ask"]),
            gr.update(value=t["clear"]),
            gr.update(label=t["advanced"]),
            gr.update(label=t["k"]),
            gr.update(label=t["mode"], choices=mode_choices(lang)),
            gr.update(
                label=t["scope"],
                choices=choices,
                value=[s for s in scope or [] if s in sources],
                visible=len(now) > 1,
            ),
            gr.update(label=t["document"], choices=choices, value=source, visible=len(now) > 1),
            gr.update(label=t["language"]),
            conversation_html(conv or Conversation(), lang),
            show_document(source, lang),
        )

    def on_load(conv, source, scope, request: gr.Request):
        """The browser's language: the page is built in Japanese, so only others need relabelling, unless
        the documents were rebuilt since (the heading names them)."""
        lang = language_of(request.headers.get("accept-language") if request else None)
        if lang == "ja" and engine.live().build == built_for:
            return (gr.update(),) * (len(labelled) + 3)
        return (gr.update(value=lang), *relabel(lang, conv, source, scope))

    # Gradio finds these parameters by their annotation's class; postponed annotations hide it.
    answer.__annotations__["request"] = gr.Request
    answer_example.__annotations__.update(evt=gr.EventData, request=gr.Request)
    answer_fresh.__annotations__.update(evt=gr.EventData, request=gr.Request)
    vote.__annotations__["evt"] = gr.EventData
    explain.__annotations__["evt"] = gr.EventData
    open_document.__annotations__["evt"] = gr.EventData
    on_load.__annotations__["request"] = gr.Request

    conversation_js = (ASSETS / "conversation.js").read_text(encoding="utf-8")
    document_js = "watch('value', () => window.ragDocumentShown && window.ragDocumentShown());"
    # the build the page's Japanese heading is made from, read first: a reload between the two reads
    # then only relabels a page that did not need it
    built_for = engine.live().build
    about = pages.about("ja")
    with gr.Blocks(title=about.page_title) as demo:
        conv_state = gr.State(Conversation())
        chosen = gr.State(False)  # the language was picked by the user, not set from the browser on load
        with gr.Row(elem_id="header"):
            title = gr.HTML(header_html(about), elem_id="title", apply_default_css=False, scale=1)
            language = gr.Radio(
                [("日本語", "ja"), ("English", "en")],
                value="ja",
                label=t["language"],
                elem_id="language",
                container=False,
                scale=0,
                min_width=200,
            )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=340):
                with gr.Row(elem_id="ask-row"):
                    question = gr.Textbox(
                        label=t["question"], placeholder=about.placeholder, lines=1, elem_id="question", scale=5
                    )
                    ask_button = gr.Button(t["ask"], variant="primary", elem_id="ask", scale=1, min_width=96)
                conversation = gr.HTML(
                    conversation_html(Conversation(), "ja"),
                    elem_id="conversation",
                    js_on_load=conversation_js,
                    apply_default_css=False,
                )
                with gr.Row():
                    clear_button = gr.Button(t["clear"], elem_id="clear", size="sm", scale=0, min_width=140)
                with gr.Accordion(t["advanced"], open=False, elem_id="advanced") as advanced:
                    k = gr.Slider(1, 10, value=DEFAULT_K, step=1, label=t["k"], elem_id="k")
                    mode = gr.Radio(mode_choices("ja"), value="hybrid", label=t["mode"], elem_id="mode")
                    scope = gr.Dropdown(
                        choices_of(docs),
                        value=[],
                        multiselect=True,
                        label=t["scope"],
                        visible=len(docs) > 1,
                        elem_id="scope",
                    )
            with gr.Column(scale=2, min_width=320):
                document = gr.Dropdown(
                    choices_of(docs),
                    value=first_source,
                    label=t["document"],
                    visible=len(docs) > 1,
                    elem_id="document",
                )
                docpane = gr.HTML(show_document(first_source, "ja"), elem_id="docpane", js_on_load=document_js)

        private = {"api_visibility": "private"}
        quiet = {"api_visibility": "private", "show_progress": "hidden"}
        asked = [question, conv_state, k, mode, scope, language, chosen]
        answered = [question, conversation, conv_state]
        # "always_last": an Enter pressed while an earlier one is pending (even an empty one) runs after
        # it, reading the box then; Gradio's default ("once") dropped it, so a question asked right after
        # an empty Enter went unanswered.
        asking = {"show_progress": "minimal", "trigger_mode": "always_last", **private}
        question.submit(answer, asked, answered, **asking)
        ask_button.click(answer, asked, answered, **asking)
        conversation.example(
            answer_example, [conv_state, k, mode, scope, language, chosen], answered, show_progress="minimal", **private
        )
        conversation.fresh(
            answer_fresh, [conv_state, k, mode, scope, language, chosen], answered, show_progress="minimal", **private
        )
        conversation.vote(vote, [conv_state, language], [conv_state], concurrency_limit=1, **quiet).then(
            None, None, None, js="() => { window.ragVoteSaved && window.ragVoteSaved(); }", **quiet
        )
        conversation.reason(explain, [conv_state], [conv_state], concurrency_limit=1, **quiet).then(
            None, None, None, js="() => { window.ragVoteSaved && window.ragVoteSaved(); }", **quiet
        )
        conversation.open(open_document, [language], [docpane, document], **quiet)
        document.input(show_document, [document, language], [docpane], **quiet)
        clear_button.click(clear, [conv_state, language], [conv_state, conversation, question], **quiet)
        conversation.restore(restore, [conv_state, language], [conv_state, conversation], **quiet)
        labelled = [title, question, ask_button, clear_button, advanced, k, mode, scope, document, language]
        language.input(relabel, [language, conv_state, document, scope], [*labelled, conversation, docpane], **quiet)
        language.input(lambda: True, None, chosen, **quiet)
        demo.load(on_load, [conv_state, document, scope], [language, *labelled, conversation, docpane], **quiet)
        search_api, ask_api = endpoints(engine, log=log)
        gr.api(search_api, api_name="search")
        gr.api(ask_api, api_name="ask")
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    return demo


def warm_up(engine: Engine) -> None:
    """One question through every stage (model, Sudachi, JMdict, rendering) so the first user's is not slow."""
    card = engine.ask("外交力とは何ですか", k=DEFAULT_K)
    conv = Conversation().add(card.reading.question, card=card, error=None, mode="hybrid")
    pages = Pages(engine)
    render_conversation(conv, "en", pages.about("en"), glossary=pages.glossary)


def serve(
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    feedback_path=None,
    allow_hosts: tuple[str, ...] = (),
    block: bool = True,
):
    """The UI, the JSON API and MCP on one port, behind the guard (rag/serve/guard.py), on our own listener
    (rag/serve/listener.py): Gradio's `launch` would start uvicorn without a deadline for request heads
    and with no room for a middleware in front of its own routes."""
    import gradio as gr
    from fastapi import FastAPI

    from rag.serve import listener, memory, proof
    from rag.serve.guard import Guard, allowed_hosts

    engine.retriever()  # fail now, with the message, if the index is missing or stale
    warm_up(engine)
    feedback_path = feedback_path or paths.feedback_file()
    demo = build_ui(engine, feedback_path=feedback_path)
    # the MCP tools at /mcp (rag/serve/mcp.py); refusals logged as one line, like the other endpoints
    mcp_route, mcp_lifespan = http_route(engine, log=lambda line: print(line, flush=True))
    page_js = (ASSETS / "page.js").read_text(encoding="utf-8")
    css = variables_css() + (ASSETS / "ui.css").read_text(encoding="utf-8")
    # the MCP session manager runs inside the server's event loop, from this app's lifespan
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=mcp_lifespan)
    # the JSON API of `rag ask/search` (rag/serve/http_api.py) and /mcp, before Gradio takes "/"
    try:
        key = proof.server_key(engine.index_dir, create=True)
    except OSError as exc:  # a read-only index folder: the server runs, `rag ask` just answers locally
        key = None
        where = proof.key_path(engine.index_dir)
        print(f"note: cannot write {where} ({exc.strerror}); rag ask will not use this server", flush=True)
    http_api.mount(app, engine, key=key)
    app.router.routes.append(mcp_route)
    gr.mount_gradio_app(
        app,
        demo,
        path="/",
        server_name=host,
        server_port=port,
        footer_links=[],  # no API/Gradio/settings links: the offline app needs none of them
        run_history=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        enable_monitoring=False,
        theme=gradio_theme(),
        css=css,
        head=f"<script>{page_js}</script>",
    )
    running = listener.start(Guard(app, hosts=allowed_hosts(host, allow_hosts)), host=host, port=port)
    memory.start_trimmer()  # memory goes back to the system after a burst of questions
    shown_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    print(f"serving on http://{shown_host}:{port}", flush=True)  # only once it accepts connections
    if block:
        try:
            running.wait()
        except KeyboardInterrupt:
            running.close()
    return running
