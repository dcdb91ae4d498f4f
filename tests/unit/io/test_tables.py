"""The one CSV writer: formula-leading cells are neutralised, and the toolkit's readers give back exactly the
values written (numbers stay numbers)."""
from __future__ import annotations

import csv

import pandas as pd

from alloava_analysis.io.export.tables import read_table, write_table
from alloava_analysis.io.labels import read_labels, write_labels
from alloava_analysis.io.manifest import make_manifest, read_manifest, write_manifest
from alloava_analysis.io.tables import read_csv_table, write_csv_table

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd", "\tx", "=1", "'=quoted",
           "''+twice", "'plain quote", "-2", "+5", "1e5", "-.5", "plain"]
LIVE = tuple("=+-@\t\r")


def _live_cells(path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    return [c for c in cells if c.startswith(LIVE) and not _is_number(c)]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_write_csv_table_round_trips_through_read_csv_table(tmp_path):
    table = pd.DataFrame({"group": HOSTILE, "=name": [str(i) for i in range(len(HOSTILE))]})
    write_csv_table(tmp_path / "t.csv", table)
    assert _live_cells(tmp_path / "t.csv") == []
    back = read_csv_table(tmp_path / "t.csv")
    assert list(back.columns) == ["group", "=name"] and back["group"].tolist() == HOSTILE


def test_labels_manifests_and_feature_tables_are_neutralised_and_exact(tmp_path):
    ids = [f"TED_{i:011d}" for i in range(len(HOSTILE))]
    write_labels(tmp_path / "labels.csv", pd.DataFrame({"clip_id": ids, "speaker_id": HOSTILE}))
    assert _live_cells(tmp_path / "labels.csv") == []
    assert read_labels(tmp_path / "labels.csv")["speaker_id"].tolist() == HOSTILE
    write_manifest(tmp_path / "m.csv", make_manifest(rows=[{"clip_id": c, "speaker_id": s}
                                                           for c, s in zip(ids, HOSTILE)]))
    assert _live_cells(tmp_path / "m.csv") == []
    back = read_manifest(tmp_path / "m.csv").set_index("clip_id")["speaker_id"]
    assert [back[c] for c in ids] == HOSTILE
    write_table(tmp_path / "w.csv", pd.DataFrame({"clip_id": HOSTILE, "start": [-2.0] * len(HOSTILE)}))
    assert _live_cells(tmp_path / "w.csv") == []
    table = read_table(tmp_path / "w.csv")
    assert table["clip_id"].astype(str).tolist()[:4] == HOSTILE[:4] and (table["start"] == -2.0).all()
