"""Fetch a subset of the released corpus (``avalab/Allo-AVA`` on Hugging Face) into the Allo-AVA layout.

Only the chosen clips (by id, category or manifest) and modalities are
downloaded. Files are listed once with the Hub's tree API (sizes, LFS sha256,
git blob ids), then each is downloaded with ``huggingface_hub``'s HTTP client
into a partial file that survives interruptions: a later run resumes it with an
HTTP ``Range`` request instead of starting over. A finished file is verified
(size, then the LFS sha256 or the git blob id, then any checksum the manifest
gives) before it is renamed into ``OUT/<modality>/<file name>``, so the layout
never holds a partial or corrupt file.

The Hub endpoint is ``endpoint`` if given, else the ``HF_ENDPOINT`` environment
variable at call time, else ``https://huggingface.co``; mirrors and the tests'
loopback server are used the same way.
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import pandas as pd
from tqdm.auto import tqdm

from ..checks import check_int, check_nonnegative, check_option, check_options
from ..errors import InvalidClipIdError, ParameterError, SchemaError
from .layout import MODALITY_DIRS, MODALITY_EXTENSIONS, check_corpus_output, parse_key
from .manifest import (
    DEFAULT_MODALITIES,
    MODALITIES,
    check_manifest,
    expected_checksums,
    split_modalities,
    validate_manifest,
)
from .registry import file_digest, file_sha256

log = logging.getLogger(__name__)

DEFAULT_REPO = "avalab/Allo-AVA"
REPO_TYPE = "dataset"
#: Folder under OUT holding partial downloads (``partial/<repo path>.part``); safe to delete.
STATE_DIR = ".alloava_fetch"
REMOTE_COLUMNS = ["path", "size", "sha256", "blob_id", "modality", "clip_id", "category", "youtube_id"]


def _hub():
    try:
        import huggingface_hub
    except ImportError:  # pragma: no cover - part of the [rebuild] extra
        raise ImportError("fetching needs huggingface_hub: pip install 'alloava_analysis[rebuild]'") from None
    return huggingface_hub


def hub_endpoint(endpoint: str | None = None) -> str:
    """The Hub endpoint to use: ``endpoint``, else ``$HF_ENDPOINT``, else the public Hub.

    Parameters
    ----------
    endpoint
        A base URL such as ``https://huggingface.co`` or a mirror; None (or empty) for the default.

    Returns
    -------
    str
        The base URL without a trailing ``/``.
    """
    return (endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def _modality_of(path: str) -> str | None:
    """The modality folder a repo path lives in (its nearest parent folder named like one), else None."""
    pure = PurePosixPath(path)
    for folder in reversed(pure.parts[:-1]):
        for modality, name in MODALITY_DIRS.items():
            if folder == name and pure.name.lower().endswith(MODALITY_EXTENSIONS[modality]):
                return modality
    return None


def unsafe_remote_path(path: object) -> str | None:
    """Why a path from a remote listing may not be used on disk, or None when it is a plain relative path.

    Only relative POSIX paths of ordinary names are accepted: no absolute path,
    no ``.``/``..`` or empty component, no backslash, drive letter or control
    character. (Where the file then lands is checked again against ``out``.)

    Parameters
    ----------
    path
        A path from a remote listing (any object: a non-string is unsafe).

    Returns
    -------
    str or None
        What is wrong, phrased "expected X, got Y"; None for a safe path.
    """
    if not isinstance(path, str) or not path:
        return f"expected a non-empty relative path, got {path!r}"
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        return f"expected a path without control characters, got {path!r}"
    if "\\" in path:
        return f"expected a POSIX path (a backslash would be a separator on Windows), got {path!r}"
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return f"expected a path relative to the repository, got the absolute path {path!r}"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return f"expected a path without '.', '..' or empty components (it could point outside the folder), " \
               f"got {path!r}"
    return None


def _remote_files(*, repo_id: str, revision: str, endpoint: str | None, token: str | bool | None
                  ) -> tuple[pd.DataFrame, list[dict]]:
    """The listing of :func:`list_remote_files` and the entries refused as unsafe (``{path, reason}``)."""
    hub = _hub()
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    for name, value in (("repo_id", repo_id), ("revision", revision)):
        if not isinstance(value, str) or not value.strip():
            raise ParameterError(f"invalid value for {name}: expected a non-empty string, got {value!r}", name=name)
    try:
        validate_repo_id(repo_id)
    except HFValidationError as err:
        raise ParameterError(f"invalid value for repo_id: expected a Hub repository id such as {DEFAULT_REPO!r}, got "
                             f"{repo_id!r} ({err})", name="repo_id") from None
    api = hub.HfApi(endpoint=hub_endpoint(endpoint))
    rows, refused = [], []
    for entry in _listing(api, repo_id=repo_id, revision=revision, token=token):
        if not hasattr(entry, "size"):  # a folder
            continue
        problem = unsafe_remote_path(entry.path)
        if problem is not None:
            log.warning("refusing remote file %r: %s", entry.path, problem)
            refused.append({"path": entry.path, "reason": f"unsafe path in the remote listing: {problem}; "
                                                          f"it would be written outside --out"})
            continue
        modality = _modality_of(entry.path)
        if modality is None:
            continue
        try:
            key = parse_key(PurePosixPath(entry.path).name)
        except InvalidClipIdError:
            log.debug("skipping %s: not a clip file name", entry.path)
            continue
        rows.append({"path": entry.path, "size": int(entry.size),
                     "sha256": entry.lfs.sha256 if entry.lfs is not None else None, "blob_id": entry.blob_id,
                     "modality": modality, "clip_id": key.clip_id, "category": key.category,
                     "youtube_id": key.youtube_id})
    table = pd.DataFrame(rows, columns=REMOTE_COLUMNS).sort_values("path", kind="stable").reset_index(drop=True)
    table["sha256"] = table["sha256"].astype(object).where(table["sha256"].notna(), None)
    return table, refused


def _listing(api, *, repo_id: str, revision: str, token: str | bool | None):
    """The repository's recursive tree; a repository or revision the Hub does not know is a ParameterError."""
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

    try:
        yield from api.list_repo_tree(repo_id, recursive=True, repo_type=REPO_TYPE, revision=revision, token=token)
    except RevisionNotFoundError:
        raise ParameterError(f"invalid value for revision: expected a branch, tag or commit of {repo_id}, got "
                             f"{revision!r} (not found)", name="revision") from None
    except HfHubHTTPError as err:
        status = getattr(getattr(err, "response", None), "status_code", None)
        if not isinstance(err, RepositoryNotFoundError) and status != 404:
            raise
        raise ParameterError(f"invalid value for repo_id: expected a dataset repository on {api.endpoint}, got "
                             f"{repo_id!r} (not found, or private or gated: pass a token)", name="repo_id") from None


def list_remote_files(*, repo_id: str = DEFAULT_REPO, revision: str = "main", endpoint: str | None = None,
                      token: str | bool | None = None) -> pd.DataFrame:
    """Every clip file in the Hub repository, one row per file.

    Parameters
    ----------
    repo_id, revision
        The dataset repository and its branch, tag or commit; one the Hub does
        not know is a :class:`~alloava_analysis.errors.ParameterError`.
    endpoint
        The Hub's base URL (default ``$HF_ENDPOINT``, else the public Hub).
    token
        A Hugging Face token; None uses ``HF_TOKEN`` or the saved login, False sends none.

    Returns
    -------
    pandas.DataFrame
        ``path`` (in the repo), ``size`` (bytes), ``sha256`` (LFS files; None
        otherwise), ``blob_id`` (git blob sha1), ``modality``, ``clip_id``,
        ``category``, ``youtube_id``. Files outside the modality folders or with
        names that are not clip keys (README, .gitattributes) are left out, and
        so are unsafe paths (see :func:`unsafe_remote_path`; logged as warnings).
    """
    return _remote_files(repo_id=repo_id, revision=revision, endpoint=endpoint, token=token)[0]


def local_paths(out: str | Path, remote_path: str, modality: str) -> tuple[Path, Path, Path]:
    """Where a remote file lands in ``out``: ``(final, part, relative final)``, each proven inside ``out``.

    Parameters
    ----------
    out
        The corpus folder being filled.
    remote_path
        The file's path in the repository.
    modality
        Its modality (a key of ``MODALITY_DIRS``): the folder it lands in.

    Returns
    -------
    final, part, relative
        ``out/<modality>/<file name>``, the partial download
        ``out/.alloava_fetch/partial/<remote path>.part``, and ``final`` relative to ``out``.

    Raises
    ------
    SchemaError
        The remote path is unsafe, or a resolved path (after symbolic links)
        lies outside ``out``; nothing has been created.
    """
    check_option("modality", modality, MODALITY_DIRS)
    problem = unsafe_remote_path(remote_path)
    if problem is not None:
        raise SchemaError(problem, where="remote listing")
    out = Path(out)
    relative = Path(MODALITY_DIRS[modality]) / PurePosixPath(remote_path).name
    final, part = out / relative, out / STATE_DIR / "partial" / f"{remote_path}.part"
    root = out.resolve()
    for path in (final, part, part.with_name(part.name + ".etag")):
        if not path.resolve().is_relative_to(root):
            raise SchemaError(f"expected {remote_path!r} to land inside {root}, got {path} resolving to "
                              f"{path.resolve()} (a symbolic link points outside)", where="remote listing")
    return final, part, relative


def git_blob_sha1(path: str | Path, *, chunk: int = 1 << 20) -> str:
    r"""The git blob id of a file (sha1 of ``b"blob <size>\0" + content``), as the Hub reports for non-LFS files.

    Parameters
    ----------
    path
        The file to hash.
    chunk
        Bytes read at a time (1 MiB).

    Returns
    -------
    str
        40 hexadecimal digits.
    """
    return file_digest(path, hashlib.sha1(f"blob {Path(path).stat().st_size}\0".encode()), chunk=chunk)


def verify_file(path: str | Path, *, size: int | None = None, sha256: str | None = None,
                blob_id: str | None = None) -> str | None:
    """Check a local file against the expected size and checksums; the first mismatch as text, or None.

    Parameters
    ----------
    path
        The local file.
    size
        Expected size in bytes; None skips the check.
    sha256
        Expected sha256 (hexadecimal); when given, ``blob_id`` is not checked.
    blob_id
        Expected git blob id (40 hexadecimal digits), checked when there is no ``sha256``.

    Returns
    -------
    str or None
        The first mismatch ("expected X, got Y"), or None when the file matches.
    """
    path = Path(path)
    actual = path.stat().st_size
    if size is not None and actual != size:
        return f"expected {size} bytes, got {actual}"
    if sha256:
        got = file_sha256(path)
        if got != sha256:
            return f"expected sha256 {sha256}, got {got}"
    elif blob_id and len(blob_id) == 40:
        got = git_blob_sha1(path)
        if got != blob_id:
            return f"expected git blob id {blob_id}, got {got}"
    return None


RETRY_STATUS = (408, 429, 500, 502, 503, 504)


def _stream_to(part: Path, url: str, headers: dict[str, str], *, size: int, label: str, retries: int,
               backoff_s: float, progress: bool) -> int:
    """Append ``url``'s bytes to ``part`` from its current size (HTTP Range), retrying transient errors.

    Every attempt (in this call or a later run) continues where the file
    ends, so an interrupted transfer never starts over. Returns bytes transferred.
    """
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError
    from huggingface_hub.utils import hf_raise_for_status, http_stream_backoff

    transferred, attempt = 0, 0
    bar = tqdm(total=size, initial=part.stat().st_size if part.exists() else 0, unit="B", unit_scale=True,
               desc=label, leave=False, disable=not progress)
    with bar, open(part, "ab") as handle:
        while True:
            resume = handle.tell()
            if resume >= size:
                break
            request_headers = dict(headers, **({"Range": f"bytes={resume}-"} if resume else {}))
            try:
                with http_stream_backoff("GET", url, headers=request_headers, timeout=60.0, follow_redirects=True,
                                         max_retries=0, retry_on_exceptions=(), retry_on_status_codes=()) as response:
                    hf_raise_for_status(response)
                    if resume and response.status_code != 206:  # server ignored the Range: start over
                        handle.seek(0)
                        handle.truncate()
                        bar.reset(total=size)
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                        transferred += len(chunk)
                        bar.update(len(chunk))
                        attempt = 0  # progress was made: the retry budget starts again
                break
            except (httpx2.TransportError, HfHubHTTPError) as err:
                status = getattr(getattr(err, "response", None), "status_code", None)
                if isinstance(err, HfHubHTTPError) and status not in RETRY_STATUS:
                    raise
                handle.flush()
                if attempt >= retries:
                    raise
                attempt += 1
                log.warning("%s: transfer interrupted at byte %d (%s); resuming (retry %d of %d)", label,
                            handle.tell(), str(err).splitlines()[0], attempt, retries)
                time.sleep(backoff_s * attempt)
        handle.flush()
        os.fsync(handle.fileno())
    return transferred


def _download_one(remote: dict, final: Path, part: Path, *, repo_id: str, revision: str, endpoint: str,
                  token: str | bool | None, extra_sha256: str | None, retries: int, backoff_s: float,
                  progress: bool) -> int:
    """Download (resuming ``part`` if present), verify and rename into ``final``; returns bytes transferred."""
    hub = _hub()
    from huggingface_hub.utils import build_hf_headers

    url = hub.hf_hub_url(repo_id, remote["path"], repo_type=REPO_TYPE, revision=revision, endpoint=endpoint)
    meta = hub.get_hf_file_metadata(url, token=token, endpoint=endpoint, retry_on_errors=True)
    headers = build_hf_headers(token=token)
    headers["Accept-Encoding"] = "identity"  # byte ranges must refer to the stored bytes
    if urlparse(meta.location)[:2] != urlparse(url)[:2]:
        headers.pop("authorization", None)  # signed CDN URL: never send the token off the Hub
    size = int(remote["size"])
    part.parent.mkdir(parents=True, exist_ok=True)
    tag_file = part.with_name(part.name + ".etag")
    if part.exists() and (not tag_file.exists() or tag_file.read_text(encoding="utf-8") != (meta.etag or "")):
        log.info("%s: remote file changed since the partial download; starting over", remote["path"])
        part.unlink()
    tag_file.write_text(meta.etag or "", encoding="utf-8")
    transferred = 0
    for attempt in (1, 2):
        resumed = part.exists() and part.stat().st_size > 0
        if part.exists() and part.stat().st_size > size:
            part.unlink()
            resumed = False
        if resumed:
            log.info("%s: resuming at byte %d of %d", remote["path"], part.stat().st_size, size)
        transferred += _stream_to(part, meta.location, headers, size=size, label=PurePosixPath(remote["path"]).name,
                                  retries=retries, backoff_s=backoff_s, progress=progress)
        problem = verify_file(part, size=size, sha256=remote.get("sha256"), blob_id=remote.get("blob_id"))
        if problem is None and extra_sha256:
            got = file_sha256(part)
            problem = None if got == extra_sha256 else f"expected sha256 {extra_sha256} (manifest), got {got}"
        if problem is None:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, final)
            tag_file.unlink(missing_ok=True)
            return transferred
        part.unlink()
        if not resumed or attempt == 2:
            tag_file.unlink(missing_ok=True)
            raise OSError(f"{remote['path']}: downloaded file failed verification: {problem}")
        log.warning("%s: resumed download failed verification (%s); downloading again from the start",
                    remote["path"], problem)
    raise AssertionError("unreachable")  # pragma: no cover


def _selection(remote: pd.DataFrame, ids: Iterable[str] | None, categories: Iterable[str] | None,
               manifest: str | Path | pd.DataFrame | None, modalities: Iterable[str] | None
               ) -> tuple[pd.DataFrame, list[dict], dict[str, dict]]:
    """Rows of ``remote`` to download, failures for requested clips not found, and manifest checksums."""
    failed: list[dict] = []
    wanted: dict[str, tuple[str, ...] | None] = {}
    checksums: dict[str, dict] = {}
    chosen_modalities = split_modalities(";".join(modalities)) if modalities else None
    if manifest is not None:
        if isinstance(manifest, pd.DataFrame):
            table = manifest.astype(object).where(manifest.notna(), "").astype(str)
            rows, issues = validate_manifest(table)
        else:
            rows, issues = check_manifest(manifest)
        failed += [{"clip_id": i.clip_id, "path": None, "reason": f"manifest {i}"} for i in issues]
        for row in rows.to_dict("records"):
            wanted[row["clip_id"]] = chosen_modalities or split_modalities(row["modalities"])
            checksums[row["clip_id"]] = expected_checksums(row)
    for clip_id in ids or ():
        try:
            key = parse_key(clip_id)
        except InvalidClipIdError as err:
            failed.append({"clip_id": clip_id, "path": None, "reason": err.reason})
            continue
        wanted[key.clip_id] = chosen_modalities or DEFAULT_MODALITIES
    categories = set(categories or ())
    default = chosen_modalities or DEFAULT_MODALITIES
    keep = []
    for row in remote.itertuples(index=False):
        mods = wanted.get(row.clip_id, default if row.category in categories else ())
        keep.append(row.modality in mods)
    selected = remote[pd.Series(keep, index=remote.index, dtype=bool)] if len(remote) else remote
    present = set(zip(remote["clip_id"], remote["modality"]))
    for clip_id, mods in sorted(wanted.items()):
        if not any(c == clip_id for c, _ in present):
            failed.append({"clip_id": clip_id, "path": None, "reason": "clip is not in the repository"})
            continue
        for modality in mods:
            if (clip_id, modality) not in present:
                failed.append({"clip_id": clip_id, "path": None,
                               "reason": f"the repository has no {modality} file for this clip"})
    return selected, failed, checksums


def fetch(out: str | Path, *, ids: Iterable[str] | None = None, categories: Iterable[str] | None = None,
          manifest: str | Path | pd.DataFrame | None = None, modalities: Iterable[str] | None = None,
          repo_id: str = DEFAULT_REPO, revision: str = "main", endpoint: str | None = None,
          token: str | bool | None = None, verify_existing: bool = False, retries: int = 5,
          backoff_s: float = 1.0, progress: bool = True) -> dict:
    """Download chosen clips and modalities of the released corpus into ``out`` (Allo-AVA layout).

    Parameters
    ----------
    out
        Corpus folder to fill (``out/<modality>/<file>``); partial downloads
        live in ``out/.alloava_fetch/`` and are resumed by the next call.
    ids, categories, manifest
        What to fetch: clip ids, whole categories and/or a manifest (path or
        table, see ``data_manifest/README.md``). At least one is required.
    modalities
        Modalities to fetch (default: a manifest row's ``modalities``, else
        video, audio, transcript and keypoints).
    repo_id, revision, endpoint, token
        Where to fetch from; ``endpoint`` defaults to ``$HF_ENDPOINT``.
    verify_existing
        Re-hash files already in ``out`` (by default a file of the right size counts as done).
    retries, backoff_s
        Transient errors (dropped connections, 5xx, 429) are retried this many
        times per file, resuming where the transfer stopped, waiting
        ``backoff_s`` × attempt seconds in between.
    progress
        Show progress bars (tqdm, on stderr).

    Returns
    -------
    dict
        ``downloaded`` and ``already_present`` (paths relative to ``out``),
        ``skipped`` (``{clip_id, path, reason}``: remote paths refused because
        they would land outside ``out``: absolute, ``..``, backslashes, or a
        symbolic link leading out), ``failed`` (``{clip_id, path, reason}``),
        ``bytes`` transferred, ``repo_id``, ``revision``. Nothing is created
        for a refused path.
    """
    for option, value in (("ids", ids), ("categories", categories)):
        if value is not None and (isinstance(value, (str, bytes)) or not isinstance(value, Iterable)):
            raise ParameterError(f"invalid value for {option}: expected a list of names, got {value!r}", name=option)
    if not ids and not categories and manifest is None:
        raise ParameterError("expected clip ids, categories or a manifest to choose a subset; got none "
                             "(the whole corpus is 2.46 TB)", name="ids")
    if modalities:
        check_options("modalities", modalities, MODALITIES)
    check_int("retries", retries, minimum=0)
    check_nonnegative("backoff_s", backoff_s)
    out = check_corpus_output(out, sources=(manifest if isinstance(manifest, (str, Path)) else None,))
    endpoint = hub_endpoint(endpoint)
    remote, refused = _remote_files(repo_id=repo_id, revision=revision, endpoint=endpoint, token=token)
    selected, failed, checksums = _selection(remote, ids, categories, manifest, modalities)
    result: dict = {"downloaded": [], "already_present": [], "skipped": [dict(r, clip_id=None) for r in refused],
                    "failed": failed, "bytes": 0, "repo_id": repo_id, "revision": revision}
    records = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
               for r in selected.to_dict("records")]
    bar = tqdm(records, desc="fetch", unit="file", disable=not progress)
    for remote_file in bar:
        try:
            final, part, relative = local_paths(out, remote_file["path"], remote_file["modality"])
        except ValueError as err:
            log.warning("refusing remote file %r: %s", remote_file["path"], err)
            result["skipped"].append({"clip_id": remote_file["clip_id"], "path": remote_file["path"],
                                      "reason": f"unsafe path: {err}"})
            continue
        extra = checksums.get(remote_file["clip_id"], {}).get(remote_file["modality"], {}).get("sha256")
        try:
            if final.exists() and verify_file(final, size=int(remote_file["size"])) is None and (
                    not verify_existing or verify_file(final, sha256=remote_file["sha256"] or extra,
                                                       blob_id=remote_file["blob_id"]) is None):
                result["already_present"].append(relative.as_posix())
                continue
            result["bytes"] += _download_one(remote_file, final, part, repo_id=repo_id, revision=revision,
                                             endpoint=endpoint, token=token, extra_sha256=extra,
                                             retries=retries, backoff_s=backoff_s, progress=progress)
            result["downloaded"].append(relative.as_posix())
        except Exception as err:  # noqa: BLE001 - one file's failure must not stop the others
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            log.warning("could not fetch %s: %s", remote_file["path"], reason)
            result["failed"].append({"clip_id": remote_file["clip_id"], "path": remote_file["path"],
                                     "reason": f"{type(err).__name__}: {reason}"})
    return result


__all__ = ["DEFAULT_REPO", "fetch", "list_remote_files", "local_paths", "unsafe_remote_path", "hub_endpoint",
           "verify_file", "git_blob_sha1"]
