"""Ingest: readers turn files into documents; run.py writes them to the store, versioned and idempotent;
mesh.py loads the MeSH vocabulary."""
