"""``alloava evaluate``: the JSON contract of DESIGN §8, the human output and the exit codes 0/1/2."""
from __future__ import annotations

import json

import pytest

from alloava_analysis.cli import main
from alloava_analysis.io.layout import modality_path
from alloava_analysis.synthetic import SynthConfig, generate_corpus

CONTRACT = {"fgd_kinetic", "fgd_geometric", "apd", "beat_align", "jerk", "hellinger_speed"}


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli_evaluate")
    cfg = SynthConfig(duration_s=(20.0, 22.0))
    generate_corpus(base / "real", n_clips=3, seed=0, config=cfg, progress=False)
    generate_corpus(base / "gen", n_clips=3, seed=1, config=cfg, progress=False)
    return base / "real", base / "gen"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.filterwarnings("ignore:Fréchet distance on")  # 3 short clips: fewer windows than feature dims
def test_json_contract_and_human_output(capsys, two_corpora):
    real, gen = two_corpora
    code, out, _ = _run(capsys, "evaluate", "--real", real, "--generated", gen, "--json", "--n-boot", "10")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert CONTRACT <= set(result["metrics"])
    fd = result["metrics"]["fgd_kinetic"]
    assert fd["features"] == {**fd["features"], "name": "alloava-kinetic", "version": "1"}
    assert fd["value"] > 0 and fd["n_boot"] == 10 and fd["n_real"] > 0 and "fd_infinity" in fd
    assert result["settings"]["n_boot"] == 10 and result["failed"] == []
    code, out, _ = _run(capsys, "evaluate", "--real", real, "--generated", real, "--n-boot", "0", "--quiet")
    assert code == 0
    assert "fgd_kinetic" in out and "alloava-kinetic v1" in out and "hellinger_speed  0" in out


@pytest.mark.filterwarnings("ignore:Fréchet distance on")
def test_a_failed_clip_exits_1_and_is_listed(capsys, two_corpora, tmp_path):
    real, gen = two_corpora
    broken = tmp_path / "gen"
    for folder in ("keypoints", "audio", "transcript"):
        (broken / folder).mkdir(parents=True)
        for f in (gen / folder).iterdir():
            (broken / folder / f.name).write_bytes(f.read_bytes())
    victim = sorted(p.stem for p in (gen / "keypoints").iterdir())[0]
    modality_path(broken, "keypoints", victim).write_text("[]")
    code, out, _ = _run(capsys, "evaluate", "--real", real, "--generated", broken, "--json", "--n-boot", "0",
                        "--quiet")
    result = json.loads(out)
    assert code == 1 and [f["clip_id"] for f in result["failed"]] == [victim]
    assert result["generated"]["clips_evaluated"] == 2


@pytest.mark.parametrize("argv", [
    ["--real", "{real}", "--generated", "{missing}"],
    ["--real", "{real}", "--generated", "{real}", "--window", "-1"],
    ["--real", "{real}", "--generated", "{real}", "--keypoints", "legs"],
    ["--real", "{real}"],
])
def test_usage_errors_exit_2(capsys, two_corpora, tmp_path, argv):
    real, _ = two_corpora
    argv = [a.format(real=real, missing=tmp_path / "nothere") for a in argv]
    code, _, _ = _run(capsys, "evaluate", *argv, "--quiet")
    assert code == 2
