"""Typed model and training configuration, with presets ``tiny``, ``base-24k`` and ``base-48k``.

Every size is derived from a few constants defined once (sample rate, hop length, mel bins,
style dimension, widths): the STFT window is four hops, the decoder's iSTFT hop is what the
upsampling leaves of the mel hop, and so on. A config is frozen and rejects unknown keys, so a
misspelt YAML key is an error rather than a silently ignored default. Checkpoints store the
config as JSON and rebuild the model from it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator

from tsukasa.corpus.symbols import SYMBOLS
from tsukasa.errors import ConfigError


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AudioConfig(_Config):
    """Waveform and mel constants; the STFT sizes follow from the hop."""

    sample_rate: int = 24000
    hop_length: int = 300
    n_mels: int = 80
    fmin: float = 0.0
    fmax: float | None = None  # None: Nyquist
    f0_min: float = 50.0
    f0_max: float = 1000.0

    @property
    def win_length(self) -> int:
        return 4 * self.hop_length

    @property
    def n_fft(self) -> int:
        return 1 << math.ceil(math.log2(self.win_length))

    @property
    def frame_rate(self) -> float:
        return self.sample_rate / self.hop_length


class MLSTMConfig(_Config):
    """mLSTM stack settings. ``backend="auto"`` picks triton kernels on CUDA, native torch on CPU.

    Sequences are processed in windows of ``context_length`` steps with the recurrent state carried
    from one window to the next, so any length works with bounded memory; ``chunk_size`` is the
    chunkwise kernel's chunk (windows are padded to a multiple of it).
    """

    num_blocks: int = 8
    num_heads: int = 4
    context_length: int = 512
    chunk_size: int = 64
    backend: Literal["auto", "native", "triton"] = "auto"
    bidirectional: bool = True  # alternate directions block by block

    @model_validator(mode="after")
    def _check(self) -> MLSTMConfig:
        if self.context_length % self.chunk_size:
            raise ValueError(f"context_length {self.context_length} is not a multiple of chunk_size")
        return self


class DecoderConfig(_Config):
    """iSTFTNet (``istftnet``) or HiFi-GAN (``hifigan``) generator with an NSF harmonic source."""

    kind: Literal["istftnet", "hifigan"] = "istftnet"
    channels: int = 512  # width after the input encoder; halves at each upsampling
    upsample_rates: tuple[int, ...] = (10, 6)
    resblock_kernels: tuple[int, ...] = (3, 7, 11)
    resblock_dilations: tuple[int, ...] = (1, 3, 5)
    harmonics: int = 8


class DiscriminatorConfig(_Config):
    periods: tuple[int, ...] = (2, 3, 5, 7, 11)
    resolutions: tuple[tuple[int, int, int], ...] = ((1024, 120, 600), (2048, 240, 1200), (512, 50, 240))
    channels: int = 32


class AuxConfig(_Config):
    """Auxiliary models trained from scratch: text aligner, pitch extractor, phoneme BERT."""

    aligner_dim: int = 256
    pitch_dim: int = 128
    pitch_bins: int = 256
    bert_dim: int = 256
    bert_layers: int = 4
    bert_heads: int = 4
    bert_max_len: int = 512


class TrainConfig(_Config):
    lr: float = 1e-4
    disc_lr: float = 1e-4
    betas: tuple[float, float] = (0.0, 0.99)
    weight_decay: float = 1e-4
    grad_clip: float = 5.0
    max_batch_duration: float = 60.0  # seconds of audio per batch (DynamicBucketingSampler)
    num_buckets: int = 10
    segment_frames: int = 80  # mel frames decoded per utterance (random window)
    warmup_steps: int = 100
    adv_start_step: int = 0  # adversarial losses join after this many steps
    tma_start_step: int = 0  # monotonic (hard) alignment used after this many steps
    lambda_mel: float = 5.0
    lambda_adv: float = 1.0
    lambda_fm: float = 1.0
    lambda_ctc: float = 1.0
    lambda_attn: float = 1.0
    lambda_mono: float = 1.0
    mixed_precision: Literal["no", "bf16"] = "no"
    log_every: int = 1
    checkpoint_every: int = 1000
    seed: int = 0


class ModelConfig(_Config):
    """The whole model. Widths are the few free constants; everything else is derived."""

    name: str = "custom"
    audio: AudioConfig = AudioConfig()
    n_symbols: int = len(SYMBOLS)
    hidden_dim: int = 256  # text encoder / prosody width
    style_dim: int = 128  # each of acoustic and prosodic style
    text_conv_layers: int = 3
    text_kernel_size: int = 5
    style_channels: int = 64  # first conv width of the style encoders; doubles per downsampling
    max_duration: int = 50  # frames per phoneme (duration classes)
    dropout: float = 0.2
    text_mlstm: MLSTMConfig = MLSTMConfig()
    prosody_mlstm: MLSTMConfig = MLSTMConfig(num_blocks=2)
    decoder: DecoderConfig = DecoderConfig()
    discriminator: DiscriminatorConfig = DiscriminatorConfig()
    aux: AuxConfig = AuxConfig()
    train: TrainConfig = TrainConfig()

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> ModelConfig:
        up = math.prod(self.decoder.upsample_rates)
        if self.audio.hop_length % up:
            raise ValueError(f"hop_length {self.audio.hop_length} is not divisible by the decoder upsampling {up}")
        # A checkpoint's config needs only the table it was trained with (a prefix of today's:
        # the table grows by appending); a new model needs today's whole table.
        needed = (info.context or {}).get("trained_symbols", len(SYMBOLS))
        if self.n_symbols < needed:
            raise ValueError(f"n_symbols {self.n_symbols} < symbol table size {needed}")
        return self

    @property
    def istft_hop(self) -> int:
        """Samples per decoder output frame left after the upsampling layers."""
        return self.audio.hop_length // math.prod(self.decoder.upsample_rates)

    @property
    def istft_n_fft(self) -> int:
        return 4 * self.istft_hop

    @property
    def decoder_out_channels(self) -> int:
        return self.decoder.channels // (2 ** len(self.decoder.upsample_rates))

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def _tiny() -> ModelConfig:
    mlstm = MLSTMConfig(num_blocks=2, num_heads=2, context_length=32, chunk_size=16)
    return ModelConfig(
        name="tiny",
        audio=AudioConfig(sample_rate=24000, hop_length=300, n_mels=40),
        hidden_dim=32,
        style_dim=16,
        text_conv_layers=1,
        style_channels=8,
        max_duration=30,
        dropout=0.0,
        text_mlstm=mlstm,
        prosody_mlstm=mlstm.model_copy(update={"num_blocks": 1}),
        decoder=DecoderConfig(channels=32, upsample_rates=(10, 6), resblock_kernels=(3,), harmonics=4),
        discriminator=DiscriminatorConfig(periods=(2, 3), resolutions=((512, 60, 240),), channels=4),
        aux=AuxConfig(
            aligner_dim=32,
            pitch_dim=16,
            pitch_bins=64,
            bert_dim=32,
            bert_layers=1,
            bert_heads=2,
            bert_max_len=256,
        ),
        train=TrainConfig(
            lr=2e-3,
            disc_lr=2e-3,
            betas=(0.8, 0.99),
            max_batch_duration=12.0,
            num_buckets=2,
            segment_frames=24,
            warmup_steps=0,
            checkpoint_every=100000,
        ),
    )


def _base_24k() -> ModelConfig:
    # The seed's sizes: 8 mLSTM blocks, 4 heads, width 256 in the text encoder; 128 + 128 style.
    return ModelConfig(name="base-24k")


def _base_48k() -> ModelConfig:
    return ModelConfig(
        name="base-48k",
        audio=AudioConfig(sample_rate=48000, hop_length=600, n_mels=128),
        decoder=DecoderConfig(upsample_rates=(10, 6, 2)),
        discriminator=DiscriminatorConfig(resolutions=((2048, 240, 1200), (4096, 480, 2400), (1024, 100, 480))),
    )


PRESETS = {"tiny": _tiny, "base-24k": _base_24k, "base-48k": _base_48k}


def load_config(name_or_path: str | Path) -> ModelConfig:
    """A preset name (``tiny``, ``base-24k``, ``base-48k``) or a JSON/YAML file of a ``ModelConfig``.

    A file may name a ``preset`` to start from and override only some fields (nested dicts merge).
    """
    key = str(name_or_path)
    if key in PRESETS:
        return PRESETS[key]()
    path = Path(key)
    if not path.is_file():
        raise ConfigError(f"no preset or config file named {key!r} (presets: {', '.join(PRESETS)})")
    is_yaml = path.suffix in {".yaml", ".yml"}
    try:
        text = path.read_text(encoding="utf-8-sig")
        if is_yaml:
            import yaml  # optional: only needed for YAML files

            data = yaml.safe_load(text) or {}
        else:
            data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: a model config is UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except Exception as exc:  # json.JSONDecodeError or yaml.YAMLError: the file is not what its name says
        if not isinstance(exc, ValueError) and not type(exc).__module__.startswith("yaml"):
            raise
        mark = getattr(exc, "problem_mark", None)  # YAML's: where and what, as its message's last lines say
        what = f"line {mark.line + 1}: {exc.problem}" if mark is not None else str(exc).splitlines()[0]
        raise ConfigError(f"{path}: not valid {'YAML' if is_yaml else 'JSON'}: {what}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a model config is a mapping of fields, got {type(data).__name__}")
    base = data.pop("preset", None)
    if base is not None:
        if base not in PRESETS:
            raise ConfigError(f"{path}: unknown preset {base!r}")
        data = _merge(PRESETS[base]().model_dump(), data)
    try:
        return ModelConfig.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {loc}: {first['msg']}") from None


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
