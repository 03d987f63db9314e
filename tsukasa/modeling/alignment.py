"""Monotonic alignment utilities: MAS (Viterbi over a soft attention), durations, expansion.

The aligner gives a soft phoneme-to-frame attention; stage 1 trains the decoder on the hard
monotonic path through it (StyleTTS 2's TMA), and the duration targets of stage 2 are that path's
column sums. MAS runs in numpy on CPU (it is a dynamic program, not worth a kernel at these sizes).
"""

from __future__ import annotations

import numpy as np
import torch


def _mas_single(logp: np.ndarray) -> np.ndarray:
    """logp (N, T), N ≤ T → hard path (N, T) 0/1: each frame one phoneme, monotonic, each phoneme ≥ 1."""
    n, t = logp.shape
    neg = -1e9
    q = np.full((n, t), neg, dtype=np.float64)
    q[0, 0] = logp[0, 0]
    for j in range(1, t):
        stay = q[:, j - 1]
        move = np.concatenate([[neg], q[:-1, j - 1]])
        q[:, j] = np.maximum(stay, move) + logp[:, j]
    path = np.zeros((n, t), dtype=np.float32)
    i = n - 1
    for j in range(t - 1, -1, -1):
        path[i, j] = 1
        if i > 0 and j > 0 and (i == j or q[i - 1, j - 1] >= q[i, j - 1]):
            i -= 1
    return path


@torch.no_grad()
def monotonic_alignment(attn: torch.Tensor, text_lengths: torch.Tensor, frame_lengths: torch.Tensor) -> torch.Tensor:
    """Soft attention (B, N, T) (probabilities over phonemes per frame) → hard path (B, N, T).

    Requires text_length ≤ frame_length per item (a phoneme gets at least one frame).
    """
    logp = torch.log(attn.float().clamp_min(1e-8)).cpu().numpy()
    out = np.zeros(logp.shape, dtype=np.float32)
    for b, (n, t) in enumerate(zip(text_lengths.tolist(), frame_lengths.tolist(), strict=True)):
        if n > t:
            raise ValueError(f"item {b}: {n} phonemes but only {t} frames")
        out[b, :n, :t] = _mas_single(logp[b, :n, :t])
    return torch.from_numpy(out).to(attn.device)


def durations_from_path(path: torch.Tensor) -> torch.Tensor:
    """Hard path (B, N, T) → frames per phoneme (B, N) long."""
    return path.sum(-1).long()


def path_from_durations(durations: torch.Tensor, max_frames: int | None = None) -> torch.Tensor:
    """Durations (B, N) → hard path (B, N, T): phoneme i covers frames [cum[i-1], cum[i])."""
    cum = durations.cumsum(-1)
    total = int(cum[:, -1].max()) if max_frames is None else max_frames
    t = torch.arange(total, device=durations.device)[None, None, :]
    return ((t < cum[..., None]) & (t >= (cum - durations)[..., None])).float()
