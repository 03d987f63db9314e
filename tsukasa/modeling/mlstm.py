"""A bidirectional mLSTM stack over padded batches, on xLSTM's chunkwise mLSTM blocks.

The same weights run with native torch kernels on CPU and triton kernels on CUDA (chosen by
``MLSTMConfig.backend``), so a checkpoint moves between machines. StyleTTS 2 used BiLSTMs here;
an mLSTM is causal, so blocks alternate direction: odd blocks see each sequence reversed
*within its length* (padding stays at the end, so it never leaks into the real frames).

Sequences longer than ``context_length`` are processed window by window, carrying the recurrent
state across windows: exact (equal to one long pass), with memory bounded by the window.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from xlstm.xlstm_large.model import mLSTMBlock, xLSTMLargeConfig

from tsukasa.modeling.config import MLSTMConfig

_KERNELS = {
    "native": dict(
        chunkwise_kernel="chunkwise--native_custbw",
        sequence_kernel="native_sequence__native",
        step_kernel="native",
    ),
    "triton": dict(
        chunkwise_kernel="chunkwise--triton_limit_chunk",
        sequence_kernel="native_sequence__triton",
        step_kernel="triton",
    ),
}


def resolve_backend(backend: str) -> str:
    if backend == "auto":
        return "triton" if torch.cuda.is_available() else "native"
    return backend


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence of x (B, T, D) within its length; positions ≥ length stay put."""
    T = x.shape[1]
    t = torch.arange(T, device=x.device)[None, :]
    lengths = lengths.to(x.device)[:, None]
    idx = torch.where(t < lengths, lengths - 1 - t, t)
    return x.gather(1, idx[..., None].expand_as(x))


class MLSTMStack(nn.Module):
    """(B, T, D), lengths (B,) → (B, T, D). Padded positions of the output are zeroed."""

    def __init__(self, dim: int, cfg: MLSTMConfig):
        super().__init__()
        self.cfg = cfg
        kernels = _KERNELS[resolve_backend(cfg.backend)]
        block_cfg = xLSTMLargeConfig(
            embedding_dim=dim,
            num_heads=cfg.num_heads,
            num_blocks=cfg.num_blocks,
            vocab_size=1,
            mode="train",
            chunk_size=cfg.chunk_size,
            return_last_states=True,
            autocast_kernel_dtype="float32",
            **kernels,
        )
        self.blocks = nn.ModuleList(mLSTMBlock(block_cfg) for _ in range(cfg.num_blocks))
        self.norm = nn.LayerNorm(dim)
        for block in self.blocks:
            # Long memory from the start, as the original mLSTM init: forget-gate biases spread over
            # [3, 6] per head (sigmoid ≈ 0.95–0.998). The block's default (≈ 0) forgets within a few steps.
            layer = block.mlstm_layer
            with torch.no_grad():
                layer.fgate_preact.bias.copy_(torch.linspace(3.0, 6.0, cfg.num_heads))
                layer.igate_preact.bias.normal_(0.0, 0.1)

    def _run_block(self, block: mLSTMBlock, x: torch.Tensor) -> torch.Tensor:
        T = x.shape[1]
        win = self.cfg.context_length
        state = None
        outs = []
        for start in range(0, T, win):
            piece = x[:, start : start + win]
            n = piece.shape[1]
            pad = (-n) % self.cfg.chunk_size  # padding at the end never affects earlier (causal) steps
            piece = F.pad(piece, (0, 0, 0, pad))
            y, state = block(piece, state)
            outs.append(y[:, :n])
        return torch.cat(outs, dim=1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        mask = (torch.arange(x.shape[1], device=x.device)[None, :] < lengths.to(x.device)[:, None])[..., None]
        x = x * mask
        for i, block in enumerate(self.blocks):
            backward = self.cfg.bidirectional and i % 2 == 1
            h = reverse_padded(x, lengths) if backward else x
            h = self._run_block(block, h)
            x = (reverse_padded(h, lengths) if backward else h) * mask
        return self.norm(x) * mask
