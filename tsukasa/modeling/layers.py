"""Small building blocks shared by several components: masks, AdaIN, residual conv blocks."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm


def length_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    """(B,) lengths → (B, T) bool, True on real positions."""
    max_len = int(lengths.max()) if max_len is None else max_len
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]


class AdaIN1d(nn.Module):
    """Instance norm whose scale and shift come from a style vector. x (B, C, T), s (B, S)."""

    def __init__(self, style_dim: int, channels: int):
        super().__init__()
        self.norm = nn.InstanceNorm1d(channels, affine=False)
        self.fc = nn.Linear(style_dim, 2 * channels)

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.fc(s)[..., None].chunk(2, dim=1)
        return (1 + gamma) * self.norm(x) + beta


class AdaLayerNorm(nn.Module):
    """Layer norm over channels with style-conditioned scale and shift. x (B, T, C), s (B, S)."""

    def __init__(self, style_dim: int, channels: int):
        super().__init__()
        self.fc = nn.Linear(style_dim, 2 * channels)
        self.channels = channels

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.fc(s)[:, None, :].chunk(2, dim=-1)
        return (1 + gamma) * F.layer_norm(x, (self.channels,)) + beta


class AdainResBlock1d(nn.Module):
    """Residual block (B, C_in, T) → (B, C_out, T·2 if upsample) conditioned on style (B, S)."""

    def __init__(self, c_in: int, c_out: int, style_dim: int, upsample: bool = False, dropout: float = 0.0):
        super().__init__()
        self.upsample = upsample
        self.norm1 = AdaIN1d(style_dim, c_in)
        self.norm2 = AdaIN1d(style_dim, c_out)
        self.conv1 = weight_norm(nn.Conv1d(c_in, c_out, 3, padding=1))
        self.conv2 = weight_norm(nn.Conv1d(c_out, c_out, 3, padding=1))
        self.skip = weight_norm(nn.Conv1d(c_in, c_out, 1, bias=False)) if c_in != c_out else nn.Identity()
        # learned upsampling of the residual path (depthwise transposed conv), nearest for the skip
        self.pool = (
            weight_norm(nn.ConvTranspose1d(c_in, c_in, 3, stride=2, padding=1, output_padding=1, groups=c_in))
            if upsample
            else nn.Identity()
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        skip = F.interpolate(x, scale_factor=2.0, mode="nearest") if self.upsample else x
        skip = self.skip(skip)
        h = F.leaky_relu(self.norm1(x, s), 0.2)
        h = self.pool(h)
        h = self.conv1(self.dropout(h))
        h = F.leaky_relu(self.norm2(h, s), 0.2)
        h = self.conv2(self.dropout(h))
        return (h + skip) * (0.5**0.5)
