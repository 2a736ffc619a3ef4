"""Generation settings: bad values are refused with a message naming the field."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gpt2desk.core.settings import (
    GenerationSettings,
    SettingsError,
    format_stop_strings,
    parse_stop_strings,
)

PROPERTY = settings(max_examples=200, deadline=None)
LABELS = {
    "max_new_tokens": "Max new tokens",
    "temperature": "Temperature",
    "top_k": "Top-k",
    "top_p": "Top-p",
    "repetition_penalty": "Repetition penalty",
    "seed": "Seed",
    "stop": "Stop strings",
}


def test_defaults_are_valid_and_sampled() -> None:
    s = GenerationSettings()
    s.validate()
    assert (s.max_new_tokens, s.temperature, s.top_k, s.top_p) == (100, 0.8, 40, 0.95)
    assert (s.repetition_penalty, s.seed, s.stop) == (1.0, None, ())
    assert not s.greedy
    assert GenerationSettings(temperature=0).greedy


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_new_tokens", 0),
        ("max_new_tokens", 100_001),
        ("max_new_tokens", True),
        ("max_new_tokens", 1.5),
        ("max_new_tokens", "10"),
        ("temperature", -1),
        ("temperature", -0.01),
        ("temperature", math.nan),
        ("temperature", math.inf),
        ("temperature", True),
        ("temperature", "0.5"),
        ("top_k", -1),
        ("top_k", 2.0),
        ("top_k", False),
        ("top_p", 0),
        ("top_p", 1.01),
        ("top_p", -0.5),
        ("top_p", math.nan),
        ("repetition_penalty", 0),
        ("repetition_penalty", -1.2),
        ("repetition_penalty", math.inf),
        ("seed", -1),
        ("seed", 2**63),
        ("seed", True),
        ("seed", 1.0),
        ("seed", "42"),
        ("stop", ("",)),
        ("stop", ("ok", 5)),
        ("stop", ["list", "not", "tuple"]),
        ("stop", "a string"),
    ],
)
def test_invalid_field_is_named_in_the_error(field: str, value: object) -> None:
    bad = GenerationSettings(**{field: value})  # type: ignore[arg-type]
    with pytest.raises(SettingsError) as info:
        bad.validate()
    assert info.value.field == field
    assert str(info.value).startswith(LABELS[field])
    assert isinstance(info.value, ValueError)


def test_error_message_reads_well() -> None:
    with pytest.raises(
        SettingsError, match=r"^Temperature must be 0 or more \(0 means greedy\); got -1\.$"
    ):
        GenerationSettings(temperature=-1).validate()
    with pytest.raises(SettingsError, match=r"got nan\.$"):
        GenerationSettings(top_p=math.nan).validate()


def test_first_bad_field_is_reported() -> None:
    with pytest.raises(SettingsError) as info:
        GenerationSettings(max_new_tokens=0, temperature=-1, seed=-1).validate()
    assert info.value.field == "max_new_tokens"


@pytest.mark.parametrize(
    ("settings_kwargs"),
    [
        {"max_new_tokens": 1},
        {"max_new_tokens": 100_000},
        {"temperature": 0},
        {"temperature": 5},
        {"top_k": 0},
        {"top_p": 1},
        {"top_p": 1e-9},
        {"repetition_penalty": 0.5},
        {"seed": 0},
        {"seed": 2**63 - 1},
        {"stop": ("\nUser:", " ")},
    ],
)
def test_boundary_values_are_accepted(settings_kwargs: dict[str, object]) -> None:
    GenerationSettings(**settings_kwargs).validate()  # type: ignore[arg-type]


def test_from_dict_converts_text_fields_from_the_ui() -> None:
    s = GenerationSettings.from_dict(
        {
            "max_new_tokens": " 50 ",
            "temperature": "0",
            "top_k": "0",
            "top_p": "1",
            "repetition_penalty": "1.2",
            "seed": "42",
            "stop": "\\nUser:\n\nEND",
        }
    )
    assert s == GenerationSettings(50, 0.0, 0, 1.0, 1.2, 42, ("\nUser:", "END"))
    assert s.greedy


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_blank_seed_means_random(blank: object) -> None:
    assert GenerationSettings.from_dict({"seed": blank}).seed is None


def test_from_dict_keeps_defaults_for_missing_keys_and_accepts_lists() -> None:
    s = GenerationSettings.from_dict({"stop": ["a", "b"], "max_new_tokens": 7.0})
    assert s == GenerationSettings(max_new_tokens=7, stop=("a", "b"))
    assert isinstance(s.max_new_tokens, int)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"seed": "abc"}, "seed"),
        ({"seed": "-3"}, "seed"),
        ({"seed": "1.5"}, "seed"),
        ({"temperature": "warm"}, "temperature"),
        ({"temperature": "nan"}, "temperature"),
        ({"max_new_tokens": ""}, "max_new_tokens"),
        ({"max_new_tokens": 2.5}, "max_new_tokens"),
        ({"top_k": True}, "top_k"),
        ({"top_p": "0"}, "top_p"),
        ({"stop": 3}, "stop"),
        ({"stop": ["ok", ""]}, "stop"),
        ({"temprature": 0.5}, "temprature"),
    ],
)
def test_from_dict_rejects_bad_input_naming_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(SettingsError) as info:
        GenerationSettings.from_dict(data)
    assert info.value.field == field
    assert LABELS.get(field, field) in str(info.value)


valid_settings = st.builds(
    GenerationSettings,
    max_new_tokens=st.integers(1, 100_000),
    temperature=st.floats(0, 10, allow_nan=False),
    top_k=st.integers(0, 50_000),
    top_p=st.floats(0, 1, exclude_min=True),
    repetition_penalty=st.floats(0, 10, exclude_min=True),
    seed=st.none() | st.integers(0, 2**63 - 1),
    stop=st.lists(st.text(min_size=1), max_size=4).map(tuple),
)


@PROPERTY
@given(s=valid_settings)
def test_dict_round_trip_through_json(s: GenerationSettings) -> None:
    s.validate()
    assert GenerationSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_parse_stop_strings_decodes_escapes_and_skips_blank_lines() -> None:
    text = "\\nUser:\n\n   \nEND \r\ntab\\there\nC:\\path\\\\x\ntrailing\\"
    assert parse_stop_strings(text) == ("\nUser:", "END ", "tab\there", "C:\\path\\x", "trailing\\")
    assert parse_stop_strings("") == ()


stop_strings = st.lists(st.text(min_size=1).filter(lambda s: s.strip(" ") != ""), max_size=5)


@PROPERTY
@given(stop=stop_strings)
def test_stop_strings_round_trip_through_the_text_box(stop: list[str]) -> None:
    text = format_stop_strings(stop)
    assert parse_stop_strings(text) == tuple(stop)
    assert GenerationSettings.from_dict({"stop": text}).stop == tuple(stop)
