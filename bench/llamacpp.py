"""``make bench-llamacpp``: gpt2desk against llama.cpp on the same random weights.

For each model shape (gpt2; gpt2-medium unless ``--skip-medium``):

1. a random-weight ``TFGPT2LMHeadModel`` (seed 0) is saved as a model folder
   (model.safetensors + the GPT-2 tokenizer of ../shared/gpt2-tokenizer) and
   written to GGUF as f32, f16 and q8_0 (bench/gguf_export.py); all of it is
   kept under bench/.llamacpp/models/ and reused by later runs;
2. llama.cpp's ``llama-bench`` measures pp32 (time to first token of a 32-token
   prompt), pp512 and tg128 with 2 threads on each file;
3. gpt2desk loads the folder with ``load_model`` (the app's own path) and
   measures the same: decode rate of 128 greedy tokens after a 32-token
   prompt, a 512-token prompt's prefill (512 / its time to first token) and a
   32-token prompt's time to first token;
4. greedy agreement, counted token by token against ``llama-simple``
   (greedy): gpt2desk's 128 tokens after the 32-token prompt on the f32
   file, and 16 tokens after each of 12 random-word prompts on every file;
5. (gpt2 only) process start to the first streamed token: gpt2desk's command
   line against ``llama-simple``, and ``import tensorflow, transformers``
   alone in a fresh process.

Prints a Markdown table and writes the numbers as JSON to
bench/results/llamacpp-<date>.json.

    python bench/llamacpp.py --bin bench/.llamacpp/build/bin \
        --gguf-py <llama.cpp>/gguf-py [--skip-medium] [--quick] [--threads 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".llamacpp"
SHARED_TOKENIZER = ROOT.parent / "shared" / "gpt2-tokenizer"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from gguf_export import FILE_TYPES, write_gguf  # noqa: E402
from prompts import save_results  # noqa: E402

SHAPES: dict[str, dict[str, int]] = {
    "gpt2": {},
    "gpt2-medium": {"n_layer": 24, "n_embd": 1024, "n_head": 16},
}
PROMPT_TOKENS = 32
PREFILL_TOKENS = 512
NEW_TOKENS = 128
#: The greedy check: this many prompts, this many tokens after each.
CHECK_PROMPTS = 12
CHECK_TOKENS = 16
#: Bump when the saved models or GGUF files change, so old caches are rebuilt.
CACHE_VERSION = "1"


# -- the models --------------------------------------------------------------


def model_files(shape: str, gguf_py: Path | None) -> Path:
    """bench/.llamacpp/models/<shape>/: hf/ (the model folder) and <shape>-<type>.gguf."""
    folder = CACHE / "models" / shape
    stamp = folder / "complete"
    if stamp.is_file() and stamp.read_text().strip() == CACHE_VERSION:
        return folder
    print(f"{shape}: random weights, model folder and GGUF files…", flush=True)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "hf").mkdir(parents=True)
    import tensorflow as tf
    from transformers import GPT2Config, GPT2TokenizerFast, TFGPT2LMHeadModel

    tf.keras.utils.set_random_seed(0)
    model = TFGPT2LMHeadModel(GPT2Config(**SHAPES[shape]))
    model(tf.constant([[1, 2]]))
    model.save_pretrained(str(folder / "hf"), safe_serialization=True)
    GPT2TokenizerFast.from_pretrained(str(SHARED_TOKENIZER)).save_pretrained(str(folder / "hf"))
    for file_type in FILE_TYPES:
        path = folder / f"{shape}-{file_type}.gguf"
        write_gguf(model, SHARED_TOKENIZER, path, file_type, gguf_py, f"{shape} (random, seed 0)")
    del model
    stamp.write_text(CACHE_VERSION + "\n")
    return folder


# -- llama.cpp ---------------------------------------------------------------


def llama_bench(bin_dir: Path, files: list[Path], threads: int, reps: int) -> dict[str, Any]:
    """llama-bench's pp32, pp512 and tg128 for each file: {file type: {test: record}}."""
    cmd = [str(bin_dir / "llama-bench")]
    for f in files:
        cmd += ["-m", str(f)]
    cmd += ["-t", str(threads), "-p", f"{PROMPT_TOKENS},{PREFILL_TOKENS}", "-n", str(NEW_TOKENS)]
    cmd += ["-r", str(reps), "-o", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"llama-bench failed: {proc.stderr[-2000:]}")
    out: dict[str, Any] = {"command": " ".join(cmd[1:])}
    for rec in json.loads(proc.stdout):
        file_type = Path(rec["model_filename"]).stem.rsplit("-", 1)[-1]
        test = f"pp{rec['n_prompt']}" if rec["n_gen"] == 0 else f"tg{rec['n_gen']}"
        out.setdefault(file_type, {})[test] = {
            "tokens_per_s": rec["avg_ts"],
            "stddev_tokens_per_s": rec["stddev_ts"],
            "ms": rec["avg_ns"] / 1e6,
        }
        out["build"] = f"{rec.get('build_commit', '?')} ({rec.get('build_number', '?')})"
        out["cpu"] = rec.get("cpu_info", "")
    return out


def llama_simple(bin_dir: Path, gguf: Path, prompt: str, n: int) -> tuple[bytes, float, float]:
    """llama-simple's greedy continuation (raw bytes), start-to-first-token and total seconds.

    llama-simple echoes the prompt, then flushes after each new token; the
    first flush past the prompt's bytes is the first token.
    """
    cmd = [str(bin_dir / "llama-simple"), "-m", str(gguf), "-n", str(n), prompt]
    return _first_output(cmd, prompt.encode("utf-8"))


def _first_output(cmd: list[str], skip: bytes = b"") -> tuple[bytes, float, float]:
    """A process's stdout, the seconds until it wrote more than ``skip``, and until it ended."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = [0.0]
    chunks: list[bytes] = []
    err: list[bytes] = []
    drain = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    assert proc.stdout is not None
    seen = 0
    while True:
        chunk = proc.stdout.read1(65536)
        if not chunk:
            break
        chunks.append(chunk)
        seen += len(chunk)
        if not first[0] and seen > len(skip):
            first[0] = time.perf_counter() - t0
    code = proc.wait()
    total = time.perf_counter() - t0
    drain.join()
    if code != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({code}): {b''.join(err)[-2000:]!r}")
    return b"".join(chunks), first[0], total


# -- gpt2desk ----------------------------------------------------------------


def check_prompts(tokenizer: Any, count: int) -> list[str]:
    """``count`` prompts of ~32 random word tokens (seeded): varied inputs for the greedy check.

    A random-weight GPT-2 mostly repeats one token after a given prompt, so
    one long continuation checks little; many short ones from different
    prompts check the whole forward pass (and both tokenizers) more.
    """
    import numpy as np

    words = [
        i
        for i in range(256, 40000)
        if (t := tokenizer.convert_ids_to_tokens(i)).startswith("Ġ") and t[1:].isalpha()
    ]
    rng = np.random.default_rng(0)
    return [
        tokenizer.decode([words[j] for j in rng.integers(0, len(words), PROMPT_TOKENS)]).strip()
        for _ in range(count)
    ]


def gpt2desk_side(folder: Path, tokenizer: Any, reps: int, prompts: list[str]) -> dict[str, Any]:
    """load_model on the folder: decode, prefill, time to first token, greedy ids of ``prompts``."""
    from run import prompt_of

    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.model_source import parse_model_ref
    from gpt2desk.core.settings import GenerationSettings

    t0 = time.perf_counter()
    loaded = load_model(parse_model_ref(str(folder)), offline=True)
    load_s = time.perf_counter() - t0

    def run(n_prompt: int, n_new: int) -> Done:
        text, _ = prompt_of(tokenizer, n_prompt)
        settings = GenerationSettings(max_new_tokens=n_new, temperature=0.0, seed=1)
        done = None
        for event in generate(loaded.runner, loaded.tokenizer, text, settings):
            done = event
        assert isinstance(done, Done)
        return done

    run(PROMPT_TOKENS, 4)  # warm
    decode = max(
        (run(PROMPT_TOKENS, NEW_TOKENS) for _ in range(reps)), key=lambda d: d.tokens_per_s
    )
    ttft = min(run(PROMPT_TOKENS, 1).ttft_ms for _ in range(reps))
    ttft_512 = min(run(PREFILL_TOKENS, 1).ttft_ms for _ in range(reps))
    greedy = GenerationSettings(max_new_tokens=CHECK_TOKENS, temperature=0.0)
    check_ids = []
    for text in prompts:
        events = list(generate(loaded.runner, loaded.tokenizer, text, greedy))
        assert isinstance(events[-1], Done)
        check_ids.append(list(events[-1].new_token_ids))
    return {
        "load_and_prepare_s": load_s,
        "decode_tokens_per_s": decode.tokens_per_s,
        "ttft_ms": ttft,
        "prefill_512_ms": ttft_512,
        "prefill_512_tokens_per_s": PREFILL_TOKENS / ttft_512 * 1000,
        "greedy_ids": list(decode.new_token_ids),
        "check_ids": check_ids,
        "prompt_tokens": decode.prompt_tokens,
    }


def token_bytes(tokenizer: Any, ids: list[int]) -> list[bytes]:
    """The raw bytes of each byte-level BPE token (what llama.cpp prints)."""
    from transformers.models.gpt2.tokenization_gpt2 import bytes_to_unicode

    decoder = {c: b for b, c in bytes_to_unicode().items()}
    return [bytes(decoder[c] for c in tok) for tok in tokenizer.convert_ids_to_tokens(ids)]


def agreement(tokenizer: Any, ids: list[int], llama_out: bytes) -> int:
    """How many of gpt2desk's tokens, from the first, llama.cpp's output reproduces."""
    at = 0
    for n, piece in enumerate(token_bytes(tokenizer, ids)):
        if llama_out[at : at + len(piece)] != piece:
            return n
        at += len(piece)
    return len(ids)


def greedy_agreement(
    bin_dir: Path,
    gguf: Path,
    tokenizer: Any,
    prompts: list[str],
    ours: list[list[int]],
    n: int,
) -> dict[str, Any]:
    """llama-simple's greedy continuations of ``prompts`` against gpt2desk's ids ``ours``."""
    agree = total = full = echoed = 0
    distinct: set[int] = set()
    texts = []
    for text, ids in zip(prompts, ours, strict=True):
        out, _, _ = llama_simple(bin_dir, gguf, text, n)
        echo = text.encode("utf-8")
        echoed += out.startswith(echo)
        k = agreement(tokenizer, ids, out[len(echo) :])
        agree += k
        total += len(ids)
        full += k == len(ids)
        distinct.update(ids)
        texts.append(out[len(echo) :].decode("utf-8", "replace"))
    return {
        "agree": agree,
        "of": total,
        "prompts": len(prompts),
        "prompts_all_agree": full,
        "prompt_echo_matches": echoed,
        "distinct_tokens": len(distinct),
        "gpt2desk_ids": ours,
        "llama_texts": texts,
    }


def start_to_first_token(folder: Path, prompt: str) -> dict[str, float]:
    """gpt2desk's command line from process start to the first streamed token."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "gpt2desk.cli", "generate", "--model", str(folder)]
    cmd += ["--prompt", prompt, "--greedy", "--max-new-tokens", "8", "--jsonl", "--offline"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout is not None
    first_line = proc.stdout.readline()
    first = time.perf_counter() - t0
    _, err = proc.communicate()
    total = time.perf_counter() - t0
    if proc.returncode != 0 or not first_line:
        raise RuntimeError(f"gpt2desk-cli failed: {err[-2000:]!r}")
    imports = [sys.executable, "-c", "import tensorflow, transformers"]
    t0 = time.perf_counter()
    subprocess.run(imports, check=True, capture_output=True, env=env)
    return {
        "cli_first_token_s": first,
        "cli_total_s": total,
        "import_tf_transformers_s": time.perf_counter() - t0,
    }


# -- the report --------------------------------------------------------------


def _load() -> float:
    return os.getloadavg()[0]


def table(r: dict[str, Any]) -> str:
    types = list(FILE_TYPES)
    head = "| | gpt2desk | " + " | ".join(f"llama.cpp {t}" for t in types)
    head += " | gpt2desk / llama.cpp f32 |"
    lines = [head, "|---|" + "---:|" * (len(types) + 2)]

    def row(
        label: str, ours: float | None, theirs: list[float | None], fmt: str, higher: bool
    ) -> None:
        def cell(v: float | None) -> str:
            return "-" if v is None else format(v, fmt)

        f32 = theirs[0]
        if ours is None or f32 is None:
            ratio = "-"
        else:
            ratio = f"{ours / f32 if higher else f32 / ours:.2f}x"
        lines.append(
            f"| {label} | {cell(ours)} | " + " | ".join(cell(v) for v in theirs) + f" | {ratio} |"
        )

    for shape, s in r["shapes"].items():
        ll, ours = s["llama"], s["gpt2desk"]

        def theirs(test: str, key: str = "tokens_per_s", ll: dict[str, Any] = ll) -> list[Any]:
            return [ll.get(t, {}).get(test, {}).get(key) for t in types]

        row(f"{shape} decode, tok/s", ours["decode_tokens_per_s"], theirs("tg128"), ".1f", True)
        row(
            f"{shape} prefill of 512 tokens, tok/s",
            ours["prefill_512_tokens_per_s"],
            theirs("pp512"),
            ".0f",
            True,
        )
        row(
            f"{shape} time to first token, 32-token prompt (ms)",
            ours["ttft_ms"],
            theirs("pp32", "ms"),
            ".0f",
            False,
        )
    start = r.get("start")
    if start:
        row(
            "process start → first token (CLI, gpt2; s)",
            start["cli_first_token_s"],
            [start.get("llama_simple_first_token_s"), None, None],
            ".2f",
            False,
        )
    lines.append("")
    lines.append(
        "Ratios are gpt2desk's speed over llama.cpp f32's (above 1: gpt2desk is faster; "
        "for times, llama.cpp's time over gpt2desk's)."
    )
    for shape, s in r["shapes"].items():
        g, p = s["greedy"], s["greedy_prompts"]["f32"]
        lines.append(
            f"- {shape} greedy agreement with llama.cpp's f32 file: {g['agree']} of {g['of']} "
            f"tokens after the 32-token prompt ({g['distinct_tokens']} distinct: random "
            f"weights repeat themselves); {p['agree']} of {p['of']} after {p['prompts']} "
            f"random-word prompts ({p['prompts_all_agree']} agree throughout, "
            f"{p['distinct_tokens']} distinct tokens). gpt2desk load and prepare: "
            f"{s['gpt2desk']['load_and_prepare_s']:.1f} s"
        )
        others = [(t, q) for t, q in s["greedy_prompts"].items() if t != "f32"]
        lines.append(
            f"- {shape}, the same prompts on the other files: "
            + "; ".join(f"{t} {q['agree']} of {q['of']}" for t, q in others)
        )
    if start:
        lines.append(
            f"- gpt2desk CLI: first token {start['cli_first_token_s']:.2f} s after process start "
            f"(`import tensorflow, transformers` alone: {start['import_tf_transformers_s']:.2f} s, "
            f"so {start['cli_first_token_s'] / start['import_tf_transformers_s']:.1f}x that; "
            f"issue 14's target: ≤ 2.5x); llama-simple: "
            f"{start['llama_simple_first_token_s']:.2f} s"
        )
    ll_info = next(iter(r["shapes"].values()))["llama"]
    lines.append(
        f"- llama.cpp build {ll_info.get('build', '?')}, `llama-bench {ll_info['command']}` "
        "(file paths shortened)".replace(str(CACHE) + "/models/", "")
    )
    load = r["load_average"]
    quiet = max(load) < 0.5
    lines.append(
        f"- load average (1 min) before and after: {load[0]:.2f}, {load[1]:.2f}"
        + ("" if quiet else " — the machine was NOT quiet: these numbers are noisy")
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", type=Path, default=CACHE / "build" / "bin")
    parser.add_argument("--gguf-py", type=Path, default=None, help="llama.cpp's gguf-py folder")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--skip-medium", action="store_true")
    parser.add_argument("--shapes", nargs="*", default=None, help="e.g. gpt2 (default: all)")
    args = parser.parse_args()
    if not (SHARED_TOKENIZER / "vocab.json").is_file():
        print(f"bench-llamacpp needs GPT-2's tokenizer in {SHARED_TOKENIZER}", file=sys.stderr)
        return 2
    for tool in ("llama-bench", "llama-simple"):
        if not (args.bin / tool).is_file():
            print(f"{args.bin / tool} is missing (make bench-llamacpp builds it)", file=sys.stderr)
            return 2

    from gpt2desk.core.engine.loading import configure_tensorflow

    configure_tensorflow()
    import tensorflow as tf

    # The same cores for both (configure_tensorflow takes every core; on this
    # 2-core machine that is the same). The CLI start measurement keeps the app's own.
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    from run import machine, prompt_of
    from transformers import GPT2TokenizerFast

    tokenizer = GPT2TokenizerFast.from_pretrained(str(SHARED_TOKENIZER))
    reps = 2 if args.quick else 3
    shapes = args.shapes or [s for s in SHAPES if not (args.skip_medium and s != "gpt2")]
    load_before = _load()
    result: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "machine": machine(),
        "threads": args.threads,
        "shapes": {},
    }
    prompt, _ = prompt_of(tokenizer, PROMPT_TOKENS)
    prompts = check_prompts(tokenizer, CHECK_PROMPTS)
    for shape in shapes:
        folder = model_files(shape, args.gguf_py)
        files = [folder / f"{shape}-{t}.gguf" for t in FILE_TYPES]
        print(f"{shape}: llama-bench…", flush=True)
        llama = llama_bench(args.bin, files, args.threads, reps)
        print(f"{shape}: gpt2desk…", flush=True)
        ours = gpt2desk_side(folder / "hf", tokenizer, reps, prompts)
        print(f"{shape}: greedy agreement (llama-simple, f32)…", flush=True)
        greedy = greedy_agreement(
            args.bin, files[0], tokenizer, [prompt], [ours.pop("greedy_ids")], NEW_TOKENS
        )
        check_ids = ours.pop("check_ids")
        several = {
            t: greedy_agreement(args.bin, f, tokenizer, prompts, check_ids, CHECK_TOKENS)
            for t, f in zip(FILE_TYPES, files, strict=True)
        }
        result["shapes"][shape] = {
            "llama": llama,
            "gpt2desk": ours,
            "greedy": greedy,
            "greedy_prompts": several,
        }
        if shape == "gpt2":
            print("gpt2: process start to first token…", flush=True)
            start = start_to_first_token(folder / "hf", prompt)
            firsts = [llama_simple(args.bin, files[0], prompt, 1)[1] for _ in range(reps)]
            start["llama_simple_first_token_s"] = min(firsts)
            result["start"] = start
    result["load_average"] = [load_before, _load()]
    save_results("llamacpp", result)
    print()
    print(table(result))
    return 0


def _git_commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    )
    return proc.stdout.strip() or "?"


if __name__ == "__main__":
    sys.exit(main())
