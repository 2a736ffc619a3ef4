"""Where one gpt2 decode token's time goes, by parts (issue 14, target 2).

Each part of the step is compiled on its own, like the engine compiles its
decode loop (one XLA function), and timed over one token with the random
gpt2 weights; ``cpu/wall`` is the process CPU time over the wall time while it
runs: ~1 means one core works, ~2 both. The full step comes from the
engine's own runner (``GPT2Runner.decode``, 8 tokens per call, and 1).

    python bench/profile_decode.py [--medium] [--reps 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn: Callable[[], Any], reps: int, rounds: int = 3) -> tuple[float, float]:
    """(best ms per call, cpu/wall of that round) over ``rounds`` rounds of ``reps`` calls."""
    fn()
    best = (float("inf"), 0.0)
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(reps):
            fn()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if wall / reps * 1000 < best[0]:
            best = (wall / reps * 1000, cpu / wall)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--medium", action="store_true", help="gpt2-medium instead of gpt2")
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()

    from gpt2desk.core.engine.loading import configure_tensorflow

    configure_tensorflow()
    import numpy as np
    import tensorflow as tf
    from transformers import GPT2Config, TFGPT2LMHeadModel

    from gpt2desk.core.engine.runner import GPT2Runner
    from gpt2desk.core.engine.sampling import Sampling
    from gpt2desk.core.settings import GenerationSettings

    shape = {"n_layer": 24, "n_embd": 1024, "n_head": 16} if args.medium else {}
    model = TFGPT2LMHeadModel(GPT2Config(**shape))
    model(tf.constant([[1, 2]]))
    runner = GPT2Runner(model)
    runner.prepare()
    blocks = list(model.transformer.h)
    d = model.config.n_embd
    wte_t = runner._wte_t
    x = tf.random.normal((1, d))
    xla = {"jit_compile": True, "autograph": False}

    def sink(y: Any) -> Any:
        return y[0, 0]

    @tf.function(**xla)
    def products(x: Any) -> Any:
        """The four weight products of every layer, nothing else."""
        total = tf.constant(0.0)
        for b in blocks:
            for conv in (b.attn.c_attn, b.attn.c_proj, b.mlp.c_fc, b.mlp.c_proj):
                w = conv.weight
                total += sink(tf.matmul(x if w.shape[0] == d else tf.tile(x, [1, 4]), w))
        return total

    @tf.function(**xla)
    def output(x: Any) -> Any:
        """The output projection over the 50257-token vocabulary."""
        return sink(tf.matmul(x, wte_t))

    @tf.function(**xla)
    def layers_no_attention(x: Any) -> Any:
        """Every layer with norms, biases and GELU, the attention over the cache left out."""
        h = x[None]
        for b in blocks:
            qkv = b.attn.c_attn(b.ln_1(h))
            h = h + b.attn.c_proj(qkv[..., 2 * d :])  # v stands in for the attention mix
            h = h + b.mlp(b.ln_2(h))
        return sink(h[0])

    @tf.function(**xla)
    def norms_gelu(x: Any) -> Any:
        """Only the element-wise work: 2 layer norms and a GELU (4x wide) per layer."""
        h = x[None]
        wide = tf.tile(h, [1, 1, 4])
        total = tf.constant(0.0)
        for b in blocks:
            total += sink(b.ln_1(h)[0]) + sink(b.ln_2(h)[0])
            total += sink(b.mlp.act(wide)[0])
        return total

    mats = [c.weight for b in blocks for c in (b.attn.c_attn, b.attn.c_proj, b.mlp.c_fc)]
    mats += [b.mlp.c_proj.weight for b in blocks]

    @tf.function(autograph=False)
    def products_graph(x: Any) -> Any:
        """The same weight products in graph mode (oneDNN/Eigen kernels, no XLA)."""
        total = tf.constant(0.0)
        for w in mats:
            total += sink(tf.matmul(x if w.shape[0] == d else tf.tile(x, [1, 4]), w))
        return total

    weights_mb = sum(int(np.prod(w.shape)) for w in mats) * 4 / 1e6
    out_mb = int(np.prod(wte_t.shape)) * 4 / 1e6
    greedy = Sampling.start(GenerationSettings(temperature=0), 0, runner.vocab_size, [1, 2, 3])
    runner.prefill([1, 2, 3])
    n = runner.decode_chunk
    # (what, ms and cpu/wall per call, tokens per call, MB of weights read or 0)
    rows: list[tuple[str, tuple[float, float], int, float]] = [
        (
            "engine: one token in the 8-token decode loop",
            timed(lambda: runner.decode(5, 3, n, greedy, 0, -1), max(1, args.reps // 4)),
            n,
            0.0,
        ),
        (
            "engine: one token per call (count=1)",
            timed(lambda: runner.decode(5, 3, 1, greedy, 0, -1), args.reps),
            1,
            0.0,
        ),
        (
            "layers without attention over the cache (XLA)",
            timed(lambda: layers_no_attention(x).numpy(), args.reps),
            1,
            0.0,
        ),
        (
            "the layers' weight products alone (XLA)",
            timed(lambda: products(x).numpy(), args.reps),
            1,
            weights_mb,
        ),
        ("output projection alone (XLA)", timed(lambda: output(x).numpy(), args.reps), 1, out_mb),
        ("layer norms and GELU alone (XLA)", timed(lambda: norms_gelu(x).numpy(), args.reps), 1, 0),
        (
            "the layers' weight products alone, graph mode (no XLA)",
            timed(lambda: products_graph(x).numpy(), args.reps),
            1,
            weights_mb,
        ),
    ]
    name = "gpt2-medium" if args.medium else "gpt2"
    threads = tf.config.threading.get_intra_op_parallelism_threads()
    print(
        f"{name}: layers' weights {weights_mb:.0f} MB, output {out_mb:.0f} MB (fp32); "
        f"intra-op threads {threads}"
    )
    print("| part | ms per token | cpu/wall | GB/s of weights |")
    print("|---|---:|---:|---:|")
    for what, (ms, ratio), per, mb in rows:
        ms_token = ms / per
        gbps = f"{mb / ms_token:.1f}" if mb else ""
        print(f"| {what} | {ms_token:.2f} | {ratio:.2f} | {gbps} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
