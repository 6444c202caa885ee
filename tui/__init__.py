"""newsreader: a keyboard-first terminal reader and annotator for news research."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsreader")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
