"""The app's two public endpoints, for scripts: `search` (the `rag search --json` object) and `ask`
(the answer card as data). A bad question is refused with its message and one line in the log."""

from __future__ import annotations

from rag.errors import RagError
from rag.inputs import validate_previous


def endpoints(engine, *, log=print):
    """(search, ask) for `gr.api`; Gradio reads their signatures and docstrings for the API page."""
    import gradio as gr

    def refuse(endpoint: str, exc: RagError):
        log(f"user error (api {endpoint}): {exc}", flush=True)  # one line, not a traceback
        return gr.Error(str(exc), print_exception=False)

    def search(question: str, k: int = 5) -> dict:
        """The `rag search --json` object for one question, exactly as the CLI prints it."""
        try:
            return engine.ask(question, k=k).to_json()
        except RagError as exc:
            raise refuse("search", exc) from None

    def ask_card(question: str, k: int = 5, previous: str = "") -> dict:
        """The answer card as data: status, answer sentences with offsets, sources. `previous` is the
        question asked before, for a follow-up such as 「それは何年から続いていますか」."""
        try:
            previous = validate_previous(previous)  # a number or a list is refused here, in the API's words
            return engine.ask(question, k=k, previous=previous).card_json()
        except RagError as exc:
            raise refuse("ask", exc) from None

    return search, ask_card
