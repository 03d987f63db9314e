"""The transcribe stage with the real Whisper base weights on synthesised Japanese."""

from __future__ import annotations

import numpy as np
import pytest

from tests.pipelines.asr.conftest import SENTENCES, AsrSession
from tsukasa.pipelines.asr.kana import edit_distance, reading
from tsukasa.pipelines.asr.models import ModelNotFoundError, resolve_model
from tsukasa.pipelines.asr.transcribe import TranscribeConfig, compression_ratio, evaluate_guards, repetition_span

# Measured 2026-11-25 on pyopenjtalk's HTS voice: 0.000 pooled kana CER over L01-L06 (before
# the packed decoder used timestamp tokens a word leaked across a segment boundary: 0.048).
# On real TTS speech (kokoro_dev, 12 voices/sentences) Whisper base reaches ~0.10. The bound
# keeps room for int8/threading jitter yet fails on a wrong language, a wrong word-to-segment
# assignment or a broken resampling (each measured at > 0.3).
KANA_CER_MAX = 0.08


def _sup(session: AsrSession, role: str):
    return session.kept[session.cuts[role].id].supervisions[0]


def test_kana_cer_of_whisper_base_is_under_threshold(asr_session: AsrSession) -> None:
    errors = chars = 0
    for key in ("L01", "L02", "L03", "L04", "L05", "L06"):
        sup = _sup(asr_session, key)
        asr = sup.custom["asr"]
        ref = reading(SENTENCES[key])
        errors += edit_distance(ref, asr["kana"])
        chars += len(ref)
        assert sup.text == asr["text"] != ""  # no script: ASR becomes the transcript
        assert asr["model"].startswith("whisper-base-ct2@")
        assert asr["words"] and all(0 <= w["start"] <= w["end"] <= sup.duration for w in asr["words"])
        assert asr["avg_logprob"] < 0 and 0 <= asr["no_speech_prob"] <= 1
    assert errors / chars < KANA_CER_MAX


def test_repetition_is_rejected_when_asr_would_be_the_transcript(asr_session: AsrSession) -> None:
    rejected = asr_session.rejected[asr_session.cuts["repeat"].id]
    assert rejected.reason in {"asr_repetition_loop", "asr_compression_ratio"}
    assert rejected.stage == "transcribe"
    # Nothing is lost: the rejected item keeps the cut with what Whisper said.
    assert "ゴメンナサイ" in rejected.item["supervisions"][0]["custom"]["asr"]["kana"]


def test_repetition_is_flagged_not_rejected_when_a_script_is_the_reference(asr_session: AsrSession) -> None:
    sup = _sup(asr_session, "repeat_scripted")
    codes = {f["code"] for f in sup.custom["quality"]["flags"]}
    assert "asr_repetition_loop" in codes
    assert sup.text == "ごめんなさい。"  # script text stays the reference


def test_guards_on_text() -> None:
    cfg = TranscribeConfig()
    assert repetition_span("今日はとても良い天気ですね。") is None
    assert repetition_span("はいはいはい") == ("はい", 3)  # found, but too short to be a loop:
    from tsukasa.pipelines.asr.transcribe import SegmentAsr

    def guards(text: str, lp: float = -0.2, ns: float = 0.01) -> set[str]:
        return {f.code for f in evaluate_guards(SegmentAsr(text, [], lp, ns, 0.0, solo=True), cfg)}

    assert guards("はいはいはい") == set()
    assert guards("ご視聴ありがとうございました" * 6) >= {"asr_repetition_loop", "asr_compression_ratio"}
    assert guards("ご視聴ありがとうございました", lp=-1.4, ns=0.9) == {"asr_no_speech"}
    assert guards("ご視聴ありがとうございました", lp=-0.3, ns=0.9) == set()  # Whisper's rule needs both
    assert guards("") == {"asr_empty"}
    assert compression_ratio("ありがとう" * 10) > cfg.max_compression_ratio


def test_missing_model_is_a_one_line_error(tmp_path) -> None:
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model(str(tmp_path / "kotoba-whisper"))
    assert "kotoba-whisper" in str(info.value) and "\n" not in str(info.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="model.bin"):
        resolve_model(str(tmp_path / "empty"))


def test_a_model_re_exported_in_place_changes_the_stage_fingerprint(tmp_path) -> None:
    """A local model directory was identified by its name alone: weights re-exported into it (a
    fine-tune) reused the old transcripts from cache. Its weights' size and time are in the id."""
    import os

    from tsukasa.pipelines.asr.transcribe import TranscribeConfig, TranscribeStage

    model = tmp_path / "my-whisper"
    model.mkdir()
    (model / "config.json").write_text("{}")
    (model / "model.bin").write_bytes(b"\0" * 64)
    stage = lambda: TranscribeStage(TranscribeConfig(model=str(model)))  # noqa: E731
    before = stage().fingerprint()
    assert stage().fingerprint() == before  # stable while the weights stay
    (model / "model.bin").write_bytes(b"\1" * 80)
    os.utime(model / "model.bin", ns=(1, 1))
    assert resolve_model(str(model)).model_id.startswith("ct2:my-whisper@")
    assert stage().fingerprint() != before


def test_base_weights_assemble_once_atomically(tmp_path) -> None:
    from tsukasa.pipelines.asr.models import assemble_base

    first = assemble_base(tmp_path)
    stamp = (first.path / "model.bin").stat().st_mtime_ns
    second = assemble_base(tmp_path)
    assert second == first and (second.path / "model.bin").stat().st_mtime_ns == stamp
    assert {p.name for p in first.path.parent.iterdir()} == {first.path.name}  # no temp left
    assert (first.path / "config.json").is_file() and (first.path / "tokenizer.json").is_file()


def test_uncovered_speech_finds_a_segment_cut_short(asr_session: AsrSession) -> None:
    """Regression (kokoro_dev dump2-015): a packed window ended early and a 5.5 s utterance came
    back as its first 1.4 s, fluent and guard-free; the audible rest without words must show."""
    import soxr

    from tsukasa.corpus.schema import WordTiming
    from tsukasa.pipelines.asr.transcribe import WHISPER_SR, uncovered_speech

    sup = _sup(asr_session, "L03")
    cut = asr_session.kept[asr_session.cuts["L03"].id]
    audio = soxr.resample(cut.load_audio()[0], cut.sampling_rate, WHISPER_SR).astype("float32")
    words = [WordTiming(**w) for w in sup.custom["asr"]["words"]]
    assert uncovered_speech(audio, words) < 0.5  # the real transcript covers the speech
    half = [w for w in words if w.end <= sup.duration / 2]
    assert uncovered_speech(audio, half) > 0.3 * sup.duration  # words for the first half only
    assert uncovered_speech(np.zeros(WHISPER_SR, dtype=np.float32), []) == 0.0  # silence needs no words


def test_truncated_transcript_with_a_stretched_last_word_is_decoded_again(asr_session: AsrSession) -> None:
    """Regression (kokoro_dev dump2-013): a 12 s segment of two sentences came back as the first
    one, its last word's timing stretched over the second, so no speech looked uncovered. The
    reading is too short for the audible speech; the segment must be decoded again alone."""
    import soxr

    from tsukasa.corpus.schema import WordTiming
    from tsukasa.pipelines.asr.models import load_whisper
    from tsukasa.pipelines.asr.transcribe import (
        WHISPER_SR,
        Decoder,
        SegmentAsr,
        _Unit,
        second_look,
        speaking_rate,
        uncovered_speech,
    )

    cfg = asr_session.stage.config

    def unit(role: str) -> _Unit:
        cut = asr_session.kept[asr_session.cuts[role].id]
        return _Unit(0, 0, soxr.resample(cut.load_audio()[0], cut.sampling_rate, WHISPER_SR).astype("float32"))

    # Complete transcripts of the synthesised voice read at a normal rate: no false alarm.
    for role in ("L02", "L03", "L09" if "L09" in asr_session.cuts else "L05"):
        rate, audible = speaking_rate(unit(role).audio, _sup(asr_session, role).custom["asr"]["kana"])
        assert rate > cfg.min_morae_per_s, (role, rate, audible)

    sup = _sup(asr_session, "two_lines")
    words = [WordTiming(**w) for w in sup.custom["asr"]["words"]]
    first = reading(SENTENCES["L07"])
    keep, read = [], ""
    for w in words:  # the words of the first sentence only
        if len(read) >= len(first):
            break
        keep.append(w)
        read += reading(w.word)
    # The truncated transcript spans the whole segment by construction (first word from 0, last
    # word to the end): Whisper's own word times move with the CPU's int8 kernels (on one machine
    # its first word started 1.5 s late), and the point here is a transcript the coverage check
    # cannot fault.
    stretched = [w.model_copy() for w in keep]
    stretched[0] = stretched[0].model_copy(update={"start": 0.0})
    stretched[-1] = stretched[-1].model_copy(update={"end": round(sup.duration, 3)})
    text = "".join(w.word for w in stretched)
    truncated = SegmentAsr(text, stretched, -0.2, 0.01, 0.0, solo=True)
    u = unit("two_lines")
    assert uncovered_speech(u.audio, stretched) <= cfg.max_uncovered_s  # the coverage check is blind here
    model = load_whisper(asr_session.stage.resolved(), cpu_threads=2)
    [again] = second_look(Decoder(model, cfg), [u], [truncated])
    assert again.sequential and again.retried and "morae/s" in again.retried
    got = reading(again.text)
    assert edit_distance(first + reading(SENTENCES["L08"]), got) <= 3, got


def _seg(start: float, end: float, words: list[tuple[str, float, float]]):
    from types import SimpleNamespace

    ws = [SimpleNamespace(word=w, start=a, end=b, probability=0.9) for w, a, b in words]
    text = "".join(w for w, _, _ in words)
    return SimpleNamespace(start=start, end=end, text=text, words=ws, avg_logprob=-0.1, no_speech_prob=0.01,
                           temperature=0.0)  # fmt: skip


def test_a_segment_opening_word_stretched_over_the_pad_stays_with_its_line() -> None:
    """Recorded from whisper-base on three packed lines (0.4 s pads): the segment that starts the
    third line begins at the end of the one before, so its first word 今日は spans 17.02-17.66 —
    midway between the second line (ends 17.14) and the third (starts 17.54). It was given to the
    second line (今日は良い天気ですね今日は / 良い天気ですね)."""
    from tsukasa.pipelines.asr.transcribe import Decoder

    spans = [(8, 13.96, 15.45), (9, 15.85, 17.14), (10, 17.54, 18.83)]
    parts = [
        _seg(13.96, 17.02, [("明日は", 13.96, 14.36), ("雨が", 14.36, 14.7), ("降るそうです", 14.7, 15.46),
                            ("今日は", 15.86, 15.98), ("良い天気", 15.98, 16.68), ("ですね", 16.68, 17.02)]),
        _seg(17.02, 18.72, [("今日は", 17.02, 17.66), ("良い天気", 17.66, 18.38), ("ですね", 18.38, 18.72)]),
    ]  # fmt: skip
    out = Decoder(model=None, cfg=TranscribeConfig())._split_window(parts, spans)
    texts = [out[u].text for u in (8, 9, 10)]
    assert texts == ["明日は雨が降るそうです", "今日は良い天気ですね", "今日は良い天気ですね"]
    # Recorded on a window of near-identical lines: Whisper skipped line 3's words and spread the
    # next line's first word over it (明 5.00-6.86, after a pause); line 3 is left empty (for the
    # second look), and 明 stays with its line.
    spans3 = [(2, 3.41, 4.7), (3, 5.1, 6.39), (4, 6.79, 8.28)]
    parts = [_seg(2.94, 8.34, [("今日は", 2.94, 3.52), ("良い天気ですね", 3.52, 4.62), ("明", 5.0, 6.86),
                               ("日は雨が降るそうです", 6.86, 8.34)])]  # fmt: skip
    out = Decoder(model=None, cfg=TranscribeConfig())._split_window(parts, spans3)
    assert [out[u].text for u in (2, 3, 4)] == ["今日は良い天気ですね", "", "明日は雨が降るそうです"]
    # a word in a pad that does not open a segment still goes to the nearer line
    parts = [_seg(13.96, 18.72, [("明日は", 13.96, 15.40), ("です", 15.40, 15.62), ("今日は", 15.80, 17.0),
                                 ("ですね", 17.0, 17.2), ("今日は", 17.40, 18.0)])]  # fmt: skip
    out = Decoder(model=None, cfg=TranscribeConfig())._split_window(parts, spans)
    assert [out[u].text for u in (8, 9, 10)] == ["明日はです", "今日はですね", "今日は"]


def test_a_reading_repeated_or_lost_in_a_packed_window_is_decoded_again(asr_session: AsrSession) -> None:
    """Seen on a dump of one line in ten formats (2026-12-05): in a packed window of near-identical
    segments, one 1.8 s segment came back with its sentence twice (22 morae/s of audible speech).
    Too many morae for the audio is a second-look reason, like too few; a complete reading is not."""
    import soxr

    from tsukasa.corpus.schema import WordTiming
    from tsukasa.pipelines.asr.transcribe import WHISPER_SR, SegmentAsr, second_look_reason, speaking_rate

    cfg = asr_session.stage.config
    sup = _sup(asr_session, "L02")
    cut = asr_session.kept[asr_session.cuts["L02"].id]
    audio = soxr.resample(cut.load_audio()[0], cut.sampling_rate, WHISPER_SR).astype("float32")
    text = sup.custom["asr"]["text"]
    rate, audible = speaking_rate(audio, reading(text))
    assert audible >= 0.5 and rate < cfg.max_morae_per_s < 2 * rate, rate  # the real reading: no false alarm
    assert "more text than the audio holds" not in second_look_reason(
        audio, SegmentAsr(text, [], -0.1, 0.0, 0.0, solo=False), cfg
    )
    doubled = SegmentAsr(text + text, [], -0.1, 0.0, 0.0, solo=False)  # read twice
    assert "more text than the audio holds" in second_look_reason(audio, doubled, cfg)
    # Same dump: a segment read as one unlikely word stretched over all of it (明, p = 0.12) covers
    # its audio at a plausible rate; its mean log-probability is what gives it away.
    stretched = WordTiming(word="明", start=0.0, end=round(sup.duration, 3), probability=0.12)
    lone = SegmentAsr("明", [stretched], -2.12, 0.1, 0.0, solo=False)
    assert second_look_reason(audio, lone, cfg).endswith("mean log-probability -2.12 < -1")
