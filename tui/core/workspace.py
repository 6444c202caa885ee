"""Where things live: the workspace's DB, the folders it reads, the bundled seeds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tui.core.corpus import Corpus
from tui.core.errors import UsageError
from tui.core.store import Store

DB_ENV = "NEWSREADER_DB"
DEFAULT_DB = Path("annotations") / "newsreader.json"


def db_path(option: str | None = None) -> Path:
    """``--db`` wins, then ``$NEWSREADER_DB``, then ``annotations/newsreader.json`` here."""
    value = option or os.environ.get(DB_ENV)
    return Path(value).expanduser() if value else DEFAULT_DB


def bundled_seeds() -> Path:
    """The sample articles: packaged inside ``tui`` by a wheel, beside it in a checkout."""
    packaged = Path(str(resources.files("tui"))) / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def display_path(path: Path | str) -> str:
    """A path as a user would type it: relative to here when inside, ``~`` for home."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        pass
    home = Path.home()
    try:
        return "~/" + str(path.resolve().relative_to(home))
    except (ValueError, OSError):
        return str(path)


@dataclass
class Workspace:
    """One session's articles and store: what the CLI commands and the app work on."""

    store: Store
    corpus: Corpus
    folders: list[Path]

    @classmethod
    def open(cls, paths: list[Path], *, db: Path, readonly: bool = False, remember: bool = True) -> Workspace:
        """Open the store, then load ``paths`` (or the remembered folders, or the seeds).

        With ``remember``, paths given are saved as the workspace's folders so the
        next plain ``newsreader`` opens them again.
        """
        store = Store(db, readonly=readonly)
        try:
            folders = cls._folders(store, paths, remember=remember and not readonly)
            corpus = Corpus.load(folders, exclude=[db.parent])
            corpus.apply_overrides(store.overrides())
        except BaseException:
            store.close()
            raise
        return cls(store, corpus, folders)

    @staticmethod
    def _folders(store: Store, paths: list[Path], *, remember: bool) -> list[Path]:
        if paths:
            for path in paths:
                if not os.path.lexists(path):
                    raise UsageError(f"{path}: no such file or folder")
            if remember:
                store.set_folders([str(p.resolve()) for p in paths])
            return paths
        remembered = [Path(p) for p in store.folders() if os.path.exists(p)]
        return remembered or [bundled_seeds()]

    def close(self) -> None:
        self.store.close()
