"""``python -m gpt2desk generate ...``: the command line, a contract for scripts.

Exit codes: 0 on success (including a Ctrl+C stop), 2 for bad arguments, an
unusable model or output that cannot be written (a full disk, a reader that
closed the pipe). Errors are one line on stderr, never a traceback; an
unexpected error (a bug) is also logged with its traceback in gpt2desk.log.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from gpt2desk.core.escaping import escape_controls
from gpt2desk.core.settings import GenerationSettings, SettingsError

if TYPE_CHECKING:
    from gpt2desk.core.engine.decode import Done
    from gpt2desk.core.engine.loading import LoadedModel

EXIT_USAGE = 2
# An exception's text in the one-line message is cut here (the log has it all).
ERROR_TEXT_LIMIT = 200
# A prompt is cut to the model's window anyway; more than this is a mistake
# (a wrong file, /dev/zero) and is refused before it fills the memory.
PROMPT_FILE_LIMIT = 8 * 1024 * 1024
# Inside JSON strings: legal JSON, but str.splitlines() and some readers split there.
_JSONL_ESCAPES = {0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\u0085"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as every other error: the usage is one --help away.
        line = escape_controls(f"{self.prog}: error: {message} (see {self.prog} --help)")
        self.exit(EXIT_USAGE, line + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gpt2desk", description="Offline GPT-2 writing assistant.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    gen = sub.add_parser("generate", help="continue a prompt and stream the text to stdout")
    gen.add_argument("--model", required=True, help="Hub id (e.g. gpt2) or a model folder")
    src = gen.add_mutually_exclusive_group(required=True)
    src.add_argument("--prompt", help="the prompt text")
    src.add_argument("--prompt-file", type=Path, help="read the prompt from this UTF-8 file")
    defaults = GenerationSettings()
    gen.add_argument("--max-new-tokens", type=int, default=defaults.max_new_tokens)
    gen.add_argument("--temperature", type=float, default=defaults.temperature)
    gen.add_argument("--top-k", type=int, default=defaults.top_k, help="0 turns top-k off")
    gen.add_argument("--top-p", type=float, default=defaults.top_p, help="1 turns top-p off")
    gen.add_argument("--repetition-penalty", type=float, default=defaults.repetition_penalty)
    gen.add_argument("--seed", type=int, default=None, help="same seed, same text")
    gen.add_argument("--stop", action="append", default=[], help="stop string (repeatable)")
    gen.add_argument("--greedy", action="store_true", help="same as --temperature 0")
    gen.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    gen.add_argument("--offline", action="store_true", help="never use the network")
    return parser


def _fail(message: str) -> int:
    with contextlib.suppress(OSError, AttributeError):  # stderr closed or full: exit code only
        print(f"gpt2desk: error: {escape_controls(message)}", file=sys.stderr, flush=True)
    return EXIT_USAGE


def run() -> int:
    """The ``gpt2desk-cli`` entry point: :func:`main`, then the end of the process."""
    from gpt2desk.core.engine.compile_thread import end_process

    return end_process(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code (argparse exits by itself).

    A model's compile may still be running when it returns (the stream did not
    wait for it): a process should end through :func:`run`.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        where = _log_unexpected(exc)
        details = f"; details are in {where}" if where else ""
        text = str(exc).strip().split("\n", 1)[0]
        if len(text) > ERROR_TEXT_LIMIT:
            text = text[:ERROR_TEXT_LIMIT] + "…"
        return _fail(f"unexpected error ({type(exc).__name__}: {text}){details}")


def _log_unexpected(exc: BaseException) -> Path | None:
    """Writes the traceback to gpt2desk.log (the app's log file); returns its path or None."""
    try:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is None:
            # The names the app uses, so the log lands in the app's data folder.
            QCoreApplication.setOrganizationName("gpt2desk")
            QCoreApplication.setApplicationName("gpt2desk")
        from gpt2desk.ui.window.logfile import install_log_file

        path = install_log_file()
        logging.getLogger(__name__).error("unexpected error in the command line", exc_info=exc)
        return path
    except Exception:
        return None


def _not_utf8(args: argparse.Namespace) -> str | None:
    """The option whose value is not UTF-8 (the shell passed raw bytes), if any."""
    values = [("--prompt", args.prompt), ("--model", args.model)]
    values += [("--stop", s) for s in args.stop]
    for option, value in values:
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError:
            return option
    return None


def _read_prompt(path: Path) -> str:
    """The prompt file's text; raises ValueError with the message for the user."""
    try:
        with path.open("rb") as f:
            data = f.read(PROMPT_FILE_LIMIT + 1)
    except OSError as exc:
        raise ValueError(f"cannot read the prompt file {path}: {exc.strerror or exc}") from exc
    if len(data) > PROMPT_FILE_LIMIT:
        raise ValueError(
            f"the prompt file {path} is too large (more than "
            f"{PROMPT_FILE_LIMIT // (1024 * 1024)} MB); give a shorter text"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot read the prompt file {path}: it is not UTF-8 text "
            f"(byte {exc.start}: {exc.reason})"
        ) from exc


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    bad = _not_utf8(args)
    if bad is not None:
        return _fail(f"the value of {bad} is not valid UTF-8 text")
    try:
        settings = GenerationSettings(
            max_new_tokens=args.max_new_tokens,
            temperature=0.0 if args.greedy else args.temperature,
            top_k=args.top_k,
            top_p=args.top_p,
            repetition_penalty=args.repetition_penalty,
            seed=args.seed,
            stop=tuple(args.stop),
        )
        settings.validate()
    except SettingsError as exc:
        return _fail(str(exc))
    if args.prompt_file is not None:
        try:
            prompt = _read_prompt(args.prompt_file)
        except ValueError as exc:
            return _fail(str(exc))
    else:
        prompt = args.prompt
    if sys.stdout is None:
        return _fail("there is no output to write to (stdout is closed)")

    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import ModelLoadError, parse_model_ref

    try:
        # The first token does not wait for the compile (see GPT2Runner.prepare_in_background).
        loaded = load_model(parse_model_ref(args.model), offline=args.offline, background=True)
    except ModelLoadError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    return _stream(loaded, prompt, settings, jsonl=args.jsonl, out=sys.stdout)


def _stream(
    loaded: LoadedModel, prompt: str, settings: GenerationSettings, *, jsonl: bool, out: TextIO
) -> int:
    from gpt2desk.core.engine.decode import Done, generate

    cancel = threading.Event()
    # Ctrl+C only sets the flag: the loop sees it before the next token and
    # ends the stream with reason "cancelled", so the last JSON line is written.
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: cancel.set())
    try:
        for event in generate(
            loaded.runner,
            loaded.tokenizer,
            prompt,
            settings,
            cancel=cancel,
            on_unknown=_tell_unknown,
        ):
            if isinstance(event, Done):
                if jsonl:
                    out.write(_json_line(_done_record(event)))
                elif event.new_token_ids:
                    out.write("\n")
            elif jsonl:
                out.write(_json_line({"text": event.text, "token_ids": list(event.token_ids)}))
            else:
                out.write(event.text)
            out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): the text is not complete, so
        # a script must not take it for a success.
        _drop_output(out)
        return _fail("the output was closed before the text was complete (broken pipe)")
    except OSError as exc:  # a full disk, /dev/full, an I/O error
        _drop_output(out)
        return _fail(f"cannot write the output: {exc.strerror or exc}")
    finally:
        signal.signal(signal.SIGINT, previous)
    return 0


def _tell_unknown(chars: tuple[str, ...]) -> None:
    """One line on stderr: the prompt's characters the model reads as [UNK] (it goes on)."""
    from gpt2desk.core.engine.wordpiece import unknown_chars_message

    with contextlib.suppress(OSError, AttributeError):  # stderr closed or full: go on
        line = escape_controls(str(unknown_chars_message(chars)))
        print(f"gpt2desk: {line}", file=sys.stderr, flush=True)


def _json_line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False).translate(_JSONL_ESCAPES) + "\n"


def _drop_output(out: TextIO) -> None:
    """Points stdout at /dev/null, so the flush at exit cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)


def _done_record(done: Done) -> dict[str, object]:
    return {
        "done": True,
        "reason": done.reason,
        "prompt_tokens": done.prompt_tokens,
        "new_token_ids": list(done.new_token_ids),
        "ttft_ms": round(done.ttft_ms, 3),
        "tokens_per_s": round(done.tokens_per_s, 3),
        "seed": done.seed,
        "prompt_truncated": done.prompt_truncated,
        "unknown_chars": list(done.unknown_chars),
    }


if __name__ == "__main__":
    sys.exit(run())
