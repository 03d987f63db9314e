"""Stage 1: acoustic pre-training (StyleTTS 2's first stage) on accelerate.

Per step: the aligner aligns phonemes to the mel (CTC + forward-sum, then TMA's monotonic path),
the text encoder's features are expanded by that alignment, the acoustic style encoder encodes the
reference mel, and the decoder reconstructs a random window of the waveform from text features,
F0 and energy. Losses: multi-resolution mel, LSGAN + feature matching against MPD/MRD, and the
aligner's CTC, forward-sum and monotonic losses. A step whose loss or gradient is not finite is
skipped and logged, never silently. ``out_dir/last.pt`` holds everything needed to resume exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from accelerate import Accelerator
from lhotse import CutSet

from tsukasa.modeling.aligner import ctc_loss, forward_sum_loss
from tsukasa.modeling.checkpoint import read_checkpoint, save_checkpoint
from tsukasa.modeling.config import ModelConfig, load_config
from tsukasa.modeling.data import Batch, TtsDataset, load_cuts, make_loader, make_sampler
from tsukasa.modeling.discriminators import Discriminators
from tsukasa.modeling.loop import Batches, CsvLog, all_finite, log, rng_state, seed_everything, set_rng_state
from tsukasa.modeling.losses import (
    MultiResolutionMelLoss,
    discriminator_loss,
    feature_matching_loss,
    generator_adv_loss,
    monotonic_loss,
)
from tsukasa.modeling.model import TsukasaModel

LOSS_KEYS = ["loss", "mel", "adv", "fm", "ctc", "attn", "mono", "disc", "grad_norm"]


@dataclass
class Stage1Result:
    checkpoint: Path
    history: list[dict[str, float]] = field(default_factory=list)  # one row per step run in this call
    skipped_steps: int = 0


class Stage1Trainer:
    """Holds models, optimizers, data and step counter; ``run(steps)`` trains up to a global step."""

    def __init__(self, cuts: CutSet, out_dir: Path, cfg: ModelConfig, cpu: bool | None = None):
        self.cfg, self.t = cfg, cfg.train
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.acc = Accelerator(
            cpu=not torch.cuda.is_available() if cpu is None else cpu, mixed_precision=self.t.mixed_precision
        )
        seed_everything(self.t.seed)
        self.model = TsukasaModel(cfg)
        self.disc = Discriminators(cfg.discriminator)
        gen_params = [p for n, p in self.model.named_parameters() if n.split(".")[0] in self.STAGE1_PARTS]
        self.opt_g = torch.optim.AdamW(gen_params, lr=self.t.lr, betas=self.t.betas, weight_decay=self.t.weight_decay)
        self.opt_d = torch.optim.AdamW(
            self.disc.parameters(), lr=self.t.disc_lr, betas=self.t.betas, weight_decay=self.t.weight_decay
        )
        warm = max(1, self.t.warmup_steps)
        self.sched_g = torch.optim.lr_scheduler.LambdaLR(self.opt_g, lambda s: min(1.0, (s + 1) / warm))
        self.sched_d = torch.optim.lr_scheduler.LambdaLR(self.opt_d, lambda s: min(1.0, (s + 1) / warm))
        self.model, self.disc, self.opt_g, self.opt_d = self.acc.prepare(self.model, self.disc, self.opt_g, self.opt_d)
        self.mel_loss = MultiResolutionMelLoss(cfg.audio).to(self.acc.device)
        sampler = make_sampler(
            cuts,
            cfg,
            shuffle=True,
            seed=self.t.seed,
            world_size=self.acc.num_processes,
            rank=self.acc.process_index,
        )
        self.batches = Batches(make_loader(sampler, TtsDataset(cfg)))
        self.step = 0
        self.skipped = 0

    STAGE1_PARTS = ("text_encoder", "acoustic_style", "decoder", "aligner")

    # --- state -----------------------------------------------------------------------------------
    def save(self, path: Path) -> Path:
        train_state = {
            "step": self.step,
            "skipped": self.skipped,
            "disc": self.acc.unwrap_model(self.disc).state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "sched_g": self.sched_g.state_dict(),
            "sched_d": self.sched_d.state_dict(),
            "data": self.batches.state_dict(),
            "rng": rng_state(),
        }
        return save_checkpoint(path, self.acc.unwrap_model(self.model), self.cfg, train=train_state)

    def load(self, path: Path) -> None:
        ckpt = read_checkpoint(path)
        self.acc.unwrap_model(self.model).load_state_dict(ckpt["model"], strict=True)
        tr = ckpt["train"]
        self.acc.unwrap_model(self.disc).load_state_dict(tr["disc"], strict=True)
        self.opt_g.load_state_dict(tr["opt_g"])
        self.opt_d.load_state_dict(tr["opt_d"])
        self.sched_g.load_state_dict(tr["sched_g"])
        self.sched_d.load_state_dict(tr["sched_d"])
        self.batches.load_state_dict(tr["data"])
        self.step, self.skipped = tr["step"], tr["skipped"]
        set_rng_state(tr["rng"])

    # --- one step --------------------------------------------------------------------------------
    def _window(self, batch: Batch) -> tuple[torch.Tensor, int]:
        """Random decoding window per item: ``seg`` frames inside every item's real frames."""
        seg = min(self.t.segment_frames, int(batch.frame_lengths.min()) - 1)
        high = (batch.frame_lengths - seg).clamp_min(1)
        starts = (torch.rand(len(high)) * high.float()).long()
        return starts.to(self.acc.device), seg

    def reconstruction_losses(self, batch: Batch):
        """Generator forward and its non-adversarial losses (mel + aligner)."""
        starts, seg = self._window(batch)
        out = self.acc.unwrap_model(self.model).reconstruct(
            batch.ids,
            batch.text_lengths,
            batch.mels,
            batch.frame_lengths,
            batch.wavs,
            batch.f0,
            starts,
            seg,
            hard_alignment=self.step >= self.t.tma_start_step,
        )
        parts = {
            "mel": self.mel_loss(out.wav, out.wav_real),
            "ctc": ctc_loss(out.aligner, batch.frame_lengths, batch.ids, batch.text_lengths),
            "attn": forward_sum_loss(out.aligner, batch.frame_lengths, batch.text_lengths),
            "mono": monotonic_loss(out.attn_soft, out.attn_hard, batch.frame_lengths),
        }
        return out, parts

    def discriminator_step(self, fake: torch.Tensor, real: torch.Tensor, row: dict[str, float]) -> None:
        with self.acc.autocast():
            d_real, _ = self.disc(real)
            d_fake, _ = self.disc(fake.detach())
            d_loss = discriminator_loss(d_real, d_fake)
        if self._apply(d_loss, self.opt_d, self.sched_d, self.disc.parameters(), "disc"):
            row["disc"] = d_loss.item()

    def adversarial_losses(self, fake: torch.Tensor, real: torch.Tensor) -> dict[str, torch.Tensor]:
        fake_logits, fake_feats = self.disc(fake)
        with torch.no_grad():
            _, real_feats = self.disc(real)
        return {"adv": generator_adv_loss(fake_logits), "fm": feature_matching_loss(real_feats, fake_feats)}

    def train_step(self, batch: Batch) -> dict[str, float]:
        """One discriminator update on the detached window, then one generator update."""
        batch = batch.to(self.acc.device)
        self.model.train()
        self.disc.train()
        row: dict[str, float] = {}
        t = self.t
        with self.acc.autocast():
            out, parts = self.reconstruction_losses(batch)
        weights = {"mel": t.lambda_mel, "ctc": t.lambda_ctc, "attn": t.lambda_attn, "mono": t.lambda_mono}
        if self.step >= t.adv_start_step:
            self.discriminator_step(out.wav, out.wav_real, row)
            with self.acc.autocast():
                parts.update(self.adversarial_losses(out.wav, out.wav_real))
            weights.update(adv=t.lambda_adv, fm=t.lambda_fm)
        loss = sum(weights[k] * parts[k] for k in weights)
        if self._apply(loss, self.opt_g, self.sched_g, self.model.parameters(), "gen", row):
            row.update(loss=loss.item(), **{k: v.item() for k, v in parts.items()})
        return row

    def _apply(self, loss: torch.Tensor, opt, sched, params, name: str, row: dict | None = None) -> bool:
        """Backward, clip, step. A non-finite loss or gradient skips the update and is logged."""
        opt.zero_grad(set_to_none=True)
        if not all_finite(loss.detach()):
            return self._skip(name, f"loss {float(loss)}", opt)
        self.acc.backward(loss)
        norm = self.acc.clip_grad_norm_(list(params), self.t.grad_clip)
        if not all_finite(norm):
            return self._skip(name, f"grad norm {float(norm)}", opt)
        if row is not None:
            row["grad_norm"] = float(norm)
        opt.step()
        sched.step()
        return True

    def _skip(self, name: str, why: str, opt) -> bool:
        opt.zero_grad(set_to_none=True)
        self.skipped += 1
        log.warning("stage1 step %d: skipped the %s update (non-finite %s)", self.step, name, why)
        return False

    # --- the loop --------------------------------------------------------------------------------
    def run(self, until_step: int, on_log: Callable[[dict], None] | None = None) -> list[dict[str, float]]:
        csv_log = CsvLog(self.out_dir / "stage1_log.csv", ["step", "epoch", "time", "skipped", *LOSS_KEYS])
        history = []
        try:
            while self.step < until_step:
                t0 = time.perf_counter()
                row = self.train_step(self.batches.next())
                self.step += 1
                row = {
                    "step": self.step,
                    "epoch": self.batches.epoch,
                    "time": time.perf_counter() - t0,
                    "skipped": int("loss" not in row),
                    **row,
                }
                history.append(row)
                if self.step % self.t.log_every == 0 and self.acc.is_main_process:
                    csv_log.write(row)
                    if on_log:
                        on_log(row)
                if self.step % self.t.checkpoint_every == 0 and self.acc.is_main_process:
                    self.save(self.out_dir / f"stage1_{self.step:08d}.pt")
        finally:
            csv_log.close()
        if self.acc.is_main_process:
            self.save(self.out_dir / "last.pt")
        return history


def train_stage1(
    data: CutSet | str | Path,
    out_dir: str | Path,
    config: ModelConfig | str | Path = "tiny",
    steps: int = 1000,
    resume: bool = True,
    cpu: bool | None = None,
    on_log: Callable[[dict], None] | None = None,
) -> Stage1Result:
    """Train stage 1 up to global step ``steps``; resume from ``out_dir/last.pt`` when it exists.

    ``data``: a CutSet, a cuts manifest, a Shar folder or a dataset folder. ``config``: a preset
    name, a JSON/YAML file or a :class:`ModelConfig` (a resumed run uses the checkpoint's config).
    """
    out = Path(out_dir)
    last = out / "last.pt"
    cfg = config if isinstance(config, ModelConfig) else load_config(config)
    if resume and last.is_file():
        cfg = ModelConfig.model_validate_json(read_checkpoint(last)["config"])
    trainer = Stage1Trainer(load_cuts(data), out, cfg, cpu=cpu)
    if resume and last.is_file():
        trainer.load(last)
        log.info("stage1: resumed from %s at step %d", last, trainer.step)
    history = trainer.run(steps, on_log)
    return Stage1Result(last, history, trainer.skipped)
