"""Waveform discriminators: multi-period (HiFi-GAN) and multi-resolution spectrogram (UnivNet).

Each sub-discriminator returns its logits and the feature maps used by the feature-matching loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from tsukasa.modeling.config import DiscriminatorConfig

DiscOutput = tuple[list[torch.Tensor], list[list[torch.Tensor]]]  # logits per sub-disc, features per sub-disc


def _conv_stack(convs: nn.ModuleList, post: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Shared tail of every sub-discriminator: leaky-ReLU convs, a 1-channel post conv, and the
    intermediate maps kept for the feature-matching loss."""
    feats = []
    for conv in convs:
        x = F.leaky_relu(conv(x), 0.1)
        feats.append(x)
    x = post(x)
    feats.append(x)
    return x.flatten(1), feats


class PeriodDiscriminator(nn.Module):
    """wav (B, S) folded to (B, 1, S / p, p), 2-D convs along time → logits, feature maps."""

    def __init__(self, period: int, c: int):
        super().__init__()
        self.period = period
        chans = [1, c, 4 * c, 16 * c, 32 * c]
        self.convs = nn.ModuleList(
            weight_norm(nn.Conv2d(chans[i], chans[i + 1], (5, 1), (3, 1), padding=(2, 0))) for i in range(4)
        )
        self.post = weight_norm(nn.Conv2d(chans[-1], 1, (3, 1), padding=(1, 0)))

    def forward(self, wav: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        pad = (-wav.shape[-1]) % self.period
        x = F.pad(wav[:, None], (0, pad), mode="reflect")
        x = x.view(x.shape[0], 1, -1, self.period)
        return _conv_stack(self.convs, self.post, x)


class ResolutionDiscriminator(nn.Module):
    """wav (B, S) → linear magnitude spectrogram at one (n_fft, hop, win) → 2-D convs → logits."""

    def __init__(self, resolution: tuple[int, int, int], c: int):
        super().__init__()
        self.n_fft, self.hop, self.win = resolution
        self.register_buffer("window", torch.hann_window(self.win), persistent=False)
        chans = [1, 8 * c, 8 * c, 8 * c, 8 * c]
        strides = [(1, 1), (2, 1), (2, 1), (2, 1)]
        self.convs = nn.ModuleList(
            weight_norm(
                nn.Conv2d(
                    chans[i],
                    chans[i + 1],
                    (9, 3) if i else (7, 5),
                    strides[i],
                    padding=(4, 1) if i else (3, 2),
                )
            )
            for i in range(4)
        )
        self.post = weight_norm(nn.Conv2d(chans[-1], 1, 3, padding=1))

    def forward(self, wav: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        spec = torch.stft(wav, self.n_fft, self.hop, self.win, self.window, return_complex=True)
        x = torch.sqrt(spec.real.square() + spec.imag.square() + 1e-9)[:, None]  # (B, 1, F, T)
        return _conv_stack(self.convs, self.post, x)


class Discriminators(nn.Module):
    """All sub-discriminators together: wav (B, S) → (logits list, features list)."""

    def __init__(self, cfg: DiscriminatorConfig):
        super().__init__()
        self.subs = nn.ModuleList(
            [PeriodDiscriminator(p, cfg.channels) for p in cfg.periods]
            + [ResolutionDiscriminator(r, cfg.channels) for r in cfg.resolutions]
        )

    def forward(self, wav: torch.Tensor) -> DiscOutput:
        logits, feats = [], []
        for sub in self.subs:
            lg, ft = sub(wav)
            logits.append(lg)
            feats.append(ft)
        return logits, feats
