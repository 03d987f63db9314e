"""Fuzzing, thread safety, user dictionaries and the two stages of the text front-end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tsukasa.corpus.symbols import SYMBOL_TO_ID
from tsukasa.errors import TsukasaError
from tsukasa.pipelines.base import StageContext, get_stage
from tsukasa.pipelines.textfront import TextFrontError, normalize, phonemize

# Text drawn from the alphabets scripts mix: kana, common kanji, Latin, digits, script
# punctuation and markup characters, plus arbitrary Unicode.
_ALPHABET = (
    "あいうえおかきくけこさしすせそんっゃゅょーアイウエオカキクケコンッァヴ水木金日本語学校行見言"
    "abcdefghijklmnopqrstuvwxyzABCNHK0123456789０１２"
    "、。！？!?…‥～〜ー・「」『』（）()|｜《》[]{}<>\\/:%％&¥$＄ｗ♪★😀 \n×〇○@."
    "#_^²³½±√°≒éüñß한Ж∑™"  # signs read in words, powers, fractions, math, accented and other scripts
    "-－▷↔⓫❶ヶヷ〻ゝ月時話AaPpMm"  # dashes, decoration, circled numbers, rare kana, counters, AM/PM
)
_text = st.one_of(st.text(alphabet=_ALPHABET, max_size=40), st.text(max_size=20))
_FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(_text)
@example("BMñ")  # make fuzz, 2026-12-07: folded to BMn, a formula (B + Mn) only the second round read
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@_FUZZ
@given(_text)
def test_phonemize_never_crashes_and_emits_known_symbols(text: str) -> None:
    try:
        p = phonemize(text)
    except TsukasaError:
        return  # a clear, user-facing error is allowed; anything else is a bug
    assert all(s in SYMBOL_TO_ID for s in p.phonemes)
    assert all(s in SYMBOL_TO_ID for s in p.prosody_tokens)
    assert all(c.isspace() or c == "、" or "ァ" <= c <= "ヺ" or c == "ー" for c in p.kana)


SENTENCES = [
    "水をマレーシアから買わなくてはならないのです。",
    "木曜日、停戦会談は、何の進展もないまま終了しました。",
    "watashi wa gakkou e ikimasu.",
    "（笑）はぁ…それって、どういうことかな。",
    "3:15に¥1,500払った。",
    "ABCとgameをしよう",
    "今日はgood weatherですね",  # e2k's model, shared by the threads
    "HPが100回復した。3回答えた。",  # the counter check: fugashi's tagger, shared by the threads
    "私はくちがきけなかった。かれははじめてだった。",  # the は check: fugashi's tagger too
    "春香：はい、わかりました。",  # the colon speaker check: OpenJTalk's MeCab from normalisation
    "「必殺技」炎の剣！PRESS START",
    "これが私の願いなんだ。天井かな？故障みたい。",  # MeCab's n-best paths (next_best.py), shared OpenJTalk
] * 4


def test_threads_give_the_same_results_as_one_thread() -> None:
    single = [phonemize(s) for s in SENTENCES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        multi = list(pool.map(phonemize, SENTENCES))
    assert multi == single


# --- user dictionary (character names of a game script) -----------------------------------------
def test_user_dictionary_changes_reading_and_accent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\n星詠司,ホシヨミツカサ,3\n", encoding="utf-8")
    plain = phonemize("星詠司が来た。")
    custom = phonemize("星詠司が来た。", user_dict=csv)
    assert custom.kana.startswith("ホシヨミツカサガ")
    assert plain.kana != custom.kana
    assert custom.prosody.startswith("^ h o [ sh i y o ] m i ts u k a s a g a")
    assert phonemize("星詠司が来た。").kana == plain.kana  # the global reading is untouched


def test_ruby_spelling_a_user_dictionary_reading_keeps_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script that rubies a character's name with the reading the game's dictionary gives it reads
    it as the dictionary word, accent included (the ruby was compared with the system dictionary
    only, and the name became kana with a guessed accent)."""
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\n星詠司,ホシヨミツカサ,3\n", encoding="utf-8")
    ruby = phonemize("|星詠司《ほしよみつかさ》が来た。", user_dict=csv)
    assert ruby.prosody == phonemize("星詠司が来た。", user_dict=csv).prosody
    assert ruby.prosody.startswith("^ h o [ sh i y o ] m i ts u k a s a g a")


def test_user_dictionary_names_in_hiragana_are_not_cut_at_their_ha(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Character names written in hiragana often hold は (ちはや, かずは). UniDic, which does not
    know them, cuts them at the particle は; the topic-は check must leave a user's word whole."""
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\nちはや,チハヤ,1\nかずは,カズハ,1\n", encoding="utf-8")
    assert phonemize("私とちはやが来た", user_dict=csv).kana == "ワタシトチハヤガキタ"
    assert phonemize("私とかずはが来た", user_dict=csv).kana == "ワタシトカズハガキタ"


# The dictionaries users of other Japanese TTS tools already keep, each holding the same word.
_OPENJTALK_ROW = "星詠司,1345,1345,100,名詞,固有名詞,一般,*,*,*,星詠司,ホシヨミツカサ,ホシヨミツカサ,3/6,*\n"
_VOICEVOX_JSON = (
    '{"0f6a0cf1-7b1e-4a53-9c55-6a7d1d1c2b10": {"surface": "星詠司", "priority": 5, "context_id": 1348,'
    ' "part_of_speech": "名詞", "part_of_speech_detail_1": "固有名詞", "part_of_speech_detail_2": "一般",'
    ' "part_of_speech_detail_3": "*", "inflectional_type": "*", "inflectional_form": "*", "stem": "*",'
    ' "yomi": "ホシヨミツカサ", "pronunciation": "ホシヨミツカサ", "accent_type": 3, "mora_count": 6,'
    ' "accent_associative_rule": "*"}}'
)


@pytest.mark.parametrize(
    ("name", "content"),
    [("default.csv", _OPENJTALK_ROW), ("user_dict.json", _VOICEVOX_JSON)],
    ids=["openjtalk-csv", "voicevox-json"],
)
def test_openjtalk_and_voicevox_user_dictionaries_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str
) -> None:
    """VOICEVOX's and Style-Bert-VITS2's default.csv (OpenJTalk's own dictionary rows) and VOICEVOX's
    exported user dictionary: the same reading and accent as our three-column CSV."""
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    ours = tmp_path / "names.csv"
    ours.write_text("星詠司,ホシヨミツカサ,3\n", encoding="utf-8")
    theirs = tmp_path / name
    theirs.write_text(content, encoding="utf-8")
    got = phonemize("星詠司が来た。", user_dict=theirs)
    assert got.kana.startswith("ホシヨミツカサガ")
    assert got.prosody == phonemize("星詠司が来た。", user_dict=ours).prosody


def test_a_shift_jis_user_dictionary_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved by a Windows tool: was a UnicodeDecodeError traceback out of `tsukasa g2p`."""
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_bytes("星詠司,ホシヨミツカサ,3\n".encode("cp932"))
    assert phonemize("星詠司が来た。", user_dict=csv).kana.startswith("ホシヨミツカサガ")


def test_a_broken_voicevox_dictionary_is_a_clear_error(tmp_path: Path) -> None:
    for content, what in (('{"a": {"surface": "司"', "not a JSON user dictionary"),
                          ('{"a": "司"}', "expected VOICEVOX's user dictionary"),
                          ('{"a": {"surface": "司", "pronunciation": "tsukasa", "accent_type": 1}}',
                           "user_dict.json:1: the reading must be kana")):  # fmt: skip
        path = tmp_path / "user_dict.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(TextFrontError, match=what):
            phonemize("司", user_dict=path)


@pytest.mark.parametrize(
    ("line", "kana"),
    [
        ("エルフィーナ：行くわよ！", "イクワヨ"),  # a plain-text script dump: speaker, colon, line
        ("エルフィーナ様：行くわよ！", "イクワヨ"),  # with an honorific
        ("ｴﾙﾌｨｰﾅ: 行くわよ", "イクワヨ"),  # half-width katakana and an ASCII colon
        ("かずは：ただいま", "タダイマ"),  # a hiragana name MeCab does not know at all
        ("エルフィーナの剣：伝説の剣", "エルフィーナノケン、デンセツノケン"),  # a label, not a speaker
        ("注意：足元に気をつけて。", "チューイ、アシモトニキヲツケテ"),  # not a name: read as before
    ],
)
def test_a_user_dictionary_name_before_a_colon_is_the_speaker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, kana: str
) -> None:
    """Names a game invents are not 人名 in OpenJTalk's dictionary, so the colon-speaker check of
    normalisation read them aloud (エルフィーナ、イクワヨ); the project's user dictionary knows them."""
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\nエルフィーナ,エルフィーナ,3\nかずは,カズハ,1\n", encoding="utf-8")
    assert phonemize(line, user_dict=csv).kana == kana


@pytest.mark.parametrize(
    "content",
    ["名前,namae,1\n", "名前,ナマエ,9\n", "名前\n", "# only a comment\n"],
)
def test_bad_user_dictionary_is_a_clear_error(tmp_path: Path, content: str) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(TextFrontError, match="bad.csv"):
        phonemize("名前", user_dict=csv)


def test_every_bad_row_of_a_user_dictionary_is_named_at_once(tmp_path: Path) -> None:
    """A CSV of many names is fixed in one pass: every bad row, with what is wrong with it (the
    first one alone used to be reported, and an empty surface was called a bad reading)."""
    csv = tmp_path / "names.csv"
    csv.write_text("司,ツカサ,1\nbad row\n,アア,1\n星,ホシ,9\n詠,yomi\n", encoding="utf-8")
    with pytest.raises(TextFrontError) as exc:
        phonemize("司", user_dict=csv)
    message = str(exc.value)
    assert message.startswith("4 bad row(s) in the user dictionary: ")
    for row, what in ((2, "expected surface,reading"), (3, "the surface (first column) is empty"),
                      (4, "accent type must be 0..2"), (5, "the reading must be kana")):  # fmt: skip
        assert f"names.csv:{row}: {what}" in message
    assert "\n" not in message  # one line on the command line


# --- stages -------------------------------------------------------------------------------------
def _cut(text: str, duration: float = 2.0):
    from lhotse import MonoCut, Recording, SupervisionSegment
    from lhotse.audio import AudioSource

    rec = Recording(
        id="r1", sources=[AudioSource(type="file", channels=[0], source="/nonexistent.wav")],
        sampling_rate=24000, num_samples=int(duration * 24000), duration=duration,
    )  # fmt: skip
    sup = SupervisionSegment(id="c1", recording_id="r1", start=0.0, duration=duration, text=text, language="ja")
    return MonoCut(id="c1", start=0.0, duration=duration, channel=0, recording=rec, supervisions=[sup])


def test_phonemize_stage_fills_every_field(tmp_path: Path) -> None:
    from tsukasa.corpus.schema import read_supervision_custom

    stage = get_stage("phonemize")()
    res = stage.process([_cut("（笑）本当ですか。")], StageContext(work_dir=tmp_path))
    assert not res.rejected
    custom = read_supervision_custom(res.kept[0].supervisions[0])
    assert custom.kana == "ホントーデスカ"
    assert custom.phonemes == ["h", "o", "N", "t", "o", "o", "d", "e", "s", "u", "k", "a"]
    assert custom.prosody is not None and custom.prosody.endswith("? $")
    assert [(e.kind, e.source, e.label) for e in custom.nonverbal] == [("laugh", "text", "（笑）")]
    assert custom.provenance[-1].stage == "phonemize"
    assert res.kept[0].supervisions[0].text == "（笑）本当ですか。"  # the reference text is kept
    # running it again does not duplicate the text events
    again = stage.process(res.kept, StageContext(work_dir=tmp_path))
    assert len(read_supervision_custom(again.kept[0].supervisions[0]).nonverbal) == 1


def test_textnorm_stage_records_cues_and_rejects_unreadable(tmp_path: Path) -> None:
    from tsukasa.corpus.schema import read_supervision_custom

    stage = get_stage("textnorm")()
    res = stage.process([_cut("それは……どうかな（ため息）"), _cut("（笑）")], StageContext(work_dir=tmp_path))
    assert [r.reason for r in res.rejected] == ["text_no_speech"]
    events = read_supervision_custom(res.kept[0].supervisions[0]).nonverbal
    assert [e.kind for e in events] == ["pause", "sigh"]
    assert 0.0 < events[0].start < events[1].start <= 2.0


def test_phonemize_stage_rejects_a_line_with_a_word_it_cannot_read(tmp_path: Path) -> None:
    """OpenJTalk read letters of other scripts and math signs as pauses: a line saying 한국 was
    kept with silence in its phonemes. It is rejected now, naming the characters."""
    stage = get_stage("phonemize")()
    res = stage.process([_cut("これは한국の本です。"), _cut("――そうか、分かった。")], StageContext(work_dir=tmp_path))
    assert [r.reason for r in res.rejected] == ["phonemize_failed"]
    assert "한국" in res.rejected[0].detail and len(res.kept) == 1  # a dash is a pause, not a word


def test_stage_fingerprint_depends_on_user_dict(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text("司,ツカサ,1\n", encoding="utf-8")
    cls = get_stage("phonemize")
    assert cls().fingerprint() != cls(cls.Config(user_dict=str(csv))).fingerprint()


@pytest.mark.parametrize("stage_name", ["match_script", "nonverbal"])
def test_stages_reading_text_through_the_front_end_are_refingerprinted_when_it_changes(
    stage_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """match_script and nonverbal read text with the front-end: after a front-end change their
    cached output (matched and cued by the old rules) must not be reused."""
    cls = get_stage(stage_name)
    before = cls().fingerprint()
    monkeypatch.setattr(get_stage("phonemize"), "version", "changed")
    assert cls().fingerprint() != before


def test_nonverbal_without_text_cues_does_not_depend_on_the_front_end(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = get_stage("nonverbal")
    before = cls(cls.Config(text_cues=False)).fingerprint()
    monkeypatch.setattr(get_stage("textnorm"), "version", "changed")
    assert cls(cls.Config(text_cues=False)).fingerprint() == before


def test_phonemize_stage_reads_english_words_as_configured(tmp_path: Path) -> None:
    from tsukasa.corpus.schema import read_supervision_custom

    cls = get_stage("phonemize")
    letters = cls(cls.Config(english="letters"))
    assert letters.fingerprint() != cls().fingerprint()
    kana = []
    for stage in (cls(), letters):
        res = stage.process([_cut("今日はgood weatherですね")], StageContext(work_dir=tmp_path))
        kana.append(read_supervision_custom(res.kept[0].supervisions[0]).kana)
    assert kana == ["キョーワグッドウェザーデスネ", "キョーワグッドダブリューイーエーティーエイチイーアールデスネ"]


def test_phonemize_stage_leaves_phrase_breaks_to_the_audio_unless_configured(tmp_path: Path) -> None:
    """The stage labels recorded audio: its pauses come from the text's marks and (nonverbal stage)
    the audio, not from a guess; phrase breaks are on only when its config asks."""
    from tsukasa.corpus.schema import read_supervision_custom

    cls = get_stage("phonemize")
    text = "連邦政府の予算削減は社会保障の給付に影響が及ぶでしょう。"
    on = cls(cls.Config(phrase_breaks=True))
    assert on.fingerprint() != cls().fingerprint()
    # the fitted weights are part of what the output depends on, only when breaks are on
    from tsukasa.pipelines.textfront.phrasing import model_version

    assert on.model_versions()["phrase_breaks"] == model_version()
    assert "phrase_breaks" not in cls().model_versions()
    kana = []
    for stage in (cls(), on):
        res = stage.process([_cut(text, 4.0)], StageContext(work_dir=tmp_path))
        kana.append(read_supervision_custom(res.kept[0].supervisions[0]).kana)
    assert kana == [
        "レンポーセーフノヨサンサクゲンワシャカイホショーノキューフニエーキョーガオヨブデショー",
        "レンポーセーフノヨサンサクゲンワ、シャカイホショーノキューフニエーキョーガオヨブデショー",
    ]


@_FUZZ
@given(_text)
def test_normalize_fast_path_equals_full_passes(text: str) -> None:
    from tsukasa.pipelines.textfront.normalize import _normalize_passes

    assert normalize(text) == _normalize_passes(text)


def test_a_paragraph_longer_than_openjtalk_takes_is_read_in_sentences() -> None:
    """OpenJTalk refuses ~5,400 Japanese characters ("Input text is too long after
    normalization"): a novel's paragraph on one line was an error. It is read in parts cut after
    。！？ (then 、), joined with a pause; each part reads as it would alone."""
    from tsukasa.pipelines.textfront.frontend import LONG_TEXT_CHARS

    sentences = ["今日はいい天気ですね。", "明日の朝、駅で会いましょう。", "本当に行くの？"]
    text = "".join(sentences[i % 3] for i in range(700))  # ~8,000 characters
    assert len(text) > 5 * LONG_TEXT_CHARS
    long = phonemize(text)
    alone = [phonemize(s) for s in sentences]
    per_sentence = [alone[i % 3] for i in range(700)]
    expected: list[str] = []
    for p in per_sentence:
        expected += (["pau"] if expected else []) + p.phonemes
    assert long.phonemes == expected
    assert long.prosody.startswith("^ " + alone[0].prosody[2:-2]) and long.prosody.endswith(" $")
    assert long.prosody.count("?") == sum(p.prosody.count("?") for p in per_sentence)
    assert long.kana.startswith(alone[0].kana + "、" + alone[1].kana)
    assert set(long.prosody.split()) <= set(SYMBOL_TO_ID)


def _kana_spellings() -> list[str]:
    """Every kana (hiragana, katakana, half-width, Ainu small katakana), after a kana and before
    every small kana a digraph may take (フュ, ヴォ, ティ, クヮ ...)."""
    ranges = [
        (0x3041, 0x3096),
        (0x309D, 0x309F),
        (0x30A1, 0x30FA),
        (0x30FD, 0x30FF),
        (0x31F0, 0x31FF),
        (0xFF66, 0xFF9D),
    ]
    kana = [chr(c) for lo, hi in ranges for c in range(lo, hi + 1)]
    return [f"か{k}{small}" for k in kana for small in ["", *"ァィゥェォャュョヮぁぃぅぇぉゃゅょゎ"]]


def test_every_kana_spelling_reads_into_table_symbols() -> None:
    """Written Japanese never stops the front-end: フュ was read fy, which the symbol table lacked
    (フュージョン, フューチャー failed as an unknown symbol); ヷ ヸ ヹ ヺ, 〻, ゕ ゖ and the small Ainu
    katakana had no reading. Each spelling must read, into table symbols only."""
    failures = {}
    for text in _kana_spellings():
        try:
            p = phonemize(text)
        except TsukasaError as exc:
            failures[text] = str(exc)[:80]
            continue
        unknown = [s for s in [*p.phonemes, *p.prosody_tokens] if s not in SYMBOL_TO_ID]
        if unknown or not p.phonemes:
            failures[text] = f"{p.kana} {unknown}"
    assert not failures, list(failures.items())[:10]
    assert phonemize("フュージョン").phonemes == ["fy", "u", "u", "j", "o", "N"]


# Pieces of read and game sentences, joined at random into long lines the phrase-break model and
# the run-on rules act on (JSUT-like clauses, answers, quantities, final particles, commas).
_PIECES = (
    "連邦政府の", "予算削減は", "社会保障の", "給付に", "影響が", "及ぶでしょう", "鉄道路線が", "津軽海峡の",
    "下を通って", "北海道まで", "延長された", "はい", "ねえねえ", "大丈夫よ", "素敵ね", "午後3時から", "5時まで",
    "回復薬を三つ", "ください", "私は", "学校に", "行きます", "行くぞ", "気合い入れろ", "、", "。", "？",
    "info@example.jpまで", "2020ー2021年", "お前のことは", "ずっと", "信じていたよ",
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=2, max_size=9).map("".join))
def test_phrase_breaks_only_add_pauses(text: str) -> None:
    # a break goes between accent phrases and changes no reading, accent or phrase: the phonemes
    # and the accent marks are those without breaks, pauses (and the rise of a run-on end) aside
    on, off = phonemize(text), phonemize(text, phrase_breaks=False)
    assert [p for p in on.phonemes if p != "pau"] == [p for p in off.phonemes if p != "pau"]
    marks = {"_", "#", "?"}
    assert [t for t in on.prosody_tokens if t not in marks] == [t for t in off.prosody_tokens if t not in marks]
    assert on.phonemes.count("pau") >= off.phonemes.count("pau")
