"""The domain: articles, passages, annotations, anchoring and the store.

Nothing in this package imports Textual (a test enforces it), so the CLI, the
benchmarks and the tests use it directly.
"""
