"""sentence_split: a transcribed segment holding two sentences is cut in the pause between them.

The real case runs on the session's Whisper output (conftest: real Whisper base on pyopenjtalk
speech): two script lines spoken in one segment with 0.5 s between them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.pipelines.asr.conftest import SENTENCES, SR, AsrSession, trim, tts
from tsukasa.corpus.schema import WordTiming, read_supervision_custom
from tsukasa.pipelines.asr.sentences import (
    SentenceSplitConfig,
    SentenceSplitStage,
    ends_in_finite_form,
    quiet_stretch,
    split_points,
)
from tsukasa.pipelines.base import StageContext


@pytest.mark.parametrize(
    "text,final",
    [
        ("スコアが少ないほど良い", True),  # plain form of an adjective
        ("そこに駐車してはいけません", True),  # ません
        ("予約をお願いします", True),
        ("早く来いよ", True),  # a sentence-final particle
        ("ファイルを送ってください", True),  # a request
        ("早くしなさい", True),
        ("汝自身に真実であれ", False),  # other imperatives: the literary concessive, or a misheard しまい
        ("犯してしまえ", False),
        ("命中しなくたって", False),  # って joins clauses as often as it ends them
        ("面白い試合になりそうだ", True),
        ("行くか", True),
        ("ちょっと待って", False),  # te-form: the sentence goes on
        ("行きたいけど", False),  # conjunctive particle
        ("雨なので", False),
        ("勝ち目は半分", False),  # a noun ends nothing for certain
        ("少ないほど", False),
        ("", False),
    ],
)
def test_ends_in_finite_form(text: str, final: bool) -> None:
    assert ends_in_finite_form(text) is final


@pytest.mark.parametrize(
    "text,only",
    [
        ("もうすぐです", True),  # the copula and the polite forms modify no noun
        ("郵便局が見えます", True),
        ("魚を買いに行きました", True),
        ("そこには行きません", True),
        ("静かでした", True),
        ("もう駄目だ", True),
        ("早く来いよ", True),  # a final particle
        ("ファイルを送ってください", True),  # a request
        ("感染の恐れがないか検査する", False),  # the plain form also modifies a noun (検査する必要)
        ("スープが濃くておいしい", False),
        ("大きな包みを背負って運んだ", False),
        ("ちょっと待って", False),  # not a finite form at all
    ],
)
def test_ends_only_a_sentence(text: str, only: bool) -> None:
    from tsukasa.pipelines.asr.sentences import ends_only_a_sentence

    assert ends_only_a_sentence(text) is only


@pytest.mark.parametrize(
    "text,adjective",
    [
        ("スープが濃くておいしい", True),
        ("相談してほしい", True),  # ほしい after a te-form: an adjective still
        ("とても楽しかった", False),  # た, not the adjective's plain form
        ("そんなことはない", True),  # ない after a particle is the adjective "there is no"
        ("今日は行かない", False),  # ない after a verb is the auxiliary, left out (no evidence either way)
        ("感染の恐れがないか検査する", False),  # a verb ends relative clauses (検査する | 必要)
        ("もうすぐです", False),
    ],
)
def test_ends_in_plain_adjective(text: str, adjective: bool) -> None:
    from tsukasa.pipelines.asr.sentences import ends_in_plain_adjective

    assert ends_in_plain_adjective(text) is adjective


def _words(*spec: tuple[str, float, float]) -> list[WordTiming]:
    return [WordTiming(word=w, start=s, end=e) for w, s, e in spec]


def test_split_points_need_a_sentence_end_and_a_pause() -> None:
    cfg = SentenceSplitConfig()
    # Whisper's 。 at a pause
    words = _words(("ありがとう", 0.0, 0.8), ("ございました。", 0.8, 1.5), ("また", 2.0, 2.3), ("ね", 2.3, 2.5))
    assert [i for i, _ in split_points(words, cfg)] == [1]
    # 、 after a finite form (Whisper's comma where a sentence ended) ...
    words = _words(("良い、", 0.0, 0.6), ("明日", 1.1, 1.5), ("行く", 1.5, 1.8))
    assert [i for i, _ in split_points(words, cfg)] == [0]
    assert split_points(words, SentenceSplitConfig(finite_forms=False)) == []
    # ... or before a word that opens a new Whisper segment (a leading space)
    words = _words(("します", 0.0, 0.6), (" 船", 1.0, 1.4), ("が", 1.4, 1.5))
    assert [i for i, _ in split_points(words, cfg)] == [0]
    # a te-form or a conjunctive particle before the comma: the sentence goes on
    words = _words(("待って、", 0.0, 0.6), ("行かないで。", 1.2, 1.9))
    assert split_points(words, cfg) == []
    words = _words(("行きたいけど、", 0.0, 0.6), ("無理", 1.2, 1.6))
    assert split_points(words, cfg) == []
    # a sentence end with no pause after it in Whisper's timing: no cut from the words alone; where the
    # segment stage recorded its pauses, Whisper's 。 needs none (its timings around a butted pause
    # are too loose), and the recorded pause decides
    words = _words(("はい。", 0.0, 0.4), ("そうです", 0.45, 1.0))
    assert split_points(words, cfg) == []
    assert [i for i, _ in split_points(words, cfg, marked_gap=0.0)] == [0]
    # ... a plain finite form still needs Whisper's mark (a plain verb or adjective also modifies a
    # noun: 検査する必要, おいしい店), but not its word gap: the recorded pause decides ...
    words = _words(("開催", 0.0, 0.3), ("される", 0.3, 0.7), ("トウモロコシ", 0.72, 1.3), ("は", 1.3, 1.4))
    assert split_points(words, cfg, marked_gap=0.0) == []
    # ... except a plain i-adjective, which seldom stands apart from a noun it modifies
    # (スープが濃くておいしい | 子供たちは: the validation set's merges), unless configured off
    words = _words(("濃くて", 0.0, 0.3), ("おいしい", 0.3, 0.7), ("子供", 0.72, 1.0), ("たち", 1.0, 1.2))
    points = split_points(words, cfg, marked_gap=0.0)
    assert [i for i, _ in points] == [1] and "(no mark)" in points[0][1]
    assert split_points(words, SentenceSplitConfig(unmarked_adjectives=False), marked_gap=0.0) == []
    assert split_points(words, cfg) == []  # unrecorded pauses: Whisper's mark is needed
    for marked, end in (
        (_words(("良い、", 0.0, 0.6), ("明日", 0.65, 1.5)), 0),
        (_words(("開催", 0.0, 0.3), ("される", 0.3, 0.7), (" トウモロコシ", 0.88, 1.3), ("は", 1.3, 1.4)), 1),
    ):
        assert [i for i, _ in split_points(marked, cfg, marked_gap=0.0)] == [end], marked
        assert split_points(marked, cfg) == []  # unrecorded pauses: Whisper's word gap is the evidence
    # ... but a form that only ends sentences (the copula, a polite form, a final particle) needs
    # neither where the pause is recorded: packed windows drop Whisper's marks there
    for ending in (("見え", "ます"), ("すぐ", "です"), ("行き", "ました"), ("だめ", "だ"), ("行く", "よ")):
        words = _words((ending[0], 0.0, 0.3), (ending[1], 0.3, 0.6), ("次", 0.62, 0.8), ("の", 0.8, 0.9))
        points = split_points(words, cfg, marked_gap=0.0)
        assert [i for i, _ in points] == [1] and "(no mark)" in points[0][1], ending
        assert split_points(words, cfg) == []  # unrecorded pauses: Whisper's mark is needed


def test_quiet_stretch_finds_the_pause_in_noise() -> None:
    rng = np.random.default_rng(0)
    a, b = trim(tts("ありがとう。")), trim(tts("またね。"))
    gap = np.zeros(int(0.5 * SR), np.float32)
    x = np.concatenate([a, gap, b]) + rng.normal(0, 0.003, len(a) + len(gap) + len(b)).astype(np.float32)
    s, e = quiet_stretch(x, SR, len(a) / SR - 0.3, (len(a) + len(gap)) / SR + 0.3)
    assert abs(s - len(a) / SR) < 0.08 and abs(e - (len(a) + len(gap)) / SR) < 0.08
    assert quiet_stretch(x, SR, 0.0, 0.02) is None  # too short to hold a pause


def test_two_sentences_in_one_segment_are_cut_in_the_pause(asr_session: AsrSession) -> None:
    cut = asr_session.kept["rec-asr-two_lines"]
    out = SentenceSplitStage().process([cut], StageContext(work_dir=".")).kept
    assert [c.id for c in out] == ["rec-asr-two_lines-s1", "rec-asr-two_lines-s2"]
    first, second = out
    # the true pause: after L07 (its trimmed audio) and 0.5 s of silence, in recording time
    pause_start = cut.start + len(trim(tts(SENTENCES["L07"]))) / SR
    pause_end = pause_start + 0.5
    end1 = first.start + first.supervisions[0].end
    start2 = second.start + second.supervisions[0].start
    assert pause_start - 0.06 <= end1 < start2 <= pause_end + 0.06
    assert first.end <= second.start + 1e-6  # the padded cuts do not overlap
    assert first.start == cut.start and abs(second.end - cut.end) < 1e-6
    c1, c2 = (read_supervision_custom(c.supervisions[0]) for c in out)
    assert "アリガトー" in c1.asr.kana and "オコシ" in c2.asr.kana
    assert first.supervisions[0].text == c1.asr.text and second.supervisions[0].text == c2.asr.text
    parent = read_supervision_custom(cut.supervisions[0])
    assert len(c1.asr.words) + len(c2.asr.words) == len(parent.asr.words)
    assert all(0 <= w.start <= w.end <= second.supervisions[0].duration + 0.05 for w in c2.asr.words)
    assert c1.provenance[-1].stage == "sentence_split" and "after" in c1.provenance[-1].decisions[0]


def test_single_sentences_and_scripted_segments_are_left_whole(asr_session: AsrSession) -> None:
    # one sentence each (L01-L06), half a sentence (join_a: 私は昨日、友達と一緒に), a repetition, and
    # segments whose text is a script line: nothing to cut, every cut comes back as it was
    roles = ["L01", "L02", "L03", "L04", "L05", "L06", "join_a", "join_b", "wrong_file", "repeat_scripted"]
    cuts = [asr_session.kept[f"rec-asr-{r}"] for r in roles if f"rec-asr-{r}" in asr_session.kept]
    assert len(cuts) >= 9
    out = SentenceSplitStage().process(cuts, StageContext(work_dir=".")).kept
    assert [c.to_dict() for c in out] == [c.to_dict() for c in cuts]


def _hand_timed_cut(tmp_path, pauses):  # noqa: ANN001, ANN202 - test helper
    """Two sentences with 0.6 s between them in one segment, transcribed by hand; ``pauses`` as the
    segment stage would record them (None: not recorded)."""
    from lhotse import MonoCut, Recording, SupervisionSegment

    from tests.audio_fixtures import write_audio
    from tsukasa.corpus.schema import AsrInfo, PauseCandidate, SupervisionCustom

    a, b = trim(tts("ありがとうございました。")), trim(tts("またね。"))
    gap = np.zeros(int(0.6 * SR), np.float32)
    x = np.concatenate([a, gap, b])
    ta, tb = len(a) / SR, (len(a) + len(gap)) / SR
    words = [WordTiming(word="ありがとうございました。", start=0.05, end=ta - 0.05),
             WordTiming(word="またね。", start=tb + 0.05, end=len(x) / SR - 0.05)]  # fmt: skip
    text = "ありがとうございました。またね。"
    custom = SupervisionCustom(
        asr=AsrInfo(model="m", text=text, words=words),
        pauses=None if pauses is None else [PauseCandidate(start=s, end=e, probability=p) for s, e, p in pauses],
    )
    rec = Recording.from_file(write_audio(tmp_path / "two.flac", x, SR), recording_id="two")
    sup = SupervisionSegment(id="two", recording_id="two", start=0.0, duration=rec.duration, channel=0, text=text,
                             language="ja", custom=custom.to_custom())  # fmt: skip
    return MonoCut(id="two", start=0, duration=rec.duration, channel=0, recording=rec, supervisions=[sup]), ta, tb


def test_the_cut_goes_at_the_segment_stages_pause_when_it_may_be_a_line_break(tmp_path) -> None:  # noqa: ANN001
    stage = SentenceSplitStage()
    ctx = StageContext(work_dir=tmp_path)
    _, ta, tb = _hand_timed_cut(tmp_path, None)
    # the segment stage's pause (its own edges, slightly inside the silence) scored 0.3: cut exactly there
    cut, _, _ = _hand_timed_cut(tmp_path, [(0.4, 0.5, 0.2), (ta + 0.02, tb - 0.03, 0.3)])
    first, second = stage.process([cut], ctx).kept
    assert abs(first.supervisions[0].end - (ta + 0.02)) < 1e-3
    assert abs(second.start + second.supervisions[0].start - (tb - 0.03)) < 1e-3
    assert "scored 0.30" in read_supervision_custom(first.supervisions[0]).provenance[-1].decisions[0]
    # each piece keeps the recorded pauses inside it, timed from its own speech start; the pause the
    # parent was split from its next neighbour at stays with the last piece
    c1, c2 = (read_supervision_custom(c.supervisions[0]) for c in (first, second))
    assert [(p.start, p.end) for p in c1.pauses] == [(0.4, 0.5)] and c2.pauses == []
    from lhotse.utils import fastcopy

    from tsukasa.corpus.schema import PauseCandidate, with_supervision_custom

    parent = read_supervision_custom(cut.supervisions[0])
    after = PauseCandidate(start=round(cut.supervisions[0].duration + 0.1, 3), end=9.0, probability=0.6)
    sup = with_supervision_custom(cut.supervisions[0], parent.model_copy(update={"pause_after": after}))
    first, second = stage.process([fastcopy(cut, supervisions=[sup])], ctx).kept
    assert read_supervision_custom(first.supervisions[0]).pause_after is None
    moved = read_supervision_custom(second.supervisions[0]).pause_after
    shift = second.start + second.supervisions[0].start - cut.supervisions[0].start
    assert abs(moved.start - (after.start - shift)) < 1e-3 and moved.probability == 0.6
    # ... but a pause that sounded clearly like the same line (pauses inside a line score 0.00-0.03), or
    # no pause at all where Whisper's words leave a gap, keeps the segment whole
    for pauses in ([(ta + 0.02, tb - 0.03, 0.01)], []):
        cut, _, _ = _hand_timed_cut(tmp_path, pauses)
        assert [c.id for c in stage.process([cut], ctx).kept] == ["two"]
    # unrecorded pauses (a cut from elsewhere): found on the audio's energy
    cut, ta, tb = _hand_timed_cut(tmp_path, None)
    first, second = stage.process([cut], ctx).kept
    assert ta - 0.06 <= first.supervisions[0].end and second.start + second.supervisions[0].start <= tb + 0.06


def test_segment_stage_records_the_pauses_it_did_not_split_at(tmp_path) -> None:  # noqa: ANN001
    from lhotse import MonoCut, Recording

    from tests.audio_fixtures import write_audio
    from tsukasa.pipelines.segment import SegmentStage

    x = np.concatenate([np.zeros(SR // 2, np.float32), trim(tts("今日は、とても良い天気ですね。")),
                        np.zeros(SR // 2, np.float32)])  # fmt: skip
    rec = Recording.from_file(write_audio(tmp_path / "one.flac", x, SR), recording_id="one")
    cut = MonoCut(id="one", start=0, duration=rec.duration, channel=0, recording=rec, supervisions=[],
                  custom={"source_path": "one.flac", "source_root": str(tmp_path)})  # fmt: skip
    (seg,) = SegmentStage().process([cut], StageContext(work_dir=tmp_path)).kept
    custom = read_supervision_custom(seg.supervisions[0])
    assert custom.pauses, "the comma pause is recorded"
    sup = seg.supervisions[0]
    assert all(0 < p.start < p.end < sup.duration and p.probability < 0.5 for p in custom.pauses)


def test_uncertain_pauses_and_the_marks_packed_words_show_there() -> None:
    from tsukasa.corpus.schema import PauseCandidate, SourceInfo, SupervisionCustom
    from tsukasa.pipelines.asr.transcribe import TranscribeConfig, uncertain_pauses, unmarked_pause

    cfg = TranscribeConfig()
    comma, line_break = (
        PauseCandidate(start=0.2, end=0.3, probability=0.01),
        PauseCandidate(start=1.3, end=1.8, probability=0.31),
    )
    custom = SupervisionCustom(pauses=[comma, line_break])
    assert uncertain_pauses(custom, "", cfg) == (line_break,)  # 0.01: a pause inside a line
    assert uncertain_pauses(custom, "ありがとうございました。", cfg) == ()  # a script line is the reference
    scripted = custom.model_copy(update={"source": SourceInfo(script_text="ありがとう。", script_scope="file")})
    assert uncertain_pauses(scripted, "", cfg) == ()
    assert uncertain_pauses(SupervisionCustom(), "", cfg) == ()  # no pauses recorded
    assert uncertain_pauses(custom, "", TranscribeConfig(solo_pause_probability=None)) == ()
    # packed words around the pause: 良い with no mark (Whisper's packed windows drop it) needs a look
    # alone; 良い。 or ので、 is marked, and sentence_split decides on that
    for before, unmarked in (("良い", True), ("良い。", False), ("ので、", False), ("ですか？", False)):
        words = _words(("ほど", 0.5, 0.9), (before, 0.9, 1.25), ("駐車", 1.85, 2.3))
        assert (unmarked_pause(words, (line_break,)) is line_break) is unmarked, before
    assert unmarked_pause(_words(("良い", 0.5, 1.25)), (line_break,)) is line_break  # no word after it


def test_a_segment_whose_packed_words_show_no_mark_at_an_uncertain_pause_is_decoded_again_alone(
    asr_session: AsrSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packed windows drop Whisper's sentence marks (〜良い, 〜いけません with neither 。 nor 、 where the
    same audio alone gets 。), and sentence_split needs them: a segment with no script text whose
    packed words show no mark at a pause the segment stage was unsure of is decoded again alone."""
    from lhotse.utils import fastcopy

    from tsukasa.corpus.schema import PauseCandidate, SupervisionCustom, with_supervision_custom
    from tsukasa.pipelines.asr.transcribe import Decoder, TranscribeConfig, TranscribeStage

    # the two-line segment (ありがとうございました。 0.5 s またのお越しをお待ちしております。): a pause at the
    # line break, which the packed words mark, and one inside the second line, where no word is marked
    # (a pause the stage found within a word, as it may in a slow voice)
    cut = asr_session.cuts["two_lines"]
    t = len(trim(tts(SENTENCES["L07"]))) / SR
    at_break = PauseCandidate(start=round(t, 3), end=round(t + 0.5, 3), probability=0.3)
    inside = PauseCandidate(start=round(t + 1.2, 3), end=round(t + 1.25, 3), probability=0.3)
    ctx = StageContext(work_dir=".", num_threads=2)
    cfg = TranscribeConfig()
    # the look is batched (a window of its own, in one call with any others); Whisper's slower
    # sequential decoder only for a result that fails a check of its own
    sequential_calls = []
    real_decode_alone = Decoder.decode_alone
    monkeypatch.setattr(
        Decoder, "decode_alone", lambda self, unit: sequential_calls.append(unit) or real_decode_alone(self, unit)
    )
    decisions = {}
    for name, pauses in (("at the break", [at_break]), ("inside a line", [at_break, inside])):
        sup = with_supervision_custom(cut.supervisions[0], SupervisionCustom(pauses=pauses))
        heard = TranscribeStage(cfg).process([fastcopy(cut, supervisions=[sup]), asr_session.cuts["L01"]], ctx).kept
        decisions[name] = [read_supervision_custom(c.supervisions[0]).provenance[-1].decisions for c in heard]
        first = read_supervision_custom(heard[0].supervisions[0])
        assert "。" in first.asr.text.rstrip("。"), first.asr.text  # the first sentence's end is marked
        assert [c.id for c in SentenceSplitStage().process(heard[:1], ctx).kept] == [f"{cut.id}-s1", f"{cut.id}-s2"]
    assert decisions["at the break"] == [["packed"], ["packed"]]
    again, neighbour = decisions["inside a line"]
    assert again[0] == "solo" and again[1].startswith("packed result replaced by a solo decode (no sentence mark at")
    assert neighbour == ["packed"]
    assert sequential_calls == []


@pytest.mark.parametrize(
    "text,goes_on",
    [
        ("船は大きな波を受けて転覆し、", True),  # a verb's 連用形: the form that joins two clauses
        ("船は大きな波を受けて転覆し", True),  # ... with or without Whisper's comma
        ("船は転覆した、", False),  # a finite form ends the clause even before a comma
        ("船は転覆した。", False),  # Whisper's sentence end
        ("そうなんだ…", False),  # trailing off
        ("大きな船が", True),  # a case particle: the predicate is still to come
        ("私は", True),  # binding particle
        ("彼と", True),  # coordinating と ...
        ("行くと言ったと", False),  # ... but not the quoting one
        ("私の", True),
        ("鳥の声で目を覚ますと", True),  # the conditional と ...
        ("早くしないと", False),  # ... except after a negative (〜ないと: short for 〜いけない)
        # Whisper's 、 alone is no evidence: these forms end lines in speech
        ("待って、", False),
        ("いいだけだし、", False),
        ("行くから、", False),
        ("勝ち目は半分、", False),
        ("はい、", False),
        # nor are an adjective's or an auxiliary's 連用形: they end greetings, wishes, literary lines
        ("よろしく", False),
        ("うまくいきますように", False),
        ("偽りなきごとく", False),
        # nor an adverb after a case particle: Whisper writes verbs in kana, and MeCab reads はらがたった
        # (腹が立った) as 腹 + が + the adverb たった; a rule for 教師にそう joined such a line to the next
        ("我ながらひどくはらがたった", False),
        ("", False),
    ],
)
def test_continues_clause(text: str, goes_on: bool) -> None:
    from tsukasa.pipelines.asr.sentences import continues_clause

    assert continues_clause(text) is goes_on


def _split_line(tmp_path, texts, probability, *, script: str | None = None, unheard_s: float = 0.02):  # noqa: ANN001, ANN202
    """The segments the segment stage would make of one recording holding ``texts`` (hand-transcribed,
    0.6 s apart; each one word ending ``unheard_s`` before its speech does), each with the pause after
    it recorded at ``probability``."""
    from lhotse import MonoCut, Recording, SupervisionSegment

    from tests.audio_fixtures import write_audio
    from tsukasa.corpus.schema import AsrInfo, PauseCandidate, SourceInfo, SupervisionCustom

    parts = [trim(tts(t)) for t in texts]
    gap = np.zeros(int(0.6 * SR), np.float32)
    x = np.concatenate([np.zeros(SR // 4, np.float32), *[y for p in parts for y in (p, gap)]])
    rec = Recording.from_file(write_audio(tmp_path / "scene.flac", x, SR), recording_id="scene")
    cuts, t = [], 0.25
    for i, (text, audio) in enumerate(zip(texts, parts, strict=True)):
        dur = len(audio) / SR
        last = i == len(texts) - 1
        word = WordTiming(word=text, start=0.02, end=dur - unheard_s, probability=0.9)
        after = PauseCandidate(start=round(dur, 3), end=round(dur + 0.6, 3), probability=probability)
        custom = SupervisionCustom(
            asr=AsrInfo(model="m", text=text, words=[word]),
            pauses=[PauseCandidate(start=0.1, end=0.15, probability=0.01)],
            pause_after=None if last else after,
            source=SourceInfo(script_text=script, script_scope="file") if script else None,
        )
        sup = SupervisionSegment(id=f"scene-{i:03d}", recording_id="scene", start=0.1, duration=round(dur, 4),
                                 channel=0, text=script or text, language="ja", custom=custom.to_custom())  # fmt: skip
        cuts.append(MonoCut(id=f"scene-{i:03d}", start=round(t - 0.1, 4), duration=round(dur + 0.2, 4), channel=0,
                            recording=rec, supervisions=[sup]))  # fmt: skip
        t += dur + 0.6
    return cuts


def test_a_line_the_segment_stage_split_mid_clause_is_joined_back(tmp_path) -> None:  # noqa: ANN001
    ctx = StageContext(work_dir=tmp_path)
    texts = ["船は大きな波を受けて転覆し、", "乗客は全員救助された。"]
    a, b = _split_line(tmp_path, texts, 0.35)
    (joined,) = SentenceSplitStage().process([a, b], ctx).kept
    sup = joined.supervisions[0]
    custom = read_supervision_custom(sup)
    assert joined.id == a.id and sup.text == custom.asr.text == "".join(texts)
    # one cut from the first's start to the second's end; the speech spans both
    assert joined.start == a.start and abs(joined.end - b.end) < 1e-6
    assert abs(joined.start + sup.start - (a.start + a.supervisions[0].start)) < 1e-6
    assert abs(joined.start + sup.end - (b.start + b.supervisions[0].end)) < 1e-6
    # the second's words and pauses re-timed on the joined speech; the split pause is an inner pause again
    shift = (b.start + b.supervisions[0].start) - (a.start + a.supervisions[0].start)
    assert [w.word for w in custom.asr.words] == texts
    assert abs(custom.asr.words[1].start - (0.02 + shift)) < 1e-3
    assert [p.probability for p in custom.pauses] == [0.01, 0.35, 0.01]
    assert abs(custom.pauses[2].start - (0.1 + shift)) < 1e-3
    assert custom.pause_after is None  # the second was the recording's last
    assert "ジョーキャク" in custom.asr.kana
    note = custom.provenance[-1]
    assert note.stage == "sentence_split" and "joined with scene-001" in note.decisions[0]
    # a clause that ends (転覆した。), a split that sounded surely like a line break, a script's lines
    # (match_script decides those), a disabled rejoin, a joined line over the maximum, and a transcript
    # whose words stop short of the segment's end (Whisper dropped はやっています: its last word says
    # nothing then) keep the two apart
    for cuts, stage in (
        (_split_line(tmp_path, ["船は転覆した。", "乗客は全員救助された。"], 0.35), SentenceSplitStage()),
        (_split_line(tmp_path, texts, 0.95), SentenceSplitStage()),
        (_split_line(tmp_path, texts, 0.35, script="台本の行"), SentenceSplitStage()),
        (_split_line(tmp_path, texts, 0.35), SentenceSplitStage(SentenceSplitConfig(rejoin_below=0.0))),
        (_split_line(tmp_path, texts, 0.35), SentenceSplitStage(SentenceSplitConfig(max_duration_s=2.0))),
        (_split_line(tmp_path, texts, 0.35, unheard_s=0.8), SentenceSplitStage()),
    ):
        assert [c.to_dict() for c in stage.process(cuts, ctx).kept] == [c.to_dict() for c in cuts]


def test_a_line_split_twice_is_joined_whole_and_neighbours_must_touch(tmp_path) -> None:  # noqa: ANN001
    ctx = StageContext(work_dir=tmp_path)
    a, b, c = _split_line(tmp_path, ["私は", "昨日友達と一緒に", "映画を見に行きました。"], 0.4)
    (joined,) = SentenceSplitStage().process([a, b, c], ctx).kept
    assert joined.supervisions[0].text == "私は昨日友達と一緒に映画を見に行きました。"
    assert len(read_supervision_custom(joined.supervisions[0]).pauses) == 5  # 3 inner + the 2 splits
    # a and c are not neighbours (b lies between): they stay apart
    out = SentenceSplitStage().process([a, c], ctx).kept
    assert [x.id for x in out] == [a.id, c.id]


def test_segment_stage_records_the_pause_it_split_at(tmp_path) -> None:  # noqa: ANN001
    from lhotse import MonoCut, Recording

    from tests.audio_fixtures import write_audio
    from tsukasa.pipelines.segment import SegmentStage

    a, b = trim(tts("ありがとうございました。")), trim(tts("またのお越しをお待ちしております。"))
    silence = np.zeros(SR // 2, np.float32)
    x = np.concatenate([silence, a, np.zeros(int(1.5 * SR), np.float32), b, silence])
    rec = Recording.from_file(write_audio(tmp_path / "two.flac", x, SR), recording_id="two")
    cut = MonoCut(id="two", start=0, duration=rec.duration, channel=0, recording=rec, supervisions=[],
                  custom={"source_path": "two.flac", "source_root": str(tmp_path)})  # fmt: skip
    first, second = SegmentStage().process([cut], StageContext(work_dir=tmp_path)).kept
    after = read_supervision_custom(first.supervisions[0]).pause_after
    assert read_supervision_custom(second.supervisions[0]).pause_after is None
    # relative to the first's speech start, spanning the 1.5 s of silence between the two
    t0 = first.start + first.supervisions[0].start
    assert abs(t0 + after.start - (0.5 + len(a) / SR)) < 0.08
    assert abs(t0 + after.end - (0.5 + len(a) / SR + 1.5)) < 0.08
    assert after.probability >= 0.3
