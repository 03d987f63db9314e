"""Losses: multi-resolution mel, LSGAN adversarial, feature matching, duration, F0, energy, alignment.

Alignment losses (CTC, forward-sum) live beside the aligner in ``aligner.py``; TMA's monotonic
loss is here. All masked losses average over real positions only.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.modeling.config import AudioConfig
from tsukasa.modeling.features import MelSpectrogram


class MultiResolutionMelLoss(nn.Module):
    """L1 between log-mels of two waveforms (B, S) at the model's resolution and half / double it."""

    def __init__(self, audio: AudioConfig, scales: tuple[float, ...] = (0.5, 1.0, 2.0)):
        super().__init__()
        self.mels = nn.ModuleList()
        for f in scales:
            hop = max(1, int(audio.hop_length * f))
            win = 4 * hop
            self.mels.append(MelSpectrogram(audio, n_fft=1 << (win - 1).bit_length(), hop_length=hop, win_length=win))

    def forward(self, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        return sum(F.l1_loss(m(fake), m(real)) for m in self.mels) / len(self.mels)


def generator_adv_loss(fake_logits: list[torch.Tensor]) -> torch.Tensor:
    return sum(torch.mean((1 - x) ** 2) for x in fake_logits) / len(fake_logits)


def discriminator_loss(real_logits: list[torch.Tensor], fake_logits: list[torch.Tensor]) -> torch.Tensor:
    pairs = zip(real_logits, fake_logits, strict=True)
    return sum(torch.mean((1 - r) ** 2) + torch.mean(f**2) for r, f in pairs) / len(real_logits)


def feature_matching_loss(real_feats: list[list[torch.Tensor]], fake_feats: list[list[torch.Tensor]]) -> torch.Tensor:
    total, n = 0.0, 0
    for rs, fs in zip(real_feats, fake_feats, strict=True):
        for r, f in zip(rs, fs, strict=True):
            total = total + F.l1_loss(f, r.detach())
            n += 1
    return total / n


def masked_l1(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Smooth L1 over positions where mask (same shape, bool) is True."""
    return F.smooth_l1_loss(pred[mask], target[mask])


def duration_loss(logits: torch.Tensor, durations: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """StyleTTS 2's duration objective: BCE on "at least k frames" + L1 on the expected duration.

    logits (B, N, max_duration), durations (B, N) frames, lengths (B,).
    """
    mask = torch.arange(durations.shape[1], device=durations.device)[None] < lengths[:, None]
    k = torch.arange(logits.shape[-1], device=logits.device)
    target = (k[None, None, :] < durations[..., None]).float()
    bce = F.binary_cross_entropy_with_logits(logits[mask], target[mask])
    l1 = F.l1_loss(torch.sigmoid(logits).sum(-1)[mask], durations[mask].float())
    return bce + l1


def monotonic_loss(soft: torch.Tensor, hard: torch.Tensor, frame_lengths: torch.Tensor) -> torch.Tensor:
    """TMA: pull the soft attention (B, N, T) toward its monotonic path, per real frame."""
    return (soft - hard).abs().sum() / frame_lengths.sum().clamp_min(1)
