"""An article as JSON for programs: `Article.to_dict()` under a schema version, byte-identical for
the same article (sorted keys, fixed separators). Fields are documented in docs/article-json.md."""

from __future__ import annotations

import json

from ..model import Article

# Bump the number when a field is renamed or removed or changes meaning; adding a field does not.
SCHEMA = "curbside.article/1"


def render(article: Article, *, passage_lookup=None, color: bool = False) -> str:
    """`passage_lookup` and `color` are accepted for a common signature; JSON carries passage ids."""
    document = {"schema": SCHEMA, **article.to_dict()}
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
