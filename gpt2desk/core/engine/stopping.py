"""Stop strings over streamed text.

A stop string can arrive split across several pieces, so text that could be
the start of a stop string is held back until it is known not to be one. A
stop string is never part of the output.
"""

from __future__ import annotations

from collections.abc import Sequence


class StopScanner:
    """Filters streamed pieces for stop strings.

    ``feed`` takes each piece with the token ids whose text completes in it
    and returns what may be shown now; ids travel with the piece in which
    their text ends, so a piece held back keeps its ids until it is shown.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._held: list[tuple[str, list[int]]] = []
        self.stopped = False

    def feed(self, text: str, ids: Sequence[int]) -> tuple[str, list[int]]:
        """Adds a piece; returns the text and ids that are safe to show."""
        if self.stopped:
            return "", []
        self._held.append((text, list(ids)))
        if not self._stops:
            return self._take(len(self._held_text()))
        held = self._held_text()
        hits = [i for i in (held.find(s) for s in self._stops) if i >= 0]
        if hits:
            self.stopped = True
            out = self._take(min(hits))
            self._held = []
            return out
        return self._take(len(held) - self._partial_stop_len(held))

    def finish(self) -> tuple[str, list[int]]:
        """The end of the stream: whatever was held back is not a stop string."""
        if self.stopped:
            return "", []
        # Everything held goes out, ids of trailing empty pieces included.
        text = self._held_text()
        ids = [i for _, piece_ids in self._held for i in piece_ids]
        self._held = []
        return text, ids

    def _held_text(self) -> str:
        return "".join(t for t, _ in self._held)

    def _partial_stop_len(self, text: str) -> int:
        """Length of the longest suffix of ``text`` that starts some stop string."""
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(text)), best, -1):
                if stop.startswith(text[-n:]):
                    best = n
                    break
        return best

    def _take(self, n_chars: int) -> tuple[str, list[int]]:
        """Removes the first ``n_chars`` of held text with the ids that end inside them."""
        out_text: list[str] = []
        out_ids: list[int] = []
        while self._held and n_chars > 0:
            text, ids = self._held[0]
            if len(text) <= n_chars:
                out_text.append(text)
                out_ids.extend(ids)
                n_chars -= len(text)
                self._held.pop(0)
            else:
                out_text.append(text[:n_chars])
                self._held[0] = (text[n_chars:], ids)
                n_chars = 0
        return "".join(out_text), out_ids
