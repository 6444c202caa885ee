"""Selectors that describe a passage robustly, and re-anchoring them in changed text."""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32  # characters of prefix and suffix kept, as Hypothesis does


@dataclass(frozen=True, slots=True)
class Selector:
    """A passage as a W3C TextQuoteSelector (exact, prefix, suffix) plus its position."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Selector:
        """Describe ``text[start:end]`` with its surrounding context."""
        return cls(
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT) : start],
            suffix=text[end : end + CONTEXT],
            start=start,
            end=end,
        )

    def as_dict(self) -> dict[str, object]:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict) -> Selector:
        return cls(
            str(data["exact"]),
            str(data.get("prefix", "")),
            str(data.get("suffix", "")),
            int(data["start"]),
            int(data["end"]),
        )
