"""Phrase breaks: the learned model's decoding, its shipped weights and how its fitting labels data.

The model (textfront/phrasing.py) scores accent-phrase boundaries of sentences written without
commas; benchmarks/fit_phrase_breaks.py fits it on JSUT sentences whose commas were taken out.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from tsukasa.pipelines.textfront import phonemize, phrasing

LONG = "連邦政府の予算削減は社会保障の給付に影響が及ぶでしょう。"


def _words(text: str) -> list[dict]:
    fit = _fitter()
    (sentence,) = phrasing.sentences(fit.analysed(text))
    words = phrasing.spoken_words(sentence)
    assert words
    return words


def _fitter():  # noqa: ANN202 - a module
    """benchmarks/fit_phrase_breaks.py, imported by path (benchmarks/ is not a package)."""
    folder = str(Path(__file__).resolve().parents[3] / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("fit_phrase_breaks")


def _after(words: list[dict], cuts: list[int]) -> list[str]:
    return [words[j - 1]["string"] for j in cuts]


def test_decoding_takes_the_likeliest_boundary_then_looks_at_each_side_again() -> None:
    words = _words("雨が降ったので試合は中止になりましたが選手たちはまだ練習を続けています。")
    topic = {"bias": -4.0, "L=P:係助詞:は": 8.0}
    assert _after(words, phrasing.breaks(words, weights=topic)) == ["は", "は"]  # 試合は, 選手たちは
    clause = {"bias": -4.0, "L=P:接続助詞:ので": 9.0, "L=P:接続助詞:が": 8.0}
    assert _after(words, phrasing.breaks(words, weights=clause)) == ["ので", "が"]
    # nothing passes the threshold: no break at all
    assert phrasing.breaks(words, weights={"bias": -1.0}) == []
    # the best boundary alone when the sides are too short to pass again (a short side is costly)
    one = {"bias": -4.0, "L=P:接続助詞:が": 8.0, "a<6": -9.0, "b<6": -9.0}
    assert _after(words, phrasing.breaks(words, weights=one)) == ["が"]


def test_shipped_model_breaks_after_a_topic_not_inside_a_noun_phrase() -> None:
    words = _words(LONG)
    probs = {}
    for j, left, right in phrasing.candidates(words):
        probs[words[j - 1]["string"]] = phrasing.break_probability(phrasing.boundary_features(words, j, left, right))
    assert probs["は"] > phrasing.THRESHOLD > probs["の"]
    assert all(0.0 < p < 1.0 for p in probs.values())


def test_shipped_model_file_says_how_it_was_fitted() -> None:
    data = json.loads(Path(str(phrasing.data_path(phrasing.MODEL_FILE))).read_text(encoding="utf-8"))
    assert "fit_phrase_breaks.py" in data["note"]
    assert data["boundaries"] > 1000
    assert "bias" in data["weights"] and data["weights"] == phrasing.model()


def test_candidates_are_accent_phrase_boundaries_between_spoken_words() -> None:
    words = _words(LONG)
    for j, left, right in phrasing.candidates(words):
        assert words[j]["chain_flag"] != 1
        assert left == sum(int(f["mora_size"]) for f in words[:j])
        assert right == sum(int(f["mora_size"]) for f in words[j:])


@pytest.mark.parametrize(
    "text,kana,after,labelled",
    [
        ("連邦政府の予算削減は、社会保障の給付に影響が及ぶでしょう。",
         "レンポーセーフノヨサンサクゲンワ、シャカイホショーノキューフニエーキョーガオヨブデショー", {"は"}, 1),
        # every span between two pauses (or the ends) is an example, so a pause is labelled once per
        # span that holds it: each of two pauses is inside the whole sentence and one half-open span
        ("鉄道路線が、津軽海峡の下を通って、北海道まで延長された。",
         "テツドーロセンガ、ツガルカイキョーノシタヲトーッテ、ホッカイドーマデエンチョーサレタ", {"が", "て"}, 4),
        # the labels are the reader's pauses, written or not (BASIC5000_2420: none of these is written)
        ("敵軍は首都の周囲を塹壕で固めていた。",
         "テキグンワ、シュトノシューイヲ、ザンゴーデカタメテイタ", {"は", "を"}, 4),
        ("私は学生です。", "ワタシワガクセーデス", set(), 0),  # no pause, no label
    ],
)  # fmt: skip
def test_fitting_labels_the_boundaries_where_the_reader_paused(
    text: str, kana: str, after: set[str], labelled: int
) -> None:
    ex = _fitter().examples(text, kana)
    assert ex
    positives = [x for x, y in ex if y]
    assert len(positives) == labelled
    left_words = {name.split(":")[-1] for x in positives for name in x if name.startswith("L=") and "*" not in name}
    assert left_words == after
    # the features are those of the comma-less text: the same as the run-time analysis gives
    plain = _words(text.replace("、", ""))
    whole = [phrasing.boundary_features(plain, j, a, b) for j, a, b in phrasing.candidates(plain)]
    assert all(x in [f for f, _ in ex] for x in whole)


def test_fitting_skips_a_sentence_the_analysis_reads_otherwise() -> None:
    # the gold kana is what the reader said: a sentence our analysis spells otherwise has no labels
    assert _fitter().examples("私は学生です。", "ボクワガクセーデス") is None


def test_fitting_skips_a_sentence_with_another_pause_mark() -> None:
    # a quote or ？ is the writer's pause: the model never runs on such a sentence, so it is no example
    assert (
        _fitter().examples("「行こう」と彼は言ったが誰も動かなかった。", "イコートカレワイッタガダレモウゴカナカッタ")
        == []
    )


@pytest.mark.parametrize(
    "run_on,written",
    [
        ("お腹すいたね何か食べに行こうよ。", "お腹すいたね。何か食べに行こうよ。"),
        ("行くぞ気合い入れろ。", "行くぞ。気合い入れろ。"),
        ("そうですよね私もそう思います。", "そうですよね。私もそう思います。"),
        ("誓いますそれが約束だから", "誓います。それが約束だから"),
        ("海に行きませんか冷たいジュースも持っていこう。", "海に行きませんか。冷たいジュースも持っていこう。"),
    ],
)
def test_a_sentence_end_left_unwritten_is_read_as_the_written_one(run_on: str, written: str) -> None:
    # game lines run sentences together: the pause, and the rise of a rising ending (ね？, ぞ？),
    # are those the line would get with its 。 written (the rise decided as textfront/questions.py does)
    from tsukasa.pipelines.textfront import phonemize

    a, b = phonemize(run_on), phonemize(written)
    assert a.prosody == b.prosody
    assert a.phonemes == b.phonemes
    assert "_" in a.prosody.split()


@pytest.mark.parametrize(
    "text",
    [
        # romaji and kana: OpenJTalk takes the adjectival な for the final particle (iya na | kao)
        "kin'i で shohō を kibō したら、 rokotsu に iya な kao をされた。",
        "Kimu wa, sugoku miryokutekina fukusō o shite iru.",
        "すごくきれいな人だったと思う。",
        # a wish (ますように, ますよう) and a quote (って) do not end the sentence
        "よいイースターを迎えられますよう。",
        "Yoi īsutā o mukaeraremasu yō.",
    ],
)
def test_no_unwritten_sentence_end_where_the_analysis_only_looks_like_one(text: str) -> None:
    from tsukasa.pipelines.textfront import phonemize

    assert phonemize(text).phonemes.count("pau") == phonemize(text, phrase_breaks=False).phonemes.count("pau")


@pytest.mark.parametrize(
    "text,unbroken",
    [
        ("集合は午後3時15分に駅前の広場でお願いします。", "ゴゴサンジジューゴフン"),
        ("兄は2年3か月のあいだ毎日その道を歩いて駅前の工場に通っていた。", "ニネンサンカゲツ"),
        ("会議は3時から5時まで第二会議室で行われる予定です。", "サンジカラゴジマデ"),  # a range
        ("身長は1メートル58センチで体重は45キロです。", "イチメートルゴジューハッセンチ"),
        # a date whose month or day the dictionary holds as one word (１２月, 七日: not 数 + 助数詞)
        # (ジューニガツ、ニジューゴニチ; BASIC5000_2464's ８月１７日 the same)
        ("12月25日は毎年家族みんなで大きなケーキを囲んでお祝いをします。", "ジューニガツニジューゴニチ"),
        ("その会社は2026年12月7日に新しい工場の建設を始めると発表した。", "ニジューロクネンジューニガツナノカ"),
        # 二十 + 四日: the dictionary's 二十 is no 数 (ジューニガツ、ニジューヨッカ, a game's event notice)
        (
            "期間限定イベントは12月24日まで開催されるので毎日ログインして報酬を受け取ってください。",
            "ジューニガツニジューヨッカマデ",
        ),
    ],
)
def test_no_break_inside_a_quantity(text: str, unbroken: str) -> None:
    # 3時|15分 is one quantity; the model, which learnt that readers pause after 〜年 or 〜時 before a
    # clause, broke it (ゴゴサンジ、ジューゴフン); the sentence's break goes elsewhere
    said = phonemize(text)
    assert unbroken in said.kana
    assert "pau" in said.phonemes  # still broken somewhere: these are long sentences without a comma


def test_features_name_the_word_before_the_boundary_word_and_a_phrase_opening_word() -> None:
    # では: the particle は after the で of "in"; もはや: an adverb opening a phrase, named
    words = _words("アメリカ人ではもはや理解しあえる素養を共有していない。")
    feats = {}
    for j, left, right in phrasing.candidates(words):
        feats[words[j - 1]["string"]] = phrasing.boundary_features(words, j, left, right)
    after_wa = feats["は"]
    assert "L2=P:格助詞:で|P:係助詞:は" in after_wa
    assert after_wa["RW=もはや"] == 1.0
    # the sizes of the accent phrases either side: アメリカジンデワ is longer than モハヤ
    assert after_wa["pla"] > after_wa["plb"] > 0


def test_stretches_between_written_pauses_have_the_longer_floor() -> None:
    fit = _fitter()
    (plain,) = phrasing.sentences(fit.analysed("駅前の新しい喫茶店でコーヒーを飲んだ。"))
    assert [floor for _, floor in phrasing.stretches(plain)] == [phrasing.BREATH_MORAE]
    (commas,) = phrasing.sentences(fit.analysed("昨日は、駅前の新しい喫茶店で、コーヒーを飲んだ。"))
    parts = phrasing.stretches(commas)
    assert [floor for _, floor in parts] == [phrasing.STRETCH_MORAE] * 3
    texts = ["".join(f["string"] for f in words) for words, _ in parts]
    assert texts == ["昨日は", "駅前の新しい喫茶店で", "コーヒーを飲んだ"]
    assert phrasing.BREATH_MORAE < phrasing.STRETCH_MORAE


def test_a_sentence_with_three_written_pauses_keeps_the_writers_phrasing() -> None:
    """Three pauses written in one sentence are its phrasing: no stretch between them is looked at, however long
    (JSUT's comma-annotated sentences, where every pause is written)."""
    fit = _fitter()
    text = "昨日は、駅前に新しくできたばかりのとても静かで落ち着いた雰囲気の喫茶店で、友達と、コーヒーを飲んだ。"
    (dense,) = phrasing.sentences(fit.analysed(text))
    assert phrasing.stretches(dense) == []
    assert phonemize(text).prosody.count("_") == 3  # the written pauses only
    two_pauses = "駅前に新しくできたばかりのとても静かで落ち着いた雰囲気の喫茶店で、友達と、"
    (two,) = phrasing.sentences(fit.analysed(two_pauses))
    assert len(phrasing.stretches(two)) == 2  # two pauses: stretches are still looked at


def test_a_line_converted_from_latin_letters_takes_a_break_on_stronger_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # romaji and English words are analysed from their kana, where MeCab's words are less certain:
    # such a line's bar is LATIN_THRESHOLD, the Japanese text's is THRESHOLD
    romaji = "Renpou seifu no yosan sakugen wa shakai hoshou no kyuufu ni eikyou ga oyobu deshou."
    assert phrasing.LATIN_THRESHOLD > phrasing.THRESHOLD
    assert "pau" in phonemize(romaji).phonemes
    monkeypatch.setattr(phrasing, "LATIN_THRESHOLD", 1.01)
    assert "pau" not in phonemize(romaji).phonemes
    assert "pau" in phonemize(LONG).phonemes  # the Japanese text keeps its bar


def test_no_break_between_a_sign_and_its_number() -> None:
    # ATK+10%: MeCab makes one katakana word of the letters and the sign (エーティーケープラス), and the
    # model broke the 17-mora line before the number (エーティーケープラス、ジュッパーセント)
    assert phonemize("ATK+10%").kana == "エーティーケープラスジュッパーセント"
    assert "pau" not in phonemize("ATK+10%").phonemes
