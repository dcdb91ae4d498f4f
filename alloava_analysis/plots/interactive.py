"""Interactive figures (plotly): a skeleton player synchronised with the words and the audio of a window.

The player is one self-contained HTML fragment: a plotly figure with one
animation frame per video frame shown (skeleton on the left, the word
timeline with a moving cursor below), an HTML ``<audio>`` element holding the
window's sound as a WAV data URI, and the transcript of the window with the
word being spoken highlighted. Playing the audio drives the skeleton, the
cursor and the highlighted word; dragging the slider moves the audio. It works
in JupyterLab (trusted output: the cell's own output after running it) and in
HTML exported by nbconvert, offline (plotly.js is embedded).
"""
from __future__ import annotations

import base64
import html
import json
import math
import uuid
from dataclasses import dataclass
from numbers import Real

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..checks import check_int, check_nonnegative, check_range
from ..errors import MissingModalityError, ParameterError
from ..io.audio import wav_bytes
from ..model import CONFIDENCE_DIMS, POSITION_DIMS, Clip
from .figures import POSE_BONES
from .style import plotly_literal

__all__ = ["InteractiveFigure", "skeleton_player"]

KEYPOINT, INDIVIDUAL = POSITION_DIMS[2], POSITION_DIMS[3]
assert CONFIDENCE_DIMS[1:] == (KEYPOINT, INDIVIDUAL)


@dataclass
class InteractiveFigure:
    """An HTML fragment that notebooks display (``_repr_html_``) and reports embed.

    Attributes
    ----------
    html
        The fragment (plotly.js, the figure, the audio and the script that ties them together).
    figure
        The plotly figure (frames included), for inspection or further styling.
    frame_times
        Media time (s) of each animation frame.
    words
        The words of the window: ``(word, start_s, end_s)``.
    """

    html: str
    figure: go.Figure
    frame_times: np.ndarray
    words: list[tuple[str, float, float]]

    def _repr_html_(self) -> str:
        return self.html


def _frame_xy(pose, times: np.ndarray, min_confidence: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Keypoint names, (frames, keypoints, 2) positions in pixels (NaN when hidden) and confidences."""
    frames = pose.sel(time=times, method="nearest").isel({INDIVIDUAL: 0})
    xy = frames["position"].sel(space=["x", "y"]).transpose("time", KEYPOINT, "space").values.astype(float)
    conf = frames["confidence"].transpose("time", KEYPOINT).values.astype(float)
    if pose.attrs.get("coords") == "normalized" and pose.attrs.get("frame_width"):
        xy = xy * np.array([pose.attrs["frame_width"], pose.attrs["frame_height"]], dtype=float)
    xy[conf < min_confidence] = np.nan
    return [str(k) for k in frames[KEYPOINT].values], xy, conf


def _bone_lines(names: list[str], xy: np.ndarray) -> tuple[list, list]:
    """X and y lists of the bones of one frame, ``None`` between bones (one plotly line trace)."""
    index = {n: i for i, n in enumerate(names)}
    xs, ys = [], []
    for a, b in POSE_BONES:
        if a in index and b in index:
            pa, pb = xy[index[a]], xy[index[b]]
            if np.isfinite(pa).all() and np.isfinite(pb).all():
                xs += [float(pa[0]), float(pb[0]), None]
                ys += [float(pa[1]), float(pb[1]), None]
    return xs, ys


def _points(xy: np.ndarray) -> tuple[list, list]:
    ok = np.isfinite(xy).all(axis=1)
    return [float(v) for v in xy[ok, 0]], [float(v) for v in xy[ok, 1]]


def _js(value: object) -> str:
    """``value`` as a JavaScript literal that cannot close the ``<script>`` element it sits in."""
    return json.dumps(value).replace("</", "<\\/")


def _current_word(words: list[tuple[str, float, float]], t: float) -> str:
    return next((w for w, s, e in words if s <= t < e), "")


_SCRIPT = """
<script>
(function () {
  var root = document.getElementById("%(uid)s-root");
  var gd = document.getElementById("%(uid)s");
  var audio = document.getElementById("%(uid)s-audio");
  var spans = root.querySelectorAll("span.alloava-word");
  var times = %(times)s, start = %(start)s, frames = %(frames)s, cursor = %(cursor)s;
  var words = %(words)s, prefix = %(prefix)s;
  var lastFrame = -1, lastWord = -2, target = null;
  function frameAt(t) {
    var lo = 0, hi = times.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (times[mid] <= t) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function wordAt(t) {  // the rule of the Python side: start <= t < end
    for (var k = 0; k < words.length; k++) { if (words[k][1] <= t && t < words[k][2]) return k; }
    return -1;
  }
  // One media time drives everything: the frame drawn, the title's word and the highlighted word are looked
  // up from the same t (the word is never looked up at a frame's time).
  function show(t) {
    var i = frameAt(t), k = wordAt(t);
    spans.forEach(function (s, j) {
      s.style.background = j === k ? "#ffd54f" : "";
      s.style.fontWeight = j === k ? "bold" : "";
    });
    root.dataset.word = k;
    if ((i !== lastFrame || k !== lastWord) && window.Plotly && gd.layout) {
      lastFrame = i; lastWord = k;
      var f = frames[i], title = prefix + "  t = " + t.toFixed(2) + " s  <b>" + (k >= 0 ? words[k][0] : "") + "</b>";
      Plotly.update(gd, {x: [f[0], f[2], [times[i], times[i]]], y: [f[1], f[3], [-0.5, 3]]},
                    {"title.text": title, "sliders[0].active": i}, [0, 1, cursor]);
    }
  }
  // the audio clock after a seek we asked for: the browser may land a hair before the requested time
  function audioTime() {
    var t = start + audio.currentTime;
    if (target !== null && Math.abs(t - target) < 0.02) t = target;
    return t;
  }
  function seek(t) {
    target = t;
    show(t);
    if (audio) audio.currentTime = Math.max(0, t - start);
  }
  function tick() { show(audioTime()); if (!audio.paused) requestAnimationFrame(tick); }
  if (audio) {
    audio.addEventListener("play", function () { target = null; requestAnimationFrame(tick); });
    audio.addEventListener("seeked", function () { show(audioTime()); });
    audio.addEventListener("timeupdate", function () { if (audio.paused) show(audioTime()); });
  }
  spans.forEach(function (s, k) {
    s.addEventListener("click", function () { seek(Math.max(words[k][1], start)); });
  });
  function hook() {
    if (!(window.Plotly && gd.on)) { setTimeout(hook, 100); return; }
    gd.on("plotly_sliderchange", function (e) {
      var i = +e.step.value;
      if (i !== lastFrame) seek(times[i]);
    });
    if (lastWord === -2) show(times[0]);
  }
  hook();
})();
</script>
"""


def skeleton_player(clip: Clip, *, start: float = 0.0, duration: float = 8.0, fps: float = 15.0,
                    audio_rate: int = 16_000, min_confidence: float = 0.3, height: int = 620,
                    include_plotlyjs: bool = True) -> InteractiveFigure:
    """A plotly skeleton player for one window of a clip, synchronised with its words and audio.

    Parameters
    ----------
    clip
        A clip with pose (MediaPipe pose 33 or any layout whose names appear in :data:`POSE_BONES`),
        words and, optionally, audio.
    start, duration
        The window, in seconds of media time.
    fps
        Animation frames per second (the pose is sampled at the nearest video frame).
    audio_rate
        Sample rate of the embedded audio (lower = smaller page; speech needs about 16 kHz).
    min_confidence
        Keypoints below this confidence are hidden.
    height
        Figure height in pixels.
    include_plotlyjs
        Embed plotly.js (about 4.6 MB) so the fragment works offline and in exported HTML.

    Returns
    -------
    InteractiveFigure
        Displayed by Jupyter; ``.html`` for a report, ``.figure`` for the plotly figure.
    """
    check_nonnegative("start", start)
    for name, value in (("duration", duration), ("fps", fps)):
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 < value < math.inf:
            raise ParameterError(f"invalid value for {name}: expected {name} > 0, got {value!r}", name=name)
    check_int("audio_rate", audio_rate, minimum=1)
    check_range("min_confidence", min_confidence, 0.0, 1.0)
    check_int("height", height, minimum=1)
    pose = clip.pose
    if pose is None:
        raise MissingModalityError(f"clip {clip.clip_id!r}: expected pose to draw, got none")
    t_pose = pose["time"].values
    stop = min(start + duration, float(t_pose[-1]))
    if stop <= start:
        raise ParameterError(f"invalid value for start: expected a window inside the pose span "
                             f"[{t_pose[0]:.2f}, {t_pose[-1]:.2f}] s of clip {clip.clip_id!r}, got start {start} s",
                             name="start")
    times = np.arange(start, stop, 1.0 / fps)
    names, xy, _ = _frame_xy(pose, times, min_confidence)
    words = []
    if clip.words is not None:
        shown = clip.words[(clip.words["end"] > start) & (clip.words["start"] < stop)]
        words = [(str(w.word).strip(), float(w.start), float(w.end)) for w in shown.itertuples()]

    fig = make_subplots(rows=2, cols=1, row_heights=[0.76, 0.24], vertical_spacing=0.16)
    bx, by = _bone_lines(names, xy[0])
    px, py = _points(xy[0])
    fig.add_trace(go.Scatter(x=bx, y=by, mode="lines", line={"color": "#1f77b4", "width": 3}, name="bones",
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=px, y=py, mode="markers", marker={"size": 6, "color": "#d62728"}, name="keypoints",
                             hovertemplate="x %{x:.0f} px, y %{y:.0f} px<extra></extra>"), row=1, col=1)
    for k, (w, s, e) in enumerate(words):
        fig.add_trace(go.Scatter(x=[s, e], y=[k % 3, k % 3], mode="lines+text", text=[plotly_literal(w), ""],
                                 textposition="top right", line={"color": "#ff7f0e", "width": 6}, showlegend=False,
                                 customdata=[plotly_literal(w)] * 2,  # not in the template: "%{x}" stays literal
                                 hovertemplate=f"%{{customdata}}: {s:.2f}-{e:.2f} s<extra></extra>"),
                      row=2, col=1)
    fig.add_trace(go.Scatter(x=[times[0], times[0]], y=[-0.5, 3], mode="lines", line={"color": "black", "width": 2},
                             name="now"), row=2, col=1)
    cursor = len(fig.data) - 1
    frames, compact = [], []  # plotly frames for the slider; the same data, compact, for the audio-driven script
    for i, t in enumerate(times):
        bx, by = _bone_lines(names, xy[i])
        px, py = _points(xy[i])
        title = f"{plotly_literal(clip.clip_id)}  t = {t:.2f} s  <b>{plotly_literal(_current_word(words, t))}</b>"
        frames.append(go.Frame(name=f"f{i}", traces=[0, 1, cursor],
                               data=[go.Scatter(x=bx, y=by), go.Scatter(x=px, y=py),
                                     go.Scatter(x=[t, t], y=[-0.5, 3])],
                               layout={"title": {"text": title}}))
        compact.append([[None if v is None else round(v, 1) for v in bx],
                        [None if v is None else round(v, 1) for v in by],
                        [round(v, 1) for v in px], [round(v, 1) for v in py]])
    fig.frames = frames
    finite = xy[np.isfinite(xy).all(axis=2)]
    pad = 40.0
    x_range = [float(finite[:, 0].min()) - pad, float(finite[:, 0].max()) + pad] if finite.size else None
    y_range = [float(finite[:, 1].max()) + pad, float(finite[:, 1].min()) - pad] if finite.size else None
    steps = [{"method": "animate", "label": f"{t:.1f}", "value": str(i),
              "args": [[f"f{i}"], {"mode": "immediate", "frame": {"duration": 0, "redraw": False},
                                   "transition": {"duration": 0}}]} for i, t in enumerate(times)]
    fig.update_layout(height=height, margin={"l": 60, "r": 20, "t": 70, "b": 40}, showlegend=False,
                      title={"text": f"{plotly_literal(clip.clip_id)}  t = {times[0]:.2f} s"},
                      sliders=[{"steps": steps, "currentvalue": {"prefix": "time (s): "}, "pad": {"t": 30}}])
    fig.update_xaxes(title_text="x (px)", range=x_range, row=1, col=1)
    fig.update_yaxes(title_text="y (px)", range=y_range, scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_xaxes(title_text="time (s)", range=[start, stop], row=2, col=1)
    fig.update_yaxes(visible=False, range=[-0.5, 3.2], row=2, col=1)

    uid = f"alloava-player-{uuid.uuid4().hex[:10]}"
    audio_tag = "<p><i>no audio in this clip</i></p>"
    if clip.audio is not None:
        from scipy.signal import resample_poly

        samples = clip.audio.read(start, stop)
        rate = int(clip.audio.samplerate)
        if audio_rate and audio_rate < rate:
            g = np.gcd(rate, int(audio_rate))
            samples, rate = resample_poly(samples, int(audio_rate) // g, rate // g), int(audio_rate)
        uri = "data:audio/wav;base64," + base64.b64encode(wav_bytes(samples, rate)).decode("ascii")
        audio_tag = f'<audio id="{uid}-audio" controls preload="auto" src="{uri}" style="width:100%"></audio>'
    transcript = " ".join(f'<span class="alloava-word" data-start="{s:.3f}" data-end="{e:.3f}" '
                          f'style="cursor:pointer;padding:0 1px">{html.escape(w)}</span>' for w, s, e in words)
    # the page's copy is driven by the script (audio clock -> Plotly.update); the returned figure keeps
    # plotly frames and an animating slider, so it also plays on its own (fig.show())
    page_fig = go.Figure(fig)
    page_fig.frames = []
    page_fig.layout.sliders[0].steps = [{**step, "method": "skip", "args": None} for step in steps]
    plot = page_fig.to_html(full_html=False, include_plotlyjs=False, div_id=uid, config={"displaylogo": False})
    plotlyjs = ""
    if include_plotlyjs:
        from plotly.offline import get_plotlyjs

        # hide an AMD loader (require.js in classic notebooks) so plotly.js sets window.Plotly
        plotlyjs = ("<script>window.__alloavaDefine = window.define; window.define = undefined;</script>"
                    f"<script>if (!window.Plotly) {{ {get_plotlyjs()} }}</script>"
                    "<script>window.define = window.__alloavaDefine;</script>")
    body = (f'<div id="{uid}-root" class="alloava-player" style="max-width:900px">{plotlyjs}{plot}'
            f'<p style="margin:4px 0"><b>audio of {start:.1f}-{stop:.1f} s</b> (play it: the skeleton, the cursor '
            f'and the highlighted word follow; click a word to jump)</p>{audio_tag}'
            f'<p style="line-height:1.8;font-size:14px">{transcript}</p></div>')
    script = _SCRIPT % {"uid": uid, "times": _js([round(float(t), 4) for t in times]), "start": _js(float(start)),
                        "frames": _js(compact), "cursor": cursor,
                        "words": _js([[html.escape(w), s, e] for w, s, e in words]),
                        "prefix": _js(html.escape(clip.clip_id))}
    return InteractiveFigure(html=body + script, figure=fig, frame_times=times, words=words)
