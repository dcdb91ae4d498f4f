"""``alloava audit``: the JSON result masks small cells everywhere, and the HTML report is written."""
from __future__ import annotations

import json

from alloava_analysis.cli import main


def test_corpus_audit_json_and_report(labelled_corpus, tmp_path, capsys):
    code = main(["audit", str(labelled_corpus), "--by", "gender,age_group", "--json", "--quiet", "--n-boot", "200",
                 "--n-perm", "199", "--report", str(tmp_path / "audit.html")])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"group", "clips", "hours", "share"} <= set(out["representation"][0])
    assert {"group", "metric", "value", "ci_low", "ci_high", "flagged"} <= set(out["metrics"][0])
    for row in out["representation"]:
        assert row["suppressed"] or row["clips"] >= 5
        assert row["speakers"] is None or row["speakers"] >= 5
    hidden = {r["group"] for r in out["representation"] if r["suppressed"]}
    assert hidden, "a 12-clip sample by gender x age group has small cells"
    for m in out["metrics"]:
        if m["group"] in hidden:
            assert m["value"] is None and m["ci_low"] is None and not m["flagged"]
    assert out["family"]["size"] == sum(m["p_value"] is not None for m in out["metrics"])
    assert "never infers" in out["label_policy"]
    assert out["provenance"]["gender"] == {"synthetic": 12} or out["provenance"]["gender"] == {"unknown": 12}
    page = (tmp_path / "audit.html").read_text()
    assert page.count("data:image/png;base64") == 2 and "suppressed" in page
