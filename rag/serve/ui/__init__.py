"""The web UI: an answer-first chat beside the document it quotes (Gradio, loopback only)."""

from rag.serve.ui.app import build_ui, serve

__all__ = ["build_ui", "serve"]
