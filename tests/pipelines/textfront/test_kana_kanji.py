"""Romaji words given to OpenJTalk in kanji (textfront/kana_kanji.py): the index read from the
dictionary's binary file, which words are spelled in kanji, and what that does to a romaji line.

Sources of the cases: everyday romaji (chat, fan transcriptions of game lines) and the romaji
versions of JSUT sentences that benchmarks/bench_textfront.py scores.
"""

from __future__ import annotations

import logging
import re
import shutil
import struct
from pathlib import Path
from unittest import mock

import pyopenjtalk
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.pipelines.textfront.passes import lines_of, phonemes_with_and_without, same_up_to_long_vowels
from tsukasa.pipelines.textfront import frontend, kana_kanji, phonemize
from tsukasa.pipelines.textfront.readings import SpelledReading, to_katakana

DICTIONARY = Path(pyopenjtalk.OPEN_JTALK_DICT_DIR.decode("utf-8"))


def test_the_index_maps_readings_to_the_dictionarys_kanji_nouns_and_adverbs() -> None:
    index = kana_kanji.index()
    assert len(index) > 40_000  # the dictionary's common nouns, サ変 / 形容動詞 stems, adverbs
    assert "水" in index["みず"]
    assert "血圧" in index["けつあつ"]
    assert "本当に" in index["ほんとうに"]  # an adverb with its okurigana
    assert all(spellings for spellings in index.values())
    # only kanji spellings (no kana or Latin variants: ケツアツ, Ｍｓ．), and never a reading of one mora
    assert all(len(reading) >= 2 for reading in index)
    assert all("\u4e00" <= s[0] <= "\u9fff" or s[0] in "々〆" for spellings in index.values() for s in spellings)
    # proper nouns are left out: 高知 is a place only (a dependent noun such as こと stays kana by
    # kanji_spelling's own check)
    assert "高知" not in index.get("こうち", ())
    assert kana_kanji.kanji_spelling("こと", "コト") is None
    # pronouns are in: kare in kana is the verb 枯れ to OpenJTalk's MeCab (カ[レ), 彼 is カ]レ
    assert "彼" in index["かれ"]


def test_a_file_that_is_not_a_mecab_dictionary_is_refused(tmp_path: Path) -> None:
    shutil.copy(DICTIONARY / "pos-id.def", tmp_path / "pos-id.def")
    (tmp_path / "sys.dic").write_bytes(struct.pack("<10I", *range(10)) + b"utf-8".ljust(32, b"\0"))
    with pytest.raises(ValueError, match="not a UTF-8 MeCab dictionary"):
        kana_kanji.build_index(tmp_path)


def test_an_unreadable_dictionary_leaves_romaji_in_kana_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(directory: str) -> dict:
        raise ValueError("not a UTF-8 MeCab dictionary")

    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))  # nothing cached there
    monkeypatch.setattr(kana_kanji, "build_index", broken)
    monkeypatch.setattr(kana_kanji, "_INDEX", [])
    kana_kanji.kanji_spelling.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=kana_kanji.__name__):
            assert kana_kanji.kanji_spelling("みず") is None
            p = phonemize("mizu o nomu")
        assert p.kana == "ミズヲノム"
        assert sum("romaji words stay in kana" in r.message for r in caplog.records) == 1
    finally:
        kana_kanji.kanji_spelling.cache_clear()


def test_the_index_is_cached_and_a_damaged_cache_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(kana_kanji, "_INDEX", [])
    built = kana_kanji.index()
    (cached,) = (tmp_path / "cache" / "kana_kanji").glob("*.json")
    # the next process reads the cache: the dictionary file is not parsed again
    monkeypatch.setattr(kana_kanji, "_INDEX", [])
    real_build = kana_kanji.build_index
    monkeypatch.setattr(kana_kanji, "build_index", lambda directory: pytest.fail("parsed again"))
    assert kana_kanji.index() == built
    # a cut-off cache file is not trusted: the index is built again and the file rewritten
    cached.write_text(cached.read_text(encoding="utf-8")[:1000], encoding="utf-8")
    monkeypatch.setattr(kana_kanji, "_INDEX", [])
    monkeypatch.setattr(kana_kanji, "build_index", real_build)
    assert kana_kanji.index() == built
    assert len(cached.read_text(encoding="utf-8")) > 1000


@pytest.mark.parametrize(
    "hiragana,kanji",
    [
        ("みず", "水"),  # OpenJTalk's own dictionary reads the kana み|ず (見る + ぬ)
        ("いし", "石"),  # ... and いし as a form of いい
        ("はし", "箸"),  # homophones: UniDic's reading of the kana (the dictionary's cheapest is 端)
        ("けつあつ", "血圧"),  # UniDic splits it (けつ|あつ): the dictionary's choice for the reading
        ("ほんとうに", "本当に"),
        # kept in kana: verb and adjective forms, dependent nouns, a word UniDic reads otherwise
        ("いた", None),  # い|た (居る), not 板
        ("すんで", None),
        ("きた", None),  # 来た, not 北
        ("なかった", None),
        ("こと", None),
        ("とき", None),
        ("よう", None),  # 良く to UniDic; 用 would stop the sentence-end rules seeing ますよう
        ("ぱろめいたあ", None),  # no such reading
    ],
)
def test_which_words_are_spelled_in_kanji(hiragana: str, kanji: str | None) -> None:
    assert kana_kanji.kanji_spelling(hiragana) == kanji


def test_spelling_keeps_the_readings_and_the_writers_word_boundaries() -> None:
    text = "みず を のむ"
    readings = [SpelledReading("みず", "ミズ"), SpelledReading("を", "ヲ"), SpelledReading("のむ", "ノム")]
    spelled, out = kana_kanji.spell_in_kanji(text, readings)
    assert spelled == "水 を のむ"  # spaces between romaji words stay
    assert out == [SpelledReading("水", "ミズ"), readings[1], readings[2]]


def test_a_word_to_be_spelled_in_kanji_gets_no_space_beside_japanese_text() -> None:
    # a hiragana word is kept apart from hiragana beside it (おんな は); a word that becomes kanji
    # needs no space, and the question rules that run in between must see はいかが whole
    from tsukasa.pipelines.textfront.mixed import to_japanese_with_readings

    text, readings = to_japanese_with_readings("jūyō である")
    assert text == "じゅうようである"
    assert kana_kanji.spell_in_kanji(text, readings)[0] == "重要である"
    assert to_japanese_with_readings("taberu はずだ")[0] == "たべる はずだ"  # a verb form stays kana


def test_no_romaji_no_change() -> None:
    assert kana_kanji.spell_in_kanji("水を飲む", []) == ("水を飲む", [])


@pytest.mark.parametrize(
    "romaji,japanese",
    [
        ("mizu o nomu", "水を飲む"),
        ("hashi de taberu", "箸で食べる"),
        ("kinō, tomodachi to eiga o mita", "昨日、友達と映画を見た"),
        # the spaces between romaji words made MeCab read の after する as the particle (連体化), not
        # the formal noun, and the phrase's nucleus moved (スルノ]ワ); MeCab cuts these words alike
        # without the spaces, so the sentence is analysed as the Japanese text is
        ("Dakyō suru no wa, watashi no shugi ni hanshite iru.", "妥協するのは、私の主義に反している。"),
        ("Harigane wa, denki o tsutaeru no ni mochiirareru.", "針金は、電気を伝えるのに用いられる。"),
    ],
)
def test_a_romaji_line_gets_the_accents_of_the_japanese_text(romaji: str, japanese: str) -> None:
    assert phonemize(romaji).prosody == phonemize(japanese).prosody


@pytest.mark.parametrize(
    "line,kana",
    [
        # where the words differ without the spaces, or a reading does, the spaces stay: はやい after
        # なんと is no particle は; 所 after a verb read ショ when the analysis around it changed
        ("Kandasan wa, nanto hayai rannādeshō.", "カンダサンワ、ナントハヤイランナーデショー"),
        (
            "kodakara に恵まれ、 somatsu でも、 wagaya にまさる所はない。",
            "コダカラニメグマレ、ソマツデモ、ワガヤニマサルトコロワナイ",
        ),
        # a loanword is given in katakana (サービス, which MeCab finds whole; さあびす it cut さ|あび|す,
        # and a phrase break fell after ガ): read as the Japanese text is
        ("Shitsu no yoi sābisu ga motomerarete iru.", "シツノヨイサービスガモトメラレテイル"),
    ],
)
def test_romaji_words_keep_their_readings_without_the_spaces(line: str, kana: str) -> None:
    assert phonemize(line).kana == kana


def test_a_macron_a_dictionary_writes_doubled_is_spelled_so() -> None:
    # ō is おう to a dictionary in most words (東京 とうきょう) and おお in a few (大きな おおきな): the
    # spelling the dictionary knows is given to OpenJTalk (おうきな was no word: オ[ーキナ)
    assert phonemize("Ōkina oto ga suru.").prosody == phonemize("大きな音がする。").prosody
    assert phonemize("ōzei no hito").prosody == phonemize("大勢の人").prosody
    assert phonemize("ōku no hito").prosody == phonemize("多くの人").prosody  # an inflected form too
    assert phonemize("Onēsan ga kita.").prosody.startswith(phonemize("お姉さんが来た。").prosody[:24])
    assert phonemize("Tōkyō e iku.").kana == "トーキョーエイク"  # おう stays where it is the word


def test_a_romaji_pronoun_is_read_as_the_pronoun() -> None:
    # kare was かれ, which OpenJTalk's MeCab reads as the verb 枯れ: カ[レワ where 彼は is カ]レワ
    assert phonemize("Kare wa hon o yonda.").prosody.startswith("^ k a ] r e w a #")
    assert phonemize("kare no ie").prosody.startswith(phonemize("彼の家").prosody[:14])


def test_mixed_input_gets_the_accents_of_the_japanese_text() -> None:
    assert phonemize("kenkō のために mizu を飲む").prosody == phonemize("健康のために水を飲む").prosody


def test_the_question_rules_still_read_the_kana() -> None:
    # いかが ends a question (questions.py reads the text); given as 如何 it would not be found
    assert phonemize("Sōsēji wa ikaga.").prosody.endswith("? $")


def test_a_user_dictionary_word_is_not_spelled_in_kanji(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ひかり is 光 to the dictionary; here it is a character whose name the game's dictionary accents
    # otherwise: the romaji must reach OpenJTalk as the user's word
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\nひかり,ヒカリ,1\n", encoding="utf-8")
    assert kana_kanji.kanji_spelling("ひかり", "ヒカリ") == "光"
    assert phonemize("hikari ga kita", user_dict=csv).prosody.startswith("^ h i ] k a r i g a #")  # the name's 1
    # without the user dictionary: 光, as in the Japanese text
    assert phonemize("hikari ga kita").prosody.startswith(phonemize("光が来た").prosody[:22])


_SYLLABLES = (
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa n ga gi gu ge go za ji zu ze zo da de do ba bi bu be bo pa pi pu pe po "
    "kyō shō chū ryū tte kko ei ou"
).split()
_romaji_word = st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=4).map("".join)
_romaji_line = lines_of(_romaji_word, ["wa", "o", "ga", "ni", "de", "を", "が", "は", "の", "、", "。", "？"], " ")


def _kana_kept_apart(text: str, readings: list, keep: frozenset[str] = frozenset()) -> tuple[str, list]:
    """The kanji spelling switched off, the romaji words kept apart from the Japanese text beside them
    by a space, as their kanji keep them apart in the pass: glued hiragana lets MeCab read across the
    writer's word boundary (は + ato as はあと ハート), which is what the kanji spelling is there to stop."""
    out, pos = [], 0
    for reading in readings:
        at = text.find(reading.surface, pos)
        if at < 0:
            continue
        out += [text[pos:at], f" {reading.surface} "]
        pos = at + len(reading.surface)
    out.append(text[pos:])
    # one space between words, as the writer's, and none at the ends ("は  わ", " あちな" hide a word space)
    return re.sub(" {2,}", " ", "".join(out)).strip(" "), readings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_romaji_line)
@example("は ato")  # make fuzz, 2026-12-07: は後 read the line-opening は as the particle (ワアト, against ハート)
@example("wa は ato")  # make fuzz, 2026-12-07: without kanji, わ はあと was read ワハート (は glued to あと)
@example("soryū a")  # make fuzz, 2026-12-07: 粗粒 (そりゅう) before あ was cut 粗 | 粒 and read アラツブ
@example("ga は")  # make fuzz, 2026-12-07: a line-final は after the particle が was said ハ (蛾 は: ワ)
@example("bu buokuhe")  # make fuzz, 2026-12-08: NJD joined the fillers ぶ + ぶ across the space: へ said エ
@example("achina は aa")  # make fuzz, 2026-12-07: は after な read as the first syllable of はああ, across the space
@example("を は wa")  # make fuzz, 2026-12-07: the switched-off pass left two spaces (は  わ), hiding the word space
@example("akuna は ai")  # make fuzz, 2026-12-07: the same before ai, given to OpenJTalk as アイ (no space left)
@example("a hi hi sa u")  # make fuzz, 2026-12-07: MeCab joined さ + う into the old spelling さう, read ソー
@example("wa は meri")  # make fuzz, 2026-12-07: めり put back in kana (米利 is cut apart) had lost its space: はめり
def test_romaji_lines_never_crash_and_keep_the_spelled_phonemes(line: str) -> None:
    # the kanji change the analysis, never what is said: the phonemes (pauses aside) are those of the
    # line with the kanji spelling switched off, up to a long vowel the dictionary word says (セイ/セー)
    both = phonemes_with_and_without(line, "spell_in_kanji", _kana_kept_apart)
    if both is not None:
        assert same_up_to_long_vowels(*both)


# --- sentences written without kanji (spell_kana_sentences) --------------------------------------
# Sources: lines written all in hiragana as games and picture books give them to a child or a mascot,
# and the JSUT sentences with every kanji word written in its reading (bench_textfront.py's
# kana-only set).


@pytest.mark.parametrize(
    "kana,with_kanji",
    [
        ("いしをなげた。", "石をなげた。"),  # いし alone: a form of いい to OpenJTalk's dictionary
        ("おおきなやまにのぼった。", "おおきな山にのぼった。"),
        ("きょうはいいてんきだね。", "今日はいい天気だね。"),
    ],
)
def test_a_kana_only_sentence_gets_the_accents_of_its_nouns_in_kanji(kana: str, with_kanji: str) -> None:
    said = phonemize(kana)
    assert said.prosody == phonemize(with_kanji).prosody
    assert said.text == kana  # the line as written is what the result names


def test_only_sentences_without_a_kanji_are_spelled() -> None:
    # ごみ in a sentence with kanji is the writer's spelling (the dictionary reads it as written)
    assert kana_kanji.spell_kana_sentences("ごみを捨てる。いしをなげた。") == (
        "ごみを捨てる。石をなげた。",
        [SpelledReading("石", "イシ")],
    )
    assert kana_kanji.spell_kana_sentences("ごみを捨てる。") == ("ごみを捨てる。", [])
    assert kana_kanji.spell_kana_sentences("。あれ？") == ("。あれ？", [])  # every character kept


def test_the_reading_given_is_the_words_pronunciation() -> None:
    # おおごえ is said オーゴエ (the dictionary's 大声), and it is that reading OpenJTalk is given
    text, readings = kana_kanji.spell_kana_sentences("おおごえでさけんだ。")
    assert text == "大声でさけんだ。"
    assert readings == [SpelledReading("大声", "オーゴエ")]
    assert phonemize("おおごえでさけんだ。").kana == "オーゴエデサケンダ"


@pytest.mark.parametrize(
    "kana,said",
    [
        # MeCab cuts しんけ | いしつ and そう | て | いし: its い starts a word and stays イ, where UniDic
        # reads the Sino-Japanese noun 神経 / 想定 and says it long (JSUT rewritten in kana)
        ("しんけいしつなひとは、このしごとにはむかない。", "シンケーシツナヒトワ、コノシゴトニワムカナイ"),
        ("みがなることをそうていしてえらびましょう。", "ミガナルコトヲソーテーシテエラビマショー"),
        ("よさんはふせいかくだ。", "ヨサンワフセーカクダ"),
        # the い of a verb's ている is two vowels, and stays so
        ("めをとじている。", "メヲトジテイル"),
    ],
)
def test_a_noun_that_mecab_cuts_apart_keeps_its_long_vowel(kana: str, said: str) -> None:
    assert phonemize(kana).kana == said


def test_a_kanji_spelling_whose_stem_says_its_okurigana_stays_in_kana() -> None:
    # にわか given as 俄か was cut 俄 (ニワカ) + か and read ニワカカ
    assert phonemize("にわかファンだけど").kana == "ニワカファンダケド"
    assert phonemize("にわかです").kana == "ニワカデス"


def test_a_dependent_noun_stays_in_kana() -> None:
    # もの after a verb is the formal noun (its own accent rules); 物 would make it a content word
    assert kana_kanji.spell_kana_sentences("たべるものがない。") == ("たべるものがない。", [])


def test_a_user_dictionary_word_in_a_kana_sentence_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSUKASA_CACHE", str(tmp_path / "cache"))
    assert kana_kanji.spell_kana_sentences("ひかりがきた。")[0] == "光がきた。"
    assert kana_kanji.spell_kana_sentences("ひかりがきた。", keep=frozenset({"ひかり"})) == ("ひかりがきた。", [])
    csv = tmp_path / "names.csv"
    csv.write_text("surface,reading,accent\nひかり,ヒカリ,1\n", encoding="utf-8")
    assert phonemize("ひかりがきた。", user_dict=csv).prosody.startswith("^ h i ] k a r i g a #")


# No は or へ: written in kana they are the particle (ワ, エ) or a syllable (ハ, ヘ) by the analysis,
# which the kanji rightly change (いしはな: 石|はな, not いし|は|な).
def test_a_placeholders_value_is_read_as_written() -> None:
    # {name} filled with ひかり is a name as the user wrote it, not the noun 光 (its accent differs)
    filled = phonemize("{name}がきた。", placeholders={"name": "ひかり"})
    with mock.patch.object(frontend, "spell_kana_sentences", lambda text, keep=frozenset(): (text, [])):
        as_written = phonemize("ひかりがきた。")
    assert filled.prosody == as_written.prosody
    assert filled.prosody != phonemize("光がきた。").prosody


_KANA_WORDS = (
    "いし やま みず ほし てんき そら うみ ともだち がっこう せんせい おかあさん きれい しずか "
    "たべる のむ いく みた あそぼ いった ない おおきな ちいさい とても"
).split()
_kana_line = lines_of(st.sampled_from(_KANA_WORDS), ["が", "を", "も", "に", "で", "の", "、", "。", "！"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_kana_line)
@example("いしみずほしほしみず")  # 石 + みずほ + しほ: MeCab's old spelling of 塩 said シオ
@example("ほしやまたべる")  # make fuzz: 星 + やま taken for an okurigana cut, 星や セーヤ
@example("きれいうみやま")  # make fuzz: the unspelled analysis cuts きれ|いう (キレユー); the spelled line is right
def test_kana_only_lines_never_crash_and_say_what_is_written(line: str) -> None:
    # the kanji change the analysis, not what is said: the phonemes (pauses aside) are those of the
    # line read without them, up to a long vowel the dictionary word says (ていねい テイネイ / テーネー) ...
    both = phonemes_with_and_without(line, "spell_kana_sentences", lambda text, keep=frozenset(): (text, []))
    if both is None:
        return
    said, unspelled = both
    # ... or, where that analysis itself misreads the kana (きれ|いう read キレユー: the word list has no 言う),
    # those of the kana read one by one (as katakana, which MeCab does not take for inflected words);
    # devoicing aside, which differs between the two analyses
    kana_by_kana = [p for p in pyopenjtalk.g2p(to_katakana(line)).lower().split() if p != "pau"]
    lower = [p.lower() for p in said]
    assert same_up_to_long_vowels(said, unspelled) or same_up_to_long_vowels(lower, kana_by_kana)


def test_a_romaji_word_keeps_its_spelled_ei() -> None:
    # MeCab cut the romaji word れいんこうと as れい|ん|こう|と; the long-えい rule for hiragana nouns
    # (きれい キレー) must not make its れい レー: in a romaji line the spelling decides
    assert phonemize("Soto wa samuikara, reinkōto o kirubekida.").kana.startswith("ソトワサムイカラ、レインコート")
    assert phonemize("きれいな皿").kana == "キレーナサラ"
