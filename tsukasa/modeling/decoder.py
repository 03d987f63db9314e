"""Decoder: aligned text features + F0 + energy + acoustic style → waveform.

iSTFTNet (default): AdaIN residual blocks at frame rate, transposed-conv upsampling to
``hop / istft_hop`` frames per mel frame, then a magnitude/phase spectrum inverted by ``torch.istft``.
HiFi-GAN (``kind="hifigan"``): one more upsampling stage straight to samples. Both add an NSF-style
harmonic source built from F0 (sines at the harmonics, noise where unvoiced), injected at every
upsampling stage, which is what makes the pitch follow F0 exactly.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.layers import AdaIN1d, AdainResBlock1d


class HarmonicSource(nn.Module):
    """F0 (B, T) Hz at frame rate → excitation (B, 1, T * hop): learned mix of harmonics + noise."""

    def __init__(self, sample_rate: int, hop: int, harmonics: int, sine_amp: float = 0.1, noise_std: float = 0.003):
        super().__init__()
        self.sample_rate, self.hop, self.harmonics = sample_rate, hop, harmonics
        self.sine_amp, self.noise_std = sine_amp, noise_std
        self.merge = nn.Linear(harmonics, 1)

    def forward(self, f0: torch.Tensor) -> torch.Tensor:
        f0 = F.interpolate(f0[:, None], scale_factor=float(self.hop), mode="linear", align_corners=False)
        voiced = (f0 > 0).float()  # (B, 1, S)
        k = torch.arange(1, self.harmonics + 1, device=f0.device, dtype=f0.dtype)[None, :, None]
        inc = (f0 * k / self.sample_rate) % 1.0  # phase increment per sample, per harmonic (B, H, S)
        phase = 2 * math.pi * (torch.cumsum(inc.double(), dim=-1) % 1.0).to(f0.dtype)
        noise_amp = voiced * self.noise_std + (1 - voiced) * self.sine_amp / 3
        sines = self.sine_amp * torch.sin(phase) * voiced + noise_amp * torch.randn_like(phase)
        return torch.tanh(self.merge(sines.transpose(1, 2))).transpose(1, 2)


class _AdaResBlock(nn.Module):
    """HiFi-GAN resblock with AdaIN before each dilated conv. (B, C, L), style (B, S) → (B, C, L)."""

    def __init__(self, channels: int, kernel: int, dilations: tuple[int, ...], style_dim: int):
        super().__init__()
        self.norms = nn.ModuleList(AdaIN1d(style_dim, channels) for _ in dilations)
        self.convs = nn.ModuleList(
            weight_norm(nn.Conv1d(channels, channels, kernel, dilation=d, padding=d * (kernel - 1) // 2))
            for d in dilations
        )

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        for norm, conv in zip(self.norms, self.convs, strict=True):
            x = x + conv(F.leaky_relu(norm(x, s), 0.1))
        return x


class Decoder(nn.Module):
    """asr (B, hidden, T), f0 (B, T) Hz, energy (B, T), style (B, style_dim) → wav (B, T * hop)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        dc, s = cfg.decoder, cfg.style_dim
        self.kind = dc.kind
        self.hop = cfg.audio.hop_length
        self.n_fft, self.istft_hop = cfg.istft_n_fft, cfg.istft_hop
        c = dc.channels
        self.f0_conv = weight_norm(nn.Conv1d(1, 1, 3, padding=1))
        self.n_conv = weight_norm(nn.Conv1d(1, 1, 3, padding=1))
        self.encode = AdainResBlock1d(cfg.hidden_dim + 2, c, s)
        self.decode = nn.ModuleList([AdainResBlock1d(c + 2, c, s), AdainResBlock1d(c + 2, c, s)])
        self.source = HarmonicSource(cfg.audio.sample_rate, self.hop, dc.harmonics)
        rates = list(dc.upsample_rates) + ([self.istft_hop] if dc.kind == "hifigan" else [])
        src_ch = self.n_fft + 2 if dc.kind == "istftnet" else 1
        self.ups, self.noise_convs, self.resblocks = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i, r in enumerate(rates):
            c_out = c // 2 ** (i + 1)
            self.ups.append(
                weight_norm(
                    nn.ConvTranspose1d(c // 2**i, c_out, 2 * r, stride=r, padding=r // 2 + r % 2, output_padding=r % 2)
                )
            )
            stride = math.prod(rates[i + 1 :])
            self.noise_convs.append(
                nn.Conv1d(src_ch, c_out, 2 * stride if stride > 1 else 1, stride=stride, padding=stride // 2)
            )
            self.resblocks.append(
                nn.ModuleList(_AdaResBlock(c_out, k, dc.resblock_dilations, s) for k in dc.resblock_kernels)
            )
        c_last = c // 2 ** len(rates)
        out_ch = self.n_fft + 2 if dc.kind == "istftnet" else 1
        self.post = weight_norm(nn.Conv1d(c_last, out_ch, 7, padding=3))
        self.register_buffer("stft_window", torch.hann_window(self.n_fft), persistent=False)

    @staticmethod
    def _fit(x: torch.Tensor, length: int) -> torch.Tensor:
        return x[..., :length] if x.shape[-1] >= length else F.pad(x, (0, length - x.shape[-1]))

    def forward(self, asr: torch.Tensor, f0: torch.Tensor, energy: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        T = asr.shape[-1]
        f0_feat = self.f0_conv(f0[:, None] / 100.0)  # Hz → O(1)
        n_feat = self.n_conv(energy[:, None])
        x = self.encode(torch.cat([asr, f0_feat, n_feat], dim=1), style)
        for block in self.decode:
            x = block(torch.cat([x, f0_feat, n_feat], dim=1), style)

        src = self.source(f0)  # (B, 1, T * hop)
        if self.kind == "istftnet":
            spec = torch.stft(src[:, 0], self.n_fft, self.istft_hop, self.n_fft, self.stft_window, return_complex=True)
            src = torch.cat([spec.abs(), spec.angle()], dim=1)  # (B, n_fft + 2, frames)
        for up, noise_conv, blocks in zip(self.ups, self.noise_convs, self.resblocks, strict=True):
            x = up(F.leaky_relu(x, 0.1))
            x = x + self._fit(noise_conv(src), x.shape[-1])
            x = sum(block(x, style) for block in blocks) / len(blocks)
        x = self.post(F.leaky_relu(x, 0.01))
        if self.kind == "hifigan":
            return self._fit(torch.tanh(x[:, 0]), T * self.hop)
        half = self.n_fft // 2 + 1
        mag = torch.exp(x[:, :half].clamp(max=10.0))
        phase = torch.sin(x[:, half:])  # bounded phase, as iSTFTNet
        wav = torch.istft(
            torch.polar(mag, phase * math.pi),
            self.n_fft,
            self.istft_hop,
            self.n_fft,
            self.stft_window,
            length=T * self.hop,
        )
        return wav
