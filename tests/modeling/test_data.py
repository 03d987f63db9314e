"""The Lhotse data path: Shar export → sampler → padded batches; bad cuts are named errors."""

from __future__ import annotations

import pytest
import torch
from lhotse import CutSet

from tsukasa.corpus.symbols import PAD_ID, SYMBOL_TO_ID
from tsukasa.errors import DatasetError
from tsukasa.modeling.config import load_config
from tsukasa.modeling.data import TtsDataset, load_cuts, make_loader, make_sampler, speaker_index

CFG = load_config("tiny")


def test_sampler_over_shar_export_yields_padded_batches(cuts: CutSet, tmp_path) -> None:
    (tmp_path / "shar").mkdir()
    cuts.to_shar(tmp_path / "shar", fields={"recording": "flac"}, shard_size=3)
    shar = load_cuts(tmp_path / "shar")
    speakers = speaker_index(cuts)
    loader = make_loader(make_sampler(shar, CFG, shuffle=False), TtsDataset(CFG, speakers))
    batches = list(loader)
    assert sum(len(b.cut_ids) for b in batches) == len(cuts)
    assert sorted(i for b in batches for i in b.cut_ids) == sorted(cuts.ids)
    hop = CFG.audio.hop_length
    for b in batches:
        n = len(b.cut_ids)
        assert b.ids.shape == (n, int(b.text_lengths.max())) and b.ids.dtype == torch.long
        assert b.mels.shape == (n, CFG.audio.n_mels, int(b.frame_lengths.max()))
        assert b.wavs.shape == (n, b.mels.shape[-1] * hop) and b.f0.shape == (n, b.mels.shape[-1])
        assert (b.speakers >= 0).all() and torch.isfinite(b.mels).all()
        assert sum(cuts[i].duration for i in b.cut_ids) <= CFG.train.max_batch_duration
        for k in range(n):
            assert (b.ids[k, b.text_lengths[k] :] == PAD_ID).all()
            assert (b.f0[k, : b.frame_lengths[k]] > 0).float().mean() > 0.3  # speech is mostly voiced
    # the same audio as the source cuts (FLAC is lossless)
    first = batches[0]
    src = cuts[first.cut_ids[0]].load_audio()[0]
    torch.testing.assert_close(first.wavs[0, : len(src)], torch.from_numpy(src), atol=1e-4, rtol=0)


def test_nonverbal_events_become_tag_tokens(cuts: CutSet) -> None:
    cut = cuts[0]
    sup = cut.supervisions[0]
    events = [
        {"start": 0.1, "end": 0.3, "kind": "laugh", "source": "text"},
        {"start": 0.5, "end": 0.6, "kind": "music", "source": "model"},
    ]  # music has no token
    tagged = cut.__class__(
        id=cut.id,
        start=cut.start,
        duration=cut.duration,
        channel=0,
        recording=cut.recording,
        supervisions=[sup.__class__(**{**sup.to_dict(), "custom": {**sup.custom, "nonverbal": events}})],
    )
    batch = TtsDataset(CFG)[CutSet.from_cuts([tagged])]
    assert batch.nonverbal.tolist() == [[SYMBOL_TO_ID["<laugh>"]]]
    assert batch.speakers.tolist() == [-1]  # no speaker index given


def test_missing_phonemes_is_a_named_error(cuts: CutSet) -> None:
    cut = cuts[0]
    sup = cut.supervisions[0]
    bare = cut.__class__(
        id=cut.id,
        start=cut.start,
        duration=cut.duration,
        channel=0,
        recording=cut.recording,
        supervisions=[sup.__class__(**{**sup.to_dict(), "custom": {}})],
    )
    with pytest.raises(DatasetError, match=cut.id):
        TtsDataset(CFG)[CutSet.from_cuts([bare])]


def test_missing_dataset_is_a_named_error(tmp_path) -> None:
    with pytest.raises(DatasetError, match="no such dataset"):
        load_cuts(tmp_path / "nope")
