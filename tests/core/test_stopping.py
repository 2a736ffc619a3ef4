"""Stop strings: however the text arrives in pieces, the output ends right before the stop."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gpt2desk.core.engine.stopping import StopScanner

PROPERTY = settings(max_examples=500, deadline=None)
# A small alphabet, so that stop strings actually occur and partly occur.
ALPHABET = st.sampled_from(["a", "b", "\n", " ", "你", "🙂", "U", ":"])
TEXT = st.lists(ALPHABET, max_size=30).map("".join)
STOP = st.lists(ALPHABET, min_size=1, max_size=4).map("".join)


@st.composite
def split(draw: st.DrawFn) -> list[str]:
    """A text cut into pieces at arbitrary places (empty pieces included)."""
    text = draw(TEXT)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def scan(pieces: list[str], stops: tuple[str, ...]) -> tuple[str, list[int], bool]:
    """Feeds piece ``i`` with id ``i``; returns what was shown, its ids, and ``stopped``."""
    scanner = StopScanner(stops)
    shown = [scanner.feed(p, [i]) for i, p in enumerate(pieces)]
    shown.append(scanner.finish())
    return "".join(t for t, _ in shown), [i for _, ids in shown for i in ids], scanner.stopped


@PROPERTY
@given(split(), STOP)
def test_output_is_the_text_before_the_stop(pieces: list[str], stop: str) -> None:
    text = "".join(pieces)
    out, ids, stopped = scan(pieces, (stop,))
    at = text.find(stop)
    cut = at if at >= 0 else len(text)
    assert out == text[:cut]
    assert stopped == (at >= 0)
    # Ids come out in order, each with the piece in which its text ends.
    assert ids == list(range(len(ids)))
    end = 0
    for i, piece in enumerate(pieces):
        end += len(piece)
        if end < cut or (end == cut and (piece or at < 0)):
            assert i in ids, (i, piece)
        elif end > cut:
            assert i not in ids, (i, piece)


@PROPERTY
@given(split(), st.lists(STOP, min_size=1, max_size=3))
def test_no_stop_string_is_ever_shown(pieces: list[str], stops: list[str]) -> None:
    text = "".join(pieces)
    out, _, stopped = scan(pieces, tuple(stops))
    assert text.startswith(out)
    assert not any(s in out for s in stops)
    if stopped:
        assert any(text[len(out) :].startswith(s) for s in stops)
    else:
        assert out == text


@PROPERTY
@given(split())
def test_without_stop_strings_everything_is_shown_as_it_arrives(pieces: list[str]) -> None:
    scanner = StopScanner(())
    for i, piece in enumerate(pieces):
        text, _ = scanner.feed(piece, [i])
        assert text == piece
    assert scanner.finish()[0] == ""


def test_text_that_may_start_a_stop_is_held_back_until_it_cannot() -> None:
    scanner = StopScanner(["\nUser:"])
    assert scanner.feed("Hello\nUs", [1]) == ("Hello", [])
    assert scanner.feed("ually", [2]) == ("\nUsually", [1, 2])
    assert scanner.feed(" yes\nUse", [3]) == (" yes", [])
    assert scanner.feed("r: hi", [4]) == ("", [])
    assert scanner.stopped
    assert scanner.feed("more", [5]) == ("", [])
    assert scanner.finish() == ("", [])
