"""Candidates from Milvus: the build's vectors and BM25 points in two collections, switched in by alias.

One build is two collections, named after its build folder, and one alias naming the live one::

    rag_20261101T101500_123456_4242_passages   row (key), chunk_id, source, section, start, end, page,
                                               dense (float vector), bm25 and bm25_en (sparse vectors)
    rag_20261101T101500_123456_4242_sentences  id (key), row, source, start, end, dense
    alias rag -> rag_20261101T101500_123456_4242_passages

BM25 is ours, not Milvus's: its analyzers do not cut Japanese as Sudachi does. Each passage's sparse
vector holds bm25s's points per token id, and a question's holds how often each of its token ids occurs,
so the inner product is exactly bm25s's score. A build reads the collections its manifest names, never
the alias, so its rows and the local chunk records always belong to the same build; the alias is what
other clients of the cluster follow.
"""

from __future__ import annotations

import os
import re
import threading

import numpy as np

from rag.errors import REBUILD, IndexCorruptError, RagError
from rag.index.store import LoadedIndex
from rag.index.stores import StoreSpec
from rag.index.vector_index import IndexPlan

BATCH = 2_000  # rows per insert call: bounded messages, bounded memory
MAX_K = 16_384  # Milvus's limit on one search's top-k
EMPTY_TOKEN = 2**32 - 2  # Milvus refuses an empty sparse vector: a passage without tokens holds this one
SPARSE = {"metric_type": "IP", "params": {"drop_ratio_search": 0.0}}  # no term dropped: exact BM25
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def client(spec: StoreSpec):
    """One client per store and process (a Milvus Lite file opens once)."""
    with _clients_lock:
        if spec.uri not in _clients:
            # gRPC's own log would print a line whenever Milvus Lite's server asks the client to ping less
            # ("too_many_pings"); the client reconnects by itself, and real failures raise
            os.environ.setdefault("GRPC_VERBOSITY", "NONE")
            try:
                from pymilvus import MilvusClient
            except ImportError:
                raise RagError("the Milvus store needs pymilvus and milvus-lite; run: bash scripts/setup.sh") from None
            try:
                _clients[spec.uri] = MilvusClient(spec.uri)
            except Exception as exc:  # noqa: BLE001 - connection errors come in many types
                raise RagError(f"cannot reach Milvus at {spec.describe()} ({_short(exc)}); check --store") from None
        return _clients[spec.uri]


def collection_names(spec: StoreSpec, build: str) -> dict[str, str]:
    """Collection names of a build folder: 20261101T101500.123456-4242 -> rag_20261101T101500_123456_4242_*."""
    stem = f"{spec.alias}_{re.sub(r'[^A-Za-z0-9]', '_', build.removeprefix('.partial-'))}"
    return {"passages": f"{stem}_passages", "sentences": f"{stem}_sentences"}


def milvus_index(plan: IndexPlan) -> dict:
    """The Milvus index for a FAISS plan: FLAT (exact) below the size, HNSW with the same graph above it."""
    if plan.exact:
        return {"index_type": "FLAT", "metric_type": "IP", "params": {}}
    return {"index_type": "HNSW", "metric_type": "IP", "params": {"M": plan.m, "efConstruction": plan.ef_construction}}


def sparse_rows(bm25) -> list[dict[int, float]]:
    """Each passage's BM25 points per token id, from bm25s's token-major arrays.

    bm25s stores, per token, the passages holding it and their points; a question scores the sum over
    its tokens, so a passage's vector {token: points} times the question's {token: count} is that sum.
    """
    if getattr(bm25, "nonoccurrence_array", None) is not None:
        raise RagError("this BM25 variant scores absent terms too; the Milvus store needs the default (lucene)")
    data, docs, starts = bm25.scores["data"], bm25.scores["indices"], bm25.scores["indptr"]
    tokens = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    order = np.argsort(docs, kind="stable")  # passage-major, tokens ascending within a passage
    docs, tokens, data = docs[order], tokens[order], data[order]
    bounds = np.searchsorted(docs, np.arange(bm25.scores["num_docs"] + 1))
    rows = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        row = {int(t): float(v) for t, v in zip(tokens[a:b], data[a:b], strict=True) if v != 0}
        rows.append(row or {EMPTY_TOKEN: 1.0})
    return rows


def _schema(kind: str, dim: int):
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    if kind == "passages":
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("chunk_id", DataType.VARCHAR, max_length=128)
        schema.add_field("source", DataType.VARCHAR, max_length=4096)
        schema.add_field("section", DataType.JSON)  # the heading path, outermost first
        schema.add_field("page", DataType.INT64)  # -1: not a paged document
    else:
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("row", DataType.INT64)  # the passage it belongs to
        schema.add_field("source", DataType.VARCHAR, max_length=4096)
    schema.add_field("start", DataType.INT64)  # offsets into the document text (documents.jsonl)
    schema.add_field("end", DataType.INT64)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    if kind == "passages":
        schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("bm25_en", DataType.SPARSE_FLOAT_VECTOR)
    return schema


def _index_params(kind: str, plan: IndexPlan):
    from pymilvus import MilvusClient

    params = MilvusClient.prepare_index_params()
    params.add_index("dense", **milvus_index(plan))
    if kind == "passages":
        for name in ("bm25", "bm25_en"):
            params.add_index(name, index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    return params


def write_collections(
    spec: StoreSpec,
    build: str,
    *,
    chunks,
    vectors: np.ndarray,
    sentence_spans: np.ndarray,
    sentence_vectors: np.ndarray,
    bm25,
    bm25_en,
    plans: dict[str, IndexPlan],
    log=print,
) -> dict:
    """Write a build's two collections and check their counts; the manifest's record of them.

    Nothing is switched here (`switch` does that); on any failure the new collections are dropped.
    """
    milvus = client(spec)
    names = collection_names(spec, build)
    dim = vectors.shape[1]
    try:
        for kind in ("passages", "sentences"):
            if milvus.has_collection(names[kind]):
                milvus.drop_collection(names[kind])  # left by a build killed before it could clean up
            milvus.create_collection(
                names[kind], schema=_schema(kind, dim), index_params=_index_params(kind, plans[kind])
            )
        native, english = sparse_rows(bm25), sparse_rows(bm25_en)
        for a in range(0, len(chunks), BATCH):
            milvus.insert(
                names["passages"],
                [
                    {
                        "row": row,
                        "chunk_id": c.id,
                        "source": c.source,
                        "section": list(c.section),
                        "page": -1 if c.page is None else c.page,
                        "start": c.start,
                        "end": c.end,
                        "dense": vectors[row].tolist(),
                        "bm25": native[row],
                        "bm25_en": english[row],
                    }
                    for row, c in enumerate(chunks[a : a + BATCH], start=a)
                ],
            )
        for a in range(0, len(sentence_spans), BATCH):
            milvus.insert(
                names["sentences"],
                [
                    {
                        "id": i,
                        "row": int(row),
                        "source": chunks[row].source,
                        "start": int(start),
                        "end": int(end),
                        "dense": sentence_vectors[i].tolist(),
                    }
                    for i, (row, start, end) in enumerate(sentence_spans[a : a + BATCH].tolist(), start=a)
                ],
            )
        counts = {"passages": len(chunks), "sentences": len(sentence_spans)}
        for kind, name in names.items():
            milvus.flush(name)
            milvus.load_collection(name)
            if (held := count(milvus, name)) != counts[kind]:
                raise RagError(f"Milvus collection {name} holds {held} rows, the build has {counts[kind]}; {REBUILD}")
    except BaseException as exc:
        drop(spec, names.values())
        if isinstance(exc, RagError | KeyboardInterrupt | SystemExit):
            raise
        raise RagError(f"writing to Milvus at {spec.describe()} failed ({_short(exc)}); {REBUILD}") from exc
    log(f"Milvus: wrote {names['passages']} and {names['sentences']} at {spec.describe()}")
    return {
        **spec.to_manifest(),
        "collections": names,
        "counts": counts,
        "indexes": {kind: milvus_index(plans[kind]) | {"ef_search": plans[kind].ef_search} for kind in names},
    }


def count(milvus, name: str) -> int:
    return int(milvus.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])


def switch(spec: StoreSpec, record: dict) -> str | None:
    """Point the alias at this build's passages; returns the collection it named before (None: none)."""
    milvus = client(spec)
    target = record["collections"]["passages"]
    before = None
    if spec.alias in milvus.list_aliases().get("aliases", []):  # asked first: a failed describe logs an error
        before = milvus.describe_alias(spec.alias)["collection_name"]
    if before is None:
        milvus.create_alias(target, spec.alias)
    else:
        milvus.alter_alias(target, spec.alias)
    return before


def switch_back(spec: StoreSpec, before: str | None) -> None:
    """Undo `switch` (a build that failed after it): the alias names what it named before."""
    milvus = client(spec)
    if before is None:
        milvus.drop_alias(spec.alias)
    else:
        milvus.alter_alias(before, spec.alias)


def drop(spec: StoreSpec, names) -> None:
    try:
        milvus = client(spec)
        for name in names:
            if milvus.has_collection(name):
                milvus.drop_collection(name)
    except Exception:  # noqa: BLE001,S110 - best effort while another error is on its way
        pass


def prune(spec: StoreSpec, keep_builds: list[str]) -> list[str]:
    """Drop this alias's build collections that no kept build folder names; returns what went."""
    milvus = client(spec)
    keep = {name for build in keep_builds for name in collection_names(spec, build).values()}
    ours = re.compile(rf"{re.escape(spec.alias)}_\d{{8}}T\d{{6}}_\w+_(passages|sentences)")
    gone = [name for name in milvus.list_collections() if ours.fullmatch(name) and name not in keep]
    drop(spec, gone)
    return gone


class MilvusStore:
    """Searches the collections of one loaded build; safe to share between threads."""

    max_k = MAX_K

    def __init__(self, index: LoadedIndex):
        record = index.manifest["store"]
        self.spec = StoreSpec.from_manifest(record)
        self.milvus = client(self.spec)
        self.names = record["collections"]
        self.exact = {kind: info["index_type"] == "FLAT" for kind, info in record["indexes"].items()}
        self.passages_exact, self.sentences_exact = self.exact["passages"], self.exact["sentences"]
        self.ef = {kind: info.get("ef_search", 0) for kind, info in record["indexes"].items()}
        want = {"passages": len(index.chunks), "sentences": len(index.sentence_spans)}
        for kind, name in self.names.items():
            try:
                self.milvus.load_collection(name)
                held = count(self.milvus, name)
            except Exception as exc:  # noqa: BLE001 - missing collection, server gone, ...
                raise IndexCorruptError(
                    f"Milvus collection {name} at {self.spec.describe()} cannot be read ({_short(exc)}); {REBUILD}"
                ) from None
            if held != want[kind]:
                raise IndexCorruptError(
                    f"Milvus collection {name} holds {held} rows, the build {want[kind]}; {REBUILD}"
                )

    def only(self, rows: np.ndarray, sources: frozenset[str]) -> str:
        """A Milvus expression: source in ["a.md", "b.pdf"] (strings quoted as Milvus reads them)."""
        quoted = ", ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in sorted(sources))
        return f"source in [{quoted}]"

    def passages(self, vector, k, only=None):
        return self._dense("passages", "row", vector, k, only)

    def sentences(self, vector, k, only=None):
        return self._dense("sentences", "id", vector, k, only)

    def lexical(self, field, token_ids, k, only=None):
        ids, counts = np.unique(token_ids, return_counts=True)
        query = {int(t): float(n) for t, n in zip(ids, counts, strict=True)}
        anns = "bm25" if field == "native" else "bm25_en"
        return self._search("passages", "row", query, anns, k, only, SPARSE)

    def _dense(self, kind, key, vector, k, only):
        params = {"metric_type": "IP", "params": {}}
        if not self.exact[kind]:
            params["params"]["ef"] = max(self.ef[kind], k)
        return self._search(kind, key, np.asarray(vector, np.float32).tolist(), "dense", k, only, params)

    def _search(self, kind, key, query, anns, k, only, params) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64)
        hits = self.milvus.search(
            self.names[kind],
            data=[query],
            anns_field=anns,
            limit=k,
            filter=only or "",
            search_params=params,
            output_fields=[key],
        )[0]
        scores = np.array([h["distance"] for h in hits], np.float32)
        return scores, np.array([h[key] for h in hits], np.int64)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__
