"""Hostile output paths and labels: no command writes over a corpus's inputs, hand work or out of the corpus.

Outputs that would land in a modality folder, on a source file, under a regular
file, or through a link that leaves the corpus are usage errors (exit 2) found
before any clip is measured; re-exports never replace files changed by hand;
labels are shown and written literally.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alloava_analysis.cli import main
from alloava_analysis.synthetic import SynthConfig, generate_corpus


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    root = tmp_path_factory.mktemp("outputs") / "corpus"
    generate_corpus(root, n_clips=6, seed=0, config=SynthConfig(duration_s=(6.0, 8.0)), progress=False)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main([*argv, "--json", "--quiet"])
    return code, json.loads(capsys.readouterr().out)


def _audit(root: Path, *extra: str) -> list[str]:
    return ["audit", str(root), "--by", "gender", "--n-boot", "20", "--n-perm", "19", "--workers", "1", *extra]


@pytest.mark.parametrize("option, target, why", [
    ("--balanced-manifest", "labels.csv", "input file"),
    ("--report", "transcript/X.json", "transcript folder"),
    ("--report", "audio/new.html", "audio folder"),
    ("--report", "linked/report.html", "audio folder"),      # a link to a modality folder, resolved
    ("--balanced-manifest", "alias.csv", "input file"),      # a link to labels.csv, resolved
    ("--report", "labels.csv/x.html", "is a file, not a folder"),
])
def test_audit_outputs_never_land_on_the_corpus_and_are_refused_before_work(audited, capsys, option, target, why):
    if not (audited / "linked").exists():
        (audited / "linked").symlink_to(audited / "audio")
        (audited / "alias.csv").symlink_to(audited / "labels.csv")
    if target == "transcript/X.json":
        target = f"transcript/{sorted(os.listdir(audited / 'transcript'))[0]}"
    before = _snapshot(audited)
    code, out = run_json(capsys, *_audit(audited, option, str(audited / target)))
    assert code == 2 and out["error"] == "OutputPathError", out
    assert option in out["message"] and why in out["message"]
    assert _snapshot(audited) == before


def test_an_output_beside_the_corpus_is_still_written(audited, capsys, tmp_path):
    code, out = run_json(capsys, *_audit(audited, "--min-cell", "1", "--tolerance", "0.5",
                                         "--report", str(tmp_path / "r.html"),
                                         "--balanced-manifest", str(tmp_path / "b.csv")))
    assert code == 0, out
    assert (tmp_path / "r.html").is_file() and (tmp_path / "b.csv").is_file()


def test_store_and_export_folders_in_modality_folders_are_refused(audited, capsys):
    before = _snapshot(audited)
    code, out = run_json(capsys, "convert", str(audited), "--store", str(audited / "keypoints" / "store"))
    assert code == 2 and "keypoints folder" in out["message"]
    code, out = run_json(capsys, "export", str(audited), "--to", "csv", "--out", str(audited / "video"))
    assert code == 2 and "video folder" in out["message"]
    assert _snapshot(audited) == before


@pytest.fixture
def small(tmp_path):
    root = tmp_path / "corpus"
    generate_corpus(root, n_clips=2, seed=1, config=SynthConfig(duration_s=(5.0, 6.0)), progress=False)
    return root


def test_a_reexport_keeps_files_corrected_by_hand_unless_overwrite(small, capsys):
    code, first = run_json(capsys, "export", str(small), "--to", "eaf")
    assert code == 0 and len(first["files"]) == 2, first
    corrected = Path(first["files"][0])
    hand_work = corrected.read_text(encoding="utf-8").replace("</ANNOTATION_DOCUMENT>",
                                                              "<!-- 45 corrections -->\n</ANNOTATION_DOCUMENT>")
    corrected.write_text(hand_work, encoding="utf-8")
    code, again = run_json(capsys, "export", str(small), "--to", "eaf")
    assert code == 1  # the batch carries on: the other clip is exported, the corrected file is listed as skipped
    assert again["files"] == first["files"][1:]
    assert [s["path"] for s in again["skipped"]] == [str(corrected)]
    assert "changed since it was exported" in again["skipped"][0]["reason"]
    assert "--overwrite" in again["skipped"][0]["reason"]
    assert corrected.read_text(encoding="utf-8") == hand_work
    code, forced = run_json(capsys, "export", str(small), "--to", "eaf", "--overwrite")
    assert code == 0 and sorted(forced["files"]) == sorted(first["files"])
    assert "45 corrections" not in corrected.read_text(encoding="utf-8")
    code, third = run_json(capsys, "export", str(small), "--to", "eaf")  # unchanged exports are replaced quietly
    assert code == 0 and not third["skipped"]


def test_a_file_not_written_by_an_export_is_kept(small, capsys):
    out = small.parent / "tg"
    out.mkdir()
    code, first = run_json(capsys, "export", str(small), "--to", "textgrid", "--out", str(out))
    stranger = Path(first["files"][0])
    (out / ".alloava-export.json").unlink()
    stranger.write_text("someone's TextGrid", encoding="utf-8")
    code, again = run_json(capsys, "export", str(small), "--to", "textgrid", "--out", str(out))
    assert code == 1 and "not written by an earlier export" in again["skipped"][0]["reason"]
    assert stranger.read_text(encoding="utf-8") == "someone's TextGrid"


def test_export_refuses_a_planted_link_that_leaves_the_corpus(small, capsys, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (small / "export").symlink_to(outside)
    code, out = run_json(capsys, "export", str(small), "--to", "csv")
    assert code == 2 and out["error"] == "OutputPathError"
    assert "leads outside the corpus" in out["message"] and str(outside) in out["message"]
    assert list(outside.iterdir()) == []


def test_formula_labels_are_written_neutralised_into_the_balanced_manifest(small, capsys, tmp_path):
    import csv

    import pandas as pd

    from alloava_analysis.io.manifest import read_manifest

    raw = pd.read_csv(small / "labels.csv", dtype=str, keep_default_na=False)
    hostile = ['=HYPERLINK("http://x","y")', "-2+3+cmd"]
    raw["speaker_id"] = hostile[:len(raw)]
    raw.to_csv(small / "labels.csv", index=False)  # a user's file, written live
    code, out = run_json(capsys, *_audit(small, "--min-cell", "1", "--tolerance", "0.5",
                                         "--balanced-manifest", str(tmp_path / "b.csv")))
    assert code == 0, out
    with open(tmp_path / "b.csv", encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert not [c for c in cells if c.startswith(tuple("=+-@\t\r"))]
    assert set(read_manifest(tmp_path / "b.csv")["speaker_id"]) <= set(hostile)


def test_mathtext_in_labels_is_shown_literally_in_the_report(small, capsys, tmp_path):
    import pandas as pd

    raw = pd.read_csv(small / "labels.csv", dtype=str, keep_default_na=False)
    raw["ethnicity_or_region"] = ["$\\undefinedmacro{x}$", "a $5 region"][:len(raw)]
    raw.to_csv(small / "labels.csv", index=False)
    code, out = run_json(capsys, "audit", str(small), "--by", "ethnicity_or_region", "--min-cell", "1",
                         "--n-boot", "20", "--n-perm", "19", "--workers", "1", "--report", str(tmp_path / "r.html"))
    assert code == 0, out
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64") == 2 and "undefinedmacro" in page


def test_a_word_with_mathtext_is_drawn_literally(small):
    import io

    import matplotlib

    matplotlib.use("Agg")
    from alloava_analysis.corpus import Corpus
    from alloava_analysis.plots.figures import plot_clip_overview

    clip = Corpus(small).load(Corpus(small).clip_ids[0])
    clip.words.loc[:, "word"] = "$\\undefinedmacro{x}$"
    plot_clip_overview(clip).savefig(io.BytesIO(), format="png")


def test_small_cells_never_leak_through_the_balanced_manifest(tmp_path, capsys):
    import pandas as pd

    from alloava_analysis.io.manifest import read_manifest

    root = tmp_path / "corpus"
    generate_corpus(root, n_clips=12, seed=2, config=SynthConfig(duration_s=(5.0, 6.0)), progress=False)
    raw = pd.read_csv(root / "labels.csv", dtype=str, keep_default_na=False)
    raw["gender"] = ["female"] * 5 + ["male"] * 5 + ["non-binary", "other"]
    raw["speaker_id"] = [f"spk{i:05d}" for i in range(len(raw))]  # one speaker per clip: cells of 5 are shown
    raw.to_csv(root / "labels.csv", index=False)
    code, out = run_json(capsys, *_audit(root, "--tolerance", "0.5", "--report", str(tmp_path / "r.html"),
                                         "--balanced-manifest", str(tmp_path / "b.csv")))
    assert code == 0, out
    masked = {r["values"][0] for r in out["representation"] if r["suppressed"]}
    assert {"non-binary", "other"} <= masked and len(masked) < 4  # (a third cell is masked so none can be derived)
    shown = {"female", "male"} - masked
    manifest = read_manifest(tmp_path / "b.csv")
    assert not set(manifest["clip_id"]) & set(raw.loc[raw.gender.isin(masked), "clip_id"])
    assert set(manifest["gender"]) == shown
    summary = out["balanced_manifest"]
    assert set(summary["shares"]) == shown and summary["masked_cells_left_out"] == len(masked)
    text = json.dumps(summary) + (tmp_path / "b.csv").read_text(encoding="utf-8")
    assert not [g for g in masked if g in text]


def test_a_balanced_manifest_of_masked_cells_only_is_refused(small, capsys, tmp_path):
    code, out = run_json(capsys, *_audit(small, "--balanced-manifest", str(tmp_path / "b.csv")))
    assert code == 1 and "only masked cells" in out["message"], out
    assert not (tmp_path / "b.csv").exists()


# -- the commands that write a corpus: fetch, rebuild, extract -------------------------------------------------
def _writers(corpus: Path, out: Path, manifest: Path) -> dict[str, list[str]]:
    wav = sorted((corpus / "audio").iterdir())[0]
    return {"fetch": ["fetch", "--ids", wav.stem, "--manifest", str(manifest), "--out", str(out),
                      "--endpoint", "http://127.0.0.1:9", "--retries", "0"],
            "rebuild": ["rebuild", str(manifest), "--out", str(out), "--workers", "1"],
            "extract": ["extract", str(wav), "--out", str(out), "--offline", "--no-sync"]}


@pytest.mark.parametrize("command", ["fetch", "rebuild", "extract"])
@pytest.mark.parametrize("target, why", [("labels.csv/new", "is a file, not a folder"),
                                         ("labels.csv", "is a file, not a folder"),
                                         ("manifest.csv", "is a file, not a folder"),
                                         ("linked_out", "its audio folder is a symbolic link that leads outside")])
def test_corpus_writers_refuse_unsafe_out_folders_before_any_work(small, capsys, tmp_path, command, target, why):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("clip_id,url\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "linked_out").mkdir()
    (tmp_path / "linked_out" / "audio").symlink_to(outside)
    out = tmp_path / target if target in ("manifest.csv", "linked_out") else small / target
    before = _snapshot(small)
    code, result = run_json(capsys, *_writers(small, out, manifest)[command])
    assert code == 2 and result["error"] == "OutputPathError", result
    assert why in result["message"] and str(out) in result["message"]
    assert _snapshot(small) == before and list(outside.iterdir()) == []
    assert manifest.read_text(encoding="utf-8") == "clip_id,url\n"


def test_extract_refuses_to_replace_a_clip_already_in_out_unless_overwrite(small, capsys, tmp_path):
    """A transcript corrected by hand survives a second extract of its clip (refused before the ASR runs)."""
    wav = sorted((small / "audio").iterdir())[0]
    transcript = small / "transcript" / f"{wav.stem}.json"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("}", "} ", 1), encoding="utf-8")
    before = _snapshot(small)
    code, result = run_json(capsys, "extract", str(wav), "--out", str(small), "--offline", "--no-sync")
    assert code == 2 and result["error"] == "OutputPathError", result
    assert str(transcript) in result["message"] and "--overwrite" in result["message"]
    assert str(wav) not in result["message"]  # the input file itself is never replaced, so not in the way
    assert _snapshot(small) == before
