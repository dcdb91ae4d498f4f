"""``alloava convert``: the columnar store filled from the JSON, once per changed clip."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from ..corpus import Corpus, as_corpus, clip_failure, clip_summary
from ..io import store as st
from ..io.allo_ava import load_clip
from ..parallel import run_each
from .settings import ConvertSettings

log = logging.getLogger(__name__)


def convert_corpus(source: Any, settings: ConvertSettings | None = None, *, progress: bool = True,
                   workers: int | None = 1, scheduler: Any = None, **options: Any) -> dict:
    """Fill the columnar store from the JSON, once per changed clip.

    The store is locked for the run (a second writer gets
    :class:`~alloava_analysis.io.store.StoreBusyError`), temporary files a
    killed run left are removed first, and the index is written as clips
    finish (at most every ``index_every_s`` seconds, and at the end), so a
    killed run redoes only the clips of its last few seconds. A clip that
    cannot be read or written (bad JSON, a full disk) is listed in
    ``failed`` and the others go on.

    Clips are converted by ``workers`` local processes (``None``: every
    core) or on the Dask cluster at ``scheduler`` (see
    :func:`alloava_analysis.parallel.run_each`); the store and the index are
    the same byte for byte whatever the executor.

    Parameters
    ----------
    source
        A corpus or its folder.
    settings
        ``force`` and ``index_every_s`` (default :class:`~alloava_analysis.runs.settings.ConvertSettings`).
    progress
        Show a progress bar on stderr.
    workers, scheduler
        Local processes or a Dask cluster address.
    options
        Fields of :class:`ConvertSettings` replacing those of ``settings``.

    Returns
    -------
    dict
        ``{clips, rows, seconds, unchanged, skipped, failed, store, settings, notes}``
        where ``clips`` counts converted clips, ``rows`` the pose frames
        written and ``failed`` lists ``{clip_id, reason}``.
    """
    s = ConvertSettings.resolve(settings, **options)
    corpus = as_corpus(source)
    started = time.perf_counter()
    with st.store_lock(corpus.store):
        st.remove_stale_temporaries(corpus.store)
        previous = st.read_index(corpus.store)
        previous = {} if previous is None else {r["clip_id"]: r for r in previous.to_dict("records")}
        result = _convert_locked(corpus, previous, force=s.force, progress=progress, index_every_s=s.index_every_s,
                                 workers=workers, scheduler=scheduler)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return {**result, "settings": s.to_dict(), "notes": []}


def _convert_locked(corpus: Corpus, previous: dict[str, dict], *, force: bool, progress: bool,
                    index_every_s: float, workers: int | None, scheduler: Any) -> dict:
    ours = set(corpus.clip_ids)
    records: dict[str, dict] = {}  # clips of this corpus done so far (fresh or converted)
    unsaved: list[str] = []  # converted since the index was last written
    failed: dict[str, dict] = {}
    n_rows, n_clips, n_fresh = 0, 0, 0
    last_saved = time.monotonic()
    rows = corpus.index.to_dict("records")
    order = {row["clip_id"]: i for i, row in enumerate(rows)}

    def save() -> None:
        # unreached clips keep their old entries: a killed run must not forget them
        pending = {r["clip_id"] for r in rows} - set(records) - set(failed)
        kept = [r for cid, r in previous.items() if cid not in ours or cid in pending]
        done = sorted(records.values(), key=lambda r: order[r["clip_id"]])  # clip order, whoever finished first
        st.write_index(corpus.store, pd.DataFrame(kept + done))

    todo = []
    for row in rows:
        old = previous.get(row["clip_id"])
        if not force and old is not None and corpus.is_fresh_in_store({**row, **old}):
            records[row["clip_id"]] = old
            n_fresh += 1
        else:
            todo.append((corpus.root, corpus.store, row))
    bar = tqdm(total=len(todo), desc="convert", unit="clip", disable=not progress)
    for i, outcome, error in run_each(_convert_clip, todo, workers=workers, scheduler=scheduler,
                                      key="alloava-convert"):
        bar.update()
        row = todo[i][2]
        clip_id = row["clip_id"]
        if error is not None:  # a worker that died
            outcome = ("failed", clip_failure(error, row))
        if outcome[0] == "failed":
            failed[clip_id] = {"clip_id": clip_id, "reason": outcome[1]}
            continue
        records[clip_id] = outcome[1]
        unsaved.append(clip_id)
        n_rows += outcome[2]
        n_clips += 1
        if time.monotonic() - last_saved >= index_every_s:
            try:
                save()
                unsaved, last_saved = [], time.monotonic()
            except OSError as err:  # e.g. a full disk: this clip's entry is not saved; try again later
                log.warning("%s: could not write the store index: %s", corpus.store, err)
    bar.close()
    if records:
        try:
            save()
        except OSError as err:
            reason = f"converted, but the store index could not be written ({type(err).__name__}: {err}); " \
                     f"the clip will be converted again"
            failed.update({c: {"clip_id": c, "reason": reason} for c in unsaved})
            n_clips -= len(unsaved)
        else:
            corpus.index = corpus.with_store_index(corpus.index)
    return {"clips": n_clips, "rows": n_rows, "unchanged": n_fresh, "skipped": list(corpus.skipped_files),
            "failed": sorted(failed.values(), key=lambda r: order[r["clip_id"]]), "store": str(corpus.store)}



def _convert_clip(task: tuple[Path, Path, dict]) -> tuple:
    """Convert one clip into the store: ``("ok", index record, frames)`` or ``("failed", reason)``."""
    root, store, row = task
    clip_id = row["clip_id"]
    try:
        clip = load_clip(root, clip_id, files=row)
        for ds in clip.poses.values():
            st.write_pose(store, clip_id, ds)
        if clip.frame_text is not None:
            st.write_frame_text(store, clip_id, clip.frame_text)
        if clip.words is not None:
            st.write_words(store, clip_id, clip.words)
        if clip.segments is not None:
            st.write_segments(store, clip_id, clip.segments, meta=clip.metadata.get("transcript_meta"))
        summary = clip_summary(clip, row)
    except Exception as err:  # noqa: BLE001 - one clip's fault (bad file, full disk) fails that clip only
        return "failed", clip_failure(err, row)
    return "ok", summary, max((ds.sizes["time"] for ds in clip.poses.values()), default=0)


