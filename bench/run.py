"""``make bench``: gpt2desk's decode engine against the references, one process.

Random-weight models of GPT-2's real sizes stand in for the real ones (speed
does not depend on the weight values). Prints a Markdown table and writes
the same numbers as JSON under bench/results/.

    python bench/run.py [--quick] [--skip-medium] [--skip-app] [--skip-manuscript]
                        [--skip-big | --big-only] [--big-shapes gpt2-large,gpt2-xl]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_TOKENIZER = ROOT.parent / "shared" / "gpt2-tokenizer"
sys.path.insert(0, str(ROOT))
from bench.prompts import prompt_of, save_results  # noqa: E402  (re-exported for bench/llamacpp.py)

PROMPT_TOKENS = 32
NEW_TOKENS = 64


def load_tokenizer() -> tuple[Any, str]:
    """The real GPT-2 tokenizer when ../shared has it, else a small trained one."""
    from transformers import GPT2TokenizerFast

    if (SHARED_TOKENIZER / "vocab.json").is_file():
        return GPT2TokenizerFast.from_pretrained(str(SHARED_TOKENIZER)), "gpt2 (shared)"
    from tests.tinymodel import build_tiny_tokenizer

    return build_tiny_tokenizer(), "small byte-level BPE (no ../shared)"


def build_model(config_kwargs: dict[str, int]) -> Any:
    import tensorflow as tf
    from transformers import GPT2Config, TFGPT2LMHeadModel

    model = TFGPT2LMHeadModel(GPT2Config(**config_kwargs))
    model(tf.constant([[1, 2]]))
    return model


def bench_generate(model: Any, ids: list[int], xla: bool) -> dict[str, float]:
    """The seed tutorial's way: ``model.generate`` (eager, or XLA-compiled)."""
    import tensorflow as tf

    input_ids = tf.constant([ids])
    mask = tf.ones_like(input_ids)
    kwargs = {"max_new_tokens": NEW_TOKENS, "do_sample": False, "pad_token_id": 0}
    fn = tf.function(model.generate, jit_compile=True) if xla else model.generate
    t0 = time.perf_counter()
    fn(input_ids, attention_mask=mask, **kwargs)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn(input_ids, attention_mask=mask, **kwargs)
    total = time.perf_counter() - t0
    # Nothing is shown before generate returns: time to first token = total.
    return {
        "tokens_per_s": NEW_TOKENS / total,
        "ttft_ms": total * 1000,
        "compile_s": max(0.0, first - total) if xla else 0.0,
    }


def bench_engine(model: Any, tokenizer: Any, quick: bool) -> dict[str, float]:
    from gpt2desk.core.engine.decode import Done, generate
    from gpt2desk.core.engine.runner import GPT2Runner
    from gpt2desk.core.settings import GenerationSettings

    t0 = time.perf_counter()
    runner = GPT2Runner(model)
    runner.prepare()
    out: dict[str, float] = {"compile_s": time.perf_counter() - t0}
    out.update(step_profile(model, runner))

    def run(n_prompt: int, n_new: int, **kw: Any) -> Done:
        text, _ = prompt_of(tokenizer, n_prompt)
        settings = GenerationSettings(max_new_tokens=n_new, seed=1, **kw)
        done = None
        for event in generate(runner, tokenizer, text, settings):
            done = event
        assert isinstance(done, Done)
        return done

    run(PROMPT_TOKENS, 4)  # warm
    repeats = 1 if quick else 3
    short = max(
        (run(PROMPT_TOKENS, NEW_TOKENS, temperature=0.0) for _ in range(repeats)),
        key=lambda d: d.tokens_per_s,
    )
    sampled = run(PROMPT_TOKENS, NEW_TOKENS)
    out["tokens_per_s"] = short.tokens_per_s
    out["tokens_per_s_sampling"] = sampled.tokens_per_s
    out["ttft_ms"] = min(run(PROMPT_TOKENS, 1).ttft_ms for _ in range(repeats))
    out["ttft_512_ms"] = min(run(512, 1).ttft_ms for _ in range(repeats))
    out["tokens_per_s_900ctx"] = run(900, NEW_TOKENS, temperature=0.0).tokens_per_s
    return out


def bench_app(model: Any, tokenizer: Any) -> dict[str, Any]:
    """Peak memory and GUI stalls of the real app, in a fresh process: a first launch
    (its XLA cache empty: it compiles), then a second one (the cache filled by the first).
    The numbers of the first are the result; the second's peak is ``second_launch``."""
    with tempfile.TemporaryDirectory() as folder:
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        runs = []
        for launch in ("first", "second"):
            # A fresh, empty workspace: earlier runs' conversations must not
            # lengthen the prompt.
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                HF_HUB_OFFLINE="1",
                GPT2DESK_DATA_DIR=str(Path(folder) / f"app-data-{launch}"),
                GPT2DESK_XLA_CACHE=str(Path(folder) / "xla-cache"),
            )
            runs.append(_json_child([str(ROOT / "bench" / "app_probe.py"), folder, "200"], env))
        first, second = runs
        if "error" not in first and "error" not in second:
            first["second_launch"] = second
        # Target 1's yardstick, measured beside the launches.
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import tensorflow, transformers"], check=True,
                       capture_output=True, env=env)  # fmt: skip
        first["import_tf_transformers_s"] = time.perf_counter() - t0
        return first


def bench_manuscript() -> dict[str, Any]:
    """Typing and streaming into a 1 MB manuscript in the real window, in a fresh process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1")
    return _json_child([str(ROOT / "bench" / "manuscript_bench.py")], env)


def bench_big(shapes: str | None) -> dict[str, Any]:
    """gpt2 to gpt2-xl through load_model, each in its own fresh process (bench/big_models.py)."""
    from bench.big_models import DEFAULT_SHAPES, run_shapes

    return run_shapes(shapes.split(",") if shapes else DEFAULT_SHAPES)


def _json_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Runs a bench script in a fresh Python; its last JSON line, or the error it printed."""
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=900
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout)[-2000:]}
    return dict(json.loads(lines[-1]))


def limits(n_params: int) -> dict[str, float]:
    """What the hardware allows: memory read rate and matmul throughput.

    Decoding one token reads every weight once, so ``read_gbps / weight
    bytes`` bounds tokens/s; a prefill is matrix products, bounded by GFLOP/s.
    """
    import numpy as np
    import tensorflow as tf

    big = np.ones(128 * 1024 * 1024, dtype=np.float32)  # 512 MB, like gpt2's weights
    best = min(_timed(big.sum) for _ in range(5))
    read_gbps = big.nbytes / best / 1e9
    del big
    a = tf.random.normal((64, 768))
    b = tf.Variable(tf.random.normal((768, 3072)))
    mm = tf.function(lambda x: tf.reduce_sum(tf.matmul(x, b)))
    mm(a)
    reps = 200
    seconds = min(_timed(lambda: [mm(a) for _ in range(reps)][-1].numpy()) for _ in range(3))
    gflops = 2 * 64 * 768 * 3072 * reps / seconds / 1e9
    return {
        "memory_read_gbps": read_gbps,
        "matmul_gflops": gflops,
        "decode_floor_tokens_per_s": read_gbps * 1e9 / (4 * n_params),
    }


def step_profile(model: Any, runner: Any) -> dict[str, float]:
    """Where one decode step's time goes, by subtraction.

    ``matmuls_ms`` runs only the step's weight products (every projection of
    every layer plus the output layer, as one XLA function on one token): the
    floor any fp32 step pays for reading the weights. ``step_ms`` is one
    token per call; ``loop_token_ms`` one token inside the compiled loop (what
    the engine runs); the difference to ``matmuls_ms`` is attention over the
    cache, layer norms, GELU, sampling and call overhead.
    """
    import tensorflow as tf

    mats = []
    for block in model.transformer.h:
        mats += [
            block.attn.c_attn.weight,
            block.attn.c_proj.weight,
            block.mlp.c_fc.weight,
            block.mlp.c_proj.weight,
        ]
    wte_t = runner._wte_t

    @tf.function(jit_compile=True)
    def matmuls(x: Any) -> Any:
        total = tf.constant(0.0)
        for w in mats:
            # The MLP's down projection takes a 4x wider input.
            y = tf.matmul(x if w.shape[0] == x.shape[1] else tf.tile(x, [1, 4]), w)
            total += y[0, 0]
        return total + tf.matmul(x, wte_t)[0, 0]

    x = tf.random.normal((1, model.config.n_embd))
    matmuls(x)
    reps = 30
    mm = min(_timed(lambda: [matmuls(x) for _ in range(reps)][-1].numpy()) for _ in range(3))
    runner.prefill([1, 2, 3])
    step = min(_timed(lambda: [runner.step(5, 3 + i) for i in range(reps)][-1]) for _ in range(3))
    # What the engine runs: the compiled loop, decode_chunk tokens per call.
    from gpt2desk.core.engine.sampling import Sampling
    from gpt2desk.core.settings import GenerationSettings

    n = runner.decode_chunk
    greedy = Sampling.start(GenerationSettings(temperature=0), 0, runner.vocab_size, [1, 2, 3])
    loop = min(
        _timed(lambda: [runner.decode(5, 3 + i * n, n, greedy, i * n, -1) for i in range(8)])
        for _ in range(3)
    )
    return {
        "matmuls_ms": mm / reps * 1000,
        "step_ms": step / reps * 1000,
        "loop_token_ms": loop / (8 * n) * 1000,
    }


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def machine() -> dict[str, Any]:
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }


def table(r: dict[str, Any]) -> str:
    s, e, x, eng = r["small"], r["small"]["eager"], r["small"]["xla"], r["small"]["engine"]
    rows = [
        ("gpt2 eager `generate` (seed tutorial)", e["tokens_per_s"], e["ttft_ms"], "-"),
        (
            "gpt2 XLA `generate`",
            x["tokens_per_s"],
            x["ttft_ms"],
            f"{x['compile_s']:.1f}",
        ),
        (
            "gpt2 gpt2desk engine, greedy",
            eng["tokens_per_s"],
            eng["ttft_ms"],
            f"{eng['compile_s']:.1f}",
        ),
        ("gpt2 gpt2desk engine, sampling", eng["tokens_per_s_sampling"], None, "-"),
        ("gpt2 gpt2desk engine, 900-token context", eng["tokens_per_s_900ctx"], None, "-"),
    ]
    if "medium" in r:
        m = r["medium"]["engine"]
        rows.append(
            (
                "gpt2-medium gpt2desk engine",
                m["tokens_per_s"],
                m["ttft_ms"],
                f"{m['compile_s']:.1f}",
            )
        )
    lines = [
        "| run | tokens/s | time to first token (ms) | compile (s) |",
        "|---|---:|---:|---:|",
    ]
    for name, rate, ttft, comp in rows:
        lines.append(f"| {name} | {rate:.1f} | {'-' if ttft is None else f'{ttft:.0f}'} | {comp} |")
    ratios = s["ratios"]
    lines += [
        "",
        f"- engine / XLA generate: {ratios['vs_xla']:.2f}x; engine / eager generate: "
        f"{ratios['vs_eager']:.1f}x; 900-token context / short context: {ratios['ctx900']:.2f}",
        f"- time to first token, 512-token prompt: {eng['ttft_512_ms']:.0f} ms",
    ]
    lines.append(
        f"- one gpt2 token: {eng['loop_token_ms']:.1f} ms inside the compiled loop "
        f"({eng['step_ms']:.1f} ms when called one token at a time); the weight products "
        f"alone take {eng['matmuls_ms']:.1f} ms (the rest: attention, norms, GELU, sampling)"
    )
    lim = r.get("limits")
    if lim:
        lines.append(
            f"- machine: memory read {lim['memory_read_gbps']:.1f} GB/s, so gpt2 (fp32) "
            f"decodes at most {lim['decode_floor_tokens_per_s']:.0f} tokens/s; "
            f"TF matmul {lim['matmul_gflops']:.0f} GFLOP/s (64x768 @ 768x3072)"
        )
    app = r.get("app")
    if app and "error" not in app:
        imp = app["import_tf_transformers_s"]
        for name, launch in (("first", app), ("second", app.get("second_launch"))):
            if not launch:
                continue
            cache = "empty XLA cache" if name == "first" else "the XLA cache of the first"
            lines.append(
                f"- whole app, gpt2, {name} launch ({cache}): Send usable "
                f"{launch['launch_to_ready_s']:.1f} s after the process started "
                f"({launch['launch_to_ready_s'] / imp:.1f}x `import tensorflow, transformers`, "
                f"{imp:.1f} s), first token {launch['launch_to_first_token_s']:.1f} s; the "
                f"compile beside it ended {launch['compiled_after_ready_s']:.1f} s after ready; "
                f"a request sent at ready streamed {launch['stats']['tokens_per_s']:.1f} "
                f"tokens/s, one sent after the compile "
                f"{launch['stats_compiled']['tokens_per_s']:.1f}; peak RSS "
                f"{launch['peak_rss_mb']:.0f} MB; largest gap of a 10 ms GUI timer while "
                f"streaming: {launch['max_gui_gap_ms']:.0f} ms"
                + (
                    " (the request at ready / after the compile: "
                    + " / ".join(f"{g:.0f}" for g in launch["max_gui_gap_ms_by_request"])
                    + " ms)"
                    if "max_gui_gap_ms_by_request" in launch
                    else ""
                )
            )
    elif app:
        lines.append(f"- app probe failed: {app['error'][-300:]}")
    ms = r.get("manuscript")
    if ms and "error" not in ms:
        from bench.manuscript_bench import table as manuscript_table

        lines += ["", manuscript_table(ms)]
    elif ms:
        lines.append(f"- manuscript bench failed: {ms['error'][-300:]}")
    if "big" in r:
        from bench.big_models import table as big_table

        lines += ["", big_table(r["big"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one repeat per measurement")
    parser.add_argument("--skip-medium", action="store_true")
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--skip-manuscript", action="store_true")
    parser.add_argument("--skip-big", action="store_true", help="no gpt2-large / gpt2-xl")
    parser.add_argument("--big-only", action="store_true", help="only bench/big_models.py")
    parser.add_argument("--big-shapes", help="bench/big_models.py's shapes (default: all four)")
    args = parser.parse_args()
    if args.big_only:
        from bench.big_models import table as big_table

        big = bench_big(args.big_shapes)
        save_results("big", big)
        print("\n" + big_table(big))
        return 0

    from gpt2desk.core.engine.loading import configure_tensorflow

    configure_tensorflow()
    tokenizer, tokenizer_name = load_tokenizer()
    _, ids = prompt_of(tokenizer, PROMPT_TOKENS)
    result: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "tokenizer": tokenizer_name,
        "prompt_tokens": PROMPT_TOKENS,
        "new_tokens": NEW_TOKENS,
    }
    small = build_model({})
    print("machine limits…", flush=True)
    result["limits"] = limits(small.num_parameters())
    print("gpt2 (124M): eager generate…", flush=True)
    eager = bench_generate(small, ids, xla=False)
    print("gpt2 (124M): XLA generate…", flush=True)
    xla = bench_generate(small, ids, xla=True)
    print("gpt2 (124M): gpt2desk engine…", flush=True)
    engine = bench_engine(small, tokenizer, args.quick)
    result["small"] = {
        "eager": eager,
        "xla": xla,
        "engine": engine,
        "ratios": {
            "vs_xla": engine["tokens_per_s"] / xla["tokens_per_s"],
            "vs_eager": engine["tokens_per_s"] / eager["tokens_per_s"],
            "ctx900": engine["tokens_per_s_900ctx"] / engine["tokens_per_s"],
        },
    }
    if not args.skip_app:
        print("gpt2 (124M): the whole app, offscreen…", flush=True)
        result["app"] = bench_app(small, tokenizer)
    del small
    if not args.skip_medium:
        print("gpt2-medium (355M): gpt2desk engine…", flush=True)
        medium = build_model({"n_layer": 24, "n_embd": 1024, "n_head": 16})
        result["medium"] = {"engine": bench_engine(medium, tokenizer, quick=True)}
        del medium
    if not args.skip_manuscript:
        print("manuscript: typing and streaming into a 1 MB draft, offscreen…", flush=True)
        result["manuscript"] = bench_manuscript()
    if not args.skip_big:
        result["big"] = bench_big(args.big_shapes)
    save_results("bench", result)
    print()
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
