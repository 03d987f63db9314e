"""Phoneme text encoder: symbol embedding → conv stack → bidirectional mLSTM.

Symbols are ids in the package's one symbol table (``tsukasa.corpus.symbols``); ``PAD_ID`` is
padding. The convolutions give local context (neighbouring phonemes and prosody marks), the mLSTM
the long range, as StyleTTS 2's conv + BiLSTM encoder did.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.corpus.symbols import PAD_ID
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.layers import length_mask
from tsukasa.modeling.mlstm import MLSTMStack


class TextEncoder(nn.Module):
    """ids (B, N) long, lengths (B,) → features (B, hidden_dim, N), zero on padding."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.hidden_dim
        self.embedding = nn.Embedding(cfg.n_symbols, d, padding_idx=PAD_ID)
        self.convs = nn.ModuleList(
            nn.Conv1d(d, d, cfg.text_kernel_size, padding=cfg.text_kernel_size // 2)
            for _ in range(cfg.text_conv_layers)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(cfg.text_conv_layers))
        self.dropout = nn.Dropout(cfg.dropout)
        self.mlstm = MLSTMStack(d, cfg.text_mlstm)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = length_mask(lengths, ids.shape[1])[:, None, :]  # (B, 1, N)
        x = self.embedding(ids).transpose(1, 2) * mask  # (B, D, N)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            x = conv(x)
            x = norm(x.transpose(1, 2)).transpose(1, 2)
            x = self.dropout(F.leaky_relu(x, 0.2)) * mask
        x = self.mlstm(x.transpose(1, 2), lengths).transpose(1, 2)
        return x * mask
