"""newsreader: a keyboard-first terminal reader and annotator for news research."""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)
