"""What a send, a regenerate, a continue or an edit puts into the conversation.

One reply is written at a time. Every passage the model writes is recorded
with what produced it (model, settings, seed, token counts), and a
regenerate or continue becomes undoable once it ends.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot

from gpt2desk.core.settings import GenerationSettings, SettingsError
from gpt2desk.core.writing.prompts import ChatTemplate, Mode
from gpt2desk.core.writing.session import Reply
from gpt2desk.core.writing.turns import Change, Conversation, Turn
from gpt2desk.ui.conversation.parts import ConversationOwner


def mode_of(conv: Conversation) -> Mode:
    return Mode.CHAT if conv.kind == "chat" else Mode.CONTINUE


class GenerationFlow(QObject):
    """Starts replies in the worker and files what comes back into the conversation."""

    def __init__(self, controller: ConversationOwner, parent: QObject) -> None:
        super().__init__(parent)
        self.ui = controller
        self.w = controller.w
        self.workspace = controller.workspace
        self.session = controller.workspace.session
        self.model = model = controller.w.generation
        model.token_received.connect(self.on_token)
        model.reply_finished.connect(self._on_reply_finished)
        model.reply_failed.connect(self._on_reply_failed)

    @property
    def current(self) -> Reply | None:
        """The reply being written (the session's bookkeeping of it)."""
        return self.session.reply

    def streaming(self) -> bool:
        return self.current is not None

    def send(
        self, text: str, mode: Mode, template: ChatTemplate | None, settings: GenerationSettings
    ) -> None:
        """The composer's text becomes a user turn; the model's reply streams in below."""
        # The shown conversation's own kind decides; ``mode`` only that of a new one.
        shown = self.session.current
        kind = shown.kind if shown is not None else "chat" if mode is Mode.CHAT else "draft"
        if kind != "chat":
            template = None
        elif template is None:
            try:
                template = self.w.settings_panel.template()
            except SettingsError as exc:
                self.w.say(str(exc))
                return
        user = self.session.add_message(text, kind, self.model.model_name)
        conv = self.session.current
        assert conv is not None
        prompt, stops = conv.prompt(user, mode_of(conv), template)
        self.w.composer.clear()
        # A reply that fails before any text gives the composer's text back.
        self._begin(conv, user, None, prompt, stops, settings, unsent=text)

    def _begin(
        self,
        conv: Conversation,
        parent: Turn | None,
        extend: Turn | None,
        prompt: str,
        stops: tuple[str, ...],
        settings: GenerationSettings,
        *,
        saved: tuple[Turn, ...] = (),
        label: str = "",
        answers: Change | None = None,
        unsent: str = "",
    ) -> None:
        values = settings.to_dict()
        self.session.start_reply(
            conv,
            parent,
            extend,
            model=self.model.model_name,
            settings=values,
            saved=saved,
            label=label,
            answers=answers,
        )
        values["stop"] = list(settings.stop) + list(stops)
        self.ui.render(stream=True)
        self.model.start_reply(prompt, values, unsent=unsent)
        self.ui.context.show_writing()

    # A draft's manuscript streams through the same controller (ui/manuscript/flow.py):
    # only a reply of the session's is filed here.
    @Slot(str)
    def on_token(self, text: str) -> None:
        if self.current is None:
            return
        self.w.chat.append_model_text(text)
        self.session.stream(text)

    @Slot(dict)
    def _on_reply_finished(self, stats: dict[str, Any]) -> None:
        if self.current is None:
            return
        stopped = stats.get("reason") == "cancelled"
        self.w.chat.end_model_turn(self.ui.note("stopped") if stopped else "")
        self.finished(stats)

    @Slot(str, str)
    def _on_reply_failed(self, message: str, _unsent: str) -> None:
        if self.current is None:
            return
        self.w.chat.end_model_turn(f"[{message}]")
        self.failed(message)

    def finished(self, stats: dict[str, Any]) -> None:
        if self.session.finish_reply(stats) is not None:
            self.ui.context.schedule()

    def failed(self, message: str) -> None:
        self.session.fail_reply(message)

    def stop_and_keep(self) -> None:
        """Stops the reply being written; what was written is kept, marked stopped."""
        if self.current is None:
            return
        # Text a script conversion still holds (models/convert.py) is shown and kept.
        self.model.abandon_reply()
        self.finished({"reason": "cancelled"})
        self.w.chat.end_model_turn(self.ui.note("stopped"))

    # -- regenerate, continue, edit -----------------------------------------------

    def _settings(self) -> GenerationSettings | None:
        try:
            return self.w.settings_panel.settings()
        except SettingsError as exc:
            self.w.say(str(exc))
            return None

    def _template(self, conv: Conversation) -> ChatTemplate | None:
        if conv.kind != "chat":
            return None
        try:
            return self.w.settings_panel.template()
        except SettingsError as exc:
            self.w.say(str(exc))
            raise

    def _can_generate(self) -> bool:
        if self.current is not None:
            return False
        return self.model.check_ready()

    def regenerate(self, turn_id: str, *, same_seed: bool = False) -> None:
        """A new version of a model turn, beside the old ones."""
        conv = self.workspace.current
        if conv is None or not self._can_generate():
            return
        turn = conv.turns[turn_id]
        if turn.role != "assistant":
            return
        settings = self._settings()
        if settings is None:
            return
        if same_seed and turn.passages and turn.passages[0].get("settings"):
            first = turn.passages[0]
            settings = GenerationSettings.from_dict({**first["settings"], "seed": first["seed"]})
        parent = conv.turns.get(turn.parent_id or "")
        try:
            prompt, stops = conv.prompt(parent, mode_of(conv), self._template(conv))
        except SettingsError:
            return
        saved = (parent,) if parent else ()
        self._begin(conv, parent, None, prompt, stops, settings, saved=saved, label="Regenerate")

    def continue_(self, turn_id: str | None) -> None:
        """More text at the end of the last model turn (or after the draft) — no new user turn.

        Only the last turn shown goes on (``turn_id`` None means that one); an
        earlier turn is continued by editing it ("Save and continue").
        """
        conv = self.workspace.current
        if conv is None or not conv.turns or not self._can_generate():
            return
        last = conv.last()
        if last is None or turn_id not in (None, last.id):
            return
        settings = self._settings()
        if settings is None:
            return
        try:
            prompt, stops = conv.prompt(last, mode_of(conv), self._template(conv))
        except SettingsError:
            return
        if last.role == "assistant":
            self._begin(conv, None, last, prompt, stops, settings, label="Continue")
        else:
            self._begin(conv, last, None, prompt, stops, settings, saved=(last,), label="Continue")

    def edit(self, turn_id: str, text: str, *, generate: bool = True) -> Turn | None:
        """A new version of a turn with ``text``; later turns stay on the old version's branch.

        With ``generate``, the model answers an edited user turn, or goes on
        writing from the end of an edited model turn (an undoable "Continue").
        """
        edited = self.session.edit(turn_id, text)
        conv = self.session.current
        if edited is None or conv is None:
            return None
        new, change = edited
        old_role = new.role
        if generate and self.model.can_generate():
            settings = self._settings()
            if settings is not None:
                try:
                    prompt, stops = conv.prompt(new, mode_of(conv), self._template(conv))
                except SettingsError:
                    return new
                if old_role == "user":
                    self._begin(
                        conv, new, None, prompt, stops, settings, saved=(new,), answers=change
                    )
                else:
                    self._begin(conv, None, new, prompt, stops, settings, label="Continue")
        return new
