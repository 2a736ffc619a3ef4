"""WordPiece GPT-2s (CKIP's, UER's): prompts, the tokens never written, EOS, unknown characters.

The model here is the tiny CKIP-like folder of tests/tinywordpiece.py with
its final layer norm and embedding rows set so that, whatever the context,
[PAD], [UNK], [CLS] and [MASK] have by far the largest logits and [SEP] the
largest after them: a sampler that let any of the four through would write
them most of the time, and greedy decoding picks [SEP] at every step.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gpt2desk.cli import _stream
from gpt2desk.core.engine.decode import Done, Piece, generate
from gpt2desk.core.engine.loading import load_model
from gpt2desk.core.model_source import ModelLoadError, parse_model_ref
from gpt2desk.core.settings import GenerationSettings
from tests.conftest import CliRun
from tests.tinywordpiece import (
    CLS_ID,
    INVALID_EOS,
    NEVER_GENERATED,
    SEP_ID,
    VOCAB,
    build_tiny_wordpiece_model,
    reference_model,
)

#: Logits (before temperature) of the four never-generated tokens and of [SEP].
SPECIAL_LOGIT = 10.0
SEP_LOGIT = 4.0
#: In neither the vocabulary nor its ## pieces.
UNKNOWN_PROMPT = "今天龍很好😀 café"
UNKNOWN = ["龍", "😀", "é"]


def build_biased(target: Path, eos: str) -> Path:
    """The tiny WordPiece GPT-2 whose favourite tokens are the four specials, then [SEP]."""
    build_tiny_wordpiece_model(
        target, weights="h5", eos=eos, n_layer=1, n_embd=32, n_head=2, n_positions=64
    )
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    model = reference_model(target, config=config)
    body = model.transformer
    d = np.zeros(config["n_embd"], np.float32)
    d[0] = 1.0
    # The final norm then outputs d for every position: logit(i) = wte[i] . d.
    body.ln_f.gamma.assign(np.zeros_like(d))
    body.ln_f.beta.assign(d)
    wte = body.wte.embeddings if hasattr(body.wte, "embeddings") else body.wte.weight
    rows = wte.numpy()
    rows[:, 0] = np.clip(rows[:, 0], -0.5, 0.5)
    rows[list(NEVER_GENERATED), 0] = SPECIAL_LOGIT
    rows[SEP_ID, 0] = SEP_LOGIT
    wte.assign(rows)
    model.save_pretrained(target)
    # save_pretrained wrote its own config.json (bos/eos as GPT2Config has them).
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wordpiece")
    sep = build_biased(root / "ckip-like", "sep")
    invalid = root / "uer-like"
    shutil.copytree(sep, invalid)
    config = json.loads((invalid / "config.json").read_text(encoding="utf-8"))
    config.update(bos_token_id=INVALID_EOS, eos_token_id=INVALID_EOS)
    (invalid / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return {"sep": sep, "invalid": invalid}


@pytest.fixture(scope="module")
def ckip(folders: dict[str, Path]) -> Any:
    return load_model(parse_model_ref(str(folders["sep"])), offline=True)


@pytest.fixture(scope="module")
def uer(folders: dict[str, Path]) -> Any:
    return load_model(parse_model_ref(str(folders["invalid"])), offline=True)


def run(loaded: Any, prompt: str, **settings: Any) -> tuple[str, Done]:
    *pieces, done = generate(
        loaded.runner, loaded.tokenizer, prompt, GenerationSettings(**settings)
    )
    assert isinstance(done, Done)
    assert all(isinstance(p, Piece) for p in pieces)
    return "".join(p.text for p in pieces if isinstance(p, Piece)), done


def test_a_prompt_is_encoded_without_cls_or_sep(ckip: Any) -> None:
    tok = ckip.tokenizer
    ids = tok.encode("今天天氣很好。")
    assert ids == [VOCAB.index(c) for c in "今天天氣很好。"]
    assert tok.encode("hello world") == [VOCAB.index("hello"), VOCAB.index("world")]
    _, done = run(ckip, "今天天氣很好。", temperature=0, max_new_tokens=1)
    assert done.prompt_tokens == 7  # no [CLS] before, no [SEP] after


def test_special_ids_come_from_the_config_and_are_checked(ckip: Any, uer: Any) -> None:
    assert (ckip.tokenizer.eos_token_id, ckip.tokenizer.bos_token_id) == (SEP_ID, CLS_ID)
    # UER's 50256 lies outside the 254-token vocabulary: no EOS, and [CLS] starts a text.
    assert uer.tokenizer.eos_token_id is None
    assert uer.tokenizer.bos_token_id == CLS_ID
    assert set(ckip.tokenizer.never_generated) == set(NEVER_GENERATED)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_four_specials_are_never_written_even_when_the_model_prefers_them(
    uer: Any, seed: int
) -> None:
    # The model would pick them: they lead the logits by far.
    logits = uer.runner.prefill(uer.tokenizer.encode("今天"))
    assert set(np.argsort(logits)[-4:]) == set(NEVER_GENERATED)
    text, done = run(uer, "今天", temperature=3.0, top_k=0, top_p=1.0, seed=seed, max_new_tokens=40)
    assert done.reason == "length"
    assert len(done.new_token_ids) == 40
    assert not set(done.new_token_ids) & set(NEVER_GENERATED)
    for name in ("[PAD]", "[UNK]", "[CLS]", "[MASK]", "\ufffd"):
        assert name not in text


def test_greedy_never_writes_them_either(uer: Any) -> None:
    _, done = run(uer, "今天", temperature=0, max_new_tokens=5)
    assert done.new_token_ids == (SEP_ID,) * 5


def test_sep_as_the_configs_eos_ends_the_text(ckip: Any) -> None:
    text, done = run(ckip, "今天天氣很好。", temperature=0, max_new_tokens=20)
    assert done.reason == "eos"
    assert done.new_token_ids == (SEP_ID,)
    assert text == ""


def test_without_a_valid_eos_sep_is_a_line_break_and_the_text_runs_on(uer: Any) -> None:
    text, done = run(uer, "今天天氣很好。", temperature=0, max_new_tokens=6)
    assert done.reason == "length"
    assert done.new_token_ids == (SEP_ID,) * 6
    assert text == "\n" * 6


def test_an_empty_prompt_starts_from_cls(ckip: Any, uer: Any) -> None:
    for loaded in (ckip, uer):
        _, done = run(loaded, "", temperature=0, max_new_tokens=3)
        assert done.prompt_tokens == 1
        assert loaded.tokenizer.bos_token_id == CLS_ID


def test_unknown_characters_are_named_and_generation_goes_on(uer: Any) -> None:
    tok = uer.tokenizer
    assert tok.unknown_chars(UNKNOWN_PROMPT) == UNKNOWN
    assert tok.unknown_chars("今天天氣很好。hello") == []
    heard: list[tuple[str, ...]] = []
    *_, done = generate(
        uer.runner,
        tok,
        UNKNOWN_PROMPT,
        GenerationSettings(temperature=0, max_new_tokens=4),
        on_unknown=heard.append,
    )
    assert isinstance(done, Done)
    assert heard == [tuple(UNKNOWN)]
    assert done.unknown_chars == tuple(UNKNOWN)
    assert done.reason == "length" and len(done.new_token_ids) == 4


def test_only_the_part_of_a_long_prompt_the_model_reads_counts(uer: Any) -> None:
    # The window is 64 tokens: the first line of this prompt is left out.
    prompt = "龍\n" + "今天天氣很好。" * 20
    _, done = run(uer, prompt, temperature=0, max_new_tokens=4)
    assert done.prompt_truncated
    assert done.unknown_chars == ()
    _, done = run(uer, "今天天氣很好。" * 20 + "龍", temperature=0, max_new_tokens=4)
    assert done.unknown_chars == ("龍",)


def test_the_cli_names_unknown_characters_on_stderr_and_writes_on(
    folders: dict[str, Path], uer: Any, cli_main: Callable[..., CliRun]
) -> None:
    # The folder's load_model result is the module's ``uer`` (a load takes seconds).
    code, out, err = astuple(
        cli_main(
            "generate",
            "--model",
            str(folders["invalid"]),
            "--prompt",
            UNKNOWN_PROMPT,
            "--max-new-tokens",
            "3",
            "--greedy",
            "--offline",
            loaded={folders["invalid"]: uer},
        )
    )
    assert code == 0
    assert err.splitlines() == ["gpt2desk: 3 characters this model does not know: 「龍😀é」"]
    assert out == "\n\n\n\n"  # three [SEP] line breaks, then the CLI's own end of line


def test_the_cli_says_nothing_when_every_character_is_known(
    ckip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI's streaming part, on the model already loaded (a load takes seconds).
    out = io.StringIO()
    assert _stream(ckip, "今天", GenerationSettings(temperature=0), jsonl=True, out=out) == 0
    assert capsys.readouterr().err == ""
    assert json.loads(out.getvalue().splitlines()[-1])["unknown_chars"] == []


def test_a_wordpiece_tokenizer_json_loads_the_same(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    from gpt2desk.core.engine.wordpiece import is_wordpiece_folder, load_wordpiece

    folder = Path(shutil.copytree(folders["sep"], tmp_path / "json"))
    from_txt = load_wordpiece(folders["sep"], len(VOCAB))
    from_txt.fast.backend_tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "vocab.txt").unlink()
    (folder / "tokenizer_config.json").unlink()
    assert is_wordpiece_folder(folder)
    tok = load_wordpiece(folder, len(VOCAB))
    assert tok.encode(UNKNOWN_PROMPT) == from_txt.encode(UNKNOWN_PROMPT)
    assert tok.unknown_chars(UNKNOWN_PROMPT) == UNKNOWN
    assert (tok.eos_token_id, tok.bos_token_id) == (SEP_ID, CLS_ID)


def test_tokenizer_config_auto_map_is_never_run(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = Path(shutil.copytree(folders["sep"], tmp_path / "evil"))
    marker = tmp_path / "ran"
    (folder / "evil_tokenizer.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    path = folder / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["auto_map"] = {"AutoTokenizer": ["evil_tokenizer.Evil", "evil_tokenizer.Evil"]}
    path.write_text(json.dumps(config), encoding="utf-8")
    from gpt2desk.core.engine.wordpiece import load_wordpiece

    tok = load_wordpiece(folder, len(VOCAB))
    assert tok.encode("今天") == [VOCAB.index("今"), VOCAB.index("天")]
    assert not marker.exists()


def test_a_vocab_txt_longer_than_the_model_is_refused(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(folders["sep"], tmp_path / "long"))
    with (folder / "vocab.txt").open("a", encoding="utf-8") as f:
        f.write("".join(f"extra{i}\n" for i in range(10)))
    with pytest.raises(ModelLoadError, match=r"vocab\.txt cannot be used: it has 264 tokens"):
        load_model(parse_model_ref(str(folder)), offline=True)


def test_a_vocab_txt_without_unk_is_refused(folders: dict[str, Path], tmp_path: Path) -> None:
    folder = Path(shutil.copytree(folders["sep"], tmp_path / "nounk"))
    lines = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    lines[1] = "[UNUSED]"
    (folder / "vocab.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"no \[UNK\] token"):
        load_model(parse_model_ref(str(folder)), offline=True)


def test_a_vocab_txt_named_bert_by_config_json_alone_is_wordpiece(
    folders: dict[str, Path], tmp_path: Path
) -> None:
    # UER's folders name BertTokenizer in config.json; tokenizer_config.json may be missing.
    folder = Path(shutil.copytree(folders["invalid"], tmp_path / "uer"))
    (folder / "tokenizer_config.json").unlink()
    from gpt2desk.core.engine.wordpiece import is_wordpiece_folder, load_wordpiece
    from gpt2desk.core.model_source import check_local_folder

    check_local_folder(folder)
    assert is_wordpiece_folder(folder)
    tok = load_wordpiece(folder, len(VOCAB))
    assert tok.encode("今天") == [VOCAB.index("今"), VOCAB.index("天")]
    assert tok.eos_token_id is None


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("vocab.txt", "has no tokenizer files"),
        ("tokenizer.json", "tokenizer.json cannot be used: it is not a regular file"),
    ],
)
def test_a_tokenizer_file_linked_to_a_device_is_refused_unread(
    folders: dict[str, Path], tmp_path: Path, name: str, refusal: str
) -> None:
    folder = Path(shutil.copytree(folders["sep"], tmp_path / "dev"))
    (folder / name).unlink(missing_ok=True)
    # /dev/null, never an endless device: a test must not read an unbounded stream.
    (folder / name).symlink_to("/dev/null")
    with pytest.raises(ModelLoadError, match=refusal):
        load_model(parse_model_ref(str(folder)), offline=True)
