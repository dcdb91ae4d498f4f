"""Subset manifests: CSV files that name the clips to fetch or rebuild.

The schema is documented in ``data_manifest/README.md``. One row per clip:

``clip_id``
    ``<category>_<11-character YouTube id>`` (required unless ``category`` and
    ``youtube_id`` are both given, in which case it is derived from them).
``category``, ``youtube_id``
    Optional; when present they must agree with ``clip_id``.
``url``
    Optional source URL (http or https); defaults to the YouTube watch page of
    ``youtube_id``.
``modalities``
    Optional ``;``-separated list of expected modalities (``video``, ``audio``,
    ``transcript``, ``keypoints``, ``keypoints_video``); defaults to
    :data:`DEFAULT_MODALITIES`.
``sha256_<modality>``, ``bytes_<modality>``
    Optional checksums (64 hex digits) and sizes of the expected files.
any other column
    Passed through untouched (demographic labels such as ``gender`` or
    ``age_group``, speaker ids, notes).

Errors name the file, the row (the CSV line number, header = row 1) and the
column, and :func:`check_manifest` collects every problem instead of stopping
at the first, so batch commands can report bad rows and go on with the rest.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

from ..checks import check_int
from ..errors import InputPathError, ParameterError, SchemaError
from .layout import CATEGORY, MODALITY_DIRS, YOUTUBE_ID
from .tables import restore_cells, write_csv_table

MODALITIES = tuple(MODALITY_DIRS)
DEFAULT_MODALITIES = ("video", "audio", "transcript", "keypoints")
CORE_COLUMNS = ("clip_id", "category", "youtube_id", "url", "modalities")
CHECKSUM_PREFIXES = ("sha256_", "bytes_")
YOUTUBE_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")
_SHA256 = re.compile(r"[0-9a-f]{64}")  # fullmatch only


@dataclass(frozen=True)
class ManifestIssue:
    """One problem in a manifest: where it is and what is wrong.

    Attributes
    ----------
    row
        CSV line number (the header is row 1, the first clip row 2); None for
        problems with the header or the file as a whole.
    column
        The offending column, or None.
    clip_id
        The row's raw ``clip_id`` cell (may itself be the problem), or None.
    """

    row: int | None
    column: str | None
    message: str
    clip_id: str | None = None

    @property
    def where(self) -> str:
        """``row N, column 'C'`` (the parts known), or ``header``."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) or "header"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def to_dict(self) -> dict:
        """The issue as a plain dict.

        Returns
        -------
        dict
            ``row``, ``column``, ``message`` and ``clip_id`` (for JSON output).
        """
        return asdict(self)


class ManifestError(SchemaError):
    """A manifest has one or more invalid rows or columns (all listed in ``issues``)."""

    def __init__(self, issues: Sequence[ManifestIssue], *, path: str | Path | None = None):
        self.issues = list(issues)
        first = self.issues[0]
        more = f" (and {len(self.issues) - 1} more problem(s): " + "; ".join(map(str, self.issues[1:6])) + \
            (" ..." if len(self.issues) > 6 else "") + ")" if len(self.issues) > 1 else ""
        super().__init__(first.message + more, path=path, where=first.where)


def default_url(youtube_id: str) -> str:
    """The YouTube watch page of ``youtube_id``.

    Parameters
    ----------
    youtube_id
        An 11-character YouTube id (not checked here).

    Returns
    -------
    str
        ``https://www.youtube.com/watch?v=<youtube_id>``.
    """
    return f"https://www.youtube.com/watch?v={youtube_id}"


def is_youtube_host(host: str | None) -> bool:
    """Whether ``host`` is YouTube (``youtube.com``, ``youtu.be`` or a subdomain).

    Parameters
    ----------
    host
        A host name (any case, a trailing dot allowed); None is not YouTube.

    Returns
    -------
    bool
        True for YouTube's hosts (:data:`YOUTUBE_HOSTS`) and their subdomains.
    """
    host = (host or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in YOUTUBE_HOSTS)


def youtube_id_from_url(url: str) -> str | None:
    """The video id in a YouTube URL (``watch?v=``, ``youtu.be/``, ``/shorts/``, ``/embed/``), else None.

    Parameters
    ----------
    url
        Any URL.

    Returns
    -------
    str or None
        The 11-character id, or None for other hosts and for URLs without a well-formed id.
    """
    parsed = urlparse(url)
    if not is_youtube_host(parsed.hostname):
        return None
    if parsed.hostname and parsed.hostname.lower().rstrip(".").endswith("youtu.be"):
        candidate = parsed.path.strip("/").split("/")[0]
    elif parsed.path.startswith(("/shorts/", "/embed/", "/live/", "/v/")):
        candidate = parsed.path.split("/")[2]
    else:
        candidate = (parse_qs(parsed.query).get("v") or [""])[0]
    return candidate if YOUTUBE_ID.fullmatch(candidate or "") else None


def split_modalities(value: str) -> tuple[str, ...]:
    """``"video; audio"`` -> ``("video", "audio")``.

    Parameters
    ----------
    value
        Modalities from :data:`MODALITIES` separated by ``;`` (or ``|``); spaces
        around them are ignored. An unknown one is a ParameterError naming them.

    Returns
    -------
    tuple of str
        The modalities in the given order, each once.
    """
    if not isinstance(value, str):
        raise ParameterError(f"invalid value for modalities: expected modalities from {list(MODALITIES)} separated "
                             f"by ';', got {value!r}", name="modalities", allowed=MODALITIES)
    items = tuple(dict.fromkeys(part.strip() for part in re.split(r"[;|]", value) if part.strip()))
    unknown = [m for m in items if m not in MODALITIES]
    if unknown:
        raise ParameterError(f"invalid value for modalities: expected modalities from {list(MODALITIES)} separated "
                             f"by ';', got {unknown}", name="modalities", allowed=MODALITIES)
    return items


def _checksum_modality(column: str) -> str | None:
    for prefix in CHECKSUM_PREFIXES:
        if column.startswith(prefix):
            return column[len(prefix):]
    return None


def _check_row(raw: dict[str, str], row: int, columns: Sequence[str]) -> tuple[dict | None, list[ManifestIssue]]:
    """Validate and normalise one row; returns (clean row or None, issues)."""
    issues: list[ManifestIssue] = []
    raw_id = raw.get("clip_id", "").strip()

    def bad(column: str | None, message: str) -> None:
        issues.append(ManifestIssue(row, column, message, raw_id or None))

    for name in ("clip_id", "category", "youtube_id"):
        if any(ord(c) < 32 or ord(c) == 127 for c in raw.get(name, "")):
            bad(name, f"expected an id without control characters (newline, tab, ...), got {raw[name]!r}")
    if issues:
        return None, issues
    category, youtube_id = raw.get("category", "").strip(), raw.get("youtube_id", "").strip()
    clip_id = raw_id
    if not clip_id:
        if category and youtube_id:
            clip_id = f"{category}_{youtube_id}"
        else:
            bad("clip_id", "expected '<category>_<11-character YouTube id>', got an empty cell "
                "(fill clip_id, or both category and youtube_id)")
            return None, issues
    column = "clip_id" if raw_id else "category"
    if "/" in clip_id or "\\" in clip_id or ".." in clip_id:
        bad(column, f"expected a clip id without path separators or '..', got {clip_id!r}")
        return None, issues
    if len(clip_id) < 13 or clip_id[-12] != "_" or not YOUTUBE_ID.fullmatch(clip_id[-11:]):
        bad(column, f"expected '<category>_<11-character YouTube id of letters, digits, '_' or '-'>', "
                    f"got {clip_id!r}")
        return None, issues
    id_category, id_youtube = clip_id[:-12], clip_id[-11:]
    if not CATEGORY.fullmatch(id_category):
        bad(column, f"expected a category of letters, digits, spaces or '&+.-' before the id, got {id_category!r}")
        return None, issues
    if category and category != id_category:
        bad("category", f"expected {id_category!r} (the category in clip_id {clip_id!r}), got {category!r}")
    if youtube_id and youtube_id != id_youtube:
        bad("youtube_id", f"expected {id_youtube!r} (the id in clip_id {clip_id!r}), got {youtube_id!r}")

    url = raw.get("url", "").strip()
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            bad("url", f"expected an http(s) URL with a host, got {url!r}")
        else:
            in_url = youtube_id_from_url(url)
            if in_url is not None and in_url != id_youtube:
                bad("url", f"expected a YouTube URL of video {id_youtube!r}, got one of {in_url!r}")
    else:
        url = default_url(id_youtube)

    modalities = DEFAULT_MODALITIES
    if raw.get("modalities", "").strip():
        try:
            modalities = split_modalities(raw["modalities"])
        except ValueError as err:
            bad("modalities", str(err))

    clean: dict[str, str | int | None] = {"clip_id": clip_id, "category": id_category, "youtube_id": id_youtube,
                                          "url": url, "modalities": ";".join(modalities)}
    for name in columns:
        if name in CORE_COLUMNS:
            continue
        value = raw.get(name, "").strip()
        if name.startswith("sha256_"):
            if value and not _SHA256.fullmatch(value.lower()):
                bad(name, f"expected 64 hexadecimal digits, got {value!r}")
            clean[name] = value.lower() or None
        elif name.startswith("bytes_"):
            if value and not (value.isdigit()):
                bad(name, f"expected a non-negative whole number of bytes, got {value!r}")
                clean[name] = None
            else:
                clean[name] = int(value) if value else None
        else:
            clean[name] = raw.get(name, "")
    return (clean if not issues else None), issues


def _check_header(columns: Sequence[str]) -> list[ManifestIssue]:
    issues = []
    if "clip_id" not in columns and not {"category", "youtube_id"} <= set(columns):
        issues.append(ManifestIssue(1, None, f"expected a 'clip_id' column (or both 'category' and "
                                              f"'youtube_id'), got columns {list(columns)}"))
    seen = set()
    for name in columns:
        if not name.strip():
            issues.append(ManifestIssue(1, name, "expected every column to have a name, got an empty header cell"))
        if name in seen:
            issues.append(ManifestIssue(1, name, f"expected unique column names, got {name!r} twice"))
        seen.add(name)
        modality = _checksum_modality(name)
        if modality is not None and modality not in MODALITIES:
            issues.append(ManifestIssue(1, name, f"expected a checksum column for one of {list(MODALITIES)}, "
                                                 f"got modality {modality!r}"))
    return issues


def validate_manifest(table: pd.DataFrame, *, first_row: int = 2) -> tuple[pd.DataFrame, list[ManifestIssue]]:
    """Check a manifest table (strings, one row per clip).

    Parameters
    ----------
    table
        Raw cells, e.g. from ``pd.read_csv(..., dtype=str, keep_default_na=False)``.
    first_row
        Row number to report for the table's first row (2 for a CSV with a header).

    Returns
    -------
    rows
        The valid rows, normalised (``category``, ``youtube_id``, ``url`` and
        ``modalities`` filled in, checksums lower-case, byte counts as integers),
        in canonical column order; one per clip id.
    issues
        Every problem found, in file order (empty when the manifest is valid).
    """
    check_int("first_row", first_row, minimum=1)
    columns = [str(c) for c in table.columns]
    issues = _check_header(columns)
    if issues:  # a broken header: no row can be read reliably
        return pd.DataFrame(columns=list(CORE_COLUMNS)), issues
    raw_table = table.astype(object).where(table.notna(), "")
    clean_rows, seen = [], {}
    for offset, record in enumerate(raw_table.to_dict("records")):
        row = first_row + offset
        record = {str(k): "" if v is None else str(v) for k, v in record.items()}
        clean, row_issues = _check_row(record, row, columns)
        issues += row_issues
        key = clean["clip_id"] if clean else record.get("clip_id", "").strip() or \
            f"{record.get('category', '').strip()}_{record.get('youtube_id', '').strip()}"
        if key in seen:
            issues.append(ManifestIssue(row, "clip_id", f"expected one row per clip, got {key!r} again "
                                                        f"(first at row {seen[key]})", key))
            continue
        seen[key] = row
        if clean is not None:
            clean_rows.append(clean)
    return _ordered(pd.DataFrame(clean_rows, columns=_column_order(columns))), issues


def _column_order(columns: Iterable[str]) -> list[str]:
    columns = list(columns)
    checks = [f"{p}{m}" for m in MODALITIES for p in CHECKSUM_PREFIXES if f"{p}{m}" in columns]
    extras = [c for c in columns if c not in CORE_COLUMNS and _checksum_modality(c) is None]
    return [*CORE_COLUMNS, *checks, *extras]


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    for column in rows.columns:
        if column.startswith("bytes_"):
            rows[column] = rows[column].astype("Int64")
    return rows.reset_index(drop=True)


def _read_raw(path: Path) -> pd.DataFrame:
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "manifest not found"
        raise InputPathError(f"{path}: {what} (expected a CSV file; see data_manifest/README.md)", name="manifest")
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte order mark, which is not part of the first name
        table = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig")
        with open(path, encoding="utf-8-sig", newline="") as handle:  # pandas renames repeated names ('a.1')
            header = next(csv.reader(handle, skipinitialspace=True), [])
        if len(header) == len(table.columns):
            table.columns = header
        return restore_cells(table)
    except pd.errors.EmptyDataError:
        raise SchemaError("expected a CSV header with at least a 'clip_id' column, got an empty file",
                          path=path, where="row 1") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise SchemaError(f"expected a UTF-8 CSV file, got a parse error: {err}", path=path) from None


def check_manifest(path: str | Path) -> tuple[pd.DataFrame, list[ManifestIssue]]:
    """Read a manifest CSV leniently: the valid rows and a list of every problem.

    Batch commands use this to report bad rows and carry on with the others.
    A file that is not CSV at all still raises :class:`~alloava_analysis.errors.SchemaError`.

    Parameters
    ----------
    path
        The manifest CSV; a missing file or a folder is an
        :class:`~alloava_analysis.errors.InputPathError`.

    Returns
    -------
    rows, issues
        As :func:`validate_manifest`.
    """
    return validate_manifest(_read_raw(Path(path)))


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read and validate a manifest CSV; raise :class:`ManifestError` naming every bad row and column.

    Parameters
    ----------
    path
        The manifest CSV.

    Returns
    -------
    pandas.DataFrame
        The normalised rows (see :func:`validate_manifest`).
    """
    rows, issues = check_manifest(path)
    if issues:
        raise ManifestError(issues, path=path)
    return rows


def make_manifest(clip_ids: Iterable[str] | None = None, *, rows: Iterable[dict] | None = None) -> pd.DataFrame:
    """Build a validated manifest table from clip ids and/or row dicts (raises :class:`ManifestError`).

    Parameters
    ----------
    clip_ids
        Clip ids, each a row with only ``clip_id``.
    rows
        Further rows as dicts of manifest columns (``clip_id``, ``url``, ``modalities``, checksums, labels).

    Returns
    -------
    pandas.DataFrame
        The normalised rows (see :func:`validate_manifest`), clip ids first.
    """
    records = [{"clip_id": c} for c in (clip_ids or ())] + [dict(r) for r in (rows or ())]
    table = pd.DataFrame(records)
    if table.empty:
        table = pd.DataFrame(columns=["clip_id"])
    table = table.astype(object).where(table.notna(), "").astype(str)
    clean, issues = validate_manifest(table)
    if issues:
        raise ManifestError(issues)
    return clean


def write_manifest(path: str | Path, table: pd.DataFrame) -> Path:
    """Validate ``table`` and write it atomically as CSV, sorted by ``clip_id``, columns in canonical order.

    The bytes depend only on the content (no timestamps, fixed order), so equal
    manifests are byte-identical files.

    Parameters
    ----------
    path
        The CSV to write.
    table
        Manifest rows (missing cells may be None or NaN).

    Returns
    -------
    Path
        ``path``.
    """
    raw = table.astype(object).where(table.notna(), "")
    raw = raw.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v))
    clean, issues = validate_manifest(raw)
    if issues:
        raise ManifestError(issues, path=path)
    return write_csv_table(path, clean.sort_values("clip_id", kind="stable"))


def expected_checksums(row: dict) -> dict[str, dict[str, int | str]]:
    """``{modality: {"sha256": ..., "bytes": ...}}`` from a manifest row's checksum columns (missing keys left out).

    Parameters
    ----------
    row
        One normalised manifest row as a dict.

    Returns
    -------
    dict
        Modality -> ``{"sha256": str, "bytes": int}`` (each key only where the row gives it).
    """
    out: dict[str, dict] = {}
    for modality in MODALITIES:
        sha, size = row.get(f"sha256_{modality}"), row.get(f"bytes_{modality}")
        if isinstance(sha, str) and sha:
            out.setdefault(modality, {})["sha256"] = sha
        if size is not None and not pd.isna(size):
            out.setdefault(modality, {})["bytes"] = int(size)
    return out


__all__ = ["MODALITIES", "DEFAULT_MODALITIES", "ManifestIssue", "ManifestError", "check_manifest",
           "read_manifest", "validate_manifest", "make_manifest", "write_manifest", "expected_checksums",
           "default_url", "is_youtube_host", "youtube_id_from_url", "split_modalities"]
