"""Text aligner trained from scratch: mel frames → phonemes, with CTC and a monotonic attention.

Two heads over one convolutional mel encoder: a CTC head (frames → symbol ids, blank = ``PAD_ID``,
which never occurs in a target) that learns *what* is said, and a frame-to-phoneme attention trained
with the forward-sum objective (CTC over phoneme *positions*, as in RAD-TTS / "One TTS Alignment
To Rule Them All") that learns *where* each phoneme is. MAS over that attention gives durations.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.corpus.symbols import PAD_ID
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.layers import length_mask


@dataclass
class AlignerOutput:
    ctc_logits: torch.Tensor  # (B, T, n_symbols)
    attn_logprob: torch.Tensor  # (B, T, N) log-softmax over phonemes, -inf-free, padding masked
    attn: torch.Tensor  # (B, N, T) soft alignment (probabilities over phonemes per frame)


def _conv_stack(c_in: int, d: int, n: int) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv1d(c_in, d, 5, padding=2)]
    for _ in range(n):
        layers += [nn.GroupNorm(1, d), nn.GELU(), nn.Conv1d(d, d, 5, padding=2)]
    return nn.Sequential(*layers)


class TextAligner(nn.Module):
    """mel (B, n_mels, T), frame lengths (B,), ids (B, N), text lengths (B,) → AlignerOutput."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.aux.aligner_dim
        self.mel_encoder = _conv_stack(cfg.audio.n_mels, d, 3)
        self.ctc_head = nn.Linear(d, cfg.n_symbols)
        self.text_embedding = nn.Embedding(cfg.n_symbols, d, padding_idx=PAD_ID)
        self.text_encoder = _conv_stack(d, d, 1)
        self.query = nn.Linear(d, d)
        self.scale = d**-0.5

    def forward(
        self, mel: torch.Tensor, frame_lengths: torch.Tensor, ids: torch.Tensor, text_lengths: torch.Tensor
    ) -> AlignerOutput:
        h = self.mel_encoder(mel).transpose(1, 2)  # (B, T, D)
        keys = self.text_encoder(self.text_embedding(ids).transpose(1, 2)).transpose(1, 2)  # (B, N, D)
        scores = (self.query(h) @ keys.transpose(1, 2)) * self.scale  # (B, T, N)
        tmask = length_mask(text_lengths, ids.shape[1])[:, None, :]
        scores = scores.masked_fill(~tmask, -1e4)
        logprob = F.log_softmax(scores, dim=-1)
        fmask = length_mask(frame_lengths, mel.shape[-1])[..., None]
        attn = (logprob.exp() * fmask * tmask).transpose(1, 2)
        return AlignerOutput(self.ctc_head(h), logprob, attn)


def ctc_loss(
    out: AlignerOutput, frame_lengths: torch.Tensor, ids: torch.Tensor, text_lengths: torch.Tensor
) -> torch.Tensor:
    """CTC of the frame → symbol head against the phoneme ids (blank = PAD_ID)."""
    logp = F.log_softmax(out.ctc_logits.float(), dim=-1).transpose(0, 1)
    return F.ctc_loss(logp, ids, frame_lengths, text_lengths, blank=PAD_ID, zero_infinity=True)


def forward_sum_loss(
    out: AlignerOutput, frame_lengths: torch.Tensor, text_lengths: torch.Tensor, blank_logprob: float = -1.0
) -> torch.Tensor:
    """Likelihood of all monotonic paths through the attention: CTC with targets 1..N (0 = blank)."""
    B, T, N = out.attn_logprob.shape
    lp = F.pad(out.attn_logprob.float(), (1, 0), value=blank_logprob)
    lp = F.log_softmax(lp, dim=-1).transpose(0, 1)  # (T, B, N + 1)
    targets = torch.arange(1, N + 1, device=lp.device)[None].expand(B, -1)
    return F.ctc_loss(lp, targets, frame_lengths, text_lengths, blank=0, zero_infinity=True)
