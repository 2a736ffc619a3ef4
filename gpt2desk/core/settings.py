"""Generation settings: one frozen dataclass, validated with messages a user can act on."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gpt2desk.core.i18n import QT_TRANSLATE_NOOP, Message, Template, UserError

MAX_NEW_TOKENS_LIMIT = 100_000
SEED_LIMIT = 2**63  # seeds must fit a signed 64-bit integer (numpy and TF both need that)

_LABELS = {
    "max_new_tokens": QT_TRANSLATE_NOOP("Settings", "Max new tokens"),
    "temperature": QT_TRANSLATE_NOOP("Settings", "Temperature"),
    "top_k": QT_TRANSLATE_NOOP("Settings", "Top-k"),
    "top_p": QT_TRANSLATE_NOOP("Settings", "Top-p"),
    "repetition_penalty": QT_TRANSLATE_NOOP("Settings", "Repetition penalty"),
    "seed": QT_TRANSLATE_NOOP("Settings", "Seed"),
    "stop": QT_TRANSLATE_NOOP("Settings", "Stop strings"),
}
# The rules a value breaks; {field} is the label above, {value} the value given.
_WHOLE = QT_TRANSLATE_NOOP("Settings", "{field} must be a whole number; got {value}.")
_NUMBER = QT_TRANSLATE_NOOP("Settings", "{field} must be a number; got {value}.")
_FINITE = QT_TRANSLATE_NOOP("Settings", "{field} must be a finite number; got {value}.")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
_UNESCAPES = {v: "\\" + k for k, v in _ESCAPES.items()}


class SettingsError(UserError, ValueError):
    """A setting has a bad value; the message names the field and says what is allowed.

    Attributes:
        field: Name of the offending field, e.g. ``"temperature"``.
    """

    def __init__(self, field: str, template: Template | Message | str, /, **values: object) -> None:
        super().__init__(template, **values)
        self.field = field


def _show(value: object) -> str:
    """Format a rejected value for an error message (-1.0 shows as -1)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return repr(value)


def _fail(field: str, rule: Template, value: object, **values: object) -> SettingsError:
    label = Message(_LABELS[field])
    return SettingsError(field, rule, field=label, value=_show(value), **values)


def _check_int(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(field, _WHOLE, value)
    return value


def _check_float(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, _NUMBER, value)
    if not math.isfinite(value):
        raise _fail(field, _FINITE, value)
    return float(value)


@dataclass(frozen=True)
class GenerationSettings:
    """How to sample a continuation.

    Attributes:
        max_new_tokens: Tokens to generate at most (1 to 100000).
        temperature: Softmax temperature, 0 or more; 0 means greedy.
        top_k: Keep only the k most likely tokens; 0 turns it off.
        top_p: Nucleus sampling mass in (0, 1]; 1 turns it off.
        repetition_penalty: Divides logits of tokens already seen, more than 0;
            1 turns it off.
        seed: Seed for reproducible sampling, 0 <= seed < 2**63; None = random.
        stop: Strings that end generation when produced (none may be empty).
    """

    max_new_tokens: int = 100
    temperature: float = 0.8
    top_k: int = 40
    top_p: float = 0.95
    repetition_penalty: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()

    @property
    def greedy(self) -> bool:
        """Whether decoding is greedy (temperature 0) rather than sampled."""
        return self.temperature == 0

    def validate(self) -> None:
        """Check every field in order.

        Raises:
            SettingsError: For the first field with a bad value.
        """
        n = _check_int("max_new_tokens", self.max_new_tokens)
        if not 1 <= n <= MAX_NEW_TOKENS_LIMIT:
            rule = QT_TRANSLATE_NOOP(
                "Settings", "{field} must be between 1 and {limit}; got {value}."
            )
            raise _fail("max_new_tokens", rule, n, limit=MAX_NEW_TOKENS_LIMIT)
        if _check_float("temperature", self.temperature) < 0:
            rule = QT_TRANSLATE_NOOP(
                "Settings", "{field} must be 0 or more (0 means greedy); got {value}."
            )
            raise _fail("temperature", rule, self.temperature)
        if _check_int("top_k", self.top_k) < 0:
            rule = QT_TRANSLATE_NOOP(
                "Settings", "{field} must be 0 or more (0 turns it off); got {value}."
            )
            raise _fail("top_k", rule, self.top_k)
        if not 0 < _check_float("top_p", self.top_p) <= 1:
            rule = QT_TRANSLATE_NOOP(
                "Settings",
                "{field} must be more than 0 and at most 1 (1 turns it off); got {value}.",
            )
            raise _fail("top_p", rule, self.top_p)
        if _check_float("repetition_penalty", self.repetition_penalty) <= 0:
            rule = QT_TRANSLATE_NOOP(
                "Settings", "{field} must be more than 0 (1 turns it off); got {value}."
            )
            raise _fail("repetition_penalty", rule, self.repetition_penalty)
        if self.seed is not None and not 0 <= _check_int("seed", self.seed) < SEED_LIMIT:
            rule = QT_TRANSLATE_NOOP(
                "Settings", "{field} must be empty (random) or from 0 to {limit}; got {value}."
            )
            raise _fail("seed", rule, self.seed, limit=SEED_LIMIT - 1)
        if not isinstance(self.stop, tuple):
            rule = QT_TRANSLATE_NOOP("Settings", "{field} must be a tuple of strings; got {value}.")
            raise _fail("stop", rule, self.stop)
        for i, s in enumerate(self.stop, start=1):
            if not isinstance(s, str):
                rule = QT_TRANSLATE_NOOP(
                    "Settings", "{field} must all be text (number {i} is not); got {value}."
                )
                raise _fail("stop", rule, s, i=i)
            if not s:
                rule = QT_TRANSLATE_NOOP(
                    "Settings", "Stop strings cannot be empty (number {i} is)."
                )
                raise SettingsError("stop", rule, i=i)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-safe dict that ``from_dict`` accepts (stop as a list)."""
        d = dataclasses.asdict(self)
        d["stop"] = list(self.stop)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> GenerationSettings:
        """Build validated settings from UI, CLI or JSON values.

        Strings are converted: numbers are parsed, an empty seed means random,
        and a stop string text is parsed with ``parse_stop_strings``. Missing
        keys keep their defaults.

        Raises:
            SettingsError: For an unknown key or the first bad value.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        for key in d:
            if key not in known:
                rule = QT_TRANSLATE_NOOP("Settings", "Unknown setting {key}.")
                raise SettingsError(str(key), rule, key=repr(key))
        values: dict[str, object] = {}
        for key, value in d.items():
            if key == "seed":
                values[key] = _to_seed(value)
            elif key == "stop":
                values[key] = _to_stop(value)
            elif key in ("max_new_tokens", "top_k"):
                values[key] = _to_int(key, value)
            else:
                values[key] = _to_float(key, value)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings


def _to_int(field: str, value: object) -> object:
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise _fail(field, _WHOLE, value) from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # validate() rejects anything else, e.g. bool or 1.5


def _to_float(field: str, value: object) -> object:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _fail(field, _NUMBER, value) from None
    return value


def _to_seed(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _to_int("seed", value)


def _to_stop(value: object) -> object:
    if isinstance(value, str):
        return parse_stop_strings(value)
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def parse_stop_strings(text: str) -> tuple[str, ...]:
    r"""Parse the stop-strings box: one stop string per line.

    Backslash escapes ``\n``, ``\t``, ``\r`` and ``\\`` are decoded, so typing
    ``\nUser:`` stops at a new line starting with "User:"; any other backslash
    is kept as typed. Lines of only spaces and tabs are ignored (a stray space
    would otherwise stop generation at the first word); other lines are kept
    verbatim, trailing spaces included, minus a Windows line end's ``\r``.
    """
    result = []
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if line.strip(" \t"):
            result.append(_unescape(line))
    return tuple(result)


def format_stop_strings(stop: Iterable[str]) -> str:
    """Inverse of ``parse_stop_strings``: one escaped stop string per line.

    Only a stop string made of nothing but spaces cannot survive the round trip.
    """
    return "\n".join("".join(_UNESCAPES.get(c, c) for c in s) for s in stop)


def _unescape(line: str) -> str:
    out = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line) and line[i + 1] in _ESCAPES:
            out.append(_ESCAPES[line[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)
