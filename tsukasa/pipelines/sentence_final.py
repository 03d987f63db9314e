"""The sentence-final cue of the segment stage: does the speech before a pause end a sentence?

Why: the butted lines the boundary model still merged (30-150 ms apart) and the comma pauses it
must keep (0.3-0.9 s) differ mostly in *what* is said just before the pause. Japanese sentences
end in a small set of forms (-masu/-desu with their devoiced final "su", -ta, -da, -nai, final
particles), while a pause inside a sentence follows a continuation form (the particles wa, ga,
o, ni, de, the -te form, a clause before a comma), and its next phrase starts mid-intonation.
These are segmental and prosodic shapes of the last few hundred milliseconds, which the
hand-made cues (pitch, energy slope, tilt) only approximate. So a small 1-D CNN reads the
log-mel frames of the last ``pre`` frames of speech before the pause and the first ``post``
after it, and its logit becomes one feature (``final_form``) of the boundary model.

It is fitted by ``benchmarks/fit_segment_boundary.py`` on candidate pauses of glued training
sessions (sentences neither benchmark uses; Kokoro stock and blended voices, HTS voice
variants), labelled by construction: a pause between two sentences vs a pause inside one. It
is trained in torch there but scored here in numpy from the shipped ``segment_final.npz``
(two networks of about 24 k weights each), so scoring is deterministic and adds nothing to the
stage's imports.

Input normalisation: log power mel (GE2E's 40 bands, 10 ms hop, the same matrix the speaker
cue uses) minus its per-band mean over the speech frames of the pause's context, in tens of
dB, clipped: this removes the channel and the level, leaving spectral shape and its change
over time. Frames
outside the pause's context (across an accepted boundary, or outside the file) are set to the
floor value and flagged in a 41st "valid" channel.

Since 2026-12-06 (twenty-ninth session) a network can also read the pitch contour (two more channels:
semitones relative to the context's median pitch, and a voiced flag) over a longer window (800 ms before,
400 ms after): on the fitting corpus's out-of-fold pauses that made 21 % fewer errors than the
40 + 24-frame mel-only network (579 / 579 against 725 / 747, two seeds; benchmarks/RESULTS.md). The
window a network reads is its :class:`Geometry`, stored in its weights file, so members of different
geometries can sit side by side; files without one are the original :data:`LEGACY` geometry.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

N_MELS = 40
PITCH_SCALE = 6.0  # semitones per unit of the pitch channel (clipped at +-12 semitones)
FLOOR = -6.0  # in tens of dB below the speech mean
CONV = 32  # channels of both conv layers
HIDDEN = 48
MODEL_FILE = Path(__file__).with_name("segment_final.npz")


@dataclass(frozen=True)
class Geometry:
    """What one network reads: ``pre`` frames before the pause, ``post`` after, and whether the
    two pitch channels follow the mel bands and the valid flag."""

    pre: int = 40
    post: int = 24
    pitch: bool = False

    @property
    def channels(self) -> int:
        return N_MELS + 1 + (2 if self.pitch else 0)

    @property
    def width(self) -> int:
        return self.pre + self.post

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The keys a weights file stores it under (see :func:`geometry`)."""
        return {"pre": np.array(self.pre), "post": np.array(self.post), "pitch": np.array(int(self.pitch))}


LEGACY = Geometry()  # 400 ms before the pause (the final mora or two), 240 ms after; mel only
DEFAULT = Geometry(80, 40, True)  # what new fits read: 800 ms before, 400 ms after, and the pitch


def geometry(weights: dict[str, np.ndarray]) -> Geometry:
    """The window a weights file's networks read (files without the keys: :data:`LEGACY`)."""
    if "pre" not in weights:
        return LEGACY
    return Geometry(int(weights["pre"]), int(weights["post"]), bool(int(weights["pitch"])))


class MelFrames:
    """A file's log mel, ready to cut windows from, each normalised by its own context.

    Normalising by the pause's context (not the whole file) keeps the cue local, like the
    other features: what lies beyond an accepted boundary never changes it. Cumulative sums
    make each context's mean O(1).
    """

    def __init__(self, mel: np.ndarray, active: np.ndarray, f0: np.ndarray | None = None) -> None:
        # the pitch in semitones (NaN where unvoiced), for geometries that read it
        self.st = None if f0 is None else 12.0 * np.log2(np.where(np.isfinite(f0), f0, np.nan) / 100.0)
        self.lm = (np.log10(mel.astype(np.float64) + 1e-10)).astype(np.float64)  # tens of dB
        act = np.zeros(len(self.lm), dtype=np.float64)
        n = min(len(act), len(active))
        act[:n] = active[:n]
        self._cs = np.concatenate([np.zeros((1, N_MELS)), np.cumsum(self.lm * act[:, None], axis=0)])
        self._cn = np.concatenate([[0.0], np.cumsum(act)])
        self._all = self.lm.mean(axis=0) if len(self.lm) else np.zeros(N_MELS)

    def window(self, a: int, b: int, lo: int, hi: int, geom: Geometry = LEGACY) -> np.ndarray:
        """(channels, pre + post): frames [a - pre, a) and [b, b + post), limited to [lo, hi),
        relative to the mean of the speech frames in [lo, hi), clipped to [FLOOR, 3]; with
        ``geom.pitch``, then the pitch relative to the median voiced pitch in [lo, hi) (semitones
        / PITCH_SCALE, 0 where unvoiced) and a voiced flag."""
        pre, post = geom.pre, geom.post
        n = len(self.lm)
        lo_c, hi_c = max(0, lo), min(n, hi)
        count = self._cn[hi_c] - self._cn[lo_c] if hi_c > lo_c else 0.0
        ref = (self._cs[hi_c] - self._cs[lo_c]) / count if count >= 10 else self._all
        out = np.full((geom.channels, pre + post), FLOOR, dtype=np.float32)
        out[N_MELS:] = 0.0
        spans = ((0, a - pre, pre, lo, a), (pre, b, post, b, hi))
        for dst0, src0, size, lim0, lim1 in spans:
            s0, s1 = max(src0, lim0, 0), min(src0 + size, lim1, n)
            if s1 > s0:
                d0, d1 = dst0 + s0 - src0, dst0 + s1 - src0
                out[:N_MELS, d0:d1] = np.clip(self.lm[s0:s1] - ref, FLOOR, 3.0).T
                out[N_MELS, d0:d1] = 1.0
        if geom.pitch:
            self._pitch_rows(out[N_MELS + 1 :], spans, lo, hi)
        return out

    def _pitch_rows(self, rows: np.ndarray, spans: tuple, lo: int, hi: int) -> None:
        """Fill the two pitch channels in place; all zero when the context has under 10 voiced frames
        (no reference: as with the mel mean, only the pause's own context sets the level)."""
        if self.st is None:
            raise ValueError("this network reads the pitch: build MelFrames with the f0 contour")
        st = self.st
        ctx = st[max(0, lo) : min(len(st), hi)]
        ctx = ctx[np.isfinite(ctx)]
        if len(ctx) < 10:
            return
        ref = float(np.median(ctx))
        for dst0, src0, size, lim0, lim1 in spans:
            s0, s1 = max(src0, lim0, 0), min(src0 + size, lim1, len(st))
            if s1 > s0:
                seg = st[s0:s1] - ref
                d0 = dst0 + s0 - src0
                ok = np.isfinite(seg)
                rows[0, d0 : d0 + len(seg)] = np.clip(np.where(ok, seg, 0.0), -12, 12) / PITCH_SCALE
                rows[1, d0 : d0 + len(seg)] = ok


# --- the network: torch for fitting, numpy for scoring (same arithmetic) -----------------------


def torch_net(geom: Geometry = LEGACY) -> Any:
    """The architecture in torch (for the fitting script). Two conv layers shared by the
    before and after windows, average pooling that keeps coarse time (the final mora sits at
    the end of the before window), then a small MLP on both."""
    import torch

    pre = geom.pre

    class FinalNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = torch.nn.Conv1d(geom.channels, CONV, 5, padding=2)
            self.conv2 = torch.nn.Conv1d(CONV, CONV, 5, padding=2)
            self.fc1 = torch.nn.Linear(CONV * (geom.pre // 8 + geom.post // 8), HIDDEN)
            self.fc2 = torch.nn.Linear(HIDDEN, 1)
            self.drop = torch.nn.Dropout(0.2)

        def branch(self, x: Any) -> Any:
            h = torch.nn.functional.avg_pool1d(torch.relu(self.conv1(x)), 2)
            h = torch.nn.functional.avg_pool1d(torch.relu(self.conv2(h)), 4)
            return h.flatten(1)

        def forward(self, x: Any) -> Any:
            h = torch.cat([self.branch(x[:, :, :pre]), self.branch(x[:, :, pre:])], dim=1)
            return self.fc2(self.drop(torch.relu(self.fc1(h)))).squeeze(1)

    return FinalNet()


def weights_from_torch(net: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().astype(np.float32) for k, v in net.state_dict().items()}


def _conv(x: np.ndarray, w: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Same-padded 1-D convolution as one matrix product (im2col): BLAS, not a Python loop."""
    n, c, t = x.shape
    o, _, k = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (k // 2, k // 2)))
    cols = np.lib.stride_tricks.sliding_window_view(xp, k, axis=2)  # n, c, t, k
    cols = cols.transpose(0, 2, 1, 3).reshape(n * t, c * k)
    y = cols @ w.reshape(o, c * k).T + bias
    return y.reshape(n, t, o).transpose(0, 2, 1)


def _pool(x: np.ndarray, p: int) -> np.ndarray:
    t = x.shape[2] // p
    return x[:, :, : t * p].reshape(x.shape[0], x.shape[1], t, p).mean(axis=3)


def logits(windows: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """The network's logit per window (n x channels x width of the file's :class:`Geometry`), in
    numpy float64.

    ``weights`` holds one network (``conv1.weight``...) or an ensemble (``m0.conv1.weight``,
    ``m1.conv1.weight``...), whose logits are averaged. The shipped file is the ensemble of the
    two networks fitted on either half of the training sentences: the boundary trees were
    fitted on exactly such half-data, out-of-fold logits, so their thresholds keep meaning.
    """
    geom = geometry(weights)
    x = np.asarray(windows, dtype=np.float64).reshape(-1, geom.channels, geom.width)
    if len(x) == 0:
        return np.zeros(0)
    members = sorted({k.split(".", 1)[0] for k in weights if k.startswith("m") and "." in k})
    if members:
        return np.mean(
            [
                _logits(x, {k.split(".", 1)[1]: v for k, v in weights.items() if k.startswith(m + ".")}, geom.pre)
                for m in members
            ],
            axis=0,
        )
    return _logits(x, weights, geom.pre)


def _logits(x: np.ndarray, weights: dict[str, np.ndarray], pre: int) -> np.ndarray:
    w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}

    def branch(v: np.ndarray) -> np.ndarray:
        h = _pool(np.maximum(_conv(v, w["conv1.weight"], w["conv1.bias"]), 0.0), 2)
        h = _pool(np.maximum(_conv(h, w["conv2.weight"], w["conv2.bias"]), 0.0), 4)
        return h.reshape(len(h), -1)

    h = np.concatenate([branch(x[:, :, :pre]), branch(x[:, :, pre:])], axis=1)
    h = np.maximum(h @ w["fc1.weight"].T + w["fc1.bias"], 0.0)
    return (h @ w["fc2.weight"].T + w["fc2.bias"])[:, 0]


_LOCK = threading.Lock()
_WEIGHTS: dict[str, dict[str, np.ndarray] | None] = {}


def load_weights(name: str = MODEL_FILE.name) -> dict[str, np.ndarray] | None:
    """Shipped weights (``segment_final.npz``, or another member's file of the boundary
    ensemble beside it, see ``vad.BOUNDARY_MEMBERS``), once per process; None when absent."""
    with _LOCK:
        if name not in _WEIGHTS:
            path = MODEL_FILE.with_name(name)
            if path.is_file():
                with np.load(path) as data:
                    _WEIGHTS[name] = {k: data[k] for k in data.files}
            else:
                _WEIGHTS[name] = None
        return _WEIGHTS[name]


def model_version(name: str = MODEL_FILE.name) -> str:
    w = load_weights(name)
    return str(int(w["version"])) if w is not None and "version" in w else "none"
