"""Manuscript benchmark: typing into and streaming into a 1 MB draft (issue 12).

Usage: python bench/manuscript_bench.py [--chars N] [--keys N] [--tokens N] [FOLDER]

The real window (``MainWindow``, offscreen unless ``QT_QPA_PLATFORM`` says
otherwise, 1000x700, no model loaded) on a fresh data folder, with two
drafts: an empty one and one of ``--chars`` characters (default 1,000,000)
of prose: paragraphs of English words, some of CJK, a few emoji, a few
hundred continuations written by "the model" (``Manuscript.begin/stream/
finish``), some retried, some edited by the writer, so the authorship has
many runs. It measures, in the GUI thread:

- opening the big draft: ``ManuscriptEditor.set_manuscript`` alone, and the
  selection to the first paint;
- keystrokes (``QTest.keyClick`` on the editor, one every ``KEY_MS``, typed
  text with a Backspace now and then): the key event to the text in the
  manuscript ("handled"), and on to the pending events processed and the
  page repainted ("painted"); in an empty draft before the big one exists
  (the baseline), in another empty one with the big one loaded, and in the
  big one with the cursor in the middle and at the end;
- streaming: tokens of 1-6 characters emitted every ``TOKEN_MS`` as the
  ``GenerationController``'s ``token_received`` (what the worker's tokens
  become), applied by the real ``ManuscriptFlow`` (``Manuscript.stream``,
  its ``SYNC_MS`` editor sync, the session's save timer), a continuation at
  the end and one in the middle; the largest gap between ticks of a 5 ms
  GUI timer, the time of each token's signal, of each editor sync and of
  each save flush.

Prints one JSON line (used by bench/run.py), then a Markdown table. Not part
of ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: One keystroke every this many ms (about 25 characters a second: a fast typist).
KEY_MS = 40
#: One token every this many ms (about what the worker sends for gpt2).
TOKEN_MS = 15
#: The GUI timer whose gaps are measured.
TICK_MS = 5
#: Issue 12's targets.
KEY_TARGET_MS = 50.0
GAP_TARGET_MS = 50.0

_WORDS = (  # noqa: SIM905
    "the of and to a in that was he she it with as his her on for at by had not but from "
    "they which be this have or one were all there we when an been would their could "
    "into said more time only other little man house night door window light rain street "
    "city morning letter river garden voice hand face eyes road silence winter summer "
    "memory printing press paper ink quietly slowly suddenly almost perhaps remembered "
    "wondered walked opened closed turned looked waited believed carried followed "
    "answered everything something nothing somebody anybody nobody across behind between "
    "beneath"
).split()
_CJK = (
    "的一是不了人我在有他這中大來上國個到說們為子和你地出道也時年得就那要下以生會自著去之過家"
    "學對可她裡後小麼心多天而能好都然沒日於起還發成事只作當想看文無開手十用主行方又如前所本見經"
)
_EMOJI = "\U0001f600\U0001f4d6\U0001f319\u2615\U0001f30a"
_TYPED = "and then the door opened slowly onto the street where the rain had stopped "


def sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 22))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(".....?!")


def paragraph(rng: random.Random, cjk: bool) -> str:
    if cjk:
        parts = [
            "".join(rng.choice(_CJK) for _ in range(rng.randint(8, 30)))
            + rng.choice("\uff0c\u3002\u3002")  # fullwidth comma, ideographic full stop
            for _ in range(rng.randint(3, 9))
        ]
        return "".join(parts)
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 8)))
    if rng.random() < 0.01:
        text += " " + rng.choice(_EMOJI)
    return text


def tokens_of(rng: random.Random, n: int) -> list[str]:
    """``n`` tokens of 1-6 characters, as GPT-2's would come (mostly " word")."""
    out: list[str] = []
    while len(out) < n:
        word = " " + rng.choice(_WORDS)
        while word:
            k = rng.randint(1, 6)
            out.append(word[:k])
            word = word[k:]
        if rng.random() < 0.08:
            out.append(rng.choice([",", ".", ".\n\n"]))
    return out[:n]


def fill(m: Any, chars: int, continuations: int, settings: dict[str, Any]) -> dict[str, int]:
    """Writes ``chars`` characters into the empty manuscript ``m`` as a writer and the model
    would: the writer's paragraphs, ``continuations`` continuations (every 20th retried once,
    every 7th then edited by the writer in its middle)."""
    rng = random.Random(12)
    per_cont = chars // (continuations + 1)
    retried = edited = 0
    for i in range(continuations):
        writer: list[str] = []
        while sum(len(p) + 2 for p in writer) < per_cont * 0.6:
            writer.append(paragraph(rng, cjk=rng.random() < 0.12))
        text = ("\n\n" if m.text else "") + "\n\n".join(writer)
        m.edit(len(m.text), len(m.text), text, merge=False)
        model_text = " " + " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
        while len(model_text) < per_cont * 0.4:
            model_text += " " + sentence(rng)
        cont = m.begin(len(m.text), "gpt2", settings, seed=i)
        for k in range(0, len(model_text), 64):
            m.stream(cont.id, model_text[k : k + 64])
        m.finish(cont.id, {"reason": "length", "new_tokens": len(model_text) // 4})
        if i % 20 == 19:
            retry = m.retry("gpt2", settings, seed=i + 10_000)
            if retry is not None:
                m.stream(retry.id, " " + " ".join(sentence(rng) for _ in range(3)))
                m.finish(retry.id, {"reason": "length"})
                retried += 1
        if i % 7 == 3:
            place = m.last_place()
            mid = (place.start + place.end) // 2
            m.edit(mid, mid + 5, "quite", merge=False)
            edited += 1
    while len(m.text) < chars:
        m.edit(len(m.text), len(m.text), "\n\n" + paragraph(rng, cjk=False), merge=False)
    if len(m.text) > chars:
        m.edit(chars, len(m.text), "", merge=False)
    return {"retried": retried, "edited_in_model_text": edited}


def summary(values_s: list[float]) -> dict[str, float]:
    """Median, p95 and max, in ms."""
    ms = sorted(v * 1000 for v in values_s)
    if not ms:
        return {"n": 0, "median_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ms[-1], 2),
    }


class Ticks:
    """A 5 ms GUI timer's timestamps: the event loop's gaps."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.stamps.append(time.perf_counter()))

    def start(self) -> None:
        self.stamps = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        self.stamps.append(time.perf_counter())
        gaps = sorted(b - a for a, b in zip(self.stamps, self.stamps[1:], strict=False))
        return {
            "max_gap_ms": round(gaps[-1] * 1000, 1),
            "p99_gap_ms": round(gaps[min(len(gaps) - 1, round(0.99 * (len(gaps) - 1)))] * 1000, 1),
        }


def timed_slot(signal: Any, slot: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    """Reconnects ``signal`` from ``slot`` to a wrapper that times each call into ``into``."""

    def wrapper(*args: Any) -> None:
        t = time.perf_counter()
        slot(*args)
        into.append(time.perf_counter() - t)

    signal.disconnect(slot)
    signal.connect(wrapper)
    return wrapper


def run_loop(app: Any, interval_ms: int, step: Callable[[int], bool]) -> None:
    """Calls ``step(i)`` every ``interval_ms`` from a QTimer until it returns False."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(interval_ms)
    count = [0]

    def tick() -> None:
        if not step(count[0]):
            timer.stop()
            loop.quit()
        count[0] += 1

    timer.timeout.connect(tick)
    timer.start()
    loop.exec()


def settle(app: Any, ms: int) -> None:
    """Runs the event loop for ``ms`` (timers, saves, paints)."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?")
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--continuations", type=int, default=300)
    parser.add_argument("--keys", type=int, default=250)
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--save", action="store_true", help="also write bench/results/")
    args = parser.parse_args()
    folder = Path(args.folder) if args.folder else Path(tempfile.mkdtemp(prefix="msbench-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QStandardPaths, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    os.environ["GPT2DESK_DATA_DIR"] = str(folder)
    QStandardPaths.setTestModeEnabled(True)  # QSettings away from the user's
    app = QApplication(sys.argv[:1])
    from gpt2desk.core.settings import GenerationSettings
    from gpt2desk.ui.window.main_window import MainWindow

    window = MainWindow("gpt2", offline=True)  # no model is loaded: start() is not called
    window.resize(1000, 700)
    window.show()
    ui = window.workspace_ui
    ws, flow, editor = ui.workspace, ui.manuscript, ui.editor
    drafts = ws.session.drafts
    settings = GenerationSettings().to_dict()
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "platform": app.platformName(),
        "chars": args.chars,
        "load_before": os.getloadavg()[0],
    }

    syncs: list[float] = []
    flushes: list[float] = []
    timed_slot(flow._sync_timer.timeout, flow._sync, syncs)
    timed_slot(ws._timer.timeout, ws.flush_pending, flushes)
    ticks = Ticks()

    def put_cursor(pos: int) -> None:
        cursor = editor.textCursor()
        cursor.setPosition(editor._map.to_utf16(pos))
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
        editor.setFocus()
        settle(app, 200)

    def typing(label: str, conv_id: str, where: str) -> dict[str, Any]:
        ws.select(conv_id)
        settle(app, 200)
        doc = flow.manuscript
        assert doc is not None and doc is drafts.manuscript(conv_id), label
        pos = len(doc.text) if where == "end" else _paragraph_end(doc.text, len(doc.text) // 2)
        put_cursor(pos)
        handled: list[float] = []
        painted: list[float] = []
        rng = random.Random(5)
        del syncs[:], flushes[:]
        ticks.start()

        def step(i: int) -> bool:
            if i >= args.keys:
                return False
            backspace = rng.random() < 0.05
            before = len(doc.text)
            t = time.perf_counter()
            if backspace:
                QTest.keyClick(editor, Qt.Key.Key_Backspace)
            else:
                QTest.keyClicks(editor, _TYPED[i % len(_TYPED)])
            t1 = time.perf_counter()
            app.processEvents()
            editor.viewport().repaint()
            t2 = time.perf_counter()
            assert len(doc.text) == before + (-1 if backspace else 1), label
            handled.append(t1 - t)
            painted.append(t2 - t)
            return True

        run_loop(app, KEY_MS, step)
        gaps = ticks.stop()
        settle(app, 600)  # the counts and the save after typing stops (the typed text stays)
        return {
            "handled": summary(handled),
            "painted": summary(painted),
            "flushes": summary(flushes),
            **gaps,
        }

    # An empty draft, alone in the window: the baseline.
    alone = ws.new_conversation("draft", "gpt2")
    ws.rename(alone.id, "Empty")  # a blank untitled draft is dropped when another is selected
    settle(app, 300)
    result["typing"] = {"empty": typing("empty", alone.id, "end")}

    # The big draft, made as a writer and the model would, then saved.
    t0 = time.perf_counter()
    big = ws.new_conversation("draft", "gpt2")
    m = drafts.manuscript(big.id)
    assert m is not None
    result["made"] = fill(m, args.chars, args.continuations, settings)
    m.cursor, m.scroll = len(m.text) // 2, 0
    drafts.changed(big.id)
    ws.flush_pending()
    ws.writer.flush()
    result["build_s"] = round(time.perf_counter() - t0, 2)
    result["manuscript"] = {
        "chars": len(m.text),
        "utf8_bytes": len(m.text.encode()),
        "runs": len(m.runs()),
        "continuations": len(m.continuations),
        "places": len(m.places),
        "paragraphs": m.text.count("\n\n") + 1,
    }
    empty = ws.new_conversation("draft", "gpt2")
    ws.rename(empty.id, "Empty too")
    settle(app, 300)
    assert flow.manuscript is drafts.manuscript(empty.id)
    result["editor_size"] = [editor.width(), editor.height()]

    # Opening the big draft.
    opened: list[float] = []
    real_set = editor.set_manuscript

    def timed_set(doc: Any) -> None:
        t = time.perf_counter()
        real_set(doc)
        opened.append(time.perf_counter() - t)

    editor.set_manuscript = timed_set  # type: ignore[method-assign,assignment]
    t0 = time.perf_counter()
    ws.select(big.id)
    app.processEvents()
    window.repaint()
    first_paint = time.perf_counter() - t0
    editor.set_manuscript = real_set  # type: ignore[method-assign]
    assert flow.manuscript is m and editor.toPlainText().startswith(m.text[:100])
    result["open"] = {
        "set_manuscript_ms": round(opened[-1] * 1000, 1),
        "select_to_first_paint_ms": round(first_paint * 1000, 1),
    }
    settle(app, 500)

    result["typing"]["empty_big_loaded"] = typing("empty_big_loaded", empty.id, "end")
    result["typing"]["big_middle"] = typing("big_middle", big.id, "middle")
    result["typing"]["big_end"] = typing("big_end", big.id, "end")

    def streaming(where: str) -> dict[str, Any]:
        ws.select(big.id)
        settle(app, 200)
        doc = flow.manuscript
        assert doc is m
        offset = len(doc.text) if where == "end" else _paragraph_end(doc.text, len(doc.text) // 2)
        put_cursor(offset)
        if where == "end":
            bar = editor.verticalScrollBar()
            bar.setValue(bar.maximum())
            settle(app, 100)
        toks = tokens_of(random.Random(9 if where == "end" else 10), args.tokens)
        before = len(doc.text)
        # ManuscriptFlow._start without asking the worker (no model is loaded): the tokens
        # come from this bench.
        cont = doc.begin(offset, "gpt2", settings, seed=1)
        flow.follow(doc, cont)
        applied: list[float] = []
        del syncs[:], flushes[:]
        ticks.start()

        def step(i: int) -> bool:
            if i >= len(toks):
                return False
            t = time.perf_counter()
            window.generation.token_received.emit(toks[i])
            applied.append(time.perf_counter() - t)
            return True

        run_loop(app, TOKEN_MS, step)
        t = time.perf_counter()
        flow._on_finished({"reason": "length", "new_tokens": len(toks)})
        finish = time.perf_counter() - t
        settle(app, 500)
        gaps = ticks.stop()
        streamed = "".join(toks)
        got = doc.text[offset : offset + len(streamed)]
        assert got == streamed, (where, offset, len(doc.text) - before, len(streamed), got[:80])
        assert editor.toPlainText()[:200] == doc.text[:200]
        out = {
            "token_signal": summary(applied),
            "editor_sync": summary(syncs),
            "flushes": summary(flushes),
            "finish_ms": round(finish * 1000, 1),
            "chars_streamed": len(doc.text) - before,
            **gaps,
        }
        flow.undo()  # the continuation goes in one step
        settle(app, 200)
        return out

    result["streaming"] = {"big_end": streaming("end"), "big_middle": streaming("middle")}
    window.close()
    ws.close()
    result["load_after"] = os.getloadavg()[0]
    if not args.folder:
        shutil.rmtree(folder, ignore_errors=True)
    if args.save:
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        (out / f"manuscript-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    print()
    print(table(result))
    return 0


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip()
    except OSError:
        return ""


def _paragraph_end(text: str, near: int) -> int:
    """The end of the paragraph at ``near`` (where a writer would go on writing)."""
    end = text.find("\n\n", near)
    return end if end >= 0 else len(text)


def table(r: dict[str, Any]) -> str:
    """The Markdown table of one run."""
    typing = r["typing"]
    base = typing["empty"]
    lines = [
        "| keystroke | handled median / p95 (ms) | to painted median / p95 (ms) "
        "| painted p95 minus empty's | GUI gap max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    size = f"{r['manuscript']['chars'] / 1e6:g}M characters"
    names = {
        "empty": "empty draft (the only draft loaded)",
        "empty_big_loaded": f"empty draft, the {size} one loaded too",
        "big_middle": f"{size}, cursor in the middle",
        "big_end": f"{size}, cursor at the end",
    }
    for key, name in names.items():
        t = typing[key]
        extra = (
            "-" if key == "empty" else f"{t['painted']['p95_ms'] - base['painted']['p95_ms']:+.1f}"
        )
        lines.append(
            f"| {name} | {t['handled']['median_ms']:.1f} / {t['handled']['p95_ms']:.1f} "
            f"| {t['painted']['median_ms']:.1f} / {t['painted']['p95_ms']:.1f} | {extra} "
            f"| {t['max_gap_ms']:.0f} |"
        )
    lines += [
        "",
        f"| streaming into {size} | per token median / p95 / max (ms) "
        "| editor sync median / p95 / max (ms) | save flush max (ms) | GUI gap max / p99 (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, name in {"big_end": "at the end", "big_middle": "in the middle"}.items():
        s = r["streaming"][key]
        tok, syn = s["token_signal"], s["editor_sync"]
        lines.append(
            f"| {name} | {tok['median_ms']:.2f} / {tok['p95_ms']:.2f} / {tok['max_ms']:.1f} "
            f"| {syn['median_ms']:.1f} / {syn['p95_ms']:.1f} / {syn['max_ms']:.1f} "
            f"| {s['flushes']['max_ms']:.1f} | {s['max_gap_ms']:.0f} / {s['p99_gap_ms']:.0f} |"
        )
    worst_key = max(t["painted"]["p95_ms"] for k, t in typing.items() if k.startswith("big"))
    worst_gap = max(s["max_gap_ms"] for s in r["streaming"].values())
    ms = r["manuscript"]
    lines += [
        "",
        f"- the draft: {ms['chars']:,} characters ({ms['utf8_bytes']:,} bytes of UTF-8), "
        f"{ms['runs']} authorship runs, {ms['continuations']} continuations, "
        f"{ms['paragraphs']} paragraphs; editor {r['editor_size'][0]}x{r['editor_size'][1]} "
        f"in the 1000x700 window ({r['platform']})",
        f"- {r['date']}, commit {r['commit']}; load average (1 min) before and after: "
        f"{r['load_before']:.2f}, {r['load_after']:.2f}",
        f"- opening it: set_manuscript {r['open']['set_manuscript_ms']:.0f} ms, selection to "
        f"first paint {r['open']['select_to_first_paint_ms']:.0f} ms",
        f"- keystroke target (p95 to painted within {KEY_TARGET_MS:.0f} ms of empty's): "
        f"{'met' if worst_key - base['painted']['p95_ms'] <= KEY_TARGET_MS else 'MISSED'}; "
        f"streaming target (no GUI gap over {GAP_TARGET_MS:.0f} ms): "
        f"{'met' if worst_gap <= GAP_TARGET_MS else 'MISSED'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
