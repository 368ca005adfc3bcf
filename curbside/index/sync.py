"""Keep the stored vectors in step with the passages: embed whatever has no vector yet.

Incremental by construction: the work list is "current passages without a vector", so a
re-run after a kill, or after an ingest that added or superseded sources, does only what is
missing. Each chunk is saved in its own transaction, so a kill loses at most one chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..store import embeddings
from ..store.database import Database

# Passages read, encoded and committed together: small enough that a kill loses little,
# large enough that the encoder's length-sorted batches pad little.
CHUNK = 256


def embedding_text(title: str, section: str, text: str) -> str:
    """What the encoder reads for a passage: where it comes from, then what it says.

    The title and heading path say what a short recommendation is about ("Metformin is
    first line" means little alone), at the cost of ~10-30 of the `max_tokens` word pieces.
    On LiveQA's 104 questions against their 2,479 judged MedQuAD answers (128 tokens),
    title first scored nDCG@10 0.597, text first with the title after it 0.555, and text
    alone 0.541. A section that repeats the title (a MedQuAD question is both) is said once.
    """
    context = [part for part in (title, section) if part]
    if len(context) == 2 and context[0] == context[1]:
        context = context[:1]
    return f"{' — '.join(context)}: {text}" if context else text


@dataclass
class Embedded:
    """How far one process has embedded: every current passage at or below `through_pk` has its
    vector (or is never embedded). Passages are never deleted and a new one takes a higher pk, so
    the next look for pending work starts above it instead of at the first passage: from the
    start, that look scanned every embedded passage, about 200 ms at 100k passages, after every
    ingest batch of the demo library (bench/ingest.py)."""

    through_pk: int = 0


def embed_pending(
    db: Database,
    encoder,
    batch_size: int = 64,
    on_embedded: Callable[[int], None] | None = None,
    skip_sections: tuple[str, ...] = (),
    progress: Embedded | None = None,
) -> int:
    """Embed every current passage that has no vector (outside `skip_sections`) above
    `progress.through_pk` (every passage without it); returns how many. A new process starts
    from nothing, so a run killed earlier still embeds what it left."""
    progress = progress if progress is not None else Embedded()
    total = 0
    while True:
        rows = embeddings.pending(db.connection(), CHUNK, skip_sections, after_pk=progress.through_pk)
        if not rows:
            return total
        vectors = encoder.encode([embedding_text(title, section, text) for _, title, section, text in rows], batch_size)
        with db.transaction() as conn:
            embeddings.save(
                conn, [(pk, vector) for (pk, *_), vector in zip(rows, vectors, strict=False)], encoder.model_id
            )
        total += len(rows)
        progress.through_pk = rows[-1][0]
        if on_embedded is not None:
            on_embedded(len(rows))
