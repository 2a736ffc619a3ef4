"""Who wrote each character of a manuscript, kept as runs.

A run is ``(start, end, author)``; the runs cover the text without gaps, in
order, and two neighbours never share an author. The author is
:data:`WRITER` or the id of the continuation that wrote the text. An edit
costs O(number of runs) (bisect plus a shift of the later starts), never
O(characters), so a 1 MB document with its runs stays cheap to type into.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

WRITER = "writer"

Run = tuple[int, int, str]


class Authorship:
    """The runs of one text of ``length`` characters (all the writer's at first)."""

    def __init__(self, length: int = 0, author: str = WRITER) -> None:
        self._starts: list[int] = [0] if length else []
        self._authors: list[str] = [author] if length else []
        self._length = length

    @classmethod
    def from_runs(cls, runs: Iterable[Sequence[object]]) -> Authorship:
        """Runs as :meth:`runs` gives them (lists from JSON are fine)."""
        out = cls()
        out.replace(0, 0, [(int(str(r[0])), int(str(r[1])), str(r[2])) for r in runs])
        return out

    def __len__(self) -> int:
        return self._length

    def runs(self) -> list[Run]:
        if not self._starts:
            return []
        ends = [*self._starts[1:], self._length]
        return list(zip(self._starts, ends, self._authors, strict=True))

    def slice(self, start: int, end: int) -> list[Run]:
        """The runs of ``[start, end)``, relative to ``start``."""
        if start >= end:
            return []
        i = max(bisect_right(self._starts, start) - 1, 0)
        j = bisect_left(self._starts, end)
        out: list[Run] = []
        for k in range(i, j):
            s = max(self._starts[k], start)
            e = min(self._starts[k + 1] if k + 1 < len(self._starts) else self._length, end)
            if e > s:
                out.append((s - start, e - start, self._authors[k]))
        return out

    def author_at(self, pos: int) -> str | None:
        """Who wrote the character at ``pos`` (None outside the text)."""
        if not 0 <= pos < self._length:
            return None
        return self._authors[bisect_right(self._starts, pos) - 1]

    def spans_of(self, author: str) -> list[tuple[int, int]]:
        return [(s, e) for s, e, a in self.runs() if a == author]

    def splice(self, start: int, end: int, length: int, author: str = WRITER) -> None:
        """``[start, end)`` is replaced by ``length`` characters of ``author``."""
        self.replace(start, end, [(0, length, author)] if length else [])

    def replace(self, start: int, end: int, runs: Sequence[Run]) -> None:
        """``[start, end)`` is replaced by text whose runs (relative to ``start``) are ``runs``."""
        if not 0 <= start <= end <= self._length:
            raise IndexError(f"span {start}..{end} outside 0..{self._length}")
        n = runs[-1][1] if runs else 0
        delta = n - (end - start)
        starts, authors = self._starts, self._authors
        i = bisect_left(starts, start)  # runs [0, i) begin before start
        new_starts = starts[:i]
        new_authors = authors[:i]
        for s, e, a in runs:
            if e > s:
                new_starts.append(start + s)
                new_authors.append(a)
        if end < self._length:
            j = bisect_right(starts, end) - 1  # the run holding the character at end
            new_starts.append(end + delta)
            new_authors.append(authors[j])
            new_starts.extend(s + delta for s in starts[j + 1 :])
            new_authors.extend(authors[j + 1 :])
        self._length += delta
        self._starts, self._authors = _merged(new_starts, new_authors, self._length)


def _merged(starts: list[int], authors: list[str], length: int) -> tuple[list[int], list[str]]:
    """Drops empty runs and joins neighbours with the same author."""
    out_s: list[int] = []
    out_a: list[str] = []
    for k, (s, a) in enumerate(zip(starts, authors, strict=True)):
        if (starts[k + 1] if k + 1 < len(starts) else length) == s:
            continue  # empty run
        if out_a and out_a[-1] == a:
            continue
        out_s.append(s)
        out_a.append(a)
    return out_s, out_a
