"""Every model part with the tiny config: forward + backward on CPU, shapes, finiteness; plus the
mLSTM window handling, MAS, features against librosa, config files and checkpoint round trips."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from tsukasa.errors import ConfigError
from tsukasa.modeling.aligner import TextAligner, ctc_loss, forward_sum_loss
from tsukasa.modeling.alignment import durations_from_path, monotonic_alignment, path_from_durations
from tsukasa.modeling.bert import PhonemeBert, mask_phonemes, mlm_loss
from tsukasa.modeling.checkpoint import load_model, save_checkpoint
from tsukasa.modeling.config import MLSTMConfig, load_config
from tsukasa.modeling.decoder import Decoder
from tsukasa.modeling.discriminators import Discriminators
from tsukasa.modeling.features import MelSpectrogram, mel_filterbank, track_f0
from tsukasa.modeling.mlstm import MLSTMStack, reverse_padded
from tsukasa.modeling.model import TsukasaModel
from tsukasa.modeling.pitch import PitchExtractor
from tsukasa.modeling.prosody import ProsodyPredictor
from tsukasa.modeling.style_encoder import StyleEncoder
from tsukasa.modeling.text_encoder import TextEncoder

CFG = load_config("tiny")
B, N, T = 2, 7, 20
D, S = CFG.hidden_dim, CFG.style_dim


def _finite_grads(module: torch.nn.Module, out: torch.Tensor) -> None:
    assert torch.isfinite(out).all()
    out.float().square().mean().backward()
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    assert grads, "no parameter received a gradient"
    assert all(torch.isfinite(g).all() for g in grads)


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


def _ids() -> tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([N, N - 3])
    ids = torch.randint(5, CFG.n_symbols, (B, N))
    ids[1, N - 3 :] = 0
    return ids, lengths


def test_presets_derive_sizes() -> None:
    base = load_config("base-24k")
    assert (base.audio.win_length, base.audio.n_fft, base.istft_hop, base.istft_n_fft) == (1200, 2048, 5, 20)
    assert (base.text_mlstm.num_blocks, base.text_mlstm.num_heads, base.hidden_dim, base.style_dim) == (
        8,
        4,
        256,
        128,
    )
    b48 = load_config("base-48k")
    assert b48.audio.sample_rate == 48000 and b48.audio.hop_length % math.prod(b48.decoder.upsample_rates) == 0


def test_config_file_overrides_preset_and_rejects_typos(tmp_path) -> None:
    good = tmp_path / "c.json"
    good.write_text(json.dumps({"preset": "tiny", "hidden_dim": 48, "train": {"lr": 0.01}}))
    cfg = load_config(good)
    assert cfg.hidden_dim == 48 and cfg.train.lr == 0.01 and cfg.style_dim == CFG.style_dim
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"preset": "tiny", "hiden_dim": 48}))
    with pytest.raises(ConfigError, match="hiden_dim"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no preset"):
        load_config("huge")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("c.json", b'{"preset": "tiny",', "c.json: not valid JSON: Expecting"),
        ("c.yaml", b"preset: [tiny\n", "c.yaml: not valid YAML: line 2:"),
        ("c.yaml", "# 設定\npreset: tiny\n".encode("cp932"), "c.yaml: a model config is UTF-8 text"),
        ("c.json", b"[1, 2]", "a model config is a mapping of fields, got list"),
    ],
)
def test_a_broken_config_file_is_one_clear_error(tmp_path, name: str, content: bytes, message: str) -> None:
    """Each was a traceback out of `tsukasa train` / `dataset export-shar --config`."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_mel_filterbank_equals_librosa() -> None:
    librosa = pytest.importorskip("librosa")
    ours = mel_filterbank(24000, 2048, 80)
    ref = librosa.filters.mel(sr=24000, n_fft=2048, n_mels=80)
    np.testing.assert_allclose(ours, ref, atol=1e-7)


def test_f0_tracker_on_a_sung_tone() -> None:
    sr = CFG.audio.sample_rate
    t = torch.arange(sr) / sr
    f = 180.0 + 40.0 * t  # a 180 → 220 Hz glide
    wav = 0.5 * torch.sin(2 * math.pi * torch.cumsum(f, 0) / sr) + 0.1 * torch.sin(
        4 * math.pi * torch.cumsum(f, 0) / sr
    )
    wav = torch.cat([torch.zeros(sr // 4), wav])  # leading silence must be unvoiced
    f0 = track_f0(wav, CFG.audio)
    assert f0.shape == (wav.shape[0] // CFG.audio.hop_length + 1,)
    assert (f0[:15] == 0).all()
    voiced = f0[25:-5]
    expected = 180.0 + 40.0 * (torch.arange(len(f0))[25:-5] * CFG.audio.hop_length / sr - 0.25)
    assert ((voiced - expected).abs() / expected).max() < 0.02


def test_mel_shape() -> None:
    mel = MelSpectrogram(CFG.audio)(torch.randn(B, 3000))
    assert mel.shape == (B, CFG.audio.n_mels, 3000 // CFG.audio.hop_length + 1)


def test_mlstm_longer_than_context_is_windowed_exactly() -> None:
    cfg = MLSTMConfig(num_blocks=2, num_heads=2, context_length=16, chunk_size=16)
    short = MLSTMStack(D, cfg)
    long = MLSTMStack(D, cfg.model_copy(update={"context_length": 128}))
    long.load_state_dict(short.state_dict())
    x = torch.randn(B, 70, D, requires_grad=True)  # 70 > 16: five windows, the last padded
    lengths = torch.tensor([70, 33])
    y = short(x, lengths)
    torch.testing.assert_close(y, long(x, lengths), atol=1e-5, rtol=1e-5)
    _finite_grads(short, y)
    # state really crosses windows: the first frame changes the output 60 steps later
    x2 = x.detach().clone()
    x2[0, 0] += 1.0
    assert (short(x2, lengths)[0, 60] - y[0, 60].detach()).abs().max() > 1e-6
    # padding never leaks: item 1 alone equals item 1 in the batch
    torch.testing.assert_close(short(x[1:, :33], lengths[1:]), y[1:, :33], atol=1e-5, rtol=1e-5)


def test_reverse_padded() -> None:
    x = torch.arange(5.0)[None, :, None].repeat(2, 1, 1)
    r = reverse_padded(x, torch.tensor([5, 3]))
    assert r[0, :, 0].tolist() == [4, 3, 2, 1, 0] and r[1, :, 0].tolist() == [2, 1, 0, 3, 4]


def test_text_encoder() -> None:
    ids, lengths = _ids()
    enc = TextEncoder(CFG)
    out = enc(ids, lengths)
    assert out.shape == (B, D, N) and (out[1, :, N - 3 :] == 0).all()
    _finite_grads(enc, out)


def test_style_encoder() -> None:
    enc = StyleEncoder(CFG)
    out = enc(torch.randn(B, CFG.audio.n_mels, T), torch.tensor([T, 9]))
    assert out.shape == (B, S)
    _finite_grads(enc, out)


def test_prosody_predictor() -> None:
    ids, lengths = _ids()
    pred = ProsodyPredictor(CFG)
    dur = torch.tensor([[3, 2, 3, 2, 4, 3, 3], [5, 5, 5, 5, 0, 0, 0]])
    align = path_from_durations(dur, T)
    out = pred(torch.randn(B, D, N), lengths, torch.randn(B, S), align, torch.tensor([T, 20]))
    assert out.duration_logits.shape == (B, N, CFG.max_duration)
    assert out.f0.shape == (B, T) and out.energy.shape == (B, T) and (out.f0 >= 0).all()
    _finite_grads(pred, out.f0 / 100 + out.energy + out.duration_logits.mean(-1).sum(-1, keepdim=True))


@pytest.mark.parametrize("kind", ["istftnet", "hifigan"])
def test_decoder(kind: str) -> None:
    cfg = CFG.model_copy(update={"decoder": CFG.decoder.model_copy(update={"kind": kind})})
    dec = Decoder(cfg)
    f0 = torch.full((B, T), 220.0)
    f0[:, :5] = 0  # unvoiced start
    wav = dec(torch.randn(B, D, T), f0, torch.randn(B, T), torch.randn(B, S))
    assert wav.shape == (B, T * CFG.audio.hop_length)
    _finite_grads(dec, wav)


def test_discriminators() -> None:
    disc = Discriminators(CFG.discriminator)
    logits, feats = disc(torch.randn(B, 6000))
    assert len(logits) == len(CFG.discriminator.periods) + len(CFG.discriminator.resolutions)
    assert all(lg.shape[0] == B for lg in logits) and all(len(f) == 5 for f in feats)
    _finite_grads(disc, torch.cat([lg.flatten() for lg in logits]))


def test_aligner_losses() -> None:
    ids, lengths = _ids()
    al = TextAligner(CFG)
    frames = torch.tensor([T, 15])
    out = al(torch.randn(B, CFG.audio.n_mels, T), frames, ids, lengths)
    assert out.ctc_logits.shape == (B, T, CFG.n_symbols) and out.attn.shape == (B, N, T)
    torch.testing.assert_close(out.attn[0].sum(0), torch.ones(T))
    loss = ctc_loss(out, frames, ids, lengths) + forward_sum_loss(out, frames, lengths)
    _finite_grads(al, loss)


def test_monotonic_alignment_is_a_monotonic_path() -> None:
    attn = torch.softmax(torch.randn(1, 5, 17), dim=1)
    path = monotonic_alignment(attn, torch.tensor([5]), torch.tensor([17]))
    assert (path.sum(1) == 1).all()  # each frame one phoneme
    durs = durations_from_path(path)
    assert (durs >= 1).all() and int(durs.sum()) == 17
    torch.testing.assert_close(path_from_durations(durs, 17), path)  # contiguous, in order
    # a clearly diagonal attention is recovered exactly
    diag = path_from_durations(torch.tensor([[2, 5, 3, 4, 3]]), 17) * 0.9 + 0.02
    torch.testing.assert_close(
        monotonic_alignment(diag, torch.tensor([5]), torch.tensor([17])),
        path_from_durations(torch.tensor([[2, 5, 3, 4, 3]]), 17),
    )


def test_pitch_extractor() -> None:
    pe = PitchExtractor(CFG)
    out = pe(torch.randn(B, CFG.audio.n_mels, T))
    assert out.bin_logits.shape == (B, T, CFG.aux.pitch_bins) and out.f0.shape == (B, T)
    target = torch.full((B, T), 200.0)
    target[:, :4] = 0
    _finite_grads(pe, pe.loss(out, target, torch.ones(B, T, dtype=torch.bool)))


def test_phoneme_bert() -> None:
    ids, lengths = _ids()
    bert = PhonemeBert(CFG)
    inputs, targets = mask_phonemes(ids, lengths, CFG.n_symbols, p=0.5)
    assert ((targets == -100) | (targets == ids)).all() and (targets[1, N - 3 :] == -100).all()
    out = bert(inputs, lengths)
    assert out.hidden.shape == (B, N, CFG.aux.bert_dim) and out.logits.shape == (B, N, CFG.n_symbols)
    targets[0, 0] = ids[0, 0]
    _finite_grads(bert, mlm_loss(out, targets))
    long = torch.randint(5, CFG.n_symbols, (1, CFG.aux.bert_max_len + 50))  # longer than training crops
    assert torch.isfinite(bert(long, torch.tensor([long.shape[1]])).hidden).all()


def test_save_load_gives_identical_outputs(tmp_path) -> None:
    model = TsukasaModel(CFG).eval()
    ids, lengths = _ids()
    path = save_checkpoint(tmp_path / "m.pt", model, CFG)
    loaded, cfg = load_model(path)
    assert cfg == CFG
    loaded.eval()
    mel = torch.randn(B, CFG.audio.n_mels, T)
    with torch.no_grad():
        torch.testing.assert_close(model.text_encoder(ids, lengths), loaded.text_encoder(ids, lengths), rtol=0, atol=0)
        torch.testing.assert_close(model.acoustic_style(mel), loaded.acoustic_style(mel), rtol=0, atol=0)
        args = (torch.randn(B, D, T), torch.full((B, T), 200.0), torch.randn(B, T), torch.randn(B, S))
        torch.manual_seed(1)
        a = model.decoder(*args)
        torch.manual_seed(1)  # the harmonic source's noise
        torch.testing.assert_close(a, loaded.decoder(*args), rtol=0, atol=0)


def test_modeling_imports_no_heavy_frontend_packages() -> None:
    code = (
        "import sys, tsukasa.modeling; bad = [m for m in sys.modules if m.split('.')[0] in "
        "('pyopenjtalk', 'prefect', 'faster_whisper', 'torchaudio', 'librosa', 'ctranslate2')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_checkpoint_of_an_older_symbol_table_still_loads(tmp_path) -> None:
    """The table grows by appending (fy came later): a model trained before loads, with the size
    it was trained with; a config smaller than its own table is still refused."""
    from pydantic import ValidationError

    from tsukasa.corpus.symbols import SYMBOLS

    old_cfg = CFG.model_copy(update={"n_symbols": len(SYMBOLS) - 1})  # as configs were before fy
    path = save_checkpoint(tmp_path / "old.pt", TsukasaModel(old_cfg), old_cfg)
    payload = torch.load(path, weights_only=False)
    payload["symbols"] = list(SYMBOLS[:-1])
    torch.save(payload, path)
    model, cfg = load_model(path)
    assert cfg.n_symbols == len(SYMBOLS) - 1 and model.text_encoder.embedding.num_embeddings == cfg.n_symbols
    payload["symbols"] = list(SYMBOLS)
    torch.save(payload, path)
    with pytest.raises(ValidationError, match="symbol table size"):
        load_model(path)
    with pytest.raises(ValidationError, match="symbol table size"):
        type(CFG).model_validate({**CFG.model_dump(), "n_symbols": len(SYMBOLS) - 1})
