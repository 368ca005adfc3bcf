"""Compose: statements extracted from the hits, laid out as an article for its audience, with references,
sources-differ notes and follow-ups. article.py is the entry point."""
