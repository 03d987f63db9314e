"""Every registered stage carries input → expected examples; this one parametrised test runs them all.

Each example builds real input cuts (audio synthesised on the fly), runs the stage through the
public contract (``get_stage(name)(Config(**config)).process(cuts, ctx)``) and checks what came
out. Detailed behaviour lives in each stage's own test file; these examples are the contract's
smoke alarm, and ``test_every_registered_stage_has_an_example`` makes a new stage bring its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lhotse import MonoCut, Recording, SupervisionSegment

from tests.audio_fixtures import tone, write_audio
from tsukasa.corpus.schema import AsrInfo, QualityInfo, SupervisionCustom, WordTiming, read_supervision_custom
from tsukasa.pipelines.base import StageContext, StageResult, get_stage, registered_stages

SR = 24000


def _speech(text: str, half_tone: float = 0.0) -> np.ndarray:
    import pyopenjtalk

    x, sr = pyopenjtalk.tts(text, half_tone=half_tone)
    from tsukasa.corpus.audio import resample

    return resample((x / 32768.0 * 0.5).astype(np.float32), int(sr), SR)


def _cut(tmp: Path, name: str, x: np.ndarray, text: str | None = None, custom: SupervisionCustom | None = None,
         sup_start: float = 0.0) -> MonoCut:  # fmt: skip
    path = write_audio(tmp / f"{name}.flac", x, SR)
    rec = Recording.from_file(path, recording_id=name)
    sups = []
    if text is not None:
        sups.append(SupervisionSegment(
            id=name, recording_id=name, start=sup_start, duration=rec.duration - sup_start, channel=0, text=text,
            language="ja", speaker="sakura", custom=(custom or SupervisionCustom()).to_custom() or None,
        ))  # fmt: skip
    return MonoCut(id=name, start=0, duration=rec.duration, channel=0, recording=rec, supervisions=sups,
                   custom={"source_path": f"{name}.flac", "source_root": str(tmp)})  # fmt: skip


def _custom(result: StageResult, i: int = 0) -> SupervisionCustom:
    return read_supervision_custom(result.kept[i].supervisions[0])


@dataclass
class Example:
    stage: str
    name: str
    build: Callable[[Path], list[Any]]
    check: Callable[[StageResult], bool]
    config: dict[str, Any] = field(default_factory=dict)
    script: list[Any] = field(default_factory=list)


def _two_lines(tmp: Path) -> list[Any]:
    a, b = _speech("今日はいい天気ですね。"), _speech("また明日会いましょう。", half_tone=4)
    gap = np.zeros(int(1.2 * SR), np.float32)
    return [_cut(tmp, "two", np.concatenate([gap[: SR // 4], a, gap, b, gap[: SR // 4]]))]


def _two_sentences_transcribed(tmp: Path) -> list[Any]:
    """One segment holding two sentences, as transcribe leaves it (words timed by hand here)."""
    a, b = _speech("ありがとうございました。"), _speech("またね。")
    gap = np.zeros(int(0.6 * SR), np.float32)
    ta, tb = len(a) / SR, (len(a) + len(gap)) / SR
    words = [WordTiming(word="ありがとうございました。", start=0.1, end=ta - 0.1),
             WordTiming(word="またね。", start=tb + 0.1, end=tb + len(b) / SR - 0.1)]  # fmt: skip
    text = "ありがとうございました。またね。"
    custom = SupervisionCustom(asr=AsrInfo(model="m", text=text, kana="アリガトーゴザイマシタマタネ", words=words))
    return [_cut(tmp, "ss", np.concatenate([a, gap, b]), text=text, custom=custom)]


def _script_lines() -> list[Any]:
    from tsukasa.corpus.schema import ScriptLine

    return [ScriptLine(text="今日はいい天気ですね。", line_id="L1", speaker="sakura", row=2),
            ScriptLine(text="全然関係のない別の行です。", line_id="L2", speaker="yui", row=3)]  # fmt: skip


def _asr_cut(tmp: Path) -> list[Any]:
    custom = SupervisionCustom(asr=AsrInfo(model="m", text="きょうはいいてんきですね", kana="キョーワイーテンキデスネ"))
    return [_cut(tmp, "seg", _speech("今日はいい天気ですね。"), text="", custom=custom)]


EXAMPLES = [
    Example("standardize", "stereo-44k1-to-mono-24k",
            lambda t: [_cut(t, "st", np.stack([tone(1.0, SR), tone(1.0, SR)], axis=1))],
            lambda r: r.kept[0].recording.sampling_rate == 24000 and r.kept[0].recording.num_channels == 1),
    Example("segment", "two-lines-two-cuts", _two_lines,
            lambda r: len(r.kept) == 2 and r.kept[0].id == "two-000" and r.kept[0].end <= r.kept[1].start + 1e-6),
    Example("segment", "silence-rejected-no-speech", lambda t: [_cut(t, "sil", np.zeros(SR, np.float32) + 1e-5)],
            lambda r: not r.kept and r.rejected[0].reason == "no_speech"),
    Example("transcribe", "asr-fields-filled", lambda t: [_cut(t, "tr", _speech("今日はいい天気ですね。"), text="")],
            lambda r: _custom(r).asr is not None and "テンキ" in (_custom(r).asr.kana or "")),
    Example("sentence_split", "two-sentences-two-cuts", _two_sentences_transcribed,
            lambda r: [c.id for c in r.kept] == ["ss-s1", "ss-s2"] and r.kept[1].supervisions[0].text == "またね。"),
    Example("match_script", "segment-gets-its-script-line", _asr_cut,
            lambda r: r.kept[0].supervisions[0].text == "今日はいい天気ですね。"
            and r.kept[0].supervisions[0].speaker == "sakura" and _custom(r).source.line_id == "L1",
            script=_script_lines()),
    Example("textnorm", "laugh-cue-becomes-event",
            lambda t: [_cut(t, "tn", _speech("それは秘密です。"), text="それは秘密です（笑）")],
            lambda r: any(e.kind == "laugh" and e.source == "text" for e in _custom(r).nonverbal)),
    Example("phonemize", "kana-phonemes-prosody",
            lambda t: [_cut(t, "ph", _speech("こんにちは。"), text="こんにちは。")],
            lambda r: _custom(r).kana == "コンニチワ" and _custom(r).phonemes[:3] == ["k", "o", "N"]
            and _custom(r).prosody.startswith("^") and _custom(r).prosody.endswith("$")),
    Example("phonemize", "placeholder-read-from-config",
            lambda t: [_cut(t, "pr", _speech("ゆうきさん、おはよう。"), text="{name}さん、おはよう。")],
            lambda r: _custom(r).kana.startswith("ユーキサン") and _custom(r).quality is None,
            config={"placeholders": {"name": "ゆうき"}}),
    Example("phonemize", "placeholder-without-reading-flagged",
            lambda t: [_cut(t, "pf", _speech("ゆうきさん、おはよう。"), text="{name}さん、おはよう。")],
            lambda r: _custom(r).kana == "サン、オハヨー"
            and [(f.code, f.value) for f in _custom(r).quality.flags] == [("placeholder", 1.0)]),
    Example("textnorm", "placeholder-only-line-is-not-empty",
            lambda t: [_cut(t, "tp", _speech("ゆうき！"), text="\\N[1]！")],
            lambda r: len(r.kept) == 1 and not r.rejected),
    Example("quality", "measures-filled",
            lambda t: [_cut(t, "q", _speech("こんにちは。"), text="こんにちは。",
                            custom=SupervisionCustom(kana="コンニチワ"))],
            lambda r: (q := _custom(r).quality) is not None and q.loudness_lufs is not None and q.duration > 0),
    Example("filter", "low-snr-rejected-with-value",
            lambda t: [_cut(t, "f", tone(1.0, SR), text="あ",
                            custom=SupervisionCustom(quality=QualityInfo(snr_db=3.0)))],
            lambda r: not r.kept and r.rejected[0].reason.endswith("snr") and r.rejected[0].value == 3.0,
            config={"min_snr_db": 10.0}),
    Example("nonverbal", "pause-event-and-prosody-mark",
            lambda t: [_cut(t, "nv", np.concatenate([_speech("今日は"), np.zeros(int(0.6 * SR), np.float32),
                                                     _speech("いい天気ですね。")]),
                            text="今日はいい天気ですね。",
                            custom=SupervisionCustom(kana="キョーワイーテンキデスネ",
                                                     phonemes="ky o o w a i i t e N k i d e s U n e".split(),
                                                     prosody="^ ky o ] o w a # i [ i # t e ] N k i d e s U n e $"),
                            )],
            lambda r: any(e.kind == "pause" for e in _custom(r).nonverbal) and " _ " in _custom(r).prosody),
]  # fmt: skip


@pytest.mark.parametrize("ex", EXAMPLES, ids=[f"{e.stage}:{e.name}" for e in EXAMPLES])
def test_stage_example(ex: Example, tmp_path: Path) -> None:
    cls = get_stage(ex.stage)
    stage = cls(cls.Config(**ex.config))
    cuts = ex.build(tmp_path)
    result = stage.process(cuts, StageContext(work_dir=tmp_path / "ds", script=ex.script))
    assert ex.check(result), (result.kept, result.rejected)
    for item in result.rejected:  # nothing dropped without a reason and the item itself
        assert item.reason and item.stage == ex.stage and item.item is not None


def test_every_registered_stage_has_an_example() -> None:
    optional = {"denoise"}  # off by default; its own tests run the real model
    missing = set(registered_stages()) - {e.stage for e in EXAMPLES} - optional
    assert not missing, f"stages without an input → expected example: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(registered_stages()))
def test_model_versions_are_looked_up_once_per_stage_instance(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Provenance is written for every supervision, and each package-version look-up reads installed
    metadata: a stage asked for its versions per cut (2.5-3.7 ms each). Once per instance, and each
    provenance entry still carries them."""
    cls = get_stage(name)
    calls: list[int] = []
    real = cls.model_versions

    def counted(self: Any) -> dict[str, str]:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(cls, "model_versions", counted)
    stage = cls()
    entries = [stage.provenance([f"cut {i}"]) for i in range(3)]
    assert len(calls) == 1
    assert all(e.tool_versions == entries[0].tool_versions and e.fingerprint == stage.fingerprint() for e in entries)
    cls().fingerprint()
    assert len(calls) == 2  # a new instance looks again (a model re-exported in place changes it)
