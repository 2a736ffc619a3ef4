"""The Chinese GPT-2s of the catalog: shapes, sizes, languages and licences."""

from __future__ import annotations

from gpt2desk.core.engine.folder_checks import parameters
from gpt2desk.core.hub.catalog import (
    CATALOG,
    CHINESE,
    FAMILY,
    SIMPLIFIED_CHINESE,
    TRADITIONAL_CHINESE,
    TRADITIONAL_CHINESE_DEFAULT,
    UNKNOWN_LICENCE,
    family_entry,
)


def test_the_chinese_models_with_their_languages_and_licences() -> None:
    assert CATALOG == FAMILY + CHINESE
    facts = {e.repo_id: (e.language, e.licence, e.licence_to_confirm) for e in CHINESE}
    assert facts == {
        "ckiplab/gpt2-base-chinese": (TRADITIONAL_CHINESE, "GPL-3.0", True),
        "ckiplab/gpt2-tiny-chinese": (TRADITIONAL_CHINESE, "GPL-3.0", True),
        "IDEA-CCNL/Wenzhong2.0-GPT2-110M-BertTokenizer-chinese": (
            SIMPLIFIED_CHINESE,
            "Apache-2.0",
            True,
        ),
        "uer/gpt2-chinese-cluecorpussmall": (SIMPLIFIED_CHINESE, UNKNOWN_LICENCE, True),
    }
    assert [e.simplified for e in CHINESE] == [False, False, True, True]
    assert not any(e.licence_to_confirm or e.simplified for e in FAMILY)
    assert family_entry(TRADITIONAL_CHINESE_DEFAULT) is CHINESE[0]


def test_parameters_match_what_a_model_folder_s_config_gives() -> None:
    # CKIP's configs say vocab_size 21130 (bert-base-chinese's vocab.txt has 21,128 lines).
    for entry, vocab in zip(CHINESE, (21130, 21130, 21128, 21128), strict=True):
        fields = {
            "n_embd": entry.n_embd,
            "n_layer": entry.n_layer,
            "vocab_size": vocab,
            "n_positions": 1024,
        }
        assert parameters(fields) == entry.params, entry.repo_id
    base = family_entry("ckiplab/gpt2-base-chinese")
    assert base is not None and round(base.params / 1e6) == 102  # "102M" on its card
    # Smaller than gpt2 (a 21k vocabulary, not 50k), so it needs less memory.
    assert base.memory_bytes < FAMILY[0].memory_bytes
