"""Whisper-style transcript JSON: reading, writing and the table of bad transcripts."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.transcript import read_json, read_transcript, words_to_segments, write_transcript
from alloava_analysis.model import make_words

WHISPER = {
    "text": " Hello there. General Kenobi.",
    "language": "en",
    "segments": [
        {"id": 0, "start": 0.0, "end": 1.2, "text": " Hello there.",
         "words": [{"word": " Hello", "start": 0.0, "end": 0.5, "probability": 0.9},
                   {"word": " there.", "start": 0.6, "end": 1.2, "probability": 0.8}]},
        {"id": 1, "start": 1.5, "end": 2.6, "text": " General Kenobi.",
         "words": [{"word": " General", "start": 1.5, "end": 2.0, "probability": None},
                   {"word": " Kenobi.", "start": 2.1, "end": 2.6}]},
    ],
}


def _write(tmp_path, doc, name="TED_abcdefghijk.json"):
    path = tmp_path / name
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_read_whisper_transcript(tmp_path):
    words, segments, meta = read_transcript(_write(tmp_path, WHISPER))
    assert list(words.columns) == ["word", "start", "end", "probability", "segment"]
    assert words.word.tolist() == ["Hello", "there.", "General", "Kenobi."]
    np.testing.assert_array_equal(words.start, [0.0, 0.6, 1.5, 2.1])
    np.testing.assert_array_equal(words.end, [0.5, 1.2, 2.0, 2.6])
    assert words.probability.tolist()[:2] == [0.9, 0.8] and words.probability[2:].isna().all()
    assert words.segment.tolist() == [0, 0, 1, 1]
    assert segments.to_dict("list") == {"segment": [0, 1], "start": [0.0, 1.5], "end": [1.2, 2.6],
                                        "text": ["Hello there.", "General Kenobi."]}
    assert meta == {"text": WHISPER["text"], "language": "en"}


def test_write_then_read_round_trip(tmp_path):
    words = make_words([{"word": "a", "start": 0.1, "end": 0.3, "probability": 0.51234, "segment": 0},
                        {"word": "b", "start": 0.4, "end": 0.7, "probability": np.nan, "segment": 0},
                        {"word": "c", "start": 1.0, "end": 1.5, "probability": 1.0, "segment": 3}])
    path = write_transcript(tmp_path / "t.json", words, meta={"engine": "faster-whisper", "model": "tiny.en"})
    back, segments, meta = read_transcript(path)
    pd.testing.assert_frame_equal(back.drop(columns="probability"), words.drop(columns="probability"))
    np.testing.assert_allclose(back.probability, [0.5123, np.nan, 1.0], equal_nan=True)
    assert segments.segment.tolist() == [0, 3] and segments.text.tolist() == ["a b", "c"]
    assert meta["engine"] == "faster-whisper" and meta["text"] == "a b c"
    # Segments are taken as given when passed.
    custom = pd.DataFrame({"segment": [0, 3], "start": [0.0, 0.9], "end": [0.8, 1.6], "text": ["A B", "C"]})
    _, segments, _ = read_transcript(write_transcript(tmp_path / "u.json", words, segments=custom))
    assert segments.start.tolist() == [0.0, 0.9] and segments.text.tolist() == ["A B", "C"]


def test_words_to_segments_spans_each_segment():
    words = make_words([{"word": "x", "start": 0.0, "end": 0.2, "segment": 1},
                        {"word": "y", "start": 0.3, "end": 0.9, "segment": 1},
                        {"word": "z", "start": 1.0, "end": 1.1, "segment": 2}])
    seg = words_to_segments(words)
    assert seg.to_dict("list") == {"segment": [1, 2], "start": [0.0, 1.0], "end": [0.9, 1.1], "text": ["x y", "z"]}


def _seg(words, **extra):
    return {"segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": "", "words": words, **extra}]}


GOOD_WORD = {"word": "a", "start": 0.0, "end": 0.2}

BAD = {
    # name: (content, place, message fragment)
    "truncated": (json.dumps(WHISPER)[:120], "line 1, column", "expected valid JSON"),
    "nan-token": ('{"segments": [{"words": [{"word": "a", "start": NaN, "end": 1}]}]}',
                  "$.segments[0].words[0].start", "got NaN"),
    "not-utf8": (b"\x80abc", "byte 0", "expected UTF-8"),
    "top-level-list": ("[]", "$", "expected an object with a 'segments' list"),
    "no-segments": ('{"text": "hi"}', "$", "with keys ['text']"),
    "empty-transcript": ('{"text": "", "segments": []}', "$.segments", "empty transcript"),
    "segments-without-words": (json.dumps(_seg([])), "$.segments", "empty transcript"),
    "segment-not-object": ('{"segments": [3]}', "$.segments[0]", "expected a segment object"),
    "no-word-timestamps": (json.dumps({"segments": [{"id": 0, "text": "hi"}]}), "$.segments[0]",
                           "word_timestamps=True"),
    "word-without-end": (json.dumps(_seg([GOOD_WORD, {"word": "b", "start": 0.3}])), "$.segments[0].words[1]",
                         "expected a word object"),
    "word-not-object": (json.dumps(_seg([GOOD_WORD, "b"])), "$.segments[0].words[1]", "expected a word object"),
    "word-end-before-start": (json.dumps(_seg([GOOD_WORD, {"word": "b", "start": 0.5, "end": 0.4}])),
                              "word 1 ('b')", "expected 0 <= start <= end"),
    "negative-start": (json.dumps(_seg([{"word": "a", "start": -1.0, "end": 0.4}])), "word 0 ('a')",
                       "expected 0 <= start <= end"),
    "word-time-not-a-number": (json.dumps(_seg([GOOD_WORD, {"word": "b", "start": "later", "end": 0.4}])),
                               "word 1 ('b')", "expected numeric word start"),
    "word-time-null": (json.dumps(_seg([GOOD_WORD, {"word": "b", "start": None, "end": 0.4}])), "word 1 ('b')",
                       "expected finite word times"),
    "segment-id-not-integer": (json.dumps(_seg([GOOD_WORD], id="first")), "$.segments[0]",
                               "expected an integer segment id"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_transcripts_name_file_and_place(name, tmp_path):
    content, place, message = BAD[name]
    path = _write(tmp_path, content, name=f"Bad_{name}.json")
    with pytest.raises(SchemaError) as info:
        read_transcript(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == str(path) and path.name in str(err)
    assert message in str(err), str(err)
    assert err.where is not None and err.where.startswith(place), (err.where, place)


def test_read_json_locates_constants_in_keys_that_are_not_identifiers(tmp_path):
    path = _write(tmp_path, '{"frames": {"0.5": {"x": [1, -Infinity]}}}')
    with pytest.raises(SchemaError) as info:
        read_json(path)
    assert info.value.where == "$.frames['0.5'].x[1]" and "-Infinity" in str(info.value)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.floats(-2, 2), st.text(max_size=3))
_words = st.dictionaries(st.sampled_from(["word", "start", "end", "probability"]), _scalars, max_size=4)
_segments = st.dictionaries(st.sampled_from(["id", "start", "end", "text", "words"]),
                            st.one_of(_scalars, st.lists(_words, max_size=3)), max_size=5)
_documents = st.dictionaries(st.sampled_from(["segments", "text", "language"]),
                             st.one_of(_scalars, st.lists(_segments, max_size=3)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_documents)
def test_any_json_document_gives_words_or_a_schema_error(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("fuzz") / "TED_abcdefghijk.json"
    path.write_text(json.dumps(doc))
    try:
        words, segments, _ = read_transcript(path)
    except SchemaError as err:
        assert err.path == str(path)
        return
    assert len(words) and (words.end >= words.start).all() and (words.start >= 0).all()


@pytest.mark.parametrize("text, where, words", [
    ('{"a": [1, 2,\n 1' + "0" * 400 + "]}", "$.a[2]", "float range"),
    ('{"a": 1, "b c": ' + "9" * 5000 + "}", "$['b c']", "5000 characters"),
    ('{"a": -1e999}', "$.a", "float range"),
    ("[" * 100_000 + "]" * 100_000, "$", "nested"),
])
def test_numbers_beyond_a_float_and_deep_nesting_are_schema_errors(tmp_path, text, where, words):
    """Not OverflowError, ValueError (int max str digits) or RecursionError: a SchemaError naming the place."""
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError, match=words) as info:
        read_json(path)
    assert info.value.where == where and info.value.path == str(path)


def test_large_integers_that_fit_a_float_still_parse(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": ' + "1" + "0" * 300 + ', "b": -12, "c": 1.5e300}', encoding="utf-8")
    assert read_json(path) == {"a": 10 ** 300, "b": -12, "c": 1.5e300}
