"""Dataset statistics (the corpus's "Table 1") and published claims next to measured values."""
from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..checks import check_options
from ..errors import ParameterError

log = logging.getLogger(__name__)

MEASURED_KEYS = ("videos", "hours", "avg_minutes", "speakers", "words", "wpm", "frames", "keypoints", "bytes",
                 "content_distribution")


def load_claims() -> dict:
    """The published claims with their sources (``alloava_analysis/data/claims.json``).

    Returns
    -------
    dict
        ``sources`` (id -> citation) and ``claims`` (one dict per claim: ``name,
        claimed, unit, source`` and how it is measured).
    """
    return json.loads(resources.files("alloava_analysis").joinpath("data/claims.json").read_text("utf-8"))


def per_clip_rates(table: pd.DataFrame) -> pd.DataFrame:
    """``clip_id, category, minutes, words, wpm`` for every clip (minutes from the audio, else the pose).

    Parameters
    ----------
    table
        A clip table: ``clip_id, category, audio_s, words`` and, optionally, ``pose_s``.

    Returns
    -------
    pandas.DataFrame
        One row per clip; ``wpm`` in words per minute.
    """
    seconds = table["audio_s"].fillna(table["pose_s"]) if "pose_s" in table else table["audio_s"]
    out = pd.DataFrame({"clip_id": table["clip_id"], "category": table["category"], "minutes": seconds / 60.0,
                        "words": table["words"]})
    out["wpm"] = out["words"] / out["minutes"]
    return out


def summary_by(table: pd.DataFrame, column: str | Sequence[str]) -> pd.DataFrame:
    """Videos, hours, share of videos and of hours, words and wpm per value of ``column``.

    ``column`` may be several columns (``["category", "gender"]``): one row per
    combination present, shares of the whole table.

    Parameters
    ----------
    table
        A clip table (see :func:`per_clip_rates`).
    column
        One or more columns of ``table``.

    Returns
    -------
    pandas.DataFrame
        One row per value: the ``column`` values, ``videos, hours, words,
        share_videos, share_hours, wpm``.
    """
    columns = [column] if isinstance(column, str) else list(column)
    if not columns:
        raise ParameterError("invalid value for column: expected at least one column name, got none", name="column")
    check_options("column", columns, list(table.columns))
    rates = per_clip_rates(table).assign(**{c: table[c].to_numpy() for c in columns})
    grouped = rates.groupby(columns, sort=True)
    out = pd.DataFrame({"videos": grouped.size(), "hours": grouped["minutes"].sum() / 60.0,
                        "words": grouped["words"].sum()})
    out["share_videos"] = out["videos"] / out["videos"].sum()
    out["share_hours"] = out["hours"] / out["hours"].sum()
    out["wpm"] = out["words"] / (out["hours"] * 60.0)
    return out.reset_index()


def _bytes_on_disk(row: dict) -> int:
    paths = [row.get(m) for m in ("video", "audio", "transcript", "keypoints", "keypoints_video")]
    return int(sum(Path(p).stat().st_size for p in paths if isinstance(p, str) and p))


def once_per_video(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with one row per YouTube video: a video listed under several clip ids keeps its first (sorted).

    See :func:`~alloava_analysis.corpus.duplicate_videos`.

    Parameters
    ----------
    table
        A clip table with ``clip_id`` and ``youtube_id``.

    Returns
    -------
    pandas.DataFrame
        The rows kept (``table`` itself when empty).
    """
    if table.empty:
        return table
    return table.sort_values("clip_id", kind="stable").drop_duplicates("youtube_id", keep="first")


def measure_table(table: pd.DataFrame) -> dict:
    """Measured corpus statistics of a clip table (each YouTube video counted once).

    Parameters
    ----------
    table
        A clip table (:func:`alloava_analysis.runs.stats.clip_table`).

    Returns
    -------
    dict
        The :data:`MEASURED_KEYS`: counts, hours, average minutes, words per
        minute, bytes on disk and the share of videos per category.
    """
    table = once_per_video(table)
    seconds = table["audio_s"].fillna(table.get("pose_s", np.nan)) if len(table) else pd.Series(dtype=float)
    hours = float(np.nansum(seconds)) / 3600.0
    words = int(table["words"].sum()) if len(table) else 0
    speakers = int(table["speaker_id"].nunique()) if "speaker_id" in table else None
    shares = table["category"].value_counts(normalize=True).sort_index() if len(table) else pd.Series(dtype=float)
    return {
        "videos": int(len(table)),
        "hours": round(hours, 4),
        "avg_minutes": round(hours * 60 / len(table), 3) if len(table) else None,
        "speakers": speakers,
        "words": words,
        "wpm": round(words / (hours * 60), 2) if hours > 0 else None,
        "frames": int(table["frames"].sum()) if len(table) else 0,
        "keypoints": int((table["frames"] * table["n_keypoints"]).sum()) if len(table) else 0,
        "bytes": int(sum(_bytes_on_disk(r) for r in table.to_dict("records"))),
        "content_distribution": {str(k): round(float(v), 4) for k, v in shares.items()},
    }


def claims_vs_measured(measured: dict, claims: dict | None = None) -> list[dict]:
    """One row per published claim: ``name, claimed, measured, unit, source`` (never asserting the claim).

    Parameters
    ----------
    measured
        A :func:`measure_table` result.
    claims
        Claims as :func:`load_claims` returns them (default: the packaged ones).

    Returns
    -------
    list
        One dict per claim: ``name, claimed, measured, unit, source, source_id``.
    """
    claims = claims or load_claims()
    rows = []
    for claim in claims["claims"]:
        key = claim.get("measured_as", claim["name"])
        if "category" in claim:
            value = measured["content_distribution"].get(claim["category"], 0.0)
        else:
            value = measured.get(key)
        rows.append({"name": claim["name"], "claimed": claim["claimed"], "measured": value, "unit": claim["unit"],
                     "source": claims["sources"][claim["source"]], "source_id": claim["source"]})
    return rows


