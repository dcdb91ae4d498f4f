"""The export record: a file is replaceable only when it is exactly what an export wrote."""
from __future__ import annotations

import pytest

from alloava_analysis.errors import SchemaError
from alloava_analysis.io.export.record import RECORD_NAME, changed_reason, read_record, update_record


def test_recorded_files_are_replaceable_until_changed(tmp_path):
    exported = tmp_path / "a.eaf"
    exported.write_text("exported", encoding="utf-8")
    assert read_record(tmp_path) == {}
    assert "not written by an earlier export" in changed_reason(exported, {})
    update_record(tmp_path, [exported])
    assert changed_reason(exported, read_record(tmp_path)) is None
    assert changed_reason(tmp_path / "absent.eaf", read_record(tmp_path)) is None
    exported.write_text("corrected", encoding="utf-8")
    assert "changed since it was exported" in changed_reason(exported, read_record(tmp_path))


def test_a_link_in_place_of_an_exported_file_is_kept(tmp_path):
    target = tmp_path / "elsewhere.eaf"
    target.write_text("x", encoding="utf-8")
    (tmp_path / "a.eaf").symlink_to(target)
    assert changed_reason(tmp_path / "a.eaf", {"a.eaf": "0" * 64}) is not None


def test_a_broken_record_is_a_schema_error_naming_it(tmp_path):
    (tmp_path / RECORD_NAME).write_text('{"files": [1]}', encoding="utf-8")
    with pytest.raises(SchemaError, match=RECORD_NAME):
        read_record(tmp_path)
