"""A draft's manuscript and the model: continue, retry, alternatives, undo, what the model reads.

``ManuscriptFlow`` is the one place where the window's actions meet a draft's
:class:`~gpt2desk.core.writing.manuscript.Manuscript` and the
:class:`~gpt2desk.ui.generation.controller.GenerationController`: a
continuation begins in the manuscript (its model, settings and seed recorded),
streams into it token by token, and ends as one undoable step. The prompt is
the text before the insertion point; the worker keeps what fits the model's
window (``fit_prompt``); window_meter.py has it measure where that window
starts, for the editor's marker and the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.core.writing.manuscript import Continuation, Manuscript, Place
from gpt2desk.ui.generation.controller import GenerationController, display_name
from gpt2desk.ui.manuscript.editor import ManuscriptEditor
from gpt2desk.ui.manuscript.window_meter import SettingsForm, WindowMeter

#: Tokens are put into the editor at most this often (they reach the manuscript at once).
SYNC_MS = 30


class DraftStore(Protocol):
    """The session's drafts (core/writing/drafts.py's Drafts)."""

    def changed(self, conv_id: str | None = None) -> None: ...


class ManuscriptFlow(QObject):
    """Continues, retries and undoes the shown draft's manuscript.

    Args:
        page: the editor showing the manuscript.
        generation: the model and the reply under way.
        drafts: told about every change (it saves them).
        panel: the sampling settings.
        say: a message for the status bar.

    Signals:
        streaming_changed(bool): a continuation began or ended.
        undo_changed(): what Undo/Redo would do changed.
    """

    streaming_changed = Signal(bool)
    undo_changed = Signal()

    def __init__(
        self,
        page: ManuscriptEditor,
        generation: GenerationController,
        drafts: DraftStore,
        panel: SettingsForm,
        say: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.page = page
        self.generation = generation
        self.drafts = drafts
        self.panel = panel
        self.say = say
        self.conv_id = ""
        self._cid = ""  # the continuation being written
        # ...into this manuscript, of this draft (still right if another page is shown).
        self._target: tuple[Manuscript, str] | None = None
        self._streamed = False
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(SYNC_MS)
        self._sync_timer.timeout.connect(self._sync)
        #: Words, characters, tokens and the window's start (the status bar's label).
        self.meter = WindowMeter(page, generation, panel, self.streaming, self)
        self.label = self.meter.label
        page.edited.connect(self.on_edited)
        page.cursor_moved.connect(self.on_moved)
        page.verticalScrollBar().valueChanged.connect(self.on_moved)
        page.retry_from_requested.connect(self.retry_from)
        page.alternative_requested.connect(self.choose)
        generation.token_received.connect(self._on_token)
        generation.reply_finished.connect(self._on_finished)
        generation.reply_failed.connect(self._on_failed)

    # -- what is shown ---------------------------------------------------------------

    @property
    def manuscript(self) -> Manuscript | None:
        return self.page.manuscript

    def show(self, conv_id: str, m: Manuscript | None) -> None:
        """Shows ``m`` (the draft ``conv_id``'s manuscript; None: no draft is shown)."""
        self.conv_id = conv_id if m is not None else ""
        if self.page.manuscript is not m:
            self.page.set_manuscript(m)
            self.meter.clear()
            self.undo_changed.emit()
        self.label.setVisible(m is not None)
        if m is not None:
            self.schedule_measure()

    def streaming(self) -> bool:
        return bool(self._cid)

    def streaming_draft(self) -> str:
        """The draft a continuation is being written into ("" for none)."""
        return self._target[1] if self._target is not None else ""

    # -- the writer's actions -----------------------------------------------------------

    def continue_end(self) -> None:
        """Ctrl+Enter: the model goes on from the end of the document."""
        m = self._ready()
        if m is not None:
            self._begin(m, len(m.text))

    def continue_at_cursor(self) -> None:
        """Ctrl+Shift+Enter: the model reads the text before the cursor and writes there."""
        m = self._ready()
        if m is not None:
            self._begin(m, self.page.position())

    def retry(self) -> None:
        """Ctrl+R: a new text for the last continuation; the old one stays an alternative."""
        m = self._ready()
        if m is None:
            return
        if m.last_place() is None:
            self.say(self.tr("Nothing to retry yet: Ctrl+Enter lets the model continue."))
            return
        settings = self._settings()
        if settings is None:
            return
        model = self.generation.model_name
        cont = m.retry(model, settings.to_dict(), seed=settings.seed)
        if cont is not None:
            self._start(m, cont, settings)

    def retry_from(self, pos: int | None = None) -> None:
        """ "Retry from here": the model's text from ``pos`` (the cursor) on is written anew."""
        m = self._ready()
        if m is None:
            return
        pos = self.page.position() if pos is None else pos
        if not m.is_model_text(pos):
            self.say(self.tr("Put the cursor inside the model's text to retry from there."))
            return
        settings = self._settings()
        if settings is None:
            return
        cont = m.retry_from(pos, self.generation.model_name, settings.to_dict(), settings.seed)
        if cont is not None:
            self._start(m, cont, settings)

    def reproduce(self) -> None:
        """Writes the continuation at the cursor again with its own model, settings and seed."""
        m = self._ready()
        if m is None:
            return
        place = self._place_at_cursor(m)
        if place is None or not place.alternatives:
            self.say(self.tr("Put the cursor inside the model's text to reproduce it."))
            return
        old = m.continuations.get(place.alternatives[place.shown].continuation_id)
        if old is None:
            return
        try:
            settings = GenerationSettings.from_dict({**old.settings, "seed": old.seed})
        except Exception:  # a record from another version: the panel's settings instead
            fallback = self._settings()
            if fallback is None:
                return
            settings = fallback
        loaded = self.generation.model_name
        cont = m.retry(loaded, settings.to_dict(), place.id, settings.seed)
        if cont is None:
            return
        self._start(m, cont, settings)
        if old.model and old.model != loaded:
            self.say(
                self.tr(
                    "This continuation was written by {old}; {loaded} is loaded, so the "
                    "new text may differ."
                ).format(old=display_name(old.model), loaded=display_name(loaded))
            )

    def step_alternative(self, step: int) -> None:
        """Alt+Left/Right: the previous or next alternative of the continuation at the cursor."""
        m = self._idle_manuscript()
        if m is None:
            return
        place = self._place_with_alternatives(m)
        if place is None:
            self.say(self.tr("This continuation has no alternatives: Ctrl+R writes one."))
            return
        self.choose(place.id, place.shown + step)

    def choose(self, place_id: str, index: int) -> None:
        """Shows alternative ``index`` of a place (the editor's ◀ ▶ bar)."""
        m = self._idle_manuscript()
        if m is not None and m.choose(place_id, index) is not None:
            self._changed(m)

    def undo(self) -> bool:
        """Undoes the manuscript's last change; False when it has none (the session may)."""
        return self._step(back=True)

    def redo(self) -> bool:
        return self._step(back=False)

    def _step(self, *, back: bool) -> bool:
        m = self.manuscript
        if m is None:
            return False
        if self.streaming():
            self.say(self.tr("The model is writing: press Esc to stop it first."))
            return True
        if not (m.can_undo() if back else m.can_redo()):
            return False
        m.undo() if back else m.redo()
        self._changed(m)
        return True

    def type_text(self, text: str) -> None:
        """``text`` typed at the cursor (the start of a draft typed elsewhere)."""
        m = self._idle_manuscript()
        if m is None or not text:
            return
        pos = self.page.position()
        m.edit(pos, pos, text)
        m.cursor = pos + len(text)
        self._changed(m)
        self.page.set_manuscript(m)  # the cursor after the text

    def clear(self) -> None:
        """Removes the whole text (one undo step)."""
        m = self._idle_manuscript()
        if m is not None and m.text:
            m.edit(0, len(m.text), "", merge=False)
            self._changed(m)

    def stop_and_keep(self) -> None:
        """Stops the continuation under way at once; what it wrote stays."""
        if not self._cid:
            return
        self.generation.abandon_reply()
        self._end({"reason": "cancelled"})

    # -- the editor's news ------------------------------------------------------------------

    @Slot()
    def on_edited(self) -> None:
        m = self.manuscript
        if m is not None:
            self.drafts.changed(self.conv_id)
            self.undo_changed.emit()
            self.schedule_measure()

    def on_moved(self, *_: object) -> None:
        """The cursor or the scroll position moved (the editor keeps them in the manuscript)."""
        if self.manuscript is not None:
            self.drafts.changed(self.conv_id)

    # -- continuing -------------------------------------------------------------------------

    def _idle_manuscript(self) -> Manuscript | None:
        m = self.manuscript
        if m is not None and self.streaming():
            self.say(self.tr("The model is writing: press Esc to stop it first."))
            return None
        return m

    def _ready(self) -> Manuscript | None:
        """The manuscript, if a continuation can start now (else a message says why)."""
        m = self._idle_manuscript()
        if m is None or self.streaming():
            return None
        if not self.generation.check_ready():
            return None
        return m

    def _settings(self) -> GenerationSettings | None:
        """The panel's settings, or None after saying what to fix."""
        try:
            return self.panel.settings()
        except SettingsError as exc:
            self.say(self.panel.error_text(exc))
            return None

    def _begin(self, m: Manuscript, offset: int) -> None:
        settings = self._settings()
        if settings is None:
            return
        cont = m.begin(offset, self.generation.model_name, settings.to_dict(), settings.seed)
        self._start(m, cont, settings)

    def _start(self, m: Manuscript, cont: Continuation, settings: GenerationSettings) -> None:
        self.follow(m, cont)
        values = settings.to_dict()
        values["stop"] = list(settings.stop)
        self.generation.start_reply(m.text[: cont.offset], values)

    def follow(self, m: Manuscript, cont: Continuation) -> None:
        """The controller's tokens and end go into ``cont`` (begun in ``m``, the shown draft's
        manuscript) from now on; ``_start`` asks the worker for them (a bench emits its own)."""
        self._cid = cont.id
        self._target = (m, self.conv_id)
        self._streamed = False
        self._changed(m, self.conv_id)  # a retry took the old text out
        self.streaming_changed.emit(True)

    @Slot(str)
    def _on_token(self, text: str) -> None:
        if not self._cid or self._target is None:
            return
        if self._target[0].stream(self._cid, text):
            self._streamed = True
            if not self._sync_timer.isActive():
                self._sync_timer.start()

    def _sync(self) -> None:
        self._sync_timer.stop()
        if self._target is not None:
            m, conv_id = self._target
            if m is self.manuscript:
                self.page.sync()
            self.drafts.changed(conv_id)

    @Slot(dict)
    def _on_finished(self, stats: dict[str, Any]) -> None:
        if self._cid:
            self._end(stats)

    @Slot(str, str)
    def _on_failed(self, _message: str, _unsent: str) -> None:
        # The status line shows the message; the text written so far stays.
        if self._cid:
            self._end({"reason": "failed"})

    def _end(self, stats: dict[str, Any]) -> None:
        cid, self._cid = self._cid, ""
        target, self._target = self._target, None
        if target is None:
            self.streaming_changed.emit(False)
            return
        m, conv_id = target
        change = m.finish(cid, stats)
        if change is not None and not self._streamed:
            # Nothing was written: no empty continuation, and a retry's old text comes back.
            m.undo()
            if m.redo_stack and m.redo_stack[-1] is change:
                m.redo_stack.pop()
            reason = stats.get("reason")
            if reason == "cancelled":
                self.say(self.tr("Stopped before the model wrote anything."))
            elif reason != "failed":
                self.say(self.tr("The model wrote nothing this time; try again."))
        self._changed(m, conv_id)
        self.streaming_changed.emit(False)

    def _changed(self, m: Manuscript, conv_id: str | None = None) -> None:
        """``m`` changed from here: the page follows if it shows it; the draft saves it."""
        self._sync_timer.stop()
        if m is self.manuscript:
            self.page.sync()
            self.schedule_measure()
        self.drafts.changed(self.conv_id if conv_id is None else conv_id)
        self.undo_changed.emit()

    # -- places -----------------------------------------------------------------------------

    def _place_at_cursor(self, m: Manuscript) -> Place | None:
        pos = self.page.position()
        for at in (pos, pos - 1):
            if 0 <= at < len(m.text) and m.is_model_text(at):
                place = m.place_at(at)
                if place is not None:
                    return place
        return None

    def _place_with_alternatives(self, m: Manuscript) -> Place | None:
        return m.place_to_choose(self.page.position())

    def schedule_measure(self) -> None:
        self.meter.schedule()
