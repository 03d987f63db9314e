"""Checkpoints that carry their config and symbol table, and load strictly.

A checkpoint is one ``torch.save`` dict: ``config`` (JSON of :class:`ModelConfig`), ``symbols`` (the
table it was trained with), ``model`` (state dict) and, for training checkpoints, ``train`` (the
optimizer / scheduler / sampler / RNG state for exact resume). Written to a temp name, then renamed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from tsukasa.corpus.symbols import SYMBOL_TABLE_VERSION, SYMBOLS
from tsukasa.errors import TsukasaError
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.model import TsukasaModel


class CheckpointError(TsukasaError):
    """A checkpoint is missing, unreadable, or does not match this code's model or symbol table."""


def save_checkpoint(path: str | Path, model: torch.nn.Module, cfg: ModelConfig, **extra: Any) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    payload = {
        "config": cfg.to_json(),
        "symbols": list(SYMBOLS),
        "symbol_table_version": SYMBOL_TABLE_VERSION,
        "model": model.state_dict(),
        **extra,
    }
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def read_checkpoint(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint")
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    symbols = ckpt.get("symbols", [])
    if list(SYMBOLS[: len(symbols)]) != list(symbols):
        raise CheckpointError(f"{path}: trained with a different symbol table (not a prefix of this one)")
    return ckpt


def load_model(path: str | Path) -> tuple[TsukasaModel, ModelConfig]:
    """Rebuild the model from the stored config and load its weights with ``strict=True``."""
    ckpt = read_checkpoint(path)
    trained = len(ckpt.get("symbols") or SYMBOLS)  # an older table is a prefix of today's
    cfg = ModelConfig.model_validate_json(ckpt["config"], context={"trained_symbols": trained})
    model = TsukasaModel(cfg)
    model.load_state_dict(ckpt["model"], strict=True)
    return model, cfg
