"""``alloava gestures``: JSON keys, the CSV with units, tier files, human output, usage errors."""
from __future__ import annotations

import json
from pathlib import Path

from alloava_analysis.cli import main
from alloava_analysis.io.export.tables import read_table


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in argv and out.strip() else out), err


def test_gestures_json_contract_and_table(capsys, synth_corpus, tmp_path):
    code, result, _ = _run(capsys, "gestures", synth_corpus, "--out", tmp_path / "g", "--tiers", "textgrid",
                           "--workers", "1", "--null-draws", "19", "--json", "--quiet")
    assert code == 0, result
    assert {"clips", "gestures", "out", "table", "files", "units", "per_clip", "failed", "skipped",
            "settings", "synchrony"} <= set(result)
    sync = result["synchrony"]
    assert sync["null"]["draws"] == 19 and sync["settings"]["n_null"] == 19
    lags = read_table(sync["table"])                       # one row per analysed unit and event kind
    assert set(lags["clip_id"]) <= set(read_table(result["table"])["clip_id"]) and sync["table"] in result["files"]
    assert {r["kind"] for r in sync["pooled"]} == set(sync["settings"]["kinds"])
    table = read_table(result["table"])
    assert len(table) == result["gestures"]
    assert {"clip_id", "unit", "start_s", "end_s", "peak_time_s"} <= set(table.columns)
    assert sum(f.endswith(".TextGrid") for f in result["files"]) == result["clips"] == 3
    code, out, _ = _run(capsys, "gestures", synth_corpus, "--out", tmp_path / "h", "--null-draws", "19", "--quiet")
    assert code == 0 and "gesture unit(s) in 3 clip(s)" in out and Path(tmp_path / "h" / "gestures.csv").exists()
    assert "synchrony (lag = event time - gesture peak time" in out and "word_onset" in out
    code, out, _ = _run(capsys, "gestures", synth_corpus, "--out", tmp_path / "i", "--no-synchrony", "--quiet")
    assert code == 0 and "synchrony" not in out and not Path(tmp_path / "i" / "synchrony.csv").exists()


def test_gestures_options_reach_the_settings(capsys, synth_corpus, tmp_path):
    code, result, _ = _run(capsys, "gestures", synth_corpus, "--out", tmp_path / "g", "--hold-speed", "0.3",
                           "--hold-min", "0.5", "--prominence", "0.4", "--separation", "0.25", "--workers", "1",
                           "--no-synchrony", "--json", "--quiet")
    assert code == 0
    s = result["settings"]
    assert (s["hold_speed"], s["hold_min_s"], s["submovement_prominence"], s["submovement_min_separation_s"]) == \
        (0.3, 0.5, 0.4, 0.25)


def test_gestures_usage_errors_exit_2(capsys, synth_corpus, tmp_path):
    code, _, err = _run(capsys, "gestures", synth_corpus, "--tiers", "docx")
    assert code == 2 and "textgrid" in err
    code, _, err = _run(capsys, "gestures", synth_corpus, "--hold-speed", "0")
    assert code == 2 and "expected a number > 0" in err
    code, _, err = _run(capsys, "gestures", synth_corpus, "--null-draws", "0")
    assert code == 2 and "expected an integer >= 1" in err
    code, result, _ = _run(capsys, "gestures", tmp_path / "nowhere", "--json")
    assert code == 2 and "nowhere" in result["message"]
    code, result, _ = _run(capsys, "gestures", synth_corpus, "--out", synth_corpus / "audio" / "g", "--json")
    assert code == 2 and result["error"] == "OutputPathError"
