"""The whole generator side of the model in one module, so one checkpoint holds it all.

Stages use different parts: stage 1 trains text encoder, acoustic style encoder, decoder and aligner
(reconstruction); stage 2 adds the prosodic style encoder, prosody predictor and phoneme BERT.
The pitch extractor and BERT can also be trained alone (``train_aux``) and loaded into it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from tsukasa.modeling.aligner import AlignerOutput, TextAligner
from tsukasa.modeling.alignment import monotonic_alignment
from tsukasa.modeling.bert import PhonemeBert
from tsukasa.modeling.config import ModelConfig
from tsukasa.modeling.decoder import Decoder
from tsukasa.modeling.features import frame_energy
from tsukasa.modeling.pitch import PitchExtractor
from tsukasa.modeling.prosody import ProsodyPredictor
from tsukasa.modeling.style_encoder import StyleEncoder
from tsukasa.modeling.text_encoder import TextEncoder


@dataclass
class ReconstructionOutput:
    """Stage 1's forward pass. Seg = decoded window of ``seg`` frames (``seg * hop`` samples)."""

    wav: torch.Tensor  # (B, seg * hop) generated
    wav_real: torch.Tensor  # (B, seg * hop) the matching real window
    aligner: AlignerOutput
    attn_soft: torch.Tensor  # (B, N, T)
    attn_hard: torch.Tensor  # (B, N, T) monotonic path
    style: torch.Tensor  # (B, style_dim) acoustic style


class TsukasaModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.text_encoder = TextEncoder(cfg)
        self.acoustic_style = StyleEncoder(cfg)
        self.prosodic_style = StyleEncoder(cfg)
        self.prosody = ProsodyPredictor(cfg)
        self.bert_proj = nn.Linear(cfg.aux.bert_dim, cfg.hidden_dim)
        self.decoder = Decoder(cfg)
        self.aligner = TextAligner(cfg)
        self.pitch = PitchExtractor(cfg)
        self.bert = PhonemeBert(cfg)

    def reconstruct(
        self,
        ids: torch.Tensor,
        text_lengths: torch.Tensor,
        mels: torch.Tensor,
        frame_lengths: torch.Tensor,
        wavs: torch.Tensor,
        f0: torch.Tensor,
        starts: torch.Tensor,
        seg: int,
        hard_alignment: bool,
    ) -> ReconstructionOutput:
        """Align text to the mel, encode style, decode a ``seg``-frame window from each ``starts[b]``.

        With ``hard_alignment`` the decoder sees the monotonic path (straight-through to the soft
        attention, so reconstruction still trains the aligner: StyleTTS 2's TMA).
        """
        al = self.aligner(mels, frame_lengths, ids, text_lengths)
        hard = monotonic_alignment(al.attn.detach(), text_lengths, frame_lengths)
        attn = al.attn + (hard - al.attn).detach() if hard_alignment else al.attn
        asr = self.text_encoder(ids, text_lengths) @ attn  # (B, D, T)
        style = self.acoustic_style(mels, frame_lengths)
        energy = frame_energy(mels)
        hop = self.cfg.audio.hop_length
        frame_idx = starts[:, None] + torch.arange(seg, device=mels.device)[None]  # (B, seg)
        sample_idx = starts[:, None] * hop + torch.arange(seg * hop, device=mels.device)[None]
        asr_seg = asr.gather(2, frame_idx[:, None, :].expand(-1, asr.shape[1], -1))
        wav = self.decoder(asr_seg, f0.gather(1, frame_idx), energy.gather(1, frame_idx), style)
        return ReconstructionOutput(wav, wavs.gather(1, sample_idx), al, al.attn, hard, style)
