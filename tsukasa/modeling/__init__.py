"""tsukasa.modeling: StyleTTS 2-style model with mLSTM encoders, its data path and trainers.

Imports only torch, lhotse, xlstm, accelerate, numpy (and pydantic via the light corpus modules),
so it runs on a GPU machine that carries just those wheels. Entry points:
``train_stage1``, ``train_aux``, ``load_config``, ``load_model``.
"""

from tsukasa.modeling.checkpoint import load_model, save_checkpoint
from tsukasa.modeling.config import PRESETS, ModelConfig, load_config
from tsukasa.modeling.model import TsukasaModel
from tsukasa.modeling.train_aux import train_aux
from tsukasa.modeling.train_stage1 import train_stage1

__all__ = [
    "PRESETS",
    "ModelConfig",
    "TsukasaModel",
    "load_config",
    "load_model",
    "save_checkpoint",
    "train_aux",
    "train_stage1",
]
