"""Allo-AVA keypoint JSON: a schema-sniffing reader and the writer.

The release does not publish its field names, so the reader recognises the
variants seen in pose-estimation JSON and records which one it found in
``schema_variant`` (for example ``frame_list/dict_points/mediapipe_pose_33+openpose_body_18``):

* container: a list of frame objects (top level or under ``"frames"``), or a
  mapping keyed by frame index or by time in seconds;
* per frame: a time (``timestamp``/``time``/``t``/``time_s``) or frame index
  (``frame``/``frame_index``, converted with the file's ``fps``), the spoken
  text (``text``/``transcript``/``word``), and keypoints either under a
  layout-named key (``mediapipe``, ``openpose``, ``pose_keypoints_2d`` ...) or
  under ``keypoints``/``landmarks``/``pose`` (an array, or a mapping of layouts);
* per keypoint: dicts ``{x, y[, z][, visibility|confidence|score|likelihood]}``,
  ``[x, y(, c)]`` / ``[x, y, z, v]`` lists, or a flat array with stride 2, 3 (x,
  y, confidence, the OpenPose convention) or 4 (x, y, z, visibility); one form
  per JSON key (when layouts use different forms the variant joins them, e.g.
  ``dict_points+flat_points``);
* 18 (OpenPose BODY-18) and/or 33 (MediaPipe pose) points; an unlabelled array
  of 51 points is read as 18 OpenPose followed by 33 MediaPipe (with a warning).

Anything else raises :class:`SchemaError` naming the file, the JSON path and
what was expected.
"""
from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd
import xarray as xr

from ..checks import check_int
from ..errors import ParameterError, SchemaError
from ..model import COORDS, extractor_info, make_pose
from ..schema import get_layout, layout_for_count
from .atomic import atomic_write
from .transcript import FALLBACK, fast_loads, read_json

TIME_KEYS = ("timestamp", "time", "t", "time_s", "seconds")
FRAME_KEYS = ("frame", "frame_index", "frame_idx", "index")
TEXT_KEYS = ("text", "transcript", "transcription", "word", "words")
GENERIC_POINT_KEYS = ("keypoints", "landmarks", "pose", "pose_landmarks", "points")
LAYOUT_KEYS = {
    "mediapipe": "mediapipe_pose_33", "mediapipe_pose": "mediapipe_pose_33",
    "mediapipe_keypoints": "mediapipe_pose_33", "pose_landmarks_33": "mediapipe_pose_33",
    "openpose": "openpose_body_18", "openpose_keypoints": "openpose_body_18",
    "pose_keypoints_2d": "openpose_body_18", "body_18": "openpose_body_18",
}
CONFIDENCE_KEYS = ("visibility", "confidence", "score", "likelihood", "c")
WRITE_KEYS = {"mediapipe_pose_33": "mediapipe", "openpose_body_18": "openpose"}
FORMAT_NAME = "allo-ava-keypoints"


@dataclass
class KeypointFile:
    """What a keypoint JSON file held: poses by layout, per-frame text and the variant found."""

    poses: dict[str, xr.Dataset]
    frame_text: pd.Series
    schema_variant: str
    meta: dict[str, Any] = field(default_factory=dict)


class _Frames:
    """Accumulates parsed frames: one preallocated float32 (frame, keypoint, x/y/z/confidence) array per layout.

    float32 is what :func:`make_pose` stores, so filling it frame by frame gives
    the same values as stacking float64 frames and converting once.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.times: list[float] = []
        self.text: list[str] = []
        self.points: dict[str, np.ndarray] = {}
        self.point_forms: dict[str, str] = {}  # JSON key -> point form (consistent across frames)
        self.time_keys: set[str] = set()

    def put(self, name: str, index: int, points: np.ndarray | None) -> None:
        if name not in self.points:
            size = 33 if name == "mediapipe_pose_33" else 18
            self.points[name] = np.full((self.n, size, 4), np.nan, dtype=np.float32)
        if points is not None:
            self.points[name][index] = points


class _Parsed:
    """Keypoints already converted by the fast reader: an (n, 4) array and its point form."""

    __slots__ = ("form", "points")

    def __init__(self, points: np.ndarray, form: str) -> None:
        self.points, self.form = points, form


def _num(value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(value)  # also numbers that overflow to inf, such as 1e999
    return float(value)


def _points_from_dicts(items: list, path: Path, where: str) -> np.ndarray:
    out = np.full((len(items), 4), np.nan)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise SchemaError(f"expected every keypoint to be an object like the first, got {type(item).__name__}",
                              path=path, where=f"{where}[{i}]")
        try:
            out[i, 0] = _num(item["x"])
            out[i, 1] = _num(item["y"])
            out[i, 2] = _num(item.get("z"))
            conf_key = next((k for k in CONFIDENCE_KEYS if k in item), None)
            out[i, 3] = _num(item[conf_key]) if conf_key else math.nan
        except KeyError as err:
            raise SchemaError(f"expected keypoint field {err.args[0]!r} (x and y are required), "
                              f"got fields {sorted(item)}", path=path, where=f"{where}[{i}]") from None
        except TypeError as err:
            raise SchemaError(f"expected numbers (or null) in keypoint fields, got {err.args[0]!r}",
                              path=path, where=f"{where}[{i}]") from None
    return out


def _points_from_rows(items: list, path: Path, where: str) -> np.ndarray:
    width = len(items[0]) if isinstance(items[0], list) else -1
    if width not in (2, 3, 4) or any(not isinstance(r, list) or len(r) != width for r in items):
        raise SchemaError("expected every keypoint as a list of 2 (x, y), 3 (x, y, confidence) or 4 "
                          "(x, y, z, visibility) numbers", path=path, where=where)
    try:
        rows = np.array([[_num(v) for v in r] for r in items], dtype=float)
    except TypeError as err:
        raise SchemaError(f"expected numbers in keypoint lists, got {err.args[0]!r}", path=path,
                          where=where) from None
    return _stride_to_xyzc(rows)


def _stride_to_xyzc(rows: np.ndarray) -> np.ndarray:
    out = np.full((rows.shape[0], 4), np.nan)
    out[:, :2] = rows[:, :2]
    if rows.shape[1] == 3:
        out[:, 3] = rows[:, 2]
    elif rows.shape[1] == 4:
        out[:, 2:] = rows[:, 2:]
    return out


def _points_from_flat(items: list, path: Path, where: str) -> np.ndarray:
    try:
        flat = np.array([_num(v) for v in items], dtype=float)
    except TypeError as err:
        raise SchemaError(f"expected a flat array of numbers, got {err.args[0]!r}", path=path, where=where) from None
    return _flat_to_xyzc(flat, path, where)


def _flat_to_xyzc(flat: np.ndarray, path: Path, where: str) -> np.ndarray:
    for stride in (3, 4, 2):
        if flat.size % stride == 0 and layout_for_count(flat.size // stride) in (
                "mediapipe_pose_33", "openpose_body_18") or (flat.size % stride == 0 and flat.size // stride == 51):
            return _stride_to_xyzc(flat.reshape(-1, stride))
    raise SchemaError(f"expected a flat keypoint array of 18 or 33 points with stride 2, 3 or 4, got "
                      f"{flat.size} numbers", path=path, where=where)


def _parse_points(items: Any, path: Path, where: str) -> tuple[np.ndarray | None, str]:
    """Return an (n, 4) array x, y, z, confidence and the point form, or None for 'no person'."""
    if isinstance(items, _Parsed):
        return items.points, items.form
    if items is None or items == []:
        return None, ""
    if isinstance(items, dict) and "x" in items and isinstance(items["x"], list):
        cols = [items.get(k) for k in ("x", "y", "z")]
        conf_key = next((k for k in CONFIDENCE_KEYS if k in items), None)
        n = len(items["x"])
        table = [c if c is not None else [None] * n for c in cols + [items.get(conf_key) if conf_key else None]]
        try:
            return np.array([[_num(v) for v in c] for c in table], dtype=float).T, "columns"
        except (TypeError, ValueError):
            raise SchemaError("expected equal-length numeric x/y/z/confidence columns", path=path,
                              where=where) from None
    if not isinstance(items, list):
        raise SchemaError(f"expected a keypoint array, got {type(items).__name__}", path=path, where=where)
    first = items[0]
    if isinstance(first, dict):
        return _points_from_dicts(items, path, where), "dict_points"
    if isinstance(first, list):
        return _points_from_rows(items, path, where), "row_points"
    return _points_from_flat(items, path, where), "flat_points"


def _split_layouts(points: np.ndarray, items: Any, path: Path, where: str) -> dict[str, np.ndarray]:
    n = points.shape[0]
    if n == 51:
        names = [p.get("name") for p in items] if isinstance(items, list) and isinstance(items[0], dict) else []
        if names and names[0] == "nose" and names[1] == "left_eye_inner":
            return {"mediapipe_pose_33": points[:33], "openpose_body_18": points[33:]}
        warnings.warn(f"{path}: {where} holds 51 unlabelled points; reading them as 18 OpenPose followed "
                      f"by 33 MediaPipe points", stacklevel=4)
        return {"openpose_body_18": points[:18], "mediapipe_pose_33": points[18:]}
    layout = layout_for_count(n)
    if layout not in ("mediapipe_pose_33", "openpose_body_18"):
        raise SchemaError(f"expected 18 (OpenPose BODY-18), 33 (MediaPipe pose) or 51 (both) keypoints, "
                          f"got {n}", path=path, where=where)
    return {layout: points}


def _frame_point_sources(frame: dict) -> list[tuple[str, Any, str | None]]:
    """(json key, value, layout or None) for every keypoint container in a frame."""
    sources = [(k, frame[k], LAYOUT_KEYS[k]) for k in frame if k in LAYOUT_KEYS]
    for key in GENERIC_POINT_KEYS:
        if key in frame:
            value = frame[key]
            if isinstance(value, dict) and not ("x" in value and isinstance(value.get("x"), list)):
                sources += [(f"{key}.{k}", v, LAYOUT_KEYS.get(k)) for k, v in value.items()]
            else:
                sources.append((key, value, None))
    return sources


def _parse_frame(frame: Any, frames: _Frames, path: Path, where: str, fallback_time: float | None,
                 fps: float | None) -> None:
    if not isinstance(frame, dict):
        raise SchemaError(f"expected a frame object, got {type(frame).__name__}", path=path, where=where)
    time_key = next((k for k in TIME_KEYS if k in frame), None)
    frame_key = next((k for k in FRAME_KEYS if k in frame), None)
    try:
        if time_key is not None:
            t = _num(frame[time_key])
            frames.time_keys.add(time_key)
        elif fallback_time is not None:
            t = fallback_time
        elif frame_key is not None:
            if not fps:
                raise SchemaError(f"frames are indexed by {frame_key!r} without a time; expected a top-level "
                                  f"'fps' to convert them to seconds", path=path, where=where)
            t = _num(frame[frame_key]) / fps
        else:
            raise SchemaError(f"expected a time field (one of {TIME_KEYS}) or a frame index "
                              f"(one of {FRAME_KEYS}), got fields {sorted(frame)[:10]}", path=path, where=where)
    except TypeError as err:
        raise SchemaError(f"expected a numeric time, got {err.args[0]!r}", path=path, where=where) from None
    sources = _frame_point_sources(frame)
    if not sources:
        raise SchemaError(f"expected keypoints under one of {sorted(LAYOUT_KEYS) + list(GENERIC_POINT_KEYS)}, "
                          f"got fields {sorted(frame)[:10]}", path=path, where=where)
    found: dict[str, np.ndarray | None] = {}
    for key, value, layout in sources:
        points, form = _parse_points(value, path, f"{where}.{key}")
        if form:
            previous = frames.point_forms.setdefault(key, form)
            if previous != form:
                raise SchemaError(f"expected every frame to use the same keypoint form under {key!r} ({previous}), "
                                  f"got {form}", path=path, where=f"{where}.{key}")
        if points is None:
            if layout:
                found[layout] = None
            continue
        split = {layout: points} if layout else _split_layouts(points, value, path, f"{where}.{key}")
        for name, arr in split.items():
            expected = 33 if name == "mediapipe_pose_33" else 18
            if arr.shape[0] != expected:
                raise SchemaError(f"expected {expected} keypoints for {name}, got {arr.shape[0]}", path=path,
                                  where=f"{where}.{key}")
            found[name] = arr
    index = len(frames.times)
    for name, arr in found.items():
        frames.put(name, index, arr)
    frames.times.append(t)
    text_key = next((k for k in TEXT_KEYS if k in frame), None)
    text = frame.get(text_key) if text_key else ""
    if isinstance(text, list):
        text = " ".join(str(w.get("word", w)) if isinstance(w, dict) else str(w) for w in text)
    frames.text.append("" if text is None else str(text).strip())


def _container(doc: Any, path: Path) -> tuple[list[tuple[str, Any, float | None]], str, dict]:
    """The frames as (json path, frame, time from the key) plus the container variant and file metadata."""
    meta: dict = {}
    if isinstance(doc, dict) and "frames" in doc:
        meta = {k: v for k, v in doc.items() if k != "frames"}
        body, base = doc["frames"], "$.frames"
    else:
        body, base = doc, "$"
    if isinstance(body, list):
        return [(f"{base}[{i}]", f, None) for i, f in enumerate(body)], "frame_list", meta
    if isinstance(body, dict):
        items = []
        fps = _fps(meta or (doc if body is doc else {}))
        by_index = all(key.isdigit() for key in body)  # any non-integral key: keyed by time
        for key, frame in body.items():
            try:
                number = float(key)
            except ValueError:
                raise SchemaError(f"expected a list of frames or a mapping keyed by frame index or time, got key "
                                  f"{key!r}", path=path, where=base) from None
            t = (number / fps if fps else None) if by_index else number
            items.append((f"{base}[{key!r}]", frame, t))
        items.sort(key=lambda item: float(item[0].rsplit("[", 1)[1].strip("]'\"")))
        return items, "frame_mapping", meta
    raise SchemaError(f"expected a list of frames or an object, got {type(body).__name__}", path=path, where=base)


def _frame_size(meta: dict, path: Path) -> tuple[int, int] | None:
    """(width, height) from the file's metadata, or None when absent (0 or missing width)."""
    if not meta.get("frame_width"):
        return None
    size = []
    for key in ("frame_width", "frame_height"):
        value = meta.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value != int(value):
            raise SchemaError(f"expected a positive integer {key}, got {value!r}", path=path, where=f"$.{key}")
        size.append(int(value))
    return size[0], size[1]


def _fps(meta: dict) -> float | None:
    value = meta.get("fps", meta.get("frame_rate"))
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def read_keypoints(path: str | Path) -> KeypointFile:
    """Read an Allo-AVA keypoint JSON file of any recognised variant.

    The file is decoded frame by frame (msgspec, keypoints straight into
    float32 arrays), so the parsed tree of the whole file never exists; a file
    the fast reader does not take (malformed, hostile numbers, rare point forms
    inside containers) is read by the standard-library parser, with the same
    result or the same :class:`SchemaError`.

    Parameters
    ----------
    path
        A keypoint JSON file of any variant described above.

    Returns
    -------
    KeypointFile
        Poses by layout (``mediapipe_pose_33`` and/or ``openpose_body_18``), the
        text at each frame, the ``schema_variant`` found and the file's top-level metadata.
    """
    path = Path(path)
    fast = _read_fast(path)
    if fast is not None:
        return fast
    doc = read_json(path)
    items, container, meta = _container(doc, path)
    del doc
    return _assemble(items, container, meta, path, decode=None)


class _Unsupported(Exception):
    """The fast reader cannot decide this file; the standard parser reads it."""


_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw] | list[msgspec.Raw])
_BODY = msgspec.json.Decoder(list[msgspec.Raw] | dict[str, msgspec.Raw])
_FRAME = msgspec.json.Decoder(dict[str, msgspec.Raw])
_FLAT = msgspec.json.Decoder(list[float | None])
_ROWS = msgspec.json.Decoder(list[list[float | None]])


def _point_struct(conf_key: str | None) -> type:
    fields = [("x", float | None), ("y", float | None), ("z", float | None, None)]
    if conf_key:
        fields.append((conf_key, float | None, None))
    return msgspec.defstruct(f"Point_{conf_key}", fields, forbid_unknown_fields=True, gc=False)


#: Structs and decoders for dict keypoints ``{x, y[, z][, conf]}``, one per confidence key (None: no confidence).
_POINT_STRUCTS = {k: _point_struct(k) for k in (*CONFIDENCE_KEYS, None)}
_DICT_DECODERS = {k: msgspec.json.Decoder(list[struct]) for k, struct in _POINT_STRUCTS.items()}
_GETTERS = {k: attrgetter("x", "y", "z", k) for k in CONFIDENCE_KEYS}


def _generic(raw: msgspec.Raw) -> Any:
    value = fast_loads(raw)
    if value is FALLBACK:
        raise _Unsupported
    return value


def _dict_rows(pts: list, conf_key: str | None) -> list:
    if conf_key is None:
        return [(p.x, p.y, p.z, None) for p in pts]
    return list(map(_GETTERS[conf_key], pts))


def _dict_array(pts: list, conf_key: str | None) -> np.ndarray:
    """(n, 4) x, y, z, confidence of decoded point structs: one C-level pass per field, nulls the slower way."""
    out = np.full((len(pts), 4), np.nan)
    try:
        for j, name in enumerate(("x", "y", "z", conf_key)):
            if name is not None:
                out[:, j] = np.fromiter(map(attrgetter(name), pts), dtype=np.float64, count=len(pts))
    except TypeError:  # a null (None) somewhere: _checked turns it into NaN
        return _checked(_dict_rows(pts, conf_key))
    if np.isinf(out).any():
        raise _Unsupported
    return out


def _checked(values: Any) -> np.ndarray:
    out = np.array(values, dtype=np.float64)  # null -> NaN
    if np.isinf(out).any():
        raise _Unsupported  # 1e999 and the like: the standard parser reports them
    return out


def _as_dicts(raw: msgspec.Raw, conf_key: str | None) -> _Parsed | None:
    try:
        pts = _DICT_DECODERS[conf_key].decode(raw)
    except msgspec.ValidationError:
        return None
    return _Parsed(_dict_array(pts, conf_key), "dict_points") if pts else None


def _as_rows(raw: msgspec.Raw, _: Any) -> _Parsed | None:
    try:
        rows = _ROWS.decode(raw)
    except msgspec.ValidationError:
        return None
    width = len(rows[0]) if rows else -1
    if width not in (2, 3, 4) or any(len(r) != width for r in rows):
        return None
    return _Parsed(_stride_to_xyzc(_checked(rows)), "row_points")


def _as_flat(raw: msgspec.Raw, path: Path) -> _Parsed | None:
    try:
        values = _FLAT.decode(raw)
    except msgspec.ValidationError:
        return None
    return _Parsed(_flat_to_xyzc(_checked(values), path, "$"), "flat_points") if values else None


#: Frames decoded at once when every frame has the first one's fields.
BATCH = 512


class _FrameDecoder:
    """Decodes frames from raw JSON, remembering which point form worked for each key.

    When the first frame is of the common shape (one time key, optional text and
    frame index, layout-named lists of point objects), later frames are decoded
    ``BATCH`` at a time into typed structs; a batch that does not fit that shape
    switches the rest of the file to frame-by-frame decoding.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.order: dict[str, list] = {}
        self.conf: dict[str, str | None] = {}  # point key -> confidence key of its point objects
        self.first: dict[str, Any] | None = None
        self.batch_type: Any = None  # None: not decided yet; False: frame by frame

    def __call__(self, raw: Any, where: str) -> Any:
        if not isinstance(raw, msgspec.Raw):
            return raw
        try:
            fields = _FRAME.decode(raw)
        except msgspec.ValidationError:
            return _generic(raw)  # not an object: the frame check reports it
        frame: dict[str, Any] = {}
        for key, value in fields.items():
            if key in LAYOUT_KEYS or key in GENERIC_POINT_KEYS:
                frame[key] = self._decode_points(key, value)
            else:
                frame[key] = _generic(value)
        if self.first is None:
            self.first = frame
        return frame

    def _decode_points(self, key: str, raw: msgspec.Raw) -> Any:
        order = self.order.get(key)
        if order is None:
            order = self.order[key] = [(_as_dicts, k) for k in _DICT_DECODERS] + [(_as_rows, None),
                                                                                 (_as_flat, self.path)]
        for i, (attempt, arg) in enumerate(order):
            out = attempt(raw, arg)
            if out is not None:
                if i:
                    order.insert(0, order.pop(i))  # forms are consistent across frames: try this one first
                if attempt is _as_dicts:
                    self.conf[key] = arg
                return out
        return _generic(raw)

    def _make_batch_type(self) -> Any:
        frame = self.first or {}
        time_keys = [k for k in frame if k in TIME_KEYS]
        text_key = next((k for k in TEXT_KEYS if k in frame), None)
        point_keys = [k for k in frame if k in LAYOUT_KEYS]
        fields: list[tuple] = []
        for key, value in frame.items():
            if key in point_keys and isinstance(value, _Parsed) and key in self.conf:
                fields.append((key, list[_POINT_STRUCTS[self.conf[key]]]))
            elif key in time_keys or key in FRAME_KEYS:
                fields.append((key, float))
            elif key == text_key and isinstance(value, str):
                fields.append((key, str))
            else:
                return False
        layouts = [LAYOUT_KEYS[k] for k in point_keys]
        if len(time_keys) != 1 or not point_keys or len(set(layouts)) != len(layouts) or len(fields) != len(frame):
            return False
        struct = msgspec.defstruct("Frame", fields, forbid_unknown_fields=True, gc=False)
        self.shape = (time_keys[0], text_key, point_keys)
        return msgspec.json.Decoder(list[struct])

    def batch(self, items: list, start: int, frames: _Frames) -> int:
        """Read up to ``BATCH`` frames from ``items[start:]`` at once; 0 when they are read one by one."""
        if self.batch_type is None:
            self.batch_type = self._make_batch_type()
        if self.batch_type is False:
            return 0
        chunk = items[start:start + BATCH]
        if any(key_time is not None or not isinstance(raw, msgspec.Raw) for _, raw, key_time in chunk):
            self.batch_type = False
            return 0
        try:
            decoded = self.batch_type.decode(b"[" + b",".join(raw for _, raw, _ in chunk) + b"]")
            time_key, text_key, point_keys = self.shape
            arrays = {}
            for key in point_keys:
                layout = LAYOUT_KEYS[key]
                size = 33 if layout == "mediapipe_pose_33" else 18
                rows = [getattr(f, key) for f in decoded]
                if any(len(r) != size for r in rows):
                    raise _Unsupported  # no person or a wrong count: frame by frame says which
                arrays[layout] = _dict_array(list(chain.from_iterable(rows)), self.conf[key]).reshape(
                    len(decoded), size, 4)
        except (msgspec.ValidationError, _Unsupported):
            self.batch_type = False
            return 0
        for layout, arr in arrays.items():
            frames.put(layout, slice(start, start + len(chunk)), arr)
        frames.times.extend(getattr(f, time_key) for f in decoded)
        frames.time_keys.add(time_key)
        frames.text.extend(getattr(f, text_key).strip() if text_key else "" for f in decoded)
        items[start:start + len(chunk)] = [None] * len(chunk)
        return len(chunk)


def _read_fast(path: Path) -> KeypointFile | None:
    """Read with msgspec frame by frame, or None when the standard parser must decide."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return None
    try:
        top = _TOP.decode(data)
        if isinstance(top, dict) and "frames" in top:
            doc: Any = {k: _generic(v) for k, v in top.items() if k != "frames"}
            doc["frames"] = _BODY.decode(top["frames"])
        else:
            doc = top
        del top
        items, container, meta = _container(doc, path)
        del doc
        decoder = _FrameDecoder(path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = _assemble(items, container, meta, path, decode=decoder)
    except (_Unsupported, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    except SchemaError:
        return None  # the standard parser raises it again, with the same message
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return result


def _assemble(items: list, container: str, meta: dict, path: Path, *, decode: Any) -> KeypointFile:
    if not items:
        raise SchemaError("expected at least one frame, got none", path=path, where="$")
    fps = _fps(meta)
    n = len(items)
    frames = _Frames(n)
    i = 0
    while i < n:
        if decode is not None and i:
            done = decode.batch(items, i, frames)
            if done:
                i += done
                continue
        where, frame, key_time = items[i]
        items[i] = None  # drop each frame once read
        if decode is not None:
            frame = decode(frame, where)
        _parse_frame(frame, frames, path, where, key_time, fps)
        i += 1
    times = np.asarray(frames.times, dtype=float)
    if fps is None and frames.time_keys == {"timestamp"} and np.max(times, initial=0.0,
                                                                     where=np.isfinite(times)) > 1e5:
        times = times / 1000.0  # millisecond timestamps (decided once per file, not per frame)
    coords = meta.get("coords", "normalized")
    if not isinstance(coords, str) or coords not in COORDS:
        raise SchemaError(f"expected coords in {COORDS}, got {coords!r}", path=path, where="$.coords")
    poses = {}
    for layout in list(frames.points):
        stack = frames.points.pop(layout)  # (time, kp, 4) float32
        has_z = bool(np.isfinite(stack[:, :, 2]).any())
        position = np.moveaxis(stack[:, :, :3 if has_z else 2], 2, 1)
        confidence = stack[:, :, 3]
        xy_nan = np.isnan(position[:, :2])
        bad = xy_nan.any(axis=1) & ~xy_nan.all(axis=1)
        if bad.any():
            f, k = (int(i) for i in np.argwhere(bad)[0])
            raise SchemaError("expected both x and y (or neither) for each keypoint, got a partial NaN",
                              path=path, where=f"frame {f}, keypoint {get_layout(layout).keypoints[k]!r}")
        poses[layout] = make_pose(
            position, time=times, layout=layout, confidence=confidence,
            fps=fps, source=path, extractor=meta.get("extractor") if isinstance(meta.get("extractor"), dict) else None,
            coords=coords,
            frame_size=_frame_size(meta, path),
            schema_variant="",
        )
        del stack, position, confidence
    point_form = "+".join(sorted(set(frames.point_forms.values()))) or "empty"
    variant = f"{container}/{point_form}/{'+'.join(sorted(poses))}"
    for ds in poses.values():
        ds.attrs["schema_variant"] = variant
    text = pd.Series(frames.text, index=pd.Index(times, name="time"), name="text")
    return KeypointFile(poses, text, variant, meta)


def _nan_to_none(row: list[float]) -> list[float | None]:
    return [None if v != v else v for v in row]


def write_keypoints(path: str | Path, poses: dict[str, xr.Dataset], *, frame_text: pd.Series | None = None,
                    decimals: int = 6) -> Path:
    """Write poses (MediaPipe 33 and/or OpenPose 18 on the same clock) as a frame-list JSON file.

    Each frame is ``{frame, timestamp, text, mediapipe: [{x, y, z, visibility}], openpose: [{x, y, confidence}]}``;
    missing points are ``null``.

    Parameters
    ----------
    path
        The JSON file to write (atomically).
    poses
        Layout name -> pose dataset; layouts ``mediapipe_pose_33`` and/or
        ``openpose_body_18`` on the same clock (the first individual is written).
    frame_text
        Text spoken at each frame, indexed by time (see :attr:`KeypointFile.frame_text`); default empty.
    decimals
        Decimal places of the coordinates (an integer >= 0; confidences get 4).

    Returns
    -------
    Path
        ``path``.
    """
    check_int("decimals", decimals, minimum=0)
    if not isinstance(poses, dict) or not poses:
        got = "no poses" if isinstance(poses, dict) else f"a {type(poses).__name__}"
        raise ParameterError(f"invalid value for poses: expected a mapping of layout -> pose dataset to write to "
                             f"{path}, got {got}", name="poses")
    unknown = set(poses) - set(WRITE_KEYS)
    if unknown:
        raise ParameterError(f"invalid value for poses: expected layouts from {sorted(WRITE_KEYS)} (keypoint JSON "
                             f"holds no others), got {sorted(map(str, unknown))}", name="poses",
                             allowed=tuple(sorted(WRITE_KEYS)))
    first = next(iter(poses.values()))
    times = first["time"].values
    for name, ds in poses.items():
        if not np.array_equal(ds["time"].values, times):
            raise SchemaError(f"expected every layout on one clock, got layout {name} on a different clock from "
                              f"the others", where=f"layout {name}")
    layers = []
    for name, ds in poses.items():
        ds = ds.reindex(keypoint=list(get_layout(name).keypoints))  # layout order; absent points are null
        pos = ds["position"].isel(individual=0).transpose("time", "keypoint", "space").values
        conf = ds["confidence"].isel(individual=0).values[:, :, None]
        conf_name = "visibility" if name == "mediapipe_pose_33" else "confidence"
        keys = [*map(str, ds["space"].values), conf_name]
        rounded = np.concatenate([np.round(pos.astype(np.float64), decimals),
                                  np.round(conf.astype(np.float64), 4)], axis=2)
        layers.append((WRITE_KEYS[name], keys, rounded))
    text = [""] * len(times) if frame_text is None else [str(s) for s in frame_text.reindex(times, fill_value="")]
    fps = float(first.attrs.get("fps", math.nan))
    meta = {
        "format": FORMAT_NAME, "version": 1, "fps": fps if math.isfinite(fps) else None,
        "layouts": sorted(poses), "coords": first.attrs.get("coords", "normalized"),
        "frame_width": int(first.attrs.get("frame_width", 0)), "frame_height": int(first.attrs.get("frame_height", 0)),
        "extractor": extractor_info(first),
    }
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(meta, default=str, allow_nan=False)[:-1] + ', "frames": [')
        for f, t in enumerate(times):
            frame = {"frame": f, "timestamp": float(t), "text": text[f]}
            for key, keys, rounded in layers:
                frame[key] = [dict(zip(keys, _nan_to_none(row))) for row in rounded[f].tolist()]
            handle.write(("," if f else "") + json.dumps(frame, allow_nan=False))
        handle.write("]}")
    return Path(path)
