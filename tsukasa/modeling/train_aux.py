"""Trainers for the auxiliary models, trained from scratch on our data before stage 1 / stage 2.

One small loop serves all three; what differs is the part of :class:`TsukasaModel` trained and its
loss: the text aligner (CTC + forward-sum attention), the pitch extractor (JDC-style, targets from
the classical tracker) and the phoneme BERT (masked phonemes). Each writes ``out_dir/<part>.pt``
(a full-model checkpoint, strict-loadable, with only that part trained) and ``<part>_log.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from accelerate import Accelerator
from lhotse import CutSet

from tsukasa.modeling.aligner import ctc_loss, forward_sum_loss
from tsukasa.modeling.bert import MASK_ID, mask_phonemes, mlm_loss
from tsukasa.modeling.checkpoint import read_checkpoint, save_checkpoint
from tsukasa.modeling.config import ModelConfig, load_config
from tsukasa.modeling.data import Batch, TtsDataset, load_cuts, make_loader, make_sampler
from tsukasa.modeling.layers import length_mask
from tsukasa.modeling.loop import Batches, CsvLog, all_finite, log, rng_state, seed_everything, set_rng_state
from tsukasa.modeling.model import TsukasaModel

LossFn = Callable[[TsukasaModel, Batch], torch.Tensor]


def aligner_loss(model: TsukasaModel, b: Batch) -> torch.Tensor:
    out = model.aligner(b.mels, b.frame_lengths, b.ids, b.text_lengths)
    fwd_sum = forward_sum_loss(out, b.frame_lengths, b.text_lengths)
    return ctc_loss(out, b.frame_lengths, b.ids, b.text_lengths) + fwd_sum


def pitch_loss(model: TsukasaModel, b: Batch) -> torch.Tensor:
    out = model.pitch(b.mels)
    return model.pitch.loss(out, b.f0, length_mask(b.frame_lengths, b.mels.shape[-1]))


def bert_loss(model: TsukasaModel, b: Batch) -> torch.Tensor:
    inputs, targets = mask_phonemes(b.ids, b.text_lengths, model.cfg.n_symbols)
    if not bool((targets >= 0).any()):  # nothing chosen in a tiny batch: mask the first phoneme
        targets[:, 0], inputs[:, 0] = b.ids[:, 0], MASK_ID
    return mlm_loss(model.bert(inputs, b.text_lengths), targets)


PARTS: dict[str, LossFn] = {"aligner": aligner_loss, "pitch": pitch_loss, "bert": bert_loss}


def train_aux(
    part: str,
    data: CutSet | str | Path,
    out_dir: str | Path,
    config: ModelConfig | str | Path = "tiny",
    steps: int = 1000,
    resume: bool = True,
    cpu: bool | None = None,
    on_log: Callable[[dict], None] | None = None,
) -> list[dict[str, float]]:
    """Train one auxiliary part (``aligner``, ``pitch`` or ``bert``) up to global step ``steps``.

    Returns the per-step rows of this call (step, loss, grad_norm, skipped).
    """
    if part not in PARTS:
        raise ValueError(f"unknown auxiliary part {part!r} (choose from {', '.join(PARTS)})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_path = out / f"{part}.pt"
    cfg = config if isinstance(config, ModelConfig) else load_config(config)
    ckpt = read_checkpoint(ckpt_path) if resume and ckpt_path.is_file() else None
    if ckpt is not None:
        cfg = ModelConfig.model_validate_json(ckpt["config"])
    acc = Accelerator(
        cpu=not torch.cuda.is_available() if cpu is None else cpu, mixed_precision=cfg.train.mixed_precision
    )
    seed_everything(cfg.train.seed)
    model = TsukasaModel(cfg)
    opt = torch.optim.AdamW(getattr(model, part).parameters(), lr=cfg.train.lr, weight_decay=cfg.train.weight_decay)
    model, opt = acc.prepare(model, opt)
    batches = Batches(
        make_loader(
            make_sampler(
                load_cuts(data),
                cfg,
                seed=cfg.train.seed,
                world_size=acc.num_processes,
                rank=acc.process_index,
            ),
            TtsDataset(cfg),
        )
    )
    step = 0
    if ckpt is not None:
        acc.unwrap_model(model).load_state_dict(ckpt["model"], strict=True)
        opt.load_state_dict(ckpt["train"]["opt"])
        batches.load_state_dict(ckpt["train"]["data"])
        step = ckpt["train"]["step"]
        set_rng_state(ckpt["train"]["rng"])
    loss_fn = PARTS[part]
    csv_log = CsvLog(out / f"{part}_log.csv", ["step", "epoch", "loss", "grad_norm", "skipped"])
    history = []
    try:
        while step < steps:
            batch = batches.next().to(acc.device)
            model.train()
            opt.zero_grad(set_to_none=True)
            with acc.autocast():
                loss = loss_fn(acc.unwrap_model(model), batch)
            row = {"step": step + 1, "epoch": batches.epoch, "loss": loss.item(), "skipped": 0}
            if all_finite(loss.detach()):
                acc.backward(loss)
                norm = acc.clip_grad_norm_(model.parameters(), cfg.train.grad_clip)
                row["grad_norm"] = float(norm)
            if not all_finite(loss.detach(), row.get("grad_norm", float("nan"))):
                row["skipped"] = 1
                opt.zero_grad(set_to_none=True)
                log.warning(
                    "%s step %d: skipped (loss %s, grad norm %s)",
                    part,
                    step + 1,
                    row["loss"],
                    row.get("grad_norm"),
                )
            else:
                opt.step()
            step += 1
            history.append(row)
            if acc.is_main_process:
                csv_log.write(row)
                if on_log:
                    on_log(row)
    finally:
        csv_log.close()
    if acc.is_main_process:
        save_checkpoint(
            ckpt_path,
            acc.unwrap_model(model),
            cfg,
            train={"step": step, "opt": opt.state_dict(), "data": batches.state_dict(), "rng": rng_state()},
        )
    return history
