"""``python -m gpt2desk generate ...``: the command line, a contract for scripts.

Exit codes: 0 on success (including a Ctrl+C stop), 2 for bad arguments or an
unusable model. Errors are one message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from gpt2desk.core.settings import GenerationSettings, SettingsError

if TYPE_CHECKING:
    from gpt2desk.core.engine import Done
    from gpt2desk.core.models import LoadedModel

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


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
    print(f"gpt2desk: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
            prompt = args.prompt_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"cannot read the prompt file {args.prompt_file}: {exc}")
    else:
        prompt = args.prompt

    from gpt2desk.core.models import ModelLoadError, load_model, parse_model_ref

    try:
        loaded = load_model(parse_model_ref(args.model), offline=args.offline)
    except ModelLoadError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    return _stream(loaded, prompt, settings, jsonl=args.jsonl, out=sys.stdout)


def _stream(
    loaded: LoadedModel, prompt: str, settings: GenerationSettings, *, jsonl: bool, out: TextIO
) -> int:
    from gpt2desk.core.engine import Done, generate

    cancel = threading.Event()
    # Ctrl+C only sets the flag: the loop sees it before the next token and
    # ends the stream with reason "cancelled", so the last JSON line is written.
    previous = signal.signal(signal.SIGINT, lambda _sig, _frame: cancel.set())
    try:
        for event in generate(loaded.runner, loaded.tokenizer, prompt, settings, cancel=cancel):
            if isinstance(event, Done):
                if jsonl:
                    out.write(json.dumps(_done_record(event), ensure_ascii=False) + "\n")
                elif event.new_token_ids:
                    out.write("\n")
            elif jsonl:
                record = {"text": event.text, "token_ids": list(event.token_ids)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                out.write(event.text)
            out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        sys.stderr.close()
    finally:
        signal.signal(signal.SIGINT, previous)
    return 0


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
    }


if __name__ == "__main__":
    sys.exit(main())
