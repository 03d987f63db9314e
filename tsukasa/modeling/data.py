"""Lhotse data path: a CutSet or a Shar export → DynamicBucketingSampler → typed padded batches.

Phonemes arrive precomputed in ``supervision.custom["phonemes"]`` (the text front-end ran in the
pipeline), so training needs no pyopenjtalk. Audio is resampled to the model's rate by Lhotse when
the standardised audio differs. F0 targets come from the classical tracker (``features.track_f0``):
precomputed in the shards when the export stored them (``prepare.F0Extractor``; used only when
their recorded settings match this config), else tracked per batch.
The dataset itself is deterministic: randomness (segment crops) lives in the trainer, whose RNG is
checkpointed, so a resumed run sees exactly the batches an uninterrupted one would.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import torch
from lhotse import CutSet
from lhotse.dataset import DynamicBucketingSampler

from tsukasa.corpus.symbols import PAD_ID, SYMBOL_TO_ID, encode
from tsukasa.errors import DatasetError
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.features import MelSpectrogram, track_f0
from tsukasa.modeling.prepare import F0_SILENCE_DB, F0_THRESHOLD, f0_meta, load_wav


@dataclass
class Batch:
    """A padded training batch. B items, N phonemes, T mel frames, S = T * hop samples."""

    cut_ids: list[str]
    ids: torch.Tensor  # (B, N) long, PAD_ID padded
    text_lengths: torch.Tensor  # (B,) long
    mels: torch.Tensor  # (B, n_mels, T) log-mel, padded with log(1e-5)
    frame_lengths: torch.Tensor  # (B,) long
    wavs: torch.Tensor  # (B, S) float, zero padded
    f0: torch.Tensor  # (B, T) Hz, 0 where unvoiced or padding
    speakers: torch.Tensor  # (B,) long, -1 when the speaker is not in the index
    nonverbal: torch.Tensor  # (B, K) long: non-verbal tag tokens of the utterance, PAD_ID padded

    def to(self, device: torch.device | str) -> Batch:
        moved = {f.name: getattr(self, f.name) for f in fields(self)}
        return Batch(**{k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in moved.items()})


def load_cuts(source: CutSet | str | Path) -> CutSet:
    """A CutSet, a cuts manifest (``.jsonl`` / ``.jsonl.gz``), a Shar folder, or a dataset folder
    (``data_manifests/<name>/``: its ``shar/`` if exported, else its ``cuts.jsonl.gz``)."""
    if isinstance(source, CutSet):
        return source
    path = Path(source)
    if path.is_dir():
        if any(path.glob("cuts.*.jsonl*")):
            return CutSet.from_shar(in_dir=path)
        if (path / "shar").is_dir():
            return CutSet.from_shar(in_dir=path / "shar")
        if (path / "cuts.jsonl.gz").is_file():
            return CutSet.from_jsonl_lazy(path / "cuts.jsonl.gz")
        raise DatasetError(f"{path}: no Shar shards, shar/ folder or cuts.jsonl.gz found")
    if path.is_file():
        return CutSet.from_jsonl_lazy(path)
    raise DatasetError(f"{path}: no such dataset, manifest or Shar folder")


def speaker_index(cuts: CutSet) -> list[str]:
    """Sorted speaker names of a (finite) CutSet: position = speaker id."""
    return sorted({s.speaker for c in cuts for s in c.supervisions if s.speaker})


def cut_phonemes(cut) -> list[str]:
    if len(cut.supervisions) != 1:
        raise DatasetError(f"cut {cut.id}: expected one supervision, found {len(cut.supervisions)}")
    phonemes = (cut.supervisions[0].custom or {}).get("phonemes")
    if not phonemes:
        raise DatasetError(f"cut {cut.id}: supervision has no custom 'phonemes' (run the phonemize stage)")
    return list(phonemes)


class TtsDataset(torch.utils.data.Dataset):
    """Lhotse-style map dataset: ``dataset[cuts]`` (a CutSet from the sampler) → :class:`Batch`.

    ``f0_sources`` counts where each item's F0 came from (``stored`` / ``tracked``), so a trainer or
    benchmark can see whether the shards' precomputed F0 is really used.
    """

    def __init__(self, cfg: ModelConfig, speakers: Sequence[str] = (), use_stored_f0: bool = True):
        self.cfg = cfg
        self.mel = MelSpectrogram(cfg.audio)
        self.speakers = {s: i for i, s in enumerate(speakers)}
        self.use_stored_f0 = use_stored_f0
        self.f0_meta = f0_meta(cfg.audio)
        self.f0_sources: Counter[str] = Counter()
        self._warned = False

    def _stored_f0(self, cut, n_samples: int) -> torch.Tensor | None:  # noqa: ANN001 - lhotse Cut
        """The cut's precomputed F0 when it was made for this audio config and spans its frames."""
        if not self.use_stored_f0 or not cut.has_custom("f0"):
            return None
        meta = cut.custom.get("f0_meta")
        frames = n_samples // self.cfg.audio.hop_length + 1
        if meta != self.f0_meta:
            return self._mismatch(cut, f"was made with {meta}, this config needs {self.f0_meta}")
        f0 = cut.load_custom("f0")
        if f0.ndim != 1 or f0.shape[0] != frames:
            return self._mismatch(cut, f"has shape {tuple(f0.shape)}, its audio has {frames} frames")
        return torch.from_numpy(np.ascontiguousarray(f0, dtype=np.float32))

    def _mismatch(self, cut, why: str) -> None:  # noqa: ANN001
        # Stored F0 that does not fit is ignored (tracked instead): correct, but slow, so say it once.
        if not self._warned:
            warnings.warn(f"cut {cut.id}: stored F0 {why}; tracking F0 on the fly instead", stacklevel=3)
            self._warned = True
        return None

    def _item(self, cut) -> dict:
        hop = self.cfg.audio.hop_length
        ids = encode(cut_phonemes(cut), context=cut.id)
        wav = load_wav(cut, self.cfg.audio.sample_rate)
        sup = cut.supervisions[0]
        events = (sup.custom or {}).get("nonverbal") or []
        tags = [SYMBOL_TO_ID[f"<{e['kind']}>"] for e in events if f"<{e['kind']}>" in SYMBOL_TO_ID]
        frames = wav.shape[0] // hop + 1
        if len(ids) > frames:
            raise DatasetError(f"cut {cut.id}: {len(ids)} phonemes in only {frames} frames")
        f0 = self._stored_f0(cut, wav.shape[0])
        return dict(id=cut.id, ids=ids, wav=wav, speaker=self.speakers.get(sup.speaker, -1), tags=tags, f0=f0)

    def __getitem__(self, cuts: CutSet) -> Batch:
        items = [self._item(c) for c in cuts]
        hop = self.cfg.audio.hop_length
        B = len(items)
        N = max(len(it["ids"]) for it in items)
        S = max(it["wav"].shape[0] for it in items)
        T = S // hop + 1
        ids = torch.full((B, N), PAD_ID, dtype=torch.long)
        wavs = torch.zeros(B, T * hop)
        K = max([len(it["tags"]) for it in items] + [1])
        tags = torch.full((B, K), PAD_ID, dtype=torch.long)
        for b, it in enumerate(items):
            ids[b, : len(it["ids"])] = torch.tensor(it["ids"])
            wavs[b, : it["wav"].shape[0]] = it["wav"]
            tags[b, : len(it["tags"])] = torch.tensor(it["tags"], dtype=torch.long)
        n_samples = torch.tensor([it["wav"].shape[0] for it in items])
        frame_lengths = n_samples // hop + 1
        f0 = torch.zeros(B, T)
        missing = [b for b, it in enumerate(items) if it["f0"] is None]
        for b, it in enumerate(items):
            if it["f0"] is not None:
                f0[b, : it["f0"].shape[0]] = it["f0"]
        self.f0_sources.update(stored=B - len(missing), tracked=len(missing))
        with torch.no_grad():
            mels = self.mel(wavs)[..., :T]
            if missing:
                tracked = track_f0(wavs[missing], self.cfg.audio, threshold=F0_THRESHOLD, silence_db=F0_SILENCE_DB)
                f0[missing] = tracked[..., :T]
        pad = torch.arange(T)[None, :] >= frame_lengths[:, None]
        mels = mels.masked_fill(pad[:, None, :], torch.log(torch.tensor(1e-5)).item())
        f0 = f0.masked_fill(pad, 0.0)
        return Batch(
            cut_ids=[it["id"] for it in items],
            ids=ids,
            text_lengths=torch.tensor([len(it["ids"]) for it in items]),
            mels=mels,
            frame_lengths=frame_lengths,
            wavs=wavs,
            f0=f0,
            speakers=torch.tensor([it["speaker"] for it in items], dtype=torch.long),
            nonverbal=tags,
        )


def make_sampler(
    cuts: CutSet,
    cfg: ModelConfig,
    shuffle: bool = True,
    seed: int = 0,
    world_size: int | None = None,
    rank: int | None = None,
) -> DynamicBucketingSampler:
    """Duration-bucketed batches of at most ``train.max_batch_duration`` seconds; state is checkpointable."""
    return DynamicBucketingSampler(
        cuts,
        max_duration=cfg.train.max_batch_duration,
        num_buckets=cfg.train.num_buckets,
        shuffle=shuffle,
        seed=seed,
        drop_last=False,
        world_size=world_size,
        rank=rank,
        buffer_size=max(1000, 100 * cfg.train.num_buckets),
    )


def make_loader(sampler: DynamicBucketingSampler, dataset: TtsDataset) -> torch.utils.data.DataLoader:
    # Batches are built in the main process: the sampler's state then matches what was consumed,
    # which exact resume relies on (workers would prefetch ahead of the checkpointed state). The
    # loader gets its own generator: each ``iter(loader)`` draws a seed, and drawing it from the
    # global RNG would make the training RNG depend on where an epoch was cut by a resume.
    return torch.utils.data.DataLoader(
        dataset, sampler=sampler, batch_size=None, num_workers=0, generator=torch.Generator().manual_seed(0)
    )
