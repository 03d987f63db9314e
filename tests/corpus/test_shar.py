"""Shar export: standardised audio + every custom field, local and S3-compatible, read by the training sampler."""

from __future__ import annotations

import math
import socket
from pathlib import Path

import numpy as np
import pytest

from tests.corpus.processed import build_processed
from tsukasa.corpus.shar import export_shar, read_shar, strip_reader_keys
from tsukasa.corpus.splits import split_dataset
from tsukasa.errors import DatasetError


def _assert_same_cuts(ds, shar_cuts, *, exact_audio: bool) -> None:  # noqa: ANN001
    source = {c.id: c for c in ds.cuts()}
    back = {c.id: c for c in shar_cuts}
    assert back.keys() == source.keys()
    for cid, cut in back.items():
        src = source[cid]
        assert strip_reader_keys(cut.custom) == src.custom  # split, provenance, source_path, ...
        assert [s.to_dict() for s in cut.supervisions] == [s.to_dict() for s in src.supervisions]
        assert cut.sampling_rate == src.sampling_rate and cut.duration == pytest.approx(src.duration)
        if exact_audio:
            a, b = cut.load_audio(), src.load_audio()
            assert a.shape == b.shape and np.array_equal(a, b), cid


def test_flac_round_trip_is_sample_exact_with_every_custom_field(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path)
    split_dataset(ds, by="speaker")
    report = export_shar(ds, tmp_path / "shar", shard_size=4)
    assert report.cuts == 10 and len(report.files["cuts"]) == 3 and len(report.files["recording"]) == 3
    assert report.duration_s == pytest.approx(ds.version(3).counts.duration_s, abs=1e-3)
    _assert_same_cuts(ds, read_shar(tmp_path / "shar"), exact_audio=True)
    # an export never silently replaces another
    with pytest.raises(DatasetError, match="already holds files"):
        export_shar(ds, tmp_path / "shar")


def test_split_and_opus_export(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path)
    split_dataset(ds, by="title")
    train = sorted(c.id for c in ds.cuts() if c.custom["split"] == "train")
    flac = export_shar(ds, tmp_path / "flac", split="train", shard_size=2)
    opus = export_shar(ds, tmp_path / "opus", split="train", shard_size=2, audio_format="opus")
    assert len(flac.files["cuts"]) == math.ceil(len(train) / 2)
    got = {c.id: c for c in read_shar(tmp_path / "opus")}
    assert sorted(got) == train and all(c.custom["split"] == "train" for c in got.values())
    size = {d: sum(p.stat().st_size for p in (tmp_path / d).glob("recording.*")) for d in ("flac", "opus")}
    assert size["opus"] < size["flac"] / 3
    src = {c.id: c for c in ds.cuts()}
    for cid, cut in got.items():  # lossy but the same speech: high correlation with the source
        a, b = cut.load_audio()[0], src[cid].load_audio()[0]
        n = min(len(a), len(b))
        assert abs(len(a) - len(b)) < 0.01 * len(b)
        best = max(np.corrcoef(a[k : n - 400 + k], b[: n - 400])[0, 1] for k in range(0, 400, 1))
        assert best > 0.9, (cid, best)
    assert opus.audio_format == "opus"


def test_training_sampler_reads_the_export(tmp_path: Path, dataset_root: Path) -> None:
    from tsukasa.modeling.config import load_config
    from tsukasa.modeling.data import TtsDataset, load_cuts, make_loader, make_sampler, speaker_index

    ds = build_processed(dataset_root, tmp_path, n=6)
    export_shar(ds)  # default: <dataset>/shar, where modeling.data.load_cuts(<dataset>) looks
    cfg = load_config("tiny")
    shar = load_cuts(ds.path)
    assert "shard_origin" in next(iter(shar)).custom  # really read from Shar, not cuts.jsonl.gz
    loader = make_loader(make_sampler(shar, cfg, shuffle=True, seed=1), TtsDataset(cfg, speaker_index(ds.cuts())))
    batches = list(loader)
    assert len(batches) >= 2 and sorted(i for b in batches for i in b.cut_ids) == sorted(c.id for c in ds.cuts())
    assert all((b.speakers >= 0).all() and b.ids.shape[0] == len(b.cut_ids) for b in batches)


def test_unstandardised_audio_is_refused(tmp_path: Path, dataset_root: Path) -> None:
    ds = build_processed(dataset_root, tmp_path, n=2)
    with pytest.raises(DatasetError, match="not standardised"):
        export_shar(ds, tmp_path / "raw-shar", version=1)
    assert not (tmp_path / "raw-shar").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_export_to_s3_compatible_server(tmp_path: Path, dataset_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moto_server = pytest.importorskip("moto.server", reason="moto[server] not installed")
    s3fs = pytest.importorskip("s3fs", reason="s3fs not installed")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        options = {"key": "testing", "secret": "testing", "client_kwargs": {"endpoint_url": f"http://127.0.0.1:{port}"}}
        fs = s3fs.S3FileSystem(**options)
        fs.mkdir("tsukasa-shards")
        ds = build_processed(dataset_root, tmp_path, n=4)
        report = export_shar(ds, "s3://tsukasa-shards/tiny/v2", shard_size=3, storage_options=options)
        assert report.files["cuts"] == ["s3://tsukasa-shards/tiny/v2/cuts.000000.jsonl.gz",
                                        "s3://tsukasa-shards/tiny/v2/cuts.000001.jsonl.gz"]  # fmt: skip
        assert sorted(Path(p).name for p in fs.ls("tsukasa-shards/tiny/v2")) == [
            "cuts.000000.jsonl.gz", "cuts.000001.jsonl.gz", "recording.000000.tar", "recording.000001.tar"
        ]  # fmt: skip
        back = read_shar("s3://tsukasa-shards/tiny/v2", options, cache_dir=tmp_path / "cache")
        _assert_same_cuts(ds, back, exact_audio=True)
        with pytest.raises(DatasetError, match="already holds files"):
            export_shar(ds, "s3://tsukasa-shards/tiny/v2", storage_options=options)
    finally:
        server.stop()
