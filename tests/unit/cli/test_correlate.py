"""``alloava correlate``: JSON contract (DESIGN §8), human output for people, failed clips, notes, usage errors."""
from __future__ import annotations

import pytest

from tests.fixtures.datasets import corrupt
from tests.unit.cli.helpers import run

FAST = ("--n-boot", "50", "--n-surrogates", "9", "--quiet")


def test_correlate_json_contract(synth_corpus):
    # 3 s windows: 5-6 per 16-20 s clip, enough for a per-clip r and so for the pooled one
    code, result, _ = run(["correlate", synth_corpus, "--window", "3", *FAST, "--json"])
    assert code == 0 and result["failed"] == [] and result["skipped"] == []
    assert {"r", "ci_low", "ci_high", "method"} <= set(result["pooled"])
    assert result["pooled"]["r"] is not None and -1 <= result["pooled"]["r"] <= 1
    assert len(result["per_clip"]) == 3
    assert all({"clip_id", "r", "ci_low", "ci_high"} <= set(c) for c in result["per_clip"])
    assert "xcorr" in result["lag_s"] and {"bits", "p_value"} <= set(result["mi"])
    assert not any(key.startswith("dtw") for key in result["lag_s"])      # DTW is an alignment, not a lag
    assert {"least_cost_shift_s", "cost", "path_median_offset_s", "warp_s", "not_a_lag"} <= set(
        result["dtw_alignment"])
    assert result["settings"]["window_s"] == 3 and isinstance(result["notes"], list)
    assert isinstance(result["warnings"], list)


def test_correlate_human_output_for_people(synth_corpus):
    code, out, _ = run(["correlate", synth_corpus, "--window", "4", "--hop", "2", *FAST])
    assert code == 0
    first = out.splitlines()[0]
    assert "3 clip(s)" in first and "windows of 4 s (hop 2 s)" in first  # window size and number of windows
    assert "95 % CI [" in out and "positive = motion leads speech" in out and " s [" in out and "bits" in out
    assert "None" not in out and " nan" not in out
    dtw_line = next(line for line in out.splitlines() if line.strip().startswith("DTW"))
    assert "not a lag" in dtw_line and "0.1 s warp window" in dtw_line and "cost" in dtw_line
    assert "is not a lag: on signals of different shapes" in out and "moves with the warp window" in out
    rows = [line for line in out.splitlines() if line.strip().startswith(("TED_", "Interview_", "Panel_",
                                                                         "Presentation_"))]
    assert len(rows) == 3 and len({len(line) for line in rows}) == 1  # aligned columns
    for line in rows:  # r with 3 significant digits and a sign
        r = line.split()[3]
        assert r == "n/a" or (r[0] in "+-" and len(r.lstrip("+-").replace(".", "").lstrip("0")) == 3)


def test_correlate_clips_shorter_than_the_window_fail_and_are_listed(synth_corpus):
    code, result, _ = run(["correlate", synth_corpus, "--window", "40", *FAST, "--json"])
    assert code == 1 and len(result["failed"]) == 3
    assert all("window" in f["reason"] for f in result["failed"])
    assert result["pooled"]["r"] is None
    code, out, _ = run(["correlate", synth_corpus, "--window", "40", *FAST])
    assert code == 1 and "pooled r    n/a" in out and out.count("failed ") == 3 and "None" not in out


def test_correlate_lists_skipped_files(synth_corpus):
    (synth_corpus / "audio" / "stray.wav").write_bytes(b"RIFF")
    code, result, _ = run(["correlate", synth_corpus, "--window", "4", *FAST, "--json"])
    assert code == 1 and [s["path"].rsplit("/", 1)[1] for s in result["skipped"]] == ["stray.wav"]
    assert result["failed"] == [] and len(result["per_clip"]) == 3


def test_correlate_lists_a_clip_that_did_not_load_and_goes_on(synth_corpus):
    clip_id = sorted(p.stem for p in (synth_corpus / "keypoints").iterdir())[0]
    corrupt(synth_corpus, clip_id, "truncate_keypoints")
    code, result, _ = run(["correlate", synth_corpus, "--window", "4", *FAST, "--json"])
    assert code == 1 and [f["clip_id"] for f in result["failed"]] == [clip_id]
    assert len(result["per_clip"]) == 2


def test_correlate_reports_what_the_pooled_estimate_left_out_as_notes(synth_corpus):
    # 8 s windows leave 2 windows per clip: too few for the per-clip estimates the pooled one is built from
    code, result, _ = run(["correlate", synth_corpus, "--window", "8", *FAST, "--json"])
    assert result["warnings"], result
    assert any("left out" in n or "window" in n for n in result["warnings"])
    code, out, _ = run(["correlate", synth_corpus, "--window", "8", *FAST])
    assert "warning: " in out


@pytest.mark.parametrize("argv, words", [
    (["--window", "0"], "argument --window: expected a number > 0, got 0.0"),
    (["--window", "-1"], "argument --window: expected a number > 0, got -1.0"),
    (["--group", "hand"], "invalid choice: 'hand' (choose from 'head', 'torso', 'arms', 'hands', 'legs', "
                          "'upper_body')"),
    (["--n-boot", "0"], "argument --n-boot: expected an integer >= 1, got 0"),
])
def test_correlate_usage_errors_are_one_message_before_any_clip_is_loaded(synth_corpus, argv, words):
    code, out, err = run(["correlate", synth_corpus, *argv, "--json"])
    assert code == 2 and err.count("error:") == 1 and words in err
    assert out == {"error": "UsageError", "message": f"alloava correlate: {words}" if words.startswith("argument")
                   else out["message"], "exit": 2} and words in out["message"]  # --json: the error as JSON too


def test_help_lists_the_same_groups_as_the_error():
    _, out, _ = run(["correlate", "--help"])
    assert "head, torso, arms, hands, legs, upper_body" in " ".join(out.split())


def test_the_library_checks_options_at_entry_too(synth_corpus):
    from alloava_analysis.errors import ParameterError
    from alloava_analysis.runs.correlate import correlate_corpus

    with pytest.raises(ParameterError, match="group: expected one of 'head', 'torso'.*got 'hand'"):
        correlate_corpus(synth_corpus, group="hand", progress=False)
    with pytest.raises(ParameterError, match="window_s: expected a number > 0, got -1"):
        correlate_corpus(synth_corpus, window_s=-1, progress=False)


def test_the_choices_spelt_out_for_fast_parsing_agree_with_the_library():
    from alloava_analysis.cli import correlate as cmd
    from alloava_analysis.crossmodal import correlation, coupling
    from alloava_analysis.features import motion
    from alloava_analysis.schema import GROUPS

    assert set(cmd.SPEECH_RATES) == set(coupling.SPEECH_RATES)
    assert set(cmd.MI_SIGNALS) == set(coupling.MI_SIGNALS)
    assert tuple(cmd.POOLING) == tuple(correlation.POOLING)
    assert tuple(cmd.RELATIVE_TO) == tuple(motion.RELATIVE_TO)
    assert tuple(cmd.CUT_HANDLING) == tuple(motion.CUT_HANDLING) and tuple(cmd.CUT_SOURCES) == tuple(motion.CUT_SOURCES)
    _, out, _ = run(["correlate", "--help"])
    assert all(g in out for g in GROUPS)


def test_analysis_choices_reach_the_result(synth_corpus):
    code, result, _ = run(["correlate", synth_corpus, "--window", "4", *FAST, "--json", "--pooling", "raw",
                           "--relative-to", "image", "--cuts", "ignore", "--speech-rate", "syllables"])
    assert code == 0
    assert result["settings"]["pooling"] == "raw" and result["settings"]["motion"]["relative_to"] == "image"
    assert result["settings"]["motion"]["cut_handling"] == "ignore"
    code, out, err = run(["correlate", synth_corpus, "--pooling", "median"])
    assert code == 2 and "'mixed', 'raw', 'mean_r'" in err


def test_the_correlate_driver_loads_no_heavy_scipy_module_before_its_analysis_needs_it():
    """Fixed cost (issue 26): scipy.signal, scipy.stats and scipy.spatial (~2 s of imports) load where they are used."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; import alloava_analysis.cli.correlate, alloava_analysis.runs.correlate; "
            "print(sorted(m for m in ('scipy.signal', 'scipy.stats', 'scipy.spatial', 'scipy.optimize', "
            "'statsmodels') if m in sys.modules))")
    repo = Path(__file__).resolve().parents[3]
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo,
                          env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"})
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
