"""Pitch extractor trained from scratch (JDC-style): joint pitch classification and voicing detection.

Targets come from the classical tracker in ``features.track_f0``; the network learns a smooth,
differentiable-friendly F0 from mels that is robust where the tracker is noisy. Pitch is classified
into ``pitch_bins`` log-spaced bins between f0_min and f0_max; the F0 read-out is the softmax-weighted
bin centre (in log Hz), zeroed where voicing is below 0.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.modeling.config import ModelConfig


@dataclass
class PitchOutput:
    bin_logits: torch.Tensor  # (B, T, pitch_bins)
    voiced_logits: torch.Tensor  # (B, T)
    f0: torch.Tensor  # (B, T) Hz, 0 where unvoiced


class PitchExtractor(nn.Module):
    """mel (B, n_mels, T) → PitchOutput."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.aux.pitch_dim
        self.lo, self.hi = math.log(cfg.audio.f0_min), math.log(cfg.audio.f0_max)
        self.n_bins = cfg.aux.pitch_bins
        self.conv = nn.Sequential(
            nn.Conv1d(cfg.audio.n_mels, d, 3, padding=1),
            nn.GroupNorm(1, d),
            nn.LeakyReLU(0.2),
            nn.Conv1d(d, d, 3, padding=1),
            nn.GroupNorm(1, d),
            nn.LeakyReLU(0.2),
        )
        self.rnn = nn.LSTM(d, d // 2, batch_first=True, bidirectional=True)
        self.bins = nn.Linear(d, self.n_bins)
        self.voicing = nn.Linear(d, 1)
        self.register_buffer("centres", torch.linspace(self.lo, self.hi, self.n_bins), persistent=False)

    def forward(self, mel: torch.Tensor) -> PitchOutput:
        h, _ = self.rnn(self.conv(mel).transpose(1, 2))
        logits, voiced = self.bins(h), self.voicing(h)[..., 0]
        log_f0 = (logits.softmax(-1) * self.centres).sum(-1)
        f0 = torch.exp(log_f0) * (voiced > 0).float()
        return PitchOutput(logits, voiced, f0)

    def f0_to_bin(self, f0: torch.Tensor) -> torch.Tensor:
        """Hz (any shape) → bin index (long); unvoiced (0 Hz) maps to bin 0 (masked in the loss)."""
        pos = (torch.log(f0.clamp_min(1e-3)) - self.lo) / (self.hi - self.lo) * (self.n_bins - 1)
        return pos.round().clamp(0, self.n_bins - 1).long()

    def loss(self, out: PitchOutput, f0_target: torch.Tensor, frame_mask: torch.Tensor) -> torch.Tensor:
        """CE on bins over voiced frames + BCE on voicing over all real frames."""
        voiced = (f0_target > 0) & frame_mask
        bce = F.binary_cross_entropy_with_logits(out.voiced_logits[frame_mask], voiced[frame_mask].float())
        if not bool(voiced.any()):
            return bce
        ce = F.cross_entropy(out.bin_logits[voiced], self.f0_to_bin(f0_target[voiced]))
        return ce + bce
