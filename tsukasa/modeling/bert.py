"""Phoneme-level BERT: a masked-phoneme language model over the corpus's phoneme strings.

Used by the prosody predictor (its hidden states carry sentence context into durations and F0).
Positions are sinusoidal, so any length works; ``bert_max_len`` only bounds training crops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.corpus.symbols import PAD_ID, SPECIAL, SYMBOL_TO_ID
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.layers import length_mask

MASK_ID = SYMBOL_TO_ID["<mask>"]
N_SPECIAL = len(SPECIAL)


@dataclass
class BertOutput:
    hidden: torch.Tensor  # (B, N, bert_dim)
    logits: torch.Tensor  # (B, N, n_symbols)


def sinusoidal_positions(n: int, d: int, device: torch.device) -> torch.Tensor:
    pos = torch.arange(n, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, d, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d, device=device)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)[:, : d // 2]
    return pe


class PhonemeBert(nn.Module):
    """ids (B, N), lengths (B,) → BertOutput."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.aux.bert_dim
        self.embedding = nn.Embedding(cfg.n_symbols, d, padding_idx=PAD_ID)
        layer = nn.TransformerEncoderLayer(d, cfg.aux.bert_heads, 4 * d, dropout=0.1, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.aux.bert_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, cfg.n_symbols)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> BertOutput:
        x = self.embedding(ids) + sinusoidal_positions(ids.shape[1], self.embedding.embedding_dim, ids.device)
        h = self.norm(self.encoder(x, src_key_padding_mask=~length_mask(lengths, ids.shape[1])))
        return BertOutput(h, self.head(h))


def mask_phonemes(
    ids: torch.Tensor,
    lengths: torch.Tensor,
    n_symbols: int,
    generator: torch.Generator | None = None,
    p: float = 0.15,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masking: choose p of real positions; 80 % → <mask>, 10 % → random symbol, 10 % kept.

    Returns (inputs, targets) with targets = -100 where not chosen (ignored by cross-entropy).
    """
    real = length_mask(lengths, ids.shape[1])
    r = torch.rand(ids.shape, generator=generator, device=ids.device)
    chosen = (r < p) & real
    action = torch.rand(ids.shape, generator=generator, device=ids.device)
    random_ids = torch.randint(N_SPECIAL, n_symbols, ids.shape, generator=generator, device=ids.device)
    inputs = torch.where(chosen & (action < 0.8), torch.full_like(ids, MASK_ID), ids)
    inputs = torch.where(chosen & (action >= 0.8) & (action < 0.9), random_ids, inputs)
    targets = torch.where(chosen, ids, torch.full_like(ids, -100))
    return inputs, targets


def mlm_loss(out: BertOutput, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out.logits.transpose(1, 2), targets, ignore_index=-100)
