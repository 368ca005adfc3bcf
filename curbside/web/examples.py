"""Example questions for the home page that this library can actually answer.

Candidates come from the library itself: the conditions its guideline titles name (read by the
same question understanding the search uses), asked about treatment and diagnosis. Each is asked
for real and offered only if it yields an article with several cited claims, so the examples
change with the library and never promise what it cannot answer.
"""

from __future__ import annotations

import threading
from collections import Counter

from ..search.understand import understand

TEMPLATES = ("What is the first-line treatment for {condition}?", "How is {condition} diagnosed?")
SHOWN = 4
MIN_CLAIMS = 3
TRIED = 12  # at most this many questions are asked when the examples are (re)built

_cache: dict[str, list[str]] = {}
_lock = threading.Lock()


def example_questions(library) -> list[str]:
    from ..store.articles import library_generation

    generation = f"{library.path}:{library_generation(library.db.connection())}"
    with _lock:
        if generation not in _cache:
            _cache.clear()
            _cache[generation] = _answerable(library)
        return _cache[generation]


def _answerable(library) -> list[str]:
    examples: list[str] = []
    tried = 0
    for condition in _conditions(library):
        for template in TEMPLATES:
            if len(examples) >= SHOWN or tried >= TRIED:
                return examples
            question = template.format(condition=condition)
            tried += 1
            article = library.ask(question)
            if article.kind == "article" and len(article.all_claims()) >= MIN_CLAIMS:
                examples.append(question)
                break  # one question per condition keeps the examples varied
    return examples


def _conditions(library) -> list[str]:
    """Conditions named in guideline titles, the most often named first."""
    vocabulary = library.searcher.vocabulary
    counts: Counter[str] = Counter()
    for source in library.sources(kind="guideline"):
        condition = understand(source.title, vocabulary).condition
        if condition and len(condition) > 3:
            counts[condition] += 1
    return [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
