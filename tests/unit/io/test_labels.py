"""What a labels CSV may hold: no column that shadows the index; a byte order mark is read."""
from __future__ import annotations

import pandas as pd
import pytest

from alloava_analysis.corpus import Corpus


@pytest.mark.parametrize("column", ["transcript", "audio", "frames", "words", "keypoints_sha256", "audio_s"])
def test_a_label_column_named_like_an_index_column_is_refused(tiny_corpus, tmp_path, column):
    """A label must never shadow what the index fills itself (``transcript`` would drop every transcript)."""
    from alloava_analysis.corpus import INDEX_COLUMNS, clip_summary
    from alloava_analysis.errors import SchemaError

    labels = tmp_path / "labels.csv"
    pd.DataFrame({"clip_id": tiny_corpus.clip_ids, column: "x", "gender": "female"}).to_csv(labels, index=False)
    with pytest.raises(SchemaError, match=f"'{column}'") as info:
        Corpus(tiny_corpus.root, labels=labels)
    assert str(labels) in str(info.value) and "rename" in str(info.value)
    clip = Corpus(tiny_corpus.root).load(tiny_corpus.clip_ids[0])
    assert set(clip_summary(clip, {})) <= set(INDEX_COLUMNS)  # the reserved list covers what the store writes


def test_labels_saved_with_a_byte_order_mark_are_read(tiny_corpus, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_bytes(pd.DataFrame({"clip_id": tiny_corpus.clip_ids, "gender": "female"}).to_csv(
        index=False).encode("utf-8-sig"))
    assert set(Corpus(tiny_corpus.root, labels=labels).index["gender"]) == {"female"}
