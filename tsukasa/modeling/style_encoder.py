"""Style encoder: a reference log-mel → one style vector (acoustic or prosodic style).

Two instances with the same architecture make StyleTTS 2's pair: the acoustic style conditions the
decoder, the prosodic style the prosody predictor. 2-D residual convolutions downsample time and
frequency, then a global average over time (ignoring padding) and a linear layer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from tsukasa.modeling.config import ModelConfig

N_DOWN = 4


class _ResBlock2d(nn.Module):
    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv1 = spectral_norm(nn.Conv2d(c_in, c_in, 3, padding=1))
        self.conv2 = spectral_norm(nn.Conv2d(c_in, c_out, 3, padding=1))
        self.skip = spectral_norm(nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.leaky_relu(x, 0.2))
        h = F.avg_pool2d(h, 2, ceil_mode=True)
        h = self.conv2(F.leaky_relu(h, 0.2))
        skip = F.avg_pool2d(self.skip(x), 2, ceil_mode=True)
        return (h + skip) * (0.5**0.5)


class StyleEncoder(nn.Module):
    """mel (B, n_mels, T), lengths (B,) frames → style (B, style_dim)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c = cfg.style_channels
        self.stem = spectral_norm(nn.Conv2d(1, c, 3, padding=1))
        chans = [c * 2 ** min(i, 3) for i in range(N_DOWN + 1)]
        self.blocks = nn.Sequential(*(_ResBlock2d(chans[i], chans[i + 1]) for i in range(N_DOWN)))
        self.out = nn.Linear(chans[-1], cfg.style_dim)

    def forward(self, mel: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        h = self.blocks(self.stem(mel[:, None]))  # (B, C, F', T')
        h = F.leaky_relu(h, 0.2).mean(dim=2)  # (B, C, T')
        if lengths is None:
            pooled = h.mean(dim=-1)
        else:
            t_len = torch.clamp(torch.ceil(lengths.float() / 2**N_DOWN), min=1).to(h.device)
            mask = torch.arange(h.shape[-1], device=h.device)[None, :] < t_len[:, None]
            pooled = (h * mask[:, None]).sum(-1) / t_len[:, None]
        return self.out(pooled)
