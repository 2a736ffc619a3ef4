"""OpenCC s2twp on streamed text: what is shown adds up to the whole text converted."""

# Chinese text uses fullwidth punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gpt2desk.core.engine.convert_script import MAX_HOLD, StreamConverter, convert_text

#: Words whose Taiwan form is a different phrase (软件 -> 軟體), so a cut inside one shows.
PHRASES = ("软件", "内存", "鼠标", "网络", "信息", "计算机", "打印机", "服务器", "数据库", "视频")
FILLER = "我们在上使用的这个是很好吗了和与为"
PUNCTUATION = "。，！？、；：「」 \n.,!?"


def stream(pieces: list[str]) -> tuple[list[str], str]:
    converter = StreamConverter()
    shown = [converter.feed(p) for p in pieces]
    return shown, "".join(shown) + converter.flush()


def test_a_phrase_split_across_pieces_is_converted_whole() -> None:
    shown, text = stream(["我们使用软", "件。内存", "很大"])
    assert text == "我們使用軟體。記憶體很大"
    assert shown[0] == ""  # "软" may still become part of 軟體: held back
    assert shown[1] == "我們使用軟體。"
    assert convert_text("软") + convert_text("件") != convert_text("软件")


def test_a_long_run_without_punctuation_is_shown_before_it_ends() -> None:
    run = "我们在计算机上使用软件" * 10  # 110 characters, no boundary
    shown, text = stream(list(run))
    assert text == convert_text(run)
    assert sum(len(s) for s in shown) >= len(run) - MAX_HOLD


_TEXT = st.lists(
    st.one_of(
        st.sampled_from(PHRASES),
        st.sampled_from(FILLER),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(("Hello", "GPT-2", "3.14", "42")),
    ),
    max_size=80,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, data=st.data())
def test_streamed_conversion_equals_converting_the_whole_text(
    text: str, data: st.DataObject
) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=20)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    shown, result = stream(pieces)
    assert result == convert_text(text)
    # What is shown only grows: each piece shown is final.
    assert result.startswith("".join(shown))
