"""The Gradio web UI: a chat with cited, highlighted passages, feedback, and the `search` API."""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

from rag import http_api, paths
from rag.answer import Answer, CitedPassage, splice, to_json
from rag.engine import Engine
from rag.errors import RagError
from rag.feedback import append_feedback
from rag.retrieval import MODES

QUEUE_SIZE = 64  # waiting requests beyond this get a clean "busy, retry" answer
CONCURRENCY = 2  # two cores: more parallel searches only queue inside torch

TEXT = {
    "ja": {
        "title": "「外交力の強化について」に質問する",
        "intro": "外務省提出資料「外交力の強化について」の本文だけを根拠に、該当箇所を引用して答えます。"
        "日本語・英語のどちらでも質問できます。",
        "question": "質問",
        "placeholder": "例: OSAの令和8年度の予算はいくらですか",
        "ask": "質問する",
        "k": "引用する箇所の数",
        "mode": "検索方式",
        "clear": "会話を消去",
        "examples": "質問の例",
        "abstain": "この資料には、この質問に答える記述が見当たりません。"
        "参考までに最も近い箇所を示します(回答ではありません)。",
        "answer": "資料の該当箇所",
        "section": "セクション全文を表示",
        "score": "スコア",
        "id": "ID",
        "nearest": "近い箇所",
        "error": "エラー",
        "ui_lang": "表示言語 / Language",
        "thanks": "フィードバックを記録しました。",
        "stale": "新しい索引を読み込めなかったため、直前の索引で回答しています",
    },
    "en": {
        "title": "Ask the MOFA briefing 「外交力の強化について」",
        "intro": "Answers come only from the briefing's own text, with the passages cited. Ask in Japanese or English.",
        "question": "Question",
        "placeholder": "e.g. What is the OSA budget for fiscal 2026?",
        "ask": "Ask",
        "k": "Passages to cite",
        "mode": "Retrieval",
        "clear": "Clear chat",
        "examples": "Example questions",
        "abstain": "The briefing does not cover this question. The nearest passages are shown for reference only "
        "(they are not an answer).",
        "answer": "Passages of the briefing",
        "section": "Show the whole section",
        "score": "score",
        "id": "id",
        "nearest": "nearest",
        "error": "Error",
        "ui_lang": "表示言語 / Language",
        "thanks": "Feedback recorded.",
        "stale": "The newest index could not be loaded; answering from the previous one",
    },
}
EXAMPLES = [
    "OSAの令和8年度の予算はいくらですか",
    "フィリピン沿岸警備隊への支援で人員はどう変わりましたか",
    "中国とはどのような関係を築く方針ですか",
    "What does Japan do to counter disinformation?",
    "How many phone calls did Japan hold with Iran?",
]
CSS = """
.cite { border-left: 3px solid #8aa4c8; padding: 4px 10px; margin: 10px 0; }
.cite .meta { font-size: 0.85em; color: #555; }
.cite .passage { white-space: pre-wrap; }
.cite mark { background: #ffe58f; padding: 0 2px; }
.abstain { font-weight: 600; color: #8a4b00; }
.nearest .passage { color: #666; }
"""


@dataclass(frozen=True)
class Turn:
    """What a chat answer cited, for feedback."""

    question: str
    chunk_ids: tuple[str, ...]
    mode: str
    abstained: bool


def shown(text: str) -> str:
    """Escaped for HTML; the PDF export's ** emphasis marks are dropped from view (offsets still count them)."""
    return html.escape(text.replace("**", ""))


def render_passage(p: CitedPassage, t: dict, section_text: str, *, nearest: bool) -> str:
    chunk = p.hit.chunk
    body = splice(p, lambda s: f"<mark>{shown(s)}</mark>", shown)
    label = f"[{p.label}]" + (f" ({t['nearest']})" if nearest else "")
    meta = (
        f"<b>{label}</b> {html.escape(chunk.section_label)} · {t['id']} <code>{html.escape(chunk.id)}</code>"
        f" · {t['score']} {p.hit.score:.3f}"
    )
    return (
        f'<div class="cite{" nearest" if nearest else ""}" data-chunk="{html.escape(chunk.id)}">'
        f'<div class="meta">{meta}</div><div class="passage">{body.strip()}</div>'
        f'<details><summary>{t["section"]}</summary><div class="passage">{shown(section_text)}</div>'
        f"</details></div>"
    )


def render_answer(answer: Answer, t: dict, section_text) -> str:
    parts = [f'<p class="abstain">{t["abstain"]}</p>'] if answer.abstained else [f"<p>{t['answer']}:</p>"]
    parts += [render_passage(p, t, section_text(p.hit.chunk), nearest=answer.abstained) for p in answer.passages]
    return "\n".join(parts)


class SectionTexts:
    """The whole text of a cited passage's section, joined from its chunks (cached per build)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._cache: dict[tuple, str] = {}
        self._build = None
        self._lock = threading.Lock()

    def __call__(self, chunk) -> str:
        retriever = self.engine.retriever()
        with self._lock:
            if self._build is not retriever:
                self._cache, self._build = {}, retriever
                for c in retriever.index.chunks:
                    key = (c.source, c.section)
                    self._cache[key] = (self._cache[key] + "\n\n" + c.text) if key in self._cache else c.text
            return self._cache.get((chunk.source, chunk.section), chunk.text)


def build_ui(engine: Engine, *, feedback_path: str):
    import gradio as gr

    section_text = SectionTexts(engine)

    def respond(question, history, turns, k, mode, ui_lang):
        t = TEXT.get(ui_lang, TEXT["ja"])
        history, turns = list(history or []), list(turns or [])
        question = question if isinstance(question, str) else ""
        shown = question if len(question) <= 300 else question[:300] + "…"
        try:
            answer = engine.ask(question, k=int(k), mode=mode)
        except RagError as exc:
            history += [
                {"role": "user", "content": html.escape(shown) or "—"},
                {"role": "assistant", "content": f'<p class="abstain">{t["error"]}: {html.escape(str(exc))}</p>'},
            ]
            turns.append(None)
            return "", history, turns
        body = render_answer(answer, t, section_text)
        if engine.reload_error:  # a newer index exists but is damaged: say so, keep answering from the last good one
            body = f'<p class="abstain">{t["stale"]}: {html.escape(engine.reload_error)}</p>' + body
        history += [{"role": "user", "content": html.escape(answer.query)}, {"role": "assistant", "content": body}]
        turns.append(Turn(answer.query, tuple(p.hit.chunk.id for p in answer.passages), mode, answer.abstained))
        return "", history, turns

    def on_like(turns, ui_lang, data: gr.LikeData):
        answer_no = data.index[0] // 2 if isinstance(data.index, (list, tuple)) else int(data.index) // 2
        turns = list(turns or [])
        if answer_no >= len(turns) or turns[answer_no] is None:
            return
        turn = turns[answer_no]
        append_feedback(
            feedback_path,
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "rating": "up" if data.liked else "down",
                "question": turn.question,
                "cited": list(turn.chunk_ids),
                "mode": turn.mode,
                "abstained": turn.abstained,
            },
        )
        gr.Info(TEXT.get(ui_lang, TEXT["ja"])["thanks"])

    # Gradio finds the event-data parameter by its class; postponed annotations hide it.
    on_like.__annotations__["data"] = gr.LikeData

    def search_api(question: str, k: int = 5) -> dict:
        """The `rag search --json` object for one question."""
        try:
            return to_json(engine.ask(question, k=k))
        except RagError as exc:
            raise gr.Error(str(exc)) from None

    def relabel(ui_lang):
        t = TEXT[ui_lang]
        return (
            f"## {t['title']}\n\n{t['intro']}",
            gr.update(label=t["question"], placeholder=t["placeholder"]),
            gr.update(value=t["ask"]),
            gr.update(label=t["k"]),
            gr.update(label=t["mode"]),
            gr.update(value=t["clear"]),
        )

    t = TEXT["ja"]
    with gr.Blocks(title="外交力の強化について · Q&A") as demo:
        turns = gr.State([])
        with gr.Row():
            header = gr.Markdown(f"## {t['title']}\n\n{t['intro']}")
            ui_lang = gr.Radio(["ja", "en"], value="ja", label=t["ui_lang"], scale=0, min_width=180)
        chat = gr.Chatbot(
            height="70vh",
            sanitize_html=True,
            render_markdown=False,
            elem_id="chat",
            feedback_options=("Like", "Dislike"),
            show_label=False,
        )
        with gr.Row():
            question = gr.Textbox(
                label=t["question"], placeholder=t["placeholder"], scale=5, elem_id="question", lines=1
            )
            ask = gr.Button(t["ask"], variant="primary", scale=1, elem_id="ask")
        with gr.Row():
            k = gr.Slider(1, 10, value=3, step=1, label=t["k"])
            mode = gr.Radio(list(MODES), value="hybrid", label=t["mode"])
            clear = gr.Button(t["clear"])
        gr.Examples(EXAMPLES, inputs=question, label="例 / Examples")

        inputs = [question, chat, turns, k, mode, ui_lang]
        question.submit(respond, inputs, [question, chat, turns], api_visibility="private")
        ask.click(respond, inputs, [question, chat, turns], api_visibility="private")
        clear.click(lambda: ([], []), None, [chat, turns], api_visibility="private")
        chat.like(on_like, [turns, ui_lang], None, api_visibility="private")
        ui_lang.change(relabel, ui_lang, [header, question, ask, k, mode, clear], api_visibility="private")
        gr.api(search_api, api_name="search")
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    return demo


def serve(engine: Engine, *, host: str = "127.0.0.1", port: int = 7860, feedback_path=None, block: bool = True):
    import gradio as gr

    engine.retriever()  # fail now, with the message, if the index is missing or stale
    feedback_path = feedback_path or paths.feedback_file()
    demo = build_ui(engine, feedback_path=feedback_path)
    # System fonts only: the default theme would fetch web fonts, and nothing may leave the machine.
    theme = gr.themes.Soft(font=["system-ui", "Noto Sans CJK JP", "sans-serif"], font_mono=["monospace"])
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        ssr_mode=False,
        show_error=False,
        quiet=True,
        prevent_thread_lock=True,
        theme=theme,
        css=CSS,
        footer_links=["api"],
        enable_monitoring=False,
    )
    http_api.mount(demo.app, engine)  # the JSON API of `rag ask/search --server` (rag/http_api.py)
    print(f"serving on http://{host}:{port}", flush=True)  # only once it accepts connections
    if block:
        demo.block_thread()
    return demo
