"""A rebuild run refuses a manifest it cannot index safely."""
from __future__ import annotations

import pytest


def test_a_manifest_whose_labels_would_shadow_index_columns_is_refused(tmp_path):
    import pandas as pd

    from alloava_analysis.io.manifest import ManifestError
    from alloava_analysis.rebuild import rebuild

    manifest = pd.DataFrame([{"clip_id": "TED_aaaaaaaaaaa", "gender": "female", "words": "many"}])
    with pytest.raises(ManifestError, match="'words'"):
        rebuild(manifest, tmp_path / "out", progress=False)
