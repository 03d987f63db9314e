"""Non-verbal events on real synthesised speech with pauses and breaths inserted at known times."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tsukasa.pipelines import nonverbal as nv

SR = 24000
PHRASES = ["今日はとても暑い日です", "海に行きませんか", "冷たいジュースも持っていこう"]
TEXT = "今日はとても暑い日です海に行きませんか冷たいジュースも持っていこう"


def speech(text: str, sr: int = SR) -> np.ndarray:
    """pyopenjtalk speech with its leading/trailing silence trimmed (so gaps are exactly known)."""
    import pyopenjtalk
    import soxr

    w, fs = pyopenjtalk.tts(text)
    w = soxr.resample(np.asarray(w) / 32768.0 * 0.5, fs, sr)
    loud = np.flatnonzero(np.abs(w) > 0.003)
    return w[loud[0] : loud[-1] + 1]


def breath(seconds: float, sr: int = SR, seed: int = 0, level: float = 0.02) -> np.ndarray:
    from tsukasa.demo import breath_burst

    return breath_burst(sr, seconds, level=level, seed=seed).astype(np.float64)


def build_utterance(layout: list[tuple[str, object]], sr: int = SR, seed: int = 0):
    """Concatenate ("speech", text) / ("pause", s) / ("breath", s) parts; returns audio and part times."""
    parts, times, t = [], [], 0.0
    for kind, arg in layout:
        if kind == "speech":
            x = speech(str(arg), sr)
        elif kind == "breath":
            x = breath(float(arg), sr, seed=seed + len(parts))
        else:
            x = np.zeros(int(float(arg) * sr))
        parts.append(x)
        times.append((kind, t, t + len(x) / sr))
        t += len(x) / sr
    x = np.concatenate(parts)
    x = x + np.random.default_rng(seed).normal(0, 1e-4, len(x))  # a faint noise floor, as in real files
    return x.astype(np.float32), times


def make_cut(tmp: Path, x: np.ndarray, text: str, sr: int = SR, custom: dict | None = None):
    """A real Lhotse MonoCut over a written FLAC, one supervision over the whole file."""
    import soundfile as sf
    from lhotse import MonoCut, Recording, SupervisionSegment

    path = tmp / "utt.flac"
    sf.write(path, x, sr)
    rec = Recording.from_file(path, recording_id="utt")
    sup = SupervisionSegment(
        id="utt", recording_id="utt", start=0.0, duration=rec.duration, text=text, language="ja", custom=custom
    )
    return MonoCut(id="utt", start=0.0, duration=rec.duration, channel=0, recording=rec, supervisions=[sup])


LAYOUT = [
    ("pause", 0.25), ("breath", 0.35), ("pause", 0.12), ("speech", PHRASES[0]), ("pause", 0.5),
    ("speech", PHRASES[1]), ("pause", 0.2), ("breath", 0.3), ("pause", 0.15), ("speech", PHRASES[2]), ("pause", 0.3),
]  # fmt: skip


@pytest.fixture(scope="module")
def utterance():
    return build_utterance(LAYOUT)


def test_pauses_and_breaths_land_at_the_right_times(utterance) -> None:
    x, times = utterance
    from tsukasa.pipelines.vad import to_vad_rate

    fr = nv.analyse(to_vad_rate(x, SR))
    pauses, breaths, _ = nv.detect_pauses_and_breaths(fr, (0.0, len(x) / SR), nv.NonverbalConfig())
    speech_parts = [(s, e) for k, s, e in times if k == "speech"]
    expected_pauses = [(speech_parts[0][1], speech_parts[1][0]), (speech_parts[1][1], speech_parts[2][0])]
    assert len(pauses) == 2
    for p, (s, e) in zip(pauses, expected_pauses, strict=True):
        assert p.start == pytest.approx(s, abs=0.05) and p.end == pytest.approx(e, abs=0.05)
    expected_breaths = [(s, e) for k, s, e in times if k == "breath"]
    assert len(breaths) == 2
    for b, (s, e) in zip(breaths, expected_breaths, strict=True):
        assert b.start == pytest.approx(s, abs=0.05) and b.end == pytest.approx(e, abs=0.05)
        assert b.kind == "breath" and b.source == "audio" and 0.5 <= b.confidence <= 1.0


def test_clean_speech_has_no_pause_and_no_breath() -> None:
    x, _ = build_utterance([("pause", 0.2), ("speech", PHRASES[2]), ("pause", 0.2)])
    from tsukasa.pipelines.vad import to_vad_rate

    pauses, breaths, _ = nv.detect_pauses_and_breaths(
        nv.analyse(to_vad_rate(x, SR)), (0.0, len(x) / SR), nv.NonverbalConfig()
    )
    assert pauses == [] and breaths == []


def test_insert_pauses_puts_underscore_on_the_phrase_boundary() -> None:
    from tsukasa.pipelines.textfront import phonemize

    p = phonemize(TEXT, phrase_breaks=False)  # as the phonemize stage writes it: pauses come from the audio
    assert "_" not in p.prosody.split()
    parts = [len(phonemize(t).kana) for t in PHRASES]  # morae-ish share of each phrase
    total = sum(parts)
    # speech 0..10 s with pauses after phrase 1 and 2, at their share of the speech time
    t1 = 10.0 * parts[0] / total
    t2 = 10.0 * (parts[0] + parts[1]) / total
    new = nv.insert_pauses(p.prosody, [(t1, t1 + 0.5), (t2 + 0.5, t2 + 1.0)], (0.0, 11.0), 2.5)
    tokens = new.split()
    assert tokens.count("_") == 2
    # the marks sit between the phrases: after "d e s u" and after "k a" (…ませんか)
    text_before = ["".join(phonemize(t).phonemes) for t in PHRASES[:2]]
    joined = "".join(t for t in tokens if t not in ("^", "$", "?", "#", "[", "]"))
    first, second = joined.split("_")[:2]
    assert first == text_before[0] and second == text_before[1]
    # idempotent: the same pauses find their own marks
    assert nv.insert_pauses(new, [(t1, t1 + 0.5), (t2 + 0.5, t2 + 1.0)], (0.0, 11.0), 2.5) == new


def test_stage_writes_events_prosody_and_phonemes(utterance, tmp_path: Path) -> None:
    from tsukasa.corpus.schema import SupervisionCustom, read_supervision_custom
    from tsukasa.pipelines.base import StageContext, get_stage
    from tsukasa.pipelines.textfront import phonemize

    x, times = utterance
    p = phonemize("（笑）" + TEXT, phrase_breaks=False)  # as the phonemize stage writes it
    custom = SupervisionCustom(kana=p.kana, phonemes=p.phonemes, prosody=p.prosody).to_custom()
    cut = make_cut(tmp_path, x, "（笑）" + TEXT, custom=custom)
    out = get_stage("nonverbal")().process([cut], StageContext(work_dir=tmp_path))
    assert not out.rejected
    c = read_supervision_custom(out.kept[0].supervisions[0])
    kinds = [(e.kind, e.source) for e in c.nonverbal]
    assert kinds.count(("pause", "vad")) == 2 and kinds.count(("breath", "audio")) == 2
    assert ("laugh", "text") in kinds
    assert c.prosody.split().count("_") == 2 and c.phonemes.count("pau") == 2
    assert c.provenance[-1].stage == "nonverbal"
    # re-running changes nothing (no duplicated events, no extra marks)
    again = get_stage("nonverbal")().process(out.kept, StageContext(work_dir=tmp_path))
    c2 = read_supervision_custom(again.kept[0].supervisions[0])
    assert c2.nonverbal == c.nonverbal and c2.prosody == c.prosody


def test_yamnet_hears_music_and_not_in_speech(utterance) -> None:
    """The optional sound-event model on real signals: a chord progression vs speech."""
    from tsukasa.pipelines.vad import to_vad_rate

    x, _ = utterance
    speech_probs = nv.yamnet_scores(nv.analyse(to_vad_rate(x, SR)))
    t = np.arange(4 * 16000) / 16000
    notes = [261.6, 329.6, 392.0, 523.3]
    music = sum(0.1 * np.sin(2 * np.pi * f * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t)) for f in notes)
    music_probs = nv.yamnet_scores(nv.analyse(music.astype(np.float32)))
    assert speech_probs[:, 0].mean() > 0.5  # AudioSet "Speech"
    assert nv.music_probability(music_probs) > nv.music_probability(speech_probs)
