"""Acoustic features in torch: log-mel spectrogram, frame energy and a classical F0 tracker.

The mel filterbank is the Slaney-style one librosa builds by default (``librosa.filters.mel``,
htk=False, norm="slaney"); it is computed here in numpy so the model does not import librosa
(the GPU machine carries only light wheels), and a test checks it equals librosa's. Features are
differentiable torch ops so losses on generated waveforms reach the generator.

Frame convention everywhere: ``center=True``, so ``n_frames = n_samples // hop + 1``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tsukasa.modeling.config import AudioConfig


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    # Slaney: linear below 1 kHz, logarithmic above.
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    logstep = np.log(6.4) / 27.0
    mel = f / f_sp
    return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mel)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filterbank(
    sample_rate: int, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None
) -> np.ndarray:
    """Slaney mel filterbank, shape (n_mels, n_fft // 2 + 1), equal to librosa's default."""
    fmax = sample_rate / 2 if fmax is None else fmax
    fft_freqs = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


class MelSpectrogram(nn.Module):
    """Waveform (B, S) → log-mel (B, n_mels, S // hop + 1)."""

    def __init__(
        self,
        audio: AudioConfig,
        n_fft: int | None = None,
        hop_length: int | None = None,
        win_length: int | None = None,
    ):
        super().__init__()
        self.n_fft = n_fft or audio.n_fft
        self.hop = hop_length or audio.hop_length
        self.win = win_length or audio.win_length
        fb = mel_filterbank(audio.sample_rate, self.n_fft, audio.n_mels, audio.fmin, audio.fmax)
        self.register_buffer("fb", torch.from_numpy(fb), persistent=False)
        self.register_buffer("window", torch.hann_window(self.win), persistent=False)

    def forward(self, wav: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(
            wav.float(),
            self.n_fft,
            self.hop,
            self.win,
            self.window,
            center=True,
            pad_mode="reflect",
            return_complex=True,
        )
        mag = torch.sqrt(spec.real.square() + spec.imag.square() + 1e-9)
        return torch.log(torch.clamp(self.fb @ mag, min=1e-5))


def frame_energy(mel: torch.Tensor) -> torch.Tensor:
    """Log-mel (B, n_mels, T) → log energy per frame (B, T), the decoder's N input."""
    return torch.log(torch.exp(mel).square().sum(dim=1) + 1e-5) / 2


@torch.no_grad()
def track_f0(wav: torch.Tensor, audio: AudioConfig, threshold: float = 0.2, silence_db: float = -50.0) -> torch.Tensor:
    """YIN-style F0 in Hz per frame, 0 where unvoiced. (B, S) or (S,) → (B, S // hop + 1).

    The classical target the pitch extractor learns from and stage 1 decodes with: the cumulative
    mean-normalised difference function of each frame, the first dip under ``threshold`` within
    [f0_min, f0_max], refined by parabolic interpolation.
    """
    squeeze = wav.dim() == 1
    x = wav.float().reshape(-1, wav.shape[-1])
    sr, hop = audio.sample_rate, audio.hop_length
    max_lag = int(sr / audio.f0_min) + 1
    min_lag = max(2, int(sr / audio.f0_max))
    win = max_lag  # integration window
    size = win + max_lag
    x = F.pad(x, (size // 2, size // 2 + hop), mode="constant")
    n_frames = wav.shape[-1] // hop + 1
    frames = x.unfold(-1, size, hop)[:, :n_frames]  # (B, T, size)
    frames = frames - frames.mean(-1, keepdim=True)
    # Difference function d(tau) = sum (x_t - x_{t+tau})^2 via FFT autocorrelation.
    nfft = 1 << (2 * size - 1).bit_length()
    spec = torch.fft.rfft(frames, nfft)
    acf = torch.fft.irfft(spec * spec.conj(), nfft)[..., : max_lag + 1]
    sq = frames.square().cumsum(-1)
    energy0 = sq[..., win - 1 : win]
    lags = torch.arange(max_lag + 1)
    # energy of frames[tau : tau + win]
    csum = F.pad(sq, (1, 0))
    energy_tau = csum[..., lags + win] - csum[..., lags]
    d = energy0 + energy_tau - 2 * acf
    d[..., 0] = 0
    cum = d[..., 1:].cumsum(-1) / torch.arange(1, max_lag + 1)
    cmnd = torch.ones_like(d)
    cmnd[..., 1:] = d[..., 1:] / cum.clamp_min(1e-8)
    cmnd[..., :min_lag] = 2.0
    below = cmnd < threshold
    # first dip under the threshold: first index below, then walk to the local minimum
    has = below.any(-1)
    first = torch.where(has, below.float().argmax(-1), cmnd.argmin(-1))
    tau = first.clone()
    for _ in range(max_lag):  # walk downhill; converges in a few steps
        nxt = (tau + 1).clamp(max=max_lag)
        step = cmnd.gather(-1, nxt[..., None])[..., 0] < cmnd.gather(-1, tau[..., None])[..., 0]
        if not bool(step.any()):
            break
        tau = torch.where(step, nxt, tau)
    t0 = (tau - 1).clamp(min=1)
    t2 = (tau + 1).clamp(max=max_lag)
    a, b, c = (cmnd.gather(-1, t[..., None])[..., 0] for t in (t0, tau, t2))
    denom = a - 2 * b + c
    shift = torch.where(denom.abs() > 1e-8, 0.5 * (a - c) / denom, torch.zeros_like(denom)).clamp(-1, 1)
    f0 = sr / (tau.float() + shift)
    rms_db = 10 * torch.log10(energy0[..., 0] / win + 1e-10)
    voiced = has & (rms_db > silence_db) & (f0 >= audio.f0_min) & (f0 <= audio.f0_max)
    f0 = torch.where(voiced, f0, torch.zeros_like(f0))
    return f0[0] if squeeze else f0
