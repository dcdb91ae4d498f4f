"""Words from a built-in vocabulary with known syllable counts, laid out in windows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import make_words
from .config import SynthConfig

# --------------------------------------------------------------------------------------------
# vocabulary: real English words, their syllable counts and relative frequencies
# --------------------------------------------------------------------------------------------
_WORDS_BY_SYLLABLES = {
    1: ("the", "a", "and", "to", "of", "in", "that", "it", "is", "we", "you", "this", "for", "on", "with",
        "as", "be", "are", "was", "have", "they", "but", "not", "what", "so", "can", "all", "there", "more",
        "do", "at", "from", "how", "think", "know", "just", "like", "make", "time", "way", "thing", "things",
        "world", "see", "now", "then", "when", "them", "each", "work", "good", "new", "first", "years",
        "want", "help", "look", "find", "great", "life", "small", "big", "long", "right", "last", "part",
        "place", "hand", "school", "light", "point", "change", "start", "talk", "ask", "show", "play",
        "move", "learn", "sound", "word", "words", "speak", "speech", "voice", "built", "made", "said"),
    2: ("people", "very", "about", "really", "into", "little", "something", "other", "only", "after",
        "over", "problem", "thinking", "simple", "question", "answer", "moment", "number", "children",
        "money", "water", "story", "better", "doing", "going", "maybe", "city", "also", "many", "data",
        "system", "human", "woman", "research", "never", "always", "today", "between", "without",
        "someone", "table", "hundred", "listen", "gesture", "nothing", "picture", "morning", "open"),
    3: ("important", "example", "together", "understand", "tomorrow", "computer", "government", "energy",
        "remember", "another", "animal", "interview", "yesterday", "banana", "company", "possible",
        "beautiful", "musical", "however", "potato", "consider", "director", "suddenly", "article"),
    4: ("information", "technology", "education", "community", "America", "conversation", "democracy",
        "experiment", "particular", "security", "activity", "biology", "environment"),
    5: ("opportunity", "university", "imagination", "laboratory", "vocabulary", "electricity"),
}
_WEIGHT_BY_SYLLABLES = {1: 4.0, 2: 1.6, 3: 0.7, 4: 0.35, 5: 0.2}

#: ``{word: syllables}`` of the built-in vocabulary (lower case; the ground truth for syllable counters).
VOCABULARY: dict[str, int] = {w: n for n, words in _WORDS_BY_SYLLABLES.items() for w in words}
_VOCAB_WORDS = np.array(list(VOCABULARY), dtype=object)
_VOCAB_SYLLABLES = np.array(list(VOCABULARY.values()), dtype=np.int64)
_VOCAB_P = np.array([_WEIGHT_BY_SYLLABLES[n] for n in _VOCAB_SYLLABLES]) / sum(
    _WEIGHT_BY_SYLLABLES[n] for n in _VOCAB_SYLLABLES)

# --------------------------------------------------------------------------------------------
# words
# --------------------------------------------------------------------------------------------
def window_word_counts(rate: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Word starts per window: the nearest integer to rate * length (0 for windows under 0.5 s).

    Parameters
    ----------
    rate
        Speech rate per window in words/s.
    lengths
        Window lengths in seconds.

    Returns
    -------
    numpy.ndarray
        int64 word counts.
    """
    counts = np.rint(rate * lengths).astype(np.int64)
    counts[lengths < 0.5] = 0
    return counts


def _sentence_ends(n_words: int, cfg: SynthConfig, rng: np.random.Generator) -> np.ndarray:
    """Boolean per word: True where a sentence ends after it."""
    ends = np.zeros(n_words, dtype=bool)
    i = -1
    lo, hi = cfg.sentence_words
    while i < n_words - 1:
        i = min(i + int(rng.integers(lo, hi + 1)), n_words - 1)
        ends[i] = True
    return ends


def _layout_window(start: float, length: float, syll: np.ndarray, pause_after: np.ndarray,
                   sentence_end: np.ndarray, cfg: SynthConfig,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times of the words of one window, all starts inside ``[start, start + length)``.

    A short lead, then each word followed by a gap: a pause (``cfg.pause_s``) where
    ``pause_after``, else 20-70 ms. The syllable duration is solved so that the lead, words and gaps
    fill the window exactly. When it would exceed ``cfg.syllable_s`` the extra time lengthens the
    pauses; when it would fall short, the gaps shrink first (to 10 ms, and pauses at sentence ends
    to ``pause_s[0]``) and only then the syllables.
    """
    n = syll.size
    lead = float(rng.uniform(0.005, 0.03))
    weight = syll * rng.uniform(0.85, 1.15, n)  # syllables, each word a little faster or slower
    gaps = np.where(pause_after, rng.uniform(*cfg.pause_s, n), rng.uniform(0.02, 0.07, n))
    budget = length - lead
    d_lo, d_hi = cfg.syllable_s
    d = (budget - gaps.sum()) / weight.sum()
    if d > d_hi:  # slow: lengthen the pauses (making the last gap one if there is none)
        d = float(rng.uniform(0.9, 1.0)) * d_hi
        pause = pause_after.copy()
        pause[-1] |= not pause.any()
        share = np.where(pause, rng.uniform(0.5, 1.5, n), 0.0)
        gaps = gaps + (budget - gaps.sum() - d * weight.sum()) * share / share.sum()
    elif d < d_lo:  # fast: shrink the gaps, then the syllables
        gap_min = np.where(sentence_end, cfg.pause_s[0], 0.01)
        room = budget - d_lo * weight.sum() - gap_min.sum()
        if room >= 0:
            d = d_lo
            gaps = gap_min + (gaps - gap_min) * (room / (gaps - gap_min).sum())
        else:
            gaps = gap_min
            d = max((budget - gaps.sum()) / weight.sum(), 0.02)
    durations = d * weight
    starts = start + lead + np.concatenate([[0.0], np.cumsum(durations + gaps)[:-1]])
    return starts, starts + durations


def synthesize_words(windows: pd.DataFrame, cfg: SynthConfig, prob_mean: float,
                     rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Words (``word, start, end, probability, segment``), segments and syllables per word.

    Parameters
    ----------
    windows
        Window table with ``start``, ``end`` (seconds) and ``n_words``.
    cfg
        Generator settings.
    prob_mean
        Mean ASR word probability of the speaker, in (0, 1).
    rng
        Random generator.

    Returns
    -------
    words : pandas.DataFrame
        Words table (one sentence per segment).
    segments : pandas.DataFrame
        ``segment, start, end, text``.
    syllables : numpy.ndarray
        Syllables of each word.
    """
    counts = windows["n_words"].to_numpy()
    n = int(counts.sum())
    idx = rng.choice(_VOCAB_WORDS.size, size=n, p=_VOCAB_P)
    syll = _VOCAB_SYLLABLES[idx]
    ends_sentence = _sentence_ends(n, cfg, rng)
    pause_after = ends_sentence | (rng.random(n) < cfg.pause_probability)
    starts, ends = np.empty(n), np.empty(n)
    first = 0
    for w in windows.itertuples(index=False):
        last = first + int(w.n_words)
        if last > first:
            starts[first:last], ends[first:last] = _layout_window(
                w.start, w.end - w.start, syll[first:last], pause_after[first:last],
                ends_sentence[first:last], cfg, rng)
        first = last
    segment = np.concatenate([[0], np.cumsum(ends_sentence)[:-1]]) if n else np.zeros(0, dtype=np.int64)
    text = _VOCAB_WORDS[idx].copy()
    sentence_start = np.concatenate([[True], ends_sentence[:-1]]) if n else np.zeros(0, dtype=bool)
    for i in np.flatnonzero(sentence_start):
        text[i] = text[i][:1].upper() + text[i][1:]
    for i in np.flatnonzero(ends_sentence):
        text[i] = text[i] + "."
    kappa = cfg.asr_concentration
    prob = rng.beta(prob_mean * kappa, (1 - prob_mean) * kappa, n)
    words = make_words(pd.DataFrame({"word": text.astype(str), "start": starts, "end": ends,
                                     "probability": np.round(prob, 4), "segment": segment}))
    grouped = words.groupby("segment", sort=True)
    segments = pd.DataFrame({"segment": list(grouped.groups), "start": grouped["start"].min().to_numpy(),
                             "end": grouped["end"].max().to_numpy(),
                             "text": grouped["word"].agg(" ".join).to_numpy()})
    return words, segments, syll


def frame_text(words: pd.DataFrame, frame_time: np.ndarray) -> pd.Series:
    """The word being spoken at each frame time ("" when silent).

    Parameters
    ----------
    words
        Words table sorted by start, words not overlapping.
    frame_time
        Frame times in seconds.

    Returns
    -------
    pandas.Series
        One string per frame, indexed by time, named ``text``.
    """
    starts, ends = words["start"].to_numpy(), words["end"].to_numpy()
    i = np.searchsorted(starts, frame_time, side="right") - 1
    inside = (i >= 0) & (frame_time < ends[np.clip(i, 0, None)]) if starts.size else np.zeros(frame_time.size, bool)
    labels = np.where(inside, words["word"].to_numpy(dtype=object)[np.clip(i, 0, None)] if starts.size else "", "")
    return pd.Series(labels.astype(str), index=pd.Index(frame_time, name="time"), name="text")
