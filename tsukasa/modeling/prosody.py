"""Prosody predictor: phoneme durations, frame F0 and energy from text features and prosodic style.

Follows StyleTTS 2's predictor with mLSTM stacks in place of its LSTMs: a duration encoder that
alternates mLSTM and style-conditioned layer norm, a duration head over ``max_duration`` classes
(sigmoid "at least k frames" targets), and F0 / energy branches of AdaIN residual blocks run on the
phoneme features expanded to frames by the alignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.layers import AdainResBlock1d, AdaLayerNorm, length_mask
from tsukasa.modeling.mlstm import MLSTMStack

F0_SCALE_HZ = 100.0


@dataclass
class ProsodyOutput:
    duration_logits: torch.Tensor  # (B, N, max_duration)
    f0: torch.Tensor  # (B, T) Hz (≥ 0)
    energy: torch.Tensor  # (B, T) log energy
    features: torch.Tensor  # (B, N, hidden + style) duration-encoder output, reused at inference


class ProsodyPredictor(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d, s = cfg.hidden_dim, cfg.style_dim
        self.in_proj = nn.Linear(d + s, d)
        self.encoder = MLSTMStack(d, cfg.prosody_mlstm)
        self.enc_norm = AdaLayerNorm(s, d)
        self.dur_mlstm = MLSTMStack(d + s, cfg.prosody_mlstm.model_copy(update={"num_heads": 1}))
        self.dur_proj = nn.Linear(d + s, cfg.max_duration)
        self.frame_mlstm = MLSTMStack(d + s, cfg.prosody_mlstm.model_copy(update={"num_heads": 1}))
        self.frame_proj = nn.Linear(d + s, d)
        self.f0_blocks = nn.ModuleList(
            [
                AdainResBlock1d(d, d, s, dropout=cfg.dropout),
                AdainResBlock1d(d, d // 2, s, dropout=cfg.dropout),
            ]
        )
        self.n_blocks = nn.ModuleList(
            [
                AdainResBlock1d(d, d, s, dropout=cfg.dropout),
                AdainResBlock1d(d, d // 2, s, dropout=cfg.dropout),
            ]
        )
        self.f0_out = nn.Conv1d(d // 2, 1, 1)
        self.n_out = nn.Conv1d(d // 2, 1, 1)

    def encode(self, text: torch.Tensor, lengths: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """text (B, D, N) (e.g. phoneme-BERT features projected), style (B, S) → (B, N, D + S)."""
        mask = length_mask(lengths, text.shape[-1])[..., None]
        s = style[:, None, :].expand(-1, text.shape[-1], -1)
        h = self.in_proj(torch.cat([text.transpose(1, 2), s], dim=-1))
        h = self.enc_norm(self.encoder(h, lengths), style)
        return torch.cat([h, s], dim=-1) * mask

    def durations(self, feats: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(B, N, D + S) → duration logits (B, N, max_duration)."""
        return self.dur_proj(self.dur_mlstm(feats, lengths))

    def f0_energy(
        self, frame_feats: torch.Tensor, frame_lengths: torch.Tensor, style: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Phoneme features expanded to frames (B, T, D + S) → F0 Hz (B, T), log energy (B, T)."""
        h = self.frame_proj(self.frame_mlstm(frame_feats, frame_lengths)).transpose(1, 2)
        f, n = h, h
        for block in self.f0_blocks:
            f = block(f, style)
        for block in self.n_blocks:
            n = block(n, style)
        # Hz through a softplus: unvoiced targets are exactly 0, and the scale keeps the
        # pre-activation near unit range for speech F0 (~100–400 Hz).
        f0 = F.softplus(self.f0_out(f)[:, 0]) * F0_SCALE_HZ
        return f0, self.n_out(n)[:, 0]

    def forward(
        self,
        text: torch.Tensor,
        lengths: torch.Tensor,
        style: torch.Tensor,
        alignment: torch.Tensor,
        frame_lengths: torch.Tensor,
    ) -> ProsodyOutput:
        """Training pass with a known alignment (B, N, T) (hard, from the aligner)."""
        feats = self.encode(text, lengths, style)
        frame_feats = alignment.transpose(1, 2) @ feats  # (B, T, D + S)
        f0, energy = self.f0_energy(frame_feats, frame_lengths, style)
        return ProsodyOutput(self.durations(feats, lengths), f0, energy, feats)
