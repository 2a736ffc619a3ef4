"""Bigger models (issue 14, target 5): start, decode and peak memory of gpt2-large and gpt2-xl.

Each shape is measured in its own fresh Python, so its peak resident memory
(VmHWM) is the model's alone, through the app's own path: ``load_model`` on a
model folder (offline), then ``core.engine.decode.generate``, as the CLI does.
The peak is set against what the Models window shows
(``catalog.estimate_memory`` for the same shape) and the fp32 weights alone.

1. ``--save``: a random-weight model folder under bench/.models/<name>/ (made
   once): ``model.safetensors`` in PyTorch's naming, as the Hub's files are,
   written one tensor at a time straight from NumPy (no TensorFlow, so gpt2-xl
   needs ~0.1 GB and seconds, not a 6.2 GB model plus its copy), ``config.json``
   and the GPT-2 tokenizer of ../shared/gpt2-tokenizer (the small test
   tokenizer, with a vocabulary of its size, when ../shared is missing).
2. ``--measure``: process start -> first streamed token of a 32-token prompt,
   split into interpreter start, ``import tensorflow, transformers`` (through
   ``configure_tensorflow``, as the app does), load (``load_model(background=True)``
   as the app and CLI call it: checks, tokenizer, weights) and the compile that
   runs beside the first request; then greedy decode tokens/s of NEW_TOKENS after
   the warm-up; VmRSS and VmHWM when the compile has ended, VmHWM at the end.

    python bench/big_models.py [--shapes gpt2-large,gpt2-xl] [--new-tokens 64]
    python bench/big_models.py --shapes tiny      # a 2-layer trial, seconds

``make bench`` calls :func:`run_shapes` (``bench/run.py --skip-big`` / ``--big-only``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "bench" / ".models"
SHARED_TOKENIZER = ROOT.parent / "shared" / "gpt2-tokenizer"
sys.path.insert(0, str(ROOT))

SHAPES: dict[str, dict[str, int]] = {
    "tiny": {"n_layer": 2, "n_embd": 128, "n_head": 2},
    "gpt2": {"n_layer": 12, "n_embd": 768, "n_head": 12},
    "gpt2-medium": {"n_layer": 24, "n_embd": 1024, "n_head": 16},
    "gpt2-large": {"n_layer": 36, "n_embd": 1280, "n_head": 20},
    "gpt2-xl": {"n_layer": 48, "n_embd": 1600, "n_head": 25},
}
#: What ``make bench`` runs: the two known sizes anchor the estimate's check.
DEFAULT_SHAPES = ("gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl")
PROMPT_TOKENS = 32
NEW_TOKENS = 64
#: Bump when the saved folders change, so old ones are rebuilt.
FOLDER_VERSION = "1"
GB = 1e9


# -- the model folder (child) -------------------------------------------------


def tensor_shapes(n_layer: int, n_embd: int, vocab: int, n_ctx: int) -> list[tuple[str, tuple]]:
    """Every tensor of a GPT-2 checkpoint in PyTorch's naming (Conv1D weights in x out)."""
    d = n_embd
    out: list[tuple[str, tuple]] = [("wte.weight", (vocab, d)), ("wpe.weight", (n_ctx, d))]
    for i in range(n_layer):
        p = f"h.{i}."
        out += [
            (p + "ln_1.weight", (d,)),
            (p + "ln_1.bias", (d,)),
            (p + "attn.c_attn.weight", (d, 3 * d)),
            (p + "attn.c_attn.bias", (3 * d,)),
            (p + "attn.c_proj.weight", (d, d)),
            (p + "attn.c_proj.bias", (d,)),
            (p + "ln_2.weight", (d,)),
            (p + "ln_2.bias", (d,)),
            (p + "mlp.c_fc.weight", (d, 4 * d)),
            (p + "mlp.c_fc.bias", (4 * d,)),
            (p + "mlp.c_proj.weight", (4 * d, d)),
            (p + "mlp.c_proj.bias", (d,)),
        ]
    return [*out, ("ln_f.weight", (d,)), ("ln_f.bias", (d,))]


def write_safetensors(path: Path, tensors: list[tuple[str, tuple]], seed: int = 0) -> int:
    """Random GPT-2 weights as safetensors, streamed: matrices N(0, 0.02), norms 1, biases 0.

    Returns the number of parameters written.
    """
    import numpy as np

    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    at = 0
    for name, shape in tensors:
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [at, at + size]}
        at += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the data starts 8-aligned, as safetensors writes it
    rng = np.random.default_rng(seed)
    block = 1 << 24  # 64 MB of float32 at a time
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for name, shape in tensors:
            n = int(np.prod(shape))
            if len(shape) == 2:
                for start in range(0, n, block):
                    values = rng.standard_normal(min(block, n - start), dtype=np.float32)
                    values *= 0.02
                    values.tofile(f)
            else:
                fill = 1.0 if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")) else 0.0
                np.full(n, fill, dtype=np.float32).tofile(f)
    return at // 4


def save_folder(name: str) -> dict[str, Any]:
    """bench/.models/<name>/: config.json, model.safetensors and the tokenizer; made once."""
    folder = MODELS / name
    stamp = folder / "complete"
    shared = (SHARED_TOKENIZER / "vocab.json").is_file()
    want = {"version": FOLDER_VERSION, "shape": SHAPES[name], "shared_tokenizer": shared}
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return {"cached": True}
    t0 = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    from transformers import GPT2Config, GPT2TokenizerFast

    if shared:
        tokenizer = GPT2TokenizerFast.from_pretrained(str(SHARED_TOKENIZER))
    else:
        from tests.tinymodel import build_tiny_tokenizer

        tokenizer = build_tiny_tokenizer()
    tokenizer.save_pretrained(str(folder))
    eos = int(tokenizer.eos_token_id)
    config = GPT2Config(
        **SHAPES[name],
        vocab_size=len(tokenizer),
        bos_token_id=eos,
        eos_token_id=eos,
        architectures=["GPT2LMHeadModel"],
    )
    config.save_pretrained(str(folder))
    tensors = tensor_shapes(config.n_layer, config.n_embd, config.vocab_size, config.n_positions)
    part = folder / "model.safetensors.part"
    params = write_safetensors(part, tensors)
    part.rename(folder / "model.safetensors")
    stamp.write_text(json.dumps(want) + "\n")
    return {
        "cached": False,
        "save_s": time.perf_counter() - t0,
        "params_written": params,
        "save_peak_rss_gb": status_kb("VmHWM") * 1024 / GB,
    }


# -- the measurement (child) --------------------------------------------------


def status_kb(field: str) -> int:
    """A field of /proc/self/status (VmRSS, VmHWM), in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(folder: Path, new_tokens: int) -> dict[str, Any]:
    """Start, decode and memory of one model folder; times are time.monotonic() stamps."""
    t: dict[str, float] = {"main": time.monotonic()}
    mem: dict[str, float] = {}
    from gpt2desk.core.engine.loading import configure_tensorflow

    configure_tensorflow()  # its environment first, then TensorFlow, as load_model does
    import transformers  # noqa: F401

    t["imported"] = time.monotonic()
    from bench.prompts import prompt_of
    from gpt2desk.core.engine.decode import Done, Piece, generate
    from gpt2desk.core.engine.folder_checks import check_config, parameters
    from gpt2desk.core.engine.loading import load_model
    from gpt2desk.core.hub.catalog import estimate_memory, family_entry
    from gpt2desk.core.model_source import parse_model_ref
    from gpt2desk.core.settings import GenerationSettings

    def on_stage(stage: str) -> None:
        t.setdefault(stage, time.monotonic())

    # As the app and the CLI load: ready once the weights are in, compiling beside.
    loaded = load_model(
        parse_model_ref(str(folder)), offline=True, on_stage=on_stage, background=True
    )
    t["ready"] = time.monotonic()
    mem["rss_weights_gb"] = status_kb("VmRSS") * 1024 / GB
    mem["peak_weights_gb"] = status_kb("VmHWM") * 1024 / GB
    text, _ = prompt_of(loaded.tokenizer, PROMPT_TOKENS)

    def run(n_new: int) -> Done:
        settings = GenerationSettings(max_new_tokens=n_new, temperature=0.0, seed=1)
        done = None
        for event in generate(loaded.runner, loaded.tokenizer, text, settings):
            if isinstance(event, Piece):
                t.setdefault("first_piece", time.monotonic())
            done = event
        assert isinstance(done, Done)
        return done

    first = run(8)  # the request a writer sends first (the CLI bench asks for 8 tokens)
    loaded.runner.wait_compiled()
    t["compiled"] = time.monotonic()
    mem["rss_loaded_gb"] = status_kb("VmRSS") * 1024 / GB
    mem["peak_loaded_gb"] = status_kb("VmHWM") * 1024 / GB
    run(4)  # warm
    fields = check_config(folder)
    params = parameters(fields)
    repeats = 3 if params < 500_000_000 else 1  # a big model's single run lasts 15-40 s
    decode = max((run(new_tokens) for _ in range(repeats)), key=lambda d: d.tokens_per_s)
    mem["rss_end_gb"] = status_kb("VmRSS") * 1024 / GB
    mem["peak_end_gb"] = status_kb("VmHWM") * 1024 / GB
    entry = family_entry(folder.name)
    formula = estimate_memory(params, fields["n_layer"], fields["n_embd"], fields["n_positions"])
    return {
        "stamps": t,
        "memory": mem,
        "params": params,
        "n_layer": fields["n_layer"],
        "n_embd": fields["n_embd"],
        "weights_fp32_gb": 4 * params / GB,
        "estimate_gb": formula / GB,
        "catalog_estimate_gb": entry.memory_bytes / GB if entry else None,
        "first_request_ttft_ms": first.ttft_ms,
        "ttft_ms": decode.ttft_ms,
        "decode_tokens_per_s": decode.tokens_per_s,
        "new_tokens": len(decode.new_token_ids),
        "prompt_tokens": decode.prompt_tokens,
        "repeats": repeats,
    }


# -- the parent ---------------------------------------------------------------


def _child(args: list[str], timeout: float) -> tuple[dict[str, Any], float]:
    """Runs this script in a fresh Python: its last JSON line (or the error) and its spawn time."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    spawn = time.monotonic()
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout)[-2000:]}, spawn
    return dict(json.loads(lines[-1])), spawn


def run_shape(name: str, new_tokens: int = NEW_TOKENS) -> dict[str, Any]:
    """One shape: its folder (saved once), then a fresh process that measures it."""
    saved, _ = _child(["--save", name], timeout=3600)
    if "error" in saved:
        return {"error": "saving: " + saved["error"]}
    folder = MODELS / name
    got, spawn = _child(["--measure", str(folder), "--new-tokens", str(new_tokens)], 3600)
    if "error" in got:
        return {"error": got["error"], "save": saved}
    s = got.pop("stamps")
    got["save"] = saved
    got["start"] = {
        "first_token_s": s["first_piece"] - spawn,
        "interpreter_s": s["main"] - spawn,
        "import_s": s["imported"] - s["main"],
        "load_s": s["ready"] - s["imported"],
        # The compile runs beside the first request, after "ready".
        "prepare_s": s["compiled"] - s["ready"],
        "first_request_s": s["first_piece"] - s["ready"],
    }
    return got


def run_shapes(names: list[str] | tuple[str, ...], new_tokens: int = NEW_TOKENS) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        print(f"{name}: model folder, then start, decode and peak memory…", flush=True)
        out[name] = run_shape(name, new_tokens)
    return out


def fit(results: dict[str, Any]) -> tuple[float, float] | None:
    """Least squares ``peak - KV cache = base + k * params`` over the measured shapes."""
    from gpt2desk.core.hub.catalog import KV_SLACK

    points = []
    for r in results.values():
        if "error" not in r:
            kv = 8 * r["n_layer"] * (1024 + KV_SLACK) * r["n_embd"] / GB
            points.append((r["params"], r["memory"]["peak_end_gb"] - kv))
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(p for p, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((p - mx) ** 2 for p, _ in points)
    if sxx == 0:
        return None
    k = sum((p - mx) * (y - my) for p, y in points) / sxx
    return my - k * mx, k * GB


def table(results: dict[str, Any]) -> str:
    lines = [
        "| model | params | fp32 weights (GB) | start → first token (s) | import / load / "
        "compile beside (s) | decode tok/s | RSS after compile (GB) | peak after compile (GB) | "
        "peak RSS (GB) | Models window estimate (GB) | estimate / peak |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for name, r in results.items():
        if "error" in r:
            notes.append(f"- {name} failed: {r['error'][-300:]}")
            continue
        st, m = r["start"], r["memory"]
        # = the Models window's number with GPT-2's tokenizer (catalog_estimate_gb in the
        # JSON); estimate_memory of the folder's own config.json, as load_model checks it.
        est = r["estimate_gb"]
        lines.append(
            f"| {name} | {r['params'] / 1e6:.0f}M | {r['weights_fp32_gb']:.2f} | "
            f"{st['first_token_s']:.1f} | {st['import_s']:.1f} / {st['load_s']:.1f} / "
            f"{st['prepare_s']:.1f} | {r['decode_tokens_per_s']:.2f} | "
            f"{m['rss_loaded_gb']:.2f} | {m['peak_loaded_gb']:.2f} | {m['peak_end_gb']:.2f} | "
            f"{est:.2f} | "
            f"{est / m['peak_end_gb']:.2f} |"
        )
        if r["new_tokens"] < 2:
            notes.append(f"- {name}: the decode run stopped after {r['new_tokens']} token(s)")
    asked = max((r["new_tokens"] for r in results.values() if "error" not in r), default=0)
    lines += [
        "",
        f"- {PROMPT_TOKENS}-token prompt, greedy; decode rate of {asked} new tokens after a "
        "warm-up (best of 3 below 500M parameters); each model in its own fresh process: "
        "peak RSS = its VmHWM after decoding, RSS and peak after compile = VmRSS and VmHWM "
        "when the compile beside the first request ended; "
        "start = process start to the first streamed piece of text (the compile not waited for)",
    ]
    f = fit(results)
    if f is not None:
        from gpt2desk.core.hub.catalog import BASE_BYTES, BYTES_PER_PARAM, GB

        lines.append(
            f"- fit of peak RSS minus the KV cache over these shapes: {f[0]:.2f} GB "
            f"+ {f[1]:.2f} bytes per parameter (the catalog says {BASE_BYTES / GB:.2f} GB "
            f"+ {BYTES_PER_PARAM:.2f})"
        )
    return "\n".join(lines + notes)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", default=",".join(DEFAULT_SHAPES), help=", ".join(SHAPES))
    parser.add_argument("--new-tokens", type=int, default=NEW_TOKENS)
    parser.add_argument("--save", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.save:
        print(json.dumps(save_folder(args.save)))
        return 0
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.new_tokens)))
        return 0
    names = [n.strip() for n in args.shapes.split(",") if n.strip()]
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes {unknown}; known: {', '.join(SHAPES)}")
    results = run_shapes(names, args.new_tokens)
    from bench.prompts import save_results

    save_results("big", results)
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
