"""Japanese written in katakana (textfront/katakana_lines.py): a robot's, an alien's or a foreigner's
lines as games and manga write them, read as the Japanese they stand for; lines of loanwords and
names stay as they were.

Sources of the cases: the robot / alien / broken-Japanese voice of games and manga (ワタシハロボット
デス, キサマ、ナニモノダ), and JSUT sentences written in katakana (bench: RESULTS.md, 2026-12-06).
"""

from __future__ import annotations

from unittest import mock

import pyopenjtalk
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.pipelines.textfront.passes import lines_of, phonemes_with_and_without
from tsukasa.pipelines.asr.kana import edit_distance
from tsukasa.pipelines.textfront import frontend, phonemize
from tsukasa.pipelines.textfront.katakana_lines import katakana_sentences_to_hiragana


@pytest.mark.parametrize(
    "katakana,kana,hiragana",
    [
        # the particle ハ is ワ; before, the line was one unknown word read ワタシハロボットデス
        ("ワタシハロボットデス。", "ワタシワロボットデス", "わたしはろぼっとです。"),
        ("オレサマハ、ツヨイゾ！", "オレサマワ、ツヨイゾ", "おれさまは、つよいぞ！"),
        ("キサマ、ナニモノダ！", "キサマ、ナニモノダ", "きさま、なにものだ！"),
        # a greeting alone: こんにちは's final は is ワ, おはよう's う a long vowel
        ("コンニチハ、ゲンキデスカ？", "コンニチワ、ゲンキデスカ", "こんにちは、げんきですか？"),
        ("オハヨウ！", "オハヨー", "おはよう！"),
        # a set reply or a connective alone, and Japanese spelling a long vowel ウ / イ where UniDic sees
        # loanword pieces (ヨウ|コソ): were ソウデスネ, ソレデハ (ハ), ヨウコソ, said as written
        ("ソウデスネ。", "ソーデスネ", "そうですね。"),
        ("ソレデハ、マタアシタ。", "ソレデワ、マタアシタ", "それでは、マタアシタ。"),
        ("ヨウコソ、ニホンヘ。", "ヨーコソ、ニホンエ", "ようこそ、にほんへ。"),
        # a loanword inside the run is kept and the rest read as Japanese (the particle ヲ is said オ)
        ("ハンバーガーヲタベタイ。", "ハンバーガーヲタベタイ", "ハンバーガーをたべたい。"),
        (
            "ワタシハロボット、ニンゲンデハナイ。",
            "ワタシワロボット、ニンゲンデワナイ",
            "わたしはロボット、にんげんではない。",
        ),
        # one-kana forms that carry a sentence: い of いた, さ / れ of された, the formal nouns の and ん
        # (JSUT in katakana: these lines were left as written, ジョウキャクハ with its ハ and ウ)
        (
            "オボレカカッテイタジョウキャクハ、スベテキュウジョサレタ。",
            "オボレカカッテイタジョーキャクワ、スベテキュージョサレタ",
            "おぼれかかっていたじょうきゃくは、すべてきゅうじょされた。",
        ),
        ("ダキョウスルノハ、イヤダ。", "ダキョースルノワ、イヤダ", "だきょうするのは、いやだ。"),
        ("ソウナンデス。", "ソーナンデス", "そうなんです。"),
        # ハ that MeCab reads as a one-kana noun (葉) after a name it knows: the particle
        ("ガリレオハ、タマヲオトシタ。", "ガリレオワ、タマヲオトシタ", "ガリレオは、たまをおとした。"),
        # a name UniDic finds is kept like a known word, and its particle alone may end the run
        (
            "ミックハ、ソノコドモヲリチャードトナズケタ。",
            "ミックワ、ソノコドモヲリチャードトナズケタ",
            "ミックは、そのこどもをリチャードとなずけた。",
        ),
    ],
)
def test_japanese_in_katakana_reads_as_the_hiragana_it_stands_for(katakana: str, kana: str, hiragana: str) -> None:
    said = phonemize(katakana)
    assert said.kana == kana
    assert said.prosody == phonemize(hiragana).prosody  # its accents are the Japanese words'
    assert said.text == katakana


def test_a_question_in_katakana_rises() -> None:
    assert phonemize("アナタハダレデスカ。").prosody.endswith("? $")  # ですか, as in hiragana


@pytest.mark.parametrize(
    "line",
    [
        "ミッションコンプリート",  # loanwords OpenJTalk's dictionary does not hold run together
        "ゲームオーバー",
        "ハロー、ワールド！",
        "ケネススター",  # a name and a loanword: ケネ|ス would have been a final particle and a pause
        "エルサレムケネススター",  # える|さ|れ|むけ|ね|すす: a final particle ね inside the run ends nothing
        "アブラハムガソリンスタンド",  # UniDic finds the name and the loanwords: は must not become ワ
        "キュートハチ",  # a loanword and a name run together: ハチ ends no predicate, so ハ stays ハ
        "アリスハチ",  # a name, then ハチ: no particle alone, the run does not end at ハ
        "ハトペギー",  # はと|ペギー read alone, は|と|ペギー together: the whole is checked once more
        "チャットジーピーティー",  # letters no Japanese in katakana uses (ー) are not tried in hiragana
    ],
)
def test_loanwords_and_names_read_as_before(line: str) -> None:
    with mock.patch.object(frontend, "katakana_sentences_to_hiragana", lambda text: text):
        before = phonemize(line)
    after = phonemize(line)
    assert (after.kana, after.prosody) == (before.kana, before.prosody)


@pytest.mark.parametrize("line,kana", [("ハハハ！", "ハハハ"), ("ははは。", "ハハハ"), ("フフフ", "フフフ")])
def test_laughter_in_katakana_stays_a_sound(line: str, kana: str) -> None:
    # ハハハ alone is all katakana; in hiragana MeCab reads ははは as 母 + the particle は (was ハハワ)
    assert phonemize(line).kana == kana


def test_only_sentences_written_all_in_katakana_are_touched() -> None:
    assert katakana_sentences_to_hiragana("ワタシハロボットです。") == "ワタシハロボットです。"
    assert katakana_sentences_to_hiragana("ワタシハロボットデス。今日は。") == "わたしはろぼっとです。今日は。"


_KATAKANA_WORDS = (
    "ワタシ アナタ ロボット ニンゲン チキュウ ゲンキ キョウ アシタ トモダチ ミッション データ エネルギー "
    "タベル イク ミル タタカウ ワカリマシタ デキマセン ナニ ダレ ドコ コンニチハ システム キドウ"
).split()
_katakana_line = lines_of(st.sampled_from(_KATAKANA_WORDS), ["ハ", "ガ", "ヲ", "ニ", "デ", "ノ", "ヘ", "デス", "ダ"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_katakana_line)
@example("ワタシキョウワタシワタシワカリマシタワカリマシタワカリマシタ")  # make fuzz: as written, キ・ヨ・ウ
@example("データタタカウハ")  # make fuzz: た + たかう, MeCab's ゴザイ form of 高い in kana, was said タコー
def test_katakana_lines_never_crash_and_say_what_is_written(line: str) -> None:
    # the hiragana changes the analysis, not what is said: at most a particle ハ/ヘ (ワ, エ) or a long
    # vowel written ウ/イ differs from the line read as written, one phoneme each
    both = phonemes_with_and_without(line, "katakana_sentences_to_hiragana", lambda text: text)
    if both is not None:
        assert edit_distance(*both) <= sum(line.count(c) for c in "ハヘウイ")


def test_the_cut_at_loanwords_is_linear_in_the_runs_length() -> None:
    # pieces of at most _MAX_PIECE letters: a run of hundreds of katakana stays a few thousand
    # look-ups (every start times every end was quadratic: 360 letters, ~60,000)
    from tsukasa.pipelines.textfront import katakana_lines

    looked_up = []
    real = katakana_lines._known_katakana_word

    def counting(katakana: str) -> bool:
        looked_up.append(katakana)
        return real(katakana)

    run = "ミッションコンプリートシステムエラー" * 20
    with mock.patch.object(katakana_lines, "_known_katakana_word", counting):
        katakana_lines._split_at_known_words(run)
    assert 0 < len(looked_up) <= len(run) * katakana_lines._MAX_PIECE


def test_a_mora_that_mecab_cut_in_two_is_said_as_one() -> None:
    # a long katakana line (the fuzzed robot line below) is cut ワタ|シキ|ョウ by MeCab; JPCommon reads
    # each word's morae on their own, so the cut said キ + ヨ (k i y o u) where the kana says キョウ
    line = "ワタシキョウワタシワタシワカリマシタワカリマシタワカリマシタ"
    assert any(f["pron"].startswith("ョ") for f in pyopenjtalk.run_frontend(line))  # the cut is still there
    with mock.patch.object(frontend, "katakana_sentences_to_hiragana", lambda text: text):  # read as written
        said = " ".join(phonemize(line).phonemes)
    assert said.startswith("w a t a sh i ky o u w a t a sh i")
    assert "k i y o" not in said


@pytest.mark.parametrize(
    "line,kana",
    [
        # kanji with katakana endings and particles: a ghost's, a curse's or a machine's voice in horror and
        # mystery games (the kanji was read alone and the katakana after it: ジハ, モトサナイ, イキク, ハ for は)
        ("「次ハ、オマエダ」", "ツギワ、オマエダ"),
        ("「オ前ヲ、許サナイ」", "オマエヲ、ユルサナイ"),
        ("「今夜、迎エニ行ク」", "コンヤ、ムカエニイク"),
        ("「オ母サン、ドコニ行ッタノ？」", "オカーサン、ドコニイッタノ"),
        ("「寒イ、寒イ……」", "サムイ、サムイ"),
        ("「此処カラ出シテ」", "ココカラダシテ"),
        ("人類ハ滅ビル", "ジンルイワホロビル"),
        ("ロボットヲ壊セ", "ロボットヲコワセ"),  # a known loanword stays, its particle is read
        # kanji and loanwords stay as written: the loanwords are words, and a key's name is a note
        ("初見プレイ", "ショケンプレイ"),
        ("7位タイ", "ナナイタイ"),
        ("先攻ワンキル", "センコーワンキル"),
        ("嬰ハ短調", "エーハタンチョー"),
        ("新型ロボット開発", "シンガタロボットカイハツ"),
    ],
)
def test_kanji_with_katakana_endings_are_read_as_japanese(line: str, kana: str) -> None:
    assert phonemize(line).kana == kana
