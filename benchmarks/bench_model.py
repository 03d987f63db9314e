"""Model benchmark: parameters per preset, CPU forward+backward step time per preset, and the mLSTM
text encoder against a BiLSTM of the same width (StyleTTS 2's choice) at lengths 64–1024.

Prints figures and ratios against the BiLSTM baseline measured in the same run; asserts nothing.
Usage: ``python benchmarks/bench_model.py [--device cpu|cuda] [--presets tiny base-24k]``.
On a GPU machine pass ``--device cuda`` (mLSTM uses the triton kernels there via backend="auto").
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from tsukasa.modeling.config import load_config
from tsukasa.modeling.model import TsukasaModel
from tsukasa.modeling.text_encoder import TextEncoder


def _time(fn, repeats: int) -> float:
    fn()  # warm-up
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t0) / repeats


def _peak_mem(fn, device: str) -> float:
    """MiB. CUDA: peak allocator memory. CPU: bytes of tensors autograd saves for backward (the
    activation memory that grows with length; RSS is too coarse on a shared box)."""
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
        fn()
        return torch.cuda.max_memory_allocated() / 2**20
    total = [0]

    def pack(t: torch.Tensor) -> torch.Tensor:
        total[0] += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return total[0] / 2**20


def params_and_steps(presets: list[str], device: str, batch: int, seconds: float) -> None:
    print("preset      params(M)  gen-part(M)  fwd+bwd step (s)")
    for name in presets:
        cfg = load_config(name)
        model = TsukasaModel(cfg).to(device)
        total = sum(p.numel() for p in model.parameters()) / 1e6
        frames = int(seconds * cfg.audio.frame_rate)
        seg = min(cfg.train.segment_frames, frames - 1)
        n_ph = frames // 4
        ids = torch.randint(5, cfg.n_symbols, (batch, n_ph), device=device)
        tl = torch.full((batch,), n_ph, device=device)
        fl = torch.full((batch,), frames, device=device)
        wav = torch.randn(batch, frames * cfg.audio.hop_length, device=device) * 0.1
        mel = torch.randn(batch, cfg.audio.n_mels, frames, device=device)
        f0 = torch.full((batch, frames), 200.0, device=device)
        starts = torch.zeros(batch, dtype=torch.long, device=device)
        gen = (
            sum(
                p.numel()
                for n, p in model.named_parameters()
                if n.split(".")[0] in ("text_encoder", "acoustic_style", "decoder", "aligner")
            )
            / 1e6
        )

        def step() -> None:
            out = model.reconstruct(ids, tl, mel, fl, wav, f0, starts, seg, hard_alignment=True)  # noqa: B023 (run inside this iteration)
            (out.wav - out.wav_real).abs().mean().backward()
            model.zero_grad(set_to_none=True)  # noqa: B023 (run inside this iteration)

        t = _time(step, 2)
        print(f"{name:10s} {total:9.2f} {gen:11.2f} {t:12.3f}  (batch {batch} × {seconds}s, {seg} frames)")


def encoder_vs_bilstm(device: str, lengths: list[int], batch: int) -> None:
    cfg = load_config("base-24k")
    d = cfg.hidden_dim
    enc = TextEncoder(cfg).to(device)
    bilstm = nn.LSTM(d, d // 2, num_layers=cfg.text_mlstm.num_blocks, batch_first=True, bidirectional=True).to(device)
    emb = nn.Embedding(cfg.n_symbols, d).to(device)
    print(
        f"text encoder width {d}: mLSTM {cfg.text_mlstm.num_blocks} blocks "
        f"({sum(p.numel() for p in enc.mlstm.parameters()) / 1e6:.2f} M) vs BiLSTM "
        f"{cfg.text_mlstm.num_blocks} layers ({sum(p.numel() for p in bilstm.parameters()) / 1e6:.2f} M)"
    )
    print("length  mLSTM fwd+bwd (s)  BiLSTM fwd+bwd (s)  time ratio  mLSTM act (MiB)  BiLSTM act (MiB)")
    for n in lengths:
        ids = torch.randint(5, cfg.n_symbols, (batch, n), device=device)
        lens = torch.full((batch,), n, device=device)
        x = emb(ids).detach()

        def run_mlstm() -> None:
            enc.mlstm(x, lens).sum().backward()  # noqa: B023 (run inside this iteration)

        def run_lstm() -> None:
            bilstm(x)[0].sum().backward()  # noqa: B023 (run inside this iteration)

        tm, tl = _time(run_mlstm, 1), _time(run_lstm, 1)
        mm, ml = _peak_mem(run_mlstm, device), _peak_mem(run_lstm, device)
        print(f"{n:6d} {tm:18.3f} {tl:19.3f} {tm / tl:11.2f} {mm:16.1f} {ml:17.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--presets", nargs="+", default=["tiny", "base-24k"])
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--lengths", nargs="+", type=int, default=[64, 128, 256, 512, 1024])
    args = ap.parse_args()
    torch.manual_seed(0)
    params_and_steps(args.presets, args.device, args.batch, args.seconds)
    for name in ("base-48k",):
        total = sum(p.numel() for p in TsukasaModel(load_config(name)).parameters()) / 1e6
        print(f"{name:10s} {total:9.2f}  (params only)")
    encoder_vs_bilstm(args.device, args.lengths, args.batch)


if __name__ == "__main__":
    main()
