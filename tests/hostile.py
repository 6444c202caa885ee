"""A generated corpus of hostile articles: markup, escapes, controls, odd encodings, odd files.

``write(folder)`` returns, for each article that should load, a piece of text the reader
must show literally (``None`` where any text will do).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

ESC = "\x1b"

TEXT_FILES: dict[str, tuple[str, str | None]] = {
    "markup.txt": (
        "Rich markup [bold]x[/bold] and [link=http://evil.example]y[/link], [red on white]loud[/], an unbalanced [ "
        "and \\[escaped] bracket.",
        "[bold]x[/bold] and [link=http://evil.example]y[/link]",
    ),
    "ansi.txt": (
        f"Colors {ESC}[31mred{ESC}[0m, cursor {ESC}[2J{ESC}[H{ESC}[10;10Hmoves, {ESC}[?1049halt screen{ESC}[?1049l, "
        f"title {ESC}]0;pwned{ESC}\\ and keys {ESC}[6n done.",
        "Colors red, cursor moves, alt screen, title  and keys  done.",
    ),
    "osc8.txt": (
        f"A {ESC}]8;;http://evil.example{ESC}\\hyperlink{ESC}]8;;{ESC}\\ in the text.",
        "A hyperlink in the text.",
    ),
    "osc52.txt": (
        f"Clipboard {ESC}]52;c;ZXZpbCBjb21tYW5k{ESC}\\ write and {ESC}]52;c;eA==\a bell-ended.",
        "Clipboard  write",
    ),
    "controls.txt": (
        "Bell\a, NUL\x00, C1 \x9b31m CSI, \x85 NEL, \x90DCS\x9c string, DEL\x7f end.",
        "Bell, NUL, C1  CSI",
    ),
    "bidi.txt": (
        "Zero\u200bwidth, \u202eright-to-left override\u202c, \u2066isolate\u2069, a \u200dZWJ and BOM\ufeff inside.",
        "Zerowidth, right-to-left override, isolate",
    ),
    "crlf.txt": ("Windows line one.\r\nWindows line two.\rOld Mac line three.\r\n", "Windows line two."),
    "long-line.txt": (" ".join(["x" * 97] * 1000) + " " + "y" * 3000, None),
    "empty.txt": ("", None),
}


def write(folder: Path, *, big_megabytes: float = 5.0) -> dict[str, str | None]:
    """Write the corpus; return the loadable files and what each must show."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str | None] = {}
    for name, (text, shown) in TEXT_FILES.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
        expected[name] = shown
    (folder / "latin1.txt").write_bytes("Café naïve, déjà vu, Noël in Latin-1.".encode("latin-1"))
    expected["latin1.txt"] = "Café naïve, déjà vu, Noël"
    (folder / "utf16.txt").write_text("UTF-16 with a byte-order mark: “quoted”.", encoding="utf-16")
    expected["utf16.txt"] = "UTF-16 with a byte-order mark: “quoted”."
    (folder / "utf16-nobom.txt").write_bytes("UTF-16 without a byte-order mark.".encode("utf-16-le"))
    expected["utf16-nobom.txt"] = "UTF-16 without a byte-order mark."
    (folder / "bom.txt").write_bytes("\ufeffUTF-8 with a BOM.".encode())
    expected["bom.txt"] = "UTF-8 with a BOM."
    rng = random.Random(1)
    paragraph = " ".join("word" + str(rng.randrange(1000)) for _ in range(120))
    with (folder / "big.txt").open("w", encoding="utf-8") as handle:
        written = 0
        while written < big_megabytes * 1_000_000:
            handle.write(paragraph + "\n\n")
            written += len(paragraph) + 2
    expected["big.txt"] = None
    # Files that must not load, each with a notice.
    (folder / "binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (folder / "unreadable.txt").write_text("secret")
    os.chmod(folder / "unreadable.txt", 0)
    os.symlink(folder / "does-not-exist.txt", folder / "dangling.txt")
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "loop")
    # Front matter: escapes written the YAML way are only escapes after YAML decodes them.
    (folder / "front-matter-escapes.md").write_text(
        "---\n"
        'title: "Title \\e]0;pwned\\a \\e]52;c;ZXZpbA==\\a \\e[31mred\\e[0m \\x9b2J \\ec end"\n'
        'author: "First line\\nSecond line \\u202eevil"\n'
        "outlet: [The Daily Example, {nested: mapping}]\n"
        "---\n"
        "Body of an article whose front matter hides escapes.\n"
    )
    expected["front-matter-escapes.md"] = "Body of an article whose front matter hides escapes."
    # A YAML "billion laughs": 400 bytes that expand to gigabytes if aliases are followed.
    bomb = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    (folder / "alias-bomb.md").write_text("\n".join([*bomb, "title: *i", "---", "The body after a bomb.", ""]))
    expected["alias-bomb.md"] = "The body after a bomb."
    # File names are outside input too.
    (folder / "name \x1b]0;pwned\x07 with escapes.txt").write_text("An article with an escape in its file name.")
    expected["name \x1b]0;pwned\x07 with escapes.txt"] = "An article with an escape in its file name."
    (folder / "new\nline.txt").write_text("An article with a newline in its file name.")
    expected["new\nline.txt"] = "An article with a newline in its file name."
    # Files that are not files: a FIFO blocks a reader forever, /dev/zero never ends.
    os.mkfifo(folder / "fifo.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    return expected


# What a hostile import file carries in every text field: a title change, a clipboard write,
# a terminal reset and a screen clear.
HOSTILE_ESCAPES = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1bc\x1b[2J\x9b31m"


def import_file(article_id: str, exact: str) -> dict:
    """A W3C annotation on ``exact`` whose quote context, note, tags and path carry escapes."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:uuid:5d0c3b2e-8a37-4c61-9d1e-2f3a4b5c6d7e",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "commenting", "value": f"note {HOSTILE_ESCAPES} end"},
            {"type": "TextualBody", "purpose": "tagging", "value": f"tag{HOSTILE_ESCAPES}"},
        ],
        "target": {
            "source": f"urn:newsreader:article:{article_id}",
            "selector": [{"type": "TextQuoteSelector", "exact": exact, "prefix": HOSTILE_ESCAPES, "suffix": ""}],
        },
        "newsreader": {"article": {"id": article_id, "path": f"x{HOSTILE_ESCAPES}.txt"}},
    }


SKIPPED = {
    "binary.txt": "binary",
    "dangling.txt": "cannot read",
    "fifo.txt": "a FIFO, not a regular file",
    "zero.txt": "a device, not a regular file",
}
