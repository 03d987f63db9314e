"""Cuts MeCab's costs make that no reading rule can mend: take MeCab's next-best analysis.

**A noun's okurigana cut off into the next word.** OpenJTalk's dictionary holds many nouns both
with and without their last kana (願い and 願, 気持ち and 気持, 答え and 答, 眠り and 眠), and MeCab's
costs sometimes prefer the short spelling followed by a "word" that begins with that kana:
願いなんだ is cut 願 + いなん (the verb 否む) + だ and read ネガイイナンダ, 金持ちなんだ 金持 + ちなん (因む)
カネモチチナンダ, 答えなの 答 + えな + の コタエエナノ, 考えと 考 (コー) + えと (a filler), 眠りや 眠 + りや. The
same kana is then read twice, or the kanji gets a Sino-Japanese reading that only stands alone
(考 コー, 祝 シュク). In game lines the pattern is common (それが私の願いなんだ, それが答えなの？). Such a
cut is suspect only when every sign holds: the word before ends in a kanji, the next word is at
least two hiragana and is no particle or auxiliary (a real one after a noun is the usual, right
analysis: 東から), the kana is read twice, the stem is one kanji read alone (考 コー) or starts as
the whole word does (山越 ヤマコシ, 山越え ヤマゴエ), and the kanji word with that first kana is one word
in the dictionary (a noun, or the verb's 連用形 the noun was made from: MeCab reads 願い alone as
願う's), not one said as the stem's reading and then the kana (重そ ジューソ, a compound half in kana:
重 + そうだ is right). 短編 + みたい stays: the dictionary's 短編み (みじかあみ, a knitting stitch) is
another word, not 短編 read twice.

**A compound noun's last kanji taken by the next word.** 鳴き声ね？ was cut 鳴き + 声ね (声音 こわね),
未定かな？ 未 + 定か (さだか) + な, 蛇口だし 蛇 + 口だし (口出し), 故障みたい 故 + 障み + たい (コツツミタイ),
反省みたい 反 + 省み + たい: a word that opens with the kanji that finish the word before it into a
dictionary noun, and goes on in kana that function words spell (ね, かな, だし, みたい). The word is a noun,
or a verb stem in み before たい (みたい after a noun is "like"); another verb after a noun is a verb
(3回 + 答えた). The analysis taken must hold the compound followed by function words spelling that
kana, so a cut with no such reading (水 + 浴び) stays.

**A common noun and final particles read as a surname and a given name.** Before a ？ MeCab takes
天井かな？ for the person 天井 (アマイ) かな, 原子よね？ ハラコ ヨネ, 公平かな？ キミヒラ カナ, 沢山かな？
サワヤマ: a given name in hiragana that spells final particles (かな, よね) after a word that is also a
surname. Where the kanji word alone is no proper noun in the dictionary (天井 is テンジョー; 田中 alone
is the surname, so 田中かな？ stays a name), the analysis without the names is taken.

**A verb or adjective cut inside its okurigana.** 焼くし was 焼 (ショー) + くし (櫛), 好むね 好 (コー) +
むね (胸), 続くし ゾククシ, 正しいし 正し (セーシ) + いし, 尽くすんだ 尽く (コトゴトク) + すん + だ: its stem
read as a noun or an adverb, then a kana word that begins with the rest of a verb or adjective in
its dictionary form. Taken only where an analysis holds that word followed by function words
spelling the rest (し, ね, よ, んだ), so 熱 + すぎて (熱す ネッス + ぎて would be no such analysis) stays.

**A noun read as a verb's stem before じゃん.** 戦いじゃん was 戦く (おののく) + じゃん, オノノイジャン; 割引じゃん
ワリビケ (割引ける): じゃん and じゃ follow a noun or a full form, never a verb's 連用形 or 未然形, so such a
word that the dictionary also holds as a noun is the noun. So is a verb form before the suffix さ of
高さ, which never follows a verb (殴り書きさ was 殴り + 書き + さ, ナグリカキサ; 割引さ ワリビケサ): the analysis taken
reads the letters as a noun, the word itself or the compound MeCab cut it from (毛繕いさ: 毛 + 繕い).

**A contracted て / で form after a word that cannot take it.** 降りてる was 降る's 降り (フリ) + てる,
向いてる 向かう's 向い (ムカイ), 炊いちゃった 炊ぐ's 炊い (カシイ), 着いちゃう 着衣 (チャクイ) + ちゃう: the て
forms follow an ichidan verb's 連用形 or a godan verb's 音便 in い / っ, the で forms a godan 音便 in
ガ / バ / マ / ナ 行, never a noun (:func:`te_form_mismatches`). Related okurigana cuts of verbs: an
ichidan stem that already says its kana (捨 ステ + て + てる: ステテテル) and a godan verb's し read as
the verb する after its stem (話 ハナシ + し + ちゃった: ハナシシチャッタ; 許 モト + し).

**A godan ガ行 verb's イ音便 before the contracted で form read as 出でる.** 泳いでた was 泳 (オヨゲ) +
いで (出でる) + た, 急いでた キュー + いで + た: where the kanji + い is such a verb (泳ぐ, 急ぐ), it is read so.

**An adjective's stem before そう / すぎ / さ / ければ read as other words.** 新しそう was 新 + しそう (思想:
シンシソー), 正しすぎ 正し (セーシ) + すぎ, 大きすぎ 大き (タイキ) + すぎ, 冷たさ 冷 (冷える: ヒエ) + た + さ, 長ければ
the verb 長ける (タケレバ): where the letters before そう / すぎ / さ / けれ + ば are an adjective's stem (新しい,
正しい, 大きい, 冷たい, 長い in the dictionary), the analysis that reads them so is taken.

The cure is MeCab's own next-best analysis without the cut (its n-best paths, through
pyopenjtalk-plus): 願い + な + ん + だ, 天井 + か + な — the words, parts of speech and accents the
dictionary gives them, and NJD's accent phrases over those words, not a patched reading. Among the
paths without the cut, one that reads a cut word as a noun wins, then one where a particle or an
auxiliary follows it (誓いなんだ, where no path has the noun: the verb form + な + ん, not the verb
form + 何, which would start an accent phrase of its own).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from tsukasa.pipelines.textfront.openjtalk_frontend import Word, feature_word, run_frontend_choosing
from tsukasa.pipelines.textfront.readings import clean_pron, is_hiragana, matches_spelling, to_katakana
from tsukasa.pipelines.textfront.resources import dictionary_words, unidic_words

_KANJI_END = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]$")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]")
# one kanji, then at most two kana: the stem of a verb or adjective (焼, 尽く, 正し, 引き)
_KANJI_FIRST = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々][ぁ-ゖ]{0,2}$")
_MISREAD_STEM_POS = frozenset({"名詞", "副詞", "接頭詞"})
_KANJI_THEN_KANA = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff々]+)([ぁ-ゖ]+)")
_HIRAGANA_WORD = re.compile(r"[ぁ-ゖ]{2,}")
_FUNCTION_POS = frozenset({"助詞", "助動詞", "記号"})
_PERSON = "人名"
_JA = frozenset({"じゃ", "じゃん"})
_AFTER_A_REQUEST = frozenset({"よ", "ね", "な", "くれ", "ください", "下さい", "ほしい", "欲しい"})
_TTE_ROWS = {"イ": "う", "リ": "る", "チ": "つ"}
_EH_WORD_POS = frozenset({"名詞", "フィラー", "感動詞"})  # a godan 連用形's last kana → its dictionary form's (音便 っ)
_COPULA_TYPES = frozenset({"特殊・ダ", "特殊・デス"})
_PARTICLES_AFTER_NOUNS = frozenset({"ね", "よ", "か", "とか", "って"})  # not な (食べな), や, も, は
_PERSON_SUFFIXES = frozenset({"たち", "さん", "ちゃん", "くん"})
_PARTICLE_SPELLINGS = frozenset({"よね", "かな", "かね", "わね", "よな"})
_AFTER_ADJECTIVE_STEM = ("そう", "すぎ", "過ぎ")
_AFTER_ADJECTIVE_STEM_IN = re.compile("そう|すぎ|過ぎ")  # one search per word in _worth_a_look, not three
# A godan verb's 連用形 ends in the i-row kana of its dictionary form's last (話し, 話す; 願い, 願う)
_U_ROW = dict(zip("いきしちにひみりぎじびぴ", "うくすつぬふむるぐずぶぷ", strict=True))
# Contracted て / で forms: ている, てしまう, ておく / でいる, でしまう, でおく (their dictionary forms)
_T_FORMS = frozenset({"てる", "ちゃう", "とく"})
_D_FORMS = frozenset({"でる", "じゃう", "どく"})
_VOICED_ROWS = ("ガ行", "バ行", "マ行", "ナ行")  # godan rows whose て-form is voiced: 泳いで, 遊んで, 読んで, 死んで
# Auxiliaries that follow a noun or a verb's dictionary form in speech.
_AUXILIARIES_AFTER_A_WORD = frozenset(
    {"だ", "だっ", "だろ", "で", "です", "でし", "でしょ", "な", "じゃ", "じゃん", "みたい", "らしい", "らしく"}
)
# Verbs that follow a noun in nearly every sentence (勉強する, 有名になる) and begin no okurigana cut; いく
# too, 行く in kana after a noun with its particle dropped (次いこう was 次い ジイ + こう, 先いくね).
_COMMON_AFTER_A_NOUN = frozenset(
    {"する", "なる", "ある", "いる", "できる", "なさる", "くださる", "いたす", "たち", "いく"}
)
# MeCab's n-best lists the same cut many times over (one path per homograph of each word), so the
# analysis without it can be far down: 祝いって何 has it 9th or later.
MAX_PATHS = 32


def okurigana_cuts(words: list[Word]) -> list[str]:
    """The whole words (stem + okurigana) of each word in ``words`` that is cut before its okurigana,
    a noun or a verb's stem: ['願い'] for 願 + いなん + だ, ['捨て'] for 捨 + て + てる."""
    return [
        stem.surface + word.surface[0]
        for before, stem, word in zip([None, *words], words, words[1:], strict=False)
        if _KANJI_END.search(stem.surface) is not None
        and stem.pos != "形容詞"  # an adjective's stem before そう / さ / すぎ is cut right: 高 + そう, not 高祖
        and not _counter(before, stem, word)
        and (
            (
                word.pos not in _FUNCTION_POS
                and _HIRAGANA_WORD.fullmatch(word.surface) is not None
                and word.base not in _COMMON_AFTER_A_NOUN
            )
            or (word.pos == "助動詞" and word.surface == "き")  # the literary past, after a noun: 殴り書 + き
            or (word.surface == "し" and word.base == "する")  # 話 (ハナシ) + し (する) + ちゃった: 話す's 話し
            # 捨 (ステ) + て + てる: the okurigana read again as a particle (晴 + れ, a suffix, is mend_cut_readings')
            or (stem.pos == "動詞" and word.pos in ("助詞", "助動詞") and _says_the_kana(stem, word))
        )
        and _is_okurigana_word(stem.surface, clean_pron(stem.pron), word.surface[0])
    ]


def _counter(before: Word | None, stem: Word, word: Word) -> bool:
    """Whether ``stem`` is a counter after a number, followed by the verb いく / いる (1万人 + いった, 1万円 + いった,
    1番 + いった: reached, not the words 万人 バンニン, 円い マルイ, 番い ツガイ the okurigana rules took them for)."""
    return before is not None and before.groups[0] == "数" and len(stem.surface) == 1 and word.surface[:1] == "い"


def _says_the_kana(stem: Word, word: Word) -> bool:
    return (
        word.surface[:1] != ""
        and is_hiragana(word.surface[0])
        and clean_pron(stem.pron).endswith(to_katakana(word.surface[0]))
    )


def _is_okurigana_word(stem: str, said: str, kana: str) -> bool:
    """Whether ``stem`` (said ``said``) + ``kana`` is one word whose okurigana MeCab cut off.

    The word: one noun, or one verb in the 連用形 that is a noun's twin (MeCab reads 願い alone as
    願う's, 迎え as 迎える's, 話し as 話す's: 話 ハナシ + し, the verb する, + ちゃった was ハナシシチャッタ);
    not another verb form (熱す, 割引い of 割引く: 熱すぎて and 割引いたします are cut right), nor a word
    said as the stem's reading and then the kana (重そ ジューソ, a compound spelled half in kana: 重 +
    そうだ is right). And the stem read the kana twice (願 ネガイ), or is one kanji read alone (考 コー),
    or starts as the word does (山越 ヤマコシ, 山越え ヤマゴエ): 短編 + みたい is right, the dictionary's
    短編み (みじかあみ, a knitting stitch) being another word. Or, whatever the word, the stem's reading
    is already that of stem + kana (殴り書 ナグリガキ, a spelling of 殴り書き: 殴り書きなんだ was 殴り書 +
    きなん, ナグリガキキナンダ)."""
    words = dictionary_words(stem + kana)
    sound = to_katakana(kana)
    if said.endswith(sound):
        if "".join(clean_pron(w.pron) for w in words) == said:
            return True  # the stem alone already says the kana: 殴り書 ナグリガキ, and 殴り書き is 殴り + 書き
        verb = dictionary_words(stem + kana + "る")
        if len(verb) == 1 and verb[0].base == stem + kana + "る" and clean_pron(verb[0].pron) == said + "ル":
            return True  # an ichidan verb's stem said with its kana: 捨 ステ, of 捨てる ステル
    if len(words) != 1 or clean_pron(words[0].pron) in ("", said + sound):
        return False
    word = words[0]
    if not (said.endswith(sound) or len(stem) == 1 or clean_pron(word.pron)[:1] == said[:1]):
        return False
    return word.pos == "名詞" or (
        word.pos == "動詞" and word.base in (stem + _U_ROW.get(kana, "う"), stem + kana + "る")
    )


def misread_names(words: list[Word]) -> list[str]:
    """The kanji words of ``words`` read as a surname before a hiragana given name although the
    dictionary holds them, alone, as no proper noun: ['天井'] for 天井 (アマイ) + かな (カナ)."""
    return [surname for surname in _name_pairs(words) if _common_word(surname)]


def _name_pairs(words: list[Word]) -> list[str]:
    """The kanji surnames of ``words`` followed by a given name in hiragana (天井 + かな, 林 + よね)."""
    return [
        surname.surface
        for surname, name in zip(words, words[1:], strict=False)
        if surname.groups[1:] == (_PERSON, "姓")
        and name.groups[1:] == (_PERSON, "名")  # not the honorific さん, a person suffix (文明さん フミアキ)
        and _HIRAGANA_WORD.fullmatch(name.surface) is not None
        and _KANJI_END.search(surname.surface) is not None
    ]


def _common_word(text: str, pos: str | None = None) -> bool:
    """Whether ``text`` alone is one dictionary word (of part of speech ``pos``), not a proper noun."""
    words = dictionary_words(text)
    return len(words) == 1 and words[0].groups[0] != "固有名詞" and pos in (None, words[0].pos)


def compound_cuts(words: list[Word]) -> list[tuple[str, str]]:
    """``(compound, kana)`` for each word of ``words`` that opens with kanji finishing the word before
    it into a dictionary noun and goes on in kana: ('蛇口', 'だし') for 蛇 + 口だし (口出し). The word is a
    noun (声ね こわね, 定か さだか, 口だし), or a verb stem in み before たい: みたい after a noun is "like",
    and 故 + 障み + たい (コツツミタイ) is 故障みたい; another verb after a noun is a verb (3回 + 答えた)."""
    out = []
    for k in range(1, len(words)):
        before, word = words[k - 1], words[k]
        m = _KANJI_THEN_KANA.fullmatch(word.surface)
        if m is None or _KANJI.search(before.surface) is None or before.pos == "記号":
            continue
        after = words[k + 1].surface if k + 1 < len(words) else ""
        if word.pos != "名詞" and not (word.pos == "動詞" and word.surface.endswith("み") and after == "たい"):
            continue
        if word.groups[0] == "接尾":  # 殴り + 書き (ガキ): a suffix is MeCab's own way to that compound
            continue
        compound = before.surface + m.group(1)
        if _common_word(compound, "名詞"):
            out.append((compound, m.group(2) + ("たい" if word.pos == "動詞" else "")))
    return out


def inflected_cuts(words: list[Word]) -> list[tuple[str, str]]:
    """``(word, kana)`` for each verb or adjective of ``words`` that MeCab cut inside its okurigana,
    taking its stem for a noun or an adverb and the rest of it into a kana word with what follows:
    ('焼く', 'し') for 焼 (ショー) + くし (櫛), ('好む', 'ね') for 好 (コー) + むね (胸), ('正しい', 'し')
    for 正し (セーシ) + いし, ('尽くす', 'んだ') for 尽く (コトゴトク) + すん + だ."""
    out = []
    for before, stem, word in zip([None, *words], words, words[1:], strict=False):
        if (
            _counter(before, stem, word)
            or stem.pos not in _MISREAD_STEM_POS
            or _KANJI_FIRST.match(stem.surface) is None
            or word.pos in _FUNCTION_POS
            or _HIRAGANA_WORD.fullmatch(word.surface) is None
        ):
            continue
        for j in range(1, len(word.surface)):
            whole = stem.surface + word.surface[:j]
            found = dictionary_words(whole)
            if len(found) == 1 and found[0].pos in ("動詞", "形容詞") and found[0].base == whole:
                out.append((whole, word.surface[j:]))
                break
    return out


def _function_like(word: Word) -> bool:
    """A particle, an auxiliary, a mark, or a dependent noun (ん, みたい); not a suffix (眠す + ぎ)."""
    return word.pos in _FUNCTION_POS or (word.pos == "名詞" and word.groups[0] == "非自立")


def _spells_compound(words: list[Word], compound: str, kana: str) -> bool:
    """Whether ``words`` hold ``compound`` as one word followed by function words that spell ``kana``,
    the first of them one that follows a word in speech: a particle, the copula, みたい, ん — not the
    literary past き, which took the okurigana of 殴り書 (a spelling of 殴り書き) in 殴り書 + き + だし."""
    for k, word in enumerate(words):
        if word.surface != compound or k + 1 == len(words):
            continue
        first = words[k + 1]
        if first.pos == "助動詞" and first.surface not in _AUXILIARIES_AFTER_A_WORD:
            continue
        rest = ""
        for after in words[k + 1 :]:
            if len(rest) >= len(kana) or not _function_like(after):
                break
            rest += after.surface
        if rest.startswith(kana):
            return True
    return False


def verbs_before_ja(words: list[Word]) -> list[str]:
    """The words of ``words`` read as a verb's stem form right before a word that never follows one,
    where a noun is what it is: じゃ / じゃん follow a noun or a full form (行くじゃん, いいじゃん), never a
    連用形 or 未然形, and MeCab's 戦いじゃん (戦く おののく: オノノイジャン), 割引じゃん (ワリビケ) are its
    nouns; nor does a 連用形 stand before the copula (怒りなんだ, 怒りでしょ), a final particle (怒りよね,
    怒りかな), とか / って or a person suffix (たち, さん): 怒り there is the noun いかり, which MeCab read
    as 怒る's おこり. (Before も / は a 連用形 is right: 怒りもしない.) Whether the dictionary holds the
    noun is for MeCab's other analyses to say: the word alone is 怒る's to it too. After a godan verb's
    音便 in ん, じゃ is the contraction of でしまう that MeCab cut apart (苦しんじゃう: じゃ + う), not the copula.
    Nor does a verb form stand before the suffix さ (:func:`_nominal_sa`)."""
    return [
        verb.surface
        for verb, after in zip(words, words[1:], strict=False)
        if verb.pos == "動詞"
        and verb.surface != "いい"  # 調子はいいです: the adjective, which MeCab took for 言い; no noun
        and (
            (after.surface in _JA and verb.cform.startswith(("連用", "未然")) and not _de_shimau(verb, after))
            or (verb.cform == "連用形" and _never_after_a_stem(after))
            or (_nominal_sa(after) and verb.cform.startswith(("連用", "未然")))
        )
    ]


def _nominal_sa(word: Word) -> bool:
    """Whether ``word`` is the suffix さ that makes a noun of an adjective (高さ, 静かさ): it never follows
    a verb, so a verb form before it is MeCab's misreading of a noun before the final particle さ
    (殴り書きさ: 殴り + 書き + さ, ナグリカキ; 割引さ: 割引ける's ワリビケ; 突進さ ツキススメ)."""
    return word.surface == "さ" and word.pos == "名詞" and word.groups[0] == "接尾"


def _de_shimau(verb: Word, ja: Word) -> bool:
    """Whether じゃ after ``verb`` opens the contraction of でしまう (読んじゃう, 苦しんじゃった): a godan verb's
    音便 in ん takes で forms, never the copula."""
    return ja.surface == "じゃ" and verb.cform == "連用タ接続" and verb.surface.endswith("ん")


def _never_after_a_stem(word: Word) -> bool:
    """Whether ``word`` is one that follows a noun or a full form but never a verb's 連用形: the copula
    だ / です in any form (な, なら, だろ, でしょ), a final particle ね / よ / か, とか, って, a person suffix, or a
    noun that spells final particles (よね, かな: MeCab's reading of them before a ？)."""
    if word.pos == "助動詞":
        return word.ctype in _COPULA_TYPES
    if word.pos == "助詞":
        return word.surface in _PARTICLES_AFTER_NOUNS
    if word.pos != "名詞":
        return False
    # a person suffix; or final particles MeCab read as a noun or a name before ？ (怒りよね？: よね ヨネ)
    return word.surface in _PERSON_SUFFIXES if word.groups[0] == "接尾" else word.surface in _PARTICLE_SPELLINGS


def te_form_mismatches(words: list[Word]) -> list[int]:
    """Where in ``words`` a contracted て / で form (てる, ちゃう, とく / でる, じゃう, どく) follows a word that
    cannot take it: a noun (着い チャクイ + ちゃう, 苦しん クシン + でる), or a verb form of the wrong class.
    The て forms follow an ichidan, カ変 or サ変 verb's 連用形, a godan verb's 音便 in い / っ, or a サ行
    godan's し; the で forms only the 音便 of a godan verb in ガ / バ / マ / ナ 行 (泳いで, 遊んで, 読んで,
    死んで). 降り (降る フリ) + てる, 向い (向かう ムカイ) + てる and 炊い (炊ぐ カシイ) + ちゃった are no forms
    of speech; 降りる, 向く and 炊く, MeCab's next analyses, are."""
    return [k for k in range(1, len(words)) if _te_form_mismatch(words[k - 1], words[k])]


def _te_form_mismatch(before: Word, word: Word) -> bool:
    voiced = word.base in _D_FORMS
    if word.pos != "動詞" or not (voiced or word.base in _T_FORMS):
        return False
    if word.groups[0] != "非自立" and not (before.pos == "名詞" and before.surface.endswith(("ん", "い", "っ"))):
        return False  # ちゃう after a noun is Kansai 違う (嘘ちゃう), でる 出る; not after 着い, 苦しん
    if before.pos != "動詞":
        return before.pos == "名詞"
    godan = before.ctype.startswith("五段")
    voicing_row = any(row in before.ctype for row in _VOICED_ROWS)
    if voiced:
        return not (godan and voicing_row and before.cform == "連用タ接続")
    if not godan:
        return before.cform != "連用形"
    if "サ行" in before.ctype:
        return before.cform != "連用形"
    return voicing_row or before.cform != "連用タ接続"


def adjective_stem_cuts(words: list[Word]) -> list[tuple[int, str]]:
    """``(offset, adjective)`` for each adjective MeCab read as other words where its stem stands before
    そう / すぎ, the noun-making さ or its conditional けれ: 新 + しそう (思想, シンシソー) for 新しそう, 正し
    (セーシ) + すぎ, 大き (タイキ) + すぎ, 貧 + し + すぎる, 冷 (冷える, ヒエ) + た + さ for 冷たさ, 長けれ (長ける,
    タケレ) + ば for 長ければ. ``adjective`` is the surface the adjective has in the analysis that reads it
    so (the stem; with けれ for the conditional). さ counts only as a word of its own (高さん is a name)
    and not after a noun that is the whole stem (上手さ, 高価さ: a noun + さ, not うまさ, たかさ)."""
    out = []
    at = 0
    starts = _word_starts(words)
    for k, word in enumerate(words):
        if word.pos != "形容詞" and _is_kanji(word.surface[:1] or " "):
            text = "".join(w.surface for w in words[k : k + 3])
            for j in range(1, len(text)):
                if not (text.startswith(_AFTER_ADJECTIVE_STEM, j) or text.startswith(("けれ", "さ"), j)):
                    continue  # nothing a stem would stand before: no dictionary look-up (~10 µs each)
                if not _adjective_stem(text[:j]):
                    continue
                if text.startswith(_AFTER_ADJECTIVE_STEM, j):
                    out.append((at, text[:j]))
                    break
                if text.startswith("けれ", j) and text[j + 2 : j + 3] == "ば":
                    out.append((at, text[: j + 2]))
                    break
                if (
                    text[j : j + 1] == "さ"
                    and starts.get(at + j) == "さ"
                    and not (word.surface == text[:j] and word.pos == "名詞")
                ):  # a noun + さ is right as it is (上手さ, 高価さ: not うまさ, たかさ)
                    out.append((at, text[:j]))
                    break
        at += len(word.surface)
    return out


def _word_starts(words: list[Word]) -> dict[int, str]:
    """Each word's surface by the offset where it starts."""
    out, at = {}, 0
    for word in words:
        out[at] = word.surface
        at += len(word.surface)
    return out


def ideru_cuts(words: list[Word]) -> list[tuple[int, str]]:
    """``(offset, verb)`` for each literary いでる (出でる) written in kana after a kanji, which MeCab takes
    where a godan verb's イ音便 meets the contracted でる (泳いでた was 泳 オヨゲ + いで + た, 急いでた キュー +
    いで + た): the verb is the kanji + い (泳い, 急い), whose dictionary form ends in ぐ."""
    out = []
    at = 0
    for before, word in zip(words, words[1:], strict=False):
        at += len(before.surface)
        if word.base == "いでる" and word.surface.startswith("い") and _KANJI_END.search(before.surface):
            verb = dictionary_words(before.surface + "い")
            if len(verb) == 1 and verb[0].pos == "動詞" and verb[0].base == before.surface + "ぐ":
                out.append((at - len(before.surface), before.surface + "い"))
    return out


def tte_cuts(words: list[Word]) -> list[tuple[int, str]]:
    """``(offset, verb)`` for each godan verb's っ-音便 before て that MeCab read as a one-kanji noun
    written without its okurigana and the particle って: 笑って。 was 笑 (笑い ワライ) + って, ワライッテ, and
    祈って。 イノリッテ, where the line is 笑っ + て ("smile!"). Only where the noun's reading ends in the
    連用形 kana of a verb of that kanji whose 音便 is っ (ワライ: 笑う, イノリ: 祈る, マチ: 待つ): 歌って (the
    song, quoted) and 愛って stay as read, and so does a noun + って before anything but the line's end, a
    final particle or a request (光って何？ is the light)."""
    out = []
    at = 0
    for k, (word, after) in enumerate(zip(words, words[1:], strict=False)):
        start, at = at, at + len(word.surface)
        if word.pos != "名詞" or after.surface != "って" or len(word.surface) != 1:
            continue
        then = words[k + 2] if k + 2 < len(words) else None
        if not (then is None or then.pos == "記号" or then.surface in _AFTER_A_REQUEST):
            continue  # 光って何？, 光ってすごい: the noun, quoted
        pron = clean_pron(word.pron)
        ending = _TTE_ROWS.get(pron[-1:])
        if len(pron) < 2 or ending is None or not _is_kanji(word.surface):
            continue
        verb = dictionary_words(word.surface + ending)
        if len(verb) == 1 and verb[0].pos == "動詞" and verb[0].base == word.surface + ending:
            out.append((start, word.surface + "っ"))
    return out


def nee_cuts(words: list[Word]) -> list[tuple[int, str]]:
    """``(offset, "ねえ")`` where MeCab cut the colloquial ねえ (ない, or the particle drawn out) into the
    particle ね and a word that begins with its え: しょうがねえな was しょうが + ね + えな (a noun), with an
    accent-phrase break inside ねえ; its next analysis holds ねえ whole (しょうが + ねえ + な). Only after a
    word (a line that opens with ねえ is the interjection) and where the え-word is a noun, a filler or an
    interjection."""
    out = []
    at = 0
    for k, (word, after) in enumerate(zip(words, words[1:], strict=False)):
        start, at = at, at + len(word.surface)
        if (
            k > 0
            and word.surface == "ね"
            and word.pos == "助詞"
            and after.surface.startswith("え")
            and after.pos in _EH_WORD_POS
            and words[k - 1].pos != "記号"
        ):
            out.append((start, "ねえ"))
    return out


def opening_verbs(words: list[Word]) -> list[tuple[int, str, str]]:
    """``(offset, verb, pronunciation)`` for a verb that opens a sentence (the line's start, or
    after 。！？、) where MeCab read its letters as a noun or a prefix and what follows: 結ぶんだ。
    was the noun 結ぶん (ケツブン) + だ, 楽しんどく 楽 (ラク) + しんどく, 超えとく 超 (チョー) + えとく,
    経ってよ 経 (ケー) + って, 苦しんでた 苦しん (クシン) + で + た. With nothing before it, MeCab's
    costs favour a noun; UniDic, asked about the sentence's opening, reads the verb (結ぶ ムスブ,
    楽しん タノシン). Taken where UniDic's first word is a verb written from a kanji, followed by a
    function word (成り + 行き are a compound noun's verb stems), and MeCab's next-best analyses hold
    that verb with UniDic's pronunciation (the choice checks it). Only where the noun reading is
    suspect (:func:`_suspect_opening`): a noun written with kana after its kanji, or one kanji
    before a kana word that is no particle (or before って)."""
    out = []
    at = 0
    for k, word in enumerate(words):
        after = words[k + 1] if k + 1 < len(words) else None
        if (k == 0 or words[k - 1].pos == "記号") and _suspect_opening(word, after):
            context = "".join(w.surface for w in words[k : k + 4])
            read = unidic_words(context)[:2]
            if (
                len(read) == 2
                and read[0].pos1 == "動詞"
                and read[0].start == 0
                and read[0].pron
                and read[1].pos1 in ("助詞", "助動詞")  # not 成り + 行き: a compound noun's verb stems
            ):
                verb = context[: read[0].end]
                if not (word.surface == verb and word.pos == "動詞"):
                    out.append((at, verb, read[0].pron))
        at += len(word.surface)
    return out


def _suspect_opening(word: Word, after: Word | None) -> bool:
    """Whether ``word``, opening a sentence, may be a verb's letters read as a noun or a prefix."""
    if word.pos not in ("名詞", "接頭詞") or not _is_kanji(word.surface[0]):
        return False
    if is_hiragana(word.surface[-1]):
        return True  # 結ぶん, 苦しん: kana after the kanji, as a verb writes its endings
    if len(word.surface) != 1 or after is None or not is_hiragana(after.surface[0]):
        return False
    return after.surface.startswith("っ") or after.pos not in _FUNCTION_POS  # 経 + って, 楽 + しんどく


def thanks_cuts(words: list[Word]) -> list[tuple[int, str]]:
    """``(offset, "ありがとう")`` where MeCab cut the greeting into the verb あり + が + the verb とう (問う,
    archaic in kana) + な: ほんまにありがとうな, お前にありがとうな read ア]リガ # ト]ウナ. After に or で its
    costs prefer the cut when a particle follows; the next analysis holds ありがとう whole."""
    out = []
    at = 0
    for k, word in enumerate(words[:-2]):
        start, at = at, at + len(word.surface)
        if word.surface == "あり" and words[k + 1].surface == "が" and words[k + 2].surface == "とう":
            out.append((start, "ありがとう"))
    return out


def _adjective_stem(text: str) -> bool:
    found = dictionary_words(text + "い")
    return len(found) == 1 and found[0].pos == "形容詞" and found[0].base == text + "い"


def _words_at(words: list[Word], pos: str | None = None) -> set[tuple[int, str]]:
    """(offset, surface) of each word of ``words`` whose part of speech is ``pos`` (None: of every word)."""
    out = set()
    at = 0
    for word in words:
        if pos is None or word.pos == pos:
            out.add((at, word.surface))
        at += len(word.surface)
    return out


def _verb_said(words: list[Word], at: int, verb: str, pron: str) -> bool:
    """Whether ``words`` hold the verb ``verb`` at offset ``at``, said ``pron`` (UniDic's: its ー may be
    the spelled い / う, 防い フセー for フセイ)."""
    k = 0
    for word in words:
        if k == at:
            return word.surface == verb and word.pos == "動詞" and matches_spelling(clean_pron(word.pron), pron)
        k += len(word.surface)
    return False


def _inside_a_noun(words: list[Word], at: int, surface: str) -> bool:
    """Whether a noun of ``words`` covers ``surface`` at offset ``at``: the word itself read as a noun
    (戦い + じゃん), or the compound it was cut from (毛繕い, where MeCab had 毛 + the verb 繕い before さ)."""
    return any(k <= at and at + len(surface) <= k + len(noun) for k, noun in _words_at(words, "名詞"))


def _offset(words: list[Word], k: int) -> tuple[int, str, str]:
    """(where word ``k`` starts in the text, its surface, the next word's surface)."""
    return sum(len(w.surface) for w in words[:k]), words[k].surface, words[k + 1].surface


def _te_forms_after_a_verb(words: list[Word]) -> set[tuple[int, str, str]]:
    """The verbs of ``words`` followed by a contracted て / で form, by offset: an analysis taken for a
    mismatch reads the same letters before the same contraction as a verb (泳いてる, a slip for 泳いでる,
    has none and stays as written; 泳 + い + てる would be worse)."""
    return {
        _offset(words, k - 1)
        for k in range(1, len(words))
        if words[k - 1].pos == "動詞" and words[k].pos == "動詞" and words[k].base in _T_FORMS | _D_FORMS
    }


def _choose(paths: list[list[Word]], *, spelled: bool = False) -> int | None:
    """The best path without any of the cuts its best one makes, preferring one that reads each cut-off
    okurigana word as a noun, then one where a particle or an auxiliary follows it (誓い + な + ん, not
    誓い + 何)."""
    # a spelled line's kanji words carry their readings: no okurigana is cut off them (星 + やま was read 星や)
    whole = set() if spelled else set(okurigana_cuts(paths[0]))
    names = set(misread_names(paths[0]))
    compounds = set(compound_cuts(paths[0])) | set(inflected_cuts(paths[0]))
    nouns = set(verbs_before_ja(paths[0]))
    noun_spans = {(at, surface) for at, surface in _words_at(paths[0]) if surface in nouns}
    te_forms = {_offset(paths[0], k - 1) for k in te_form_mismatches(paths[0])}
    adjectives = set(adjective_stem_cuts(paths[0]))
    verbs = set(ideru_cuts(paths[0])) | set(tte_cuts(paths[0]))  # verbs read as other words (泳 + いで, 笑 + って)
    nee = set(nee_cuts(paths[0])) | set(thanks_cuts(paths[0]))  # words read whole in a clean path
    opening = set() if spelled else set(opening_verbs(paths[0]))
    if not (whole or names or compounds or nouns or te_forms or adjectives or verbs or nee or opening):
        return None

    def clean(words: list[Word]) -> bool:
        return (
            not okurigana_cuts(words)
            and not any(w.surface in names and w.groups[1] == _PERSON for w in words)
            and not _name_pairs(words)
            and all(_spells_compound(words, compound, kana) for compound, kana in compounds)
            and all(_inside_a_noun(words, at, surface) for at, surface in noun_spans)
            and not te_form_mismatches(words)
            and te_forms <= _te_forms_after_a_verb(words)
            and adjectives <= _words_at(words, "形容詞")
            and verbs <= _words_at(words, "動詞")
            and nee <= _words_at(words)
            and all(_verb_said(words, at, verb, pron) for at, verb, pron in opening)
        )

    def rank(words: list[Word]) -> int:
        at = [k for k, word in enumerate(words) if word.surface in whole]
        if {words[k].surface for k in at} != whole:
            return 3
        if all(words[k].pos == "名詞" for k in at):
            return 0
        return 1 if all(k + 1 == len(words) or words[k + 1].pos in _FUNCTION_POS for k in at) else 2

    ranked = sorted((rank(words), k) for k, words in enumerate(paths) if k > 0 and clean(words))
    return ranked[0][1] if ranked else None


def _worth_a_look(features: list[dict], spelled: bool = False) -> bool:
    """Whether some word could be one of the cuts above: the detectors' cheap conditions only, in one
    pass over the features (most lines have none; the detectors themselves cost ~30 µs a line)."""
    if not spelled and features and _may_open_with_a_verb(features[0], features[1] if len(features) > 1 else None):
        return True  # maybe a verb read as a noun at the line's start (結ぶん + だ)
    for before, f, after in zip(features, features[1:], [*features[2:], None], strict=False):
        s, b = f["string"], before["string"]
        if not spelled and before["pos"] == "記号" and _may_open_with_a_verb(f, after):
            return True  # ... or at a sentence's
        if before["pos"] != "形容詞" and _AFTER_ADJECTIVE_STEM_IN.search(s) is not None:
            return True  # maybe an adjective stem before そう / すぎ read as other words (新 + しそう)
        if (s == "さ" and before["pos"] != "形容詞") or (s == "ば" and before["pos"] == "動詞" and b.endswith("けれ")):
            return True  # maybe an adjective stem before さ (冷 + た + さ) or its conditional (長けれ + ば)
        if s == "とう" and b == "が":
            return True  # maybe ありがとう cut into あり + が + とう
        if b == "ね" and s[:1] == "え" and before["pos"] == "助詞":
            return True  # ねえ cut into ね + え…: しょうが + ね + えな
        if s.startswith("って") and before["pos"] == "名詞" and len(b) == 1 and _is_kanji(b):
            return True  # a verb's っ-音便 read as a noun + って: 笑 + って
        if f["orig"] == "いでる" and _is_kanji(b[-1]):
            return True  # a literary 出でる after a kanji: 泳 + いで + た
        if s == "き" and f["pos"] == "助動詞" and _is_kanji(b[-1]):
            return True  # the literary past after a noun
        if before["pos"] == "動詞" and _is_kanji(b[-1]) and is_hiragana(s[0]):
            if clean_pron(before["pron"]).endswith(to_katakana(s[0])):
                return True  # a verb stem that already says the kana after it (捨 ステ + て)
        if f["pos"] == "動詞" and (f["orig"] in _T_FORMS or f["orig"] in _D_FORMS):
            if _te_form_mismatch(feature_word(before), feature_word(f)):
                return True
        if s == "し" and f["orig"] == "する" and _is_kanji(b[-1]):
            if _is_okurigana_word(b, clean_pron(before["pron"]), "し"):
                return True  # a godan verb's し read as する after its stem (話 + し)
        if before["pos"] == "動詞" and before["cform"] == "連用形" and _never_after_a_stem(feature_word(f)):
            return True  # a verb's 連用形 before the copula or a final particle: 怒り + なんだ
        if s == "さ" and before["pos"] == "動詞" and f["pos_group1"] == "接尾":
            return True  # a verb form before the nominal suffix さ: 殴り書き read 殴り + 書き + さ
        if len(s) < 2:
            continue
        if f["pos_group3"] == "名" and before["pos_group3"] == "姓":
            return True  # a surname and a given name
        if s in _JA and before["pos"] == "動詞":
            return True  # a verb's stem form before じゃん
        if (
            is_hiragana(s[0])
            and (_is_kanji(b[-1]) or _is_kanji(b[0]))
            and f["pos"] not in _FUNCTION_POS
            and f["pos_group1"] != "非自立"  # こと, られる: never such a word
            and f["orig"] not in _COMMON_AFTER_A_NOUN
        ):
            return True  # okurigana taken into a kana word
        if _is_kanji(s[0]) and is_hiragana(s[-1]) and any(_is_kanji(c) for c in b):
            if f["pos"] == "名詞" or (s[-1] == "み" and after is not None and after["string"] == "たい"):
                return True  # a compound's kanji taken by the next word
    return False


def _may_open_with_a_verb(f: dict, after: dict | None) -> bool:
    if f["pos"] not in ("名詞", "接頭詞") or not _is_kanji(f["string"][:1] or " "):
        return False
    return _suspect_opening(feature_word(f), None if after is None else feature_word(after))


def _is_kanji(c: str) -> bool:
    # _KANJI's class by comparisons: the cheap pass calls this for every letter of most lines
    return "\u3400" <= c <= "\u9fff" or c == "々"


def mend_with_next_best(text: str, features: list[dict], jtalk: Any, *, spelled: bool = False) -> list[dict]:
    """``features`` of ``text``, or those of MeCab's best analysis without such cuts when they have one.
    ``spelled``: words of the line carry readings its input spelled (romaji, a kana-only line's nouns
    given in kanji), which neither an opening verb (:func:`opening_verbs`: juken's 受けん) nor an
    okurigana cut (星 + やま read 星や セーヤ) may take over."""
    if not _worth_a_look(features, spelled):
        return features
    words = [feature_word(f) for f in features]
    if not (
        (not spelled and okurigana_cuts(words))
        or misread_names(words)
        or compound_cuts(words)
        or inflected_cuts(words)
        or verbs_before_ja(words)
        or te_form_mismatches(words)
        or adjective_stem_cuts(words)
        or ideru_cuts(words)
        or tte_cuts(words)
        or nee_cuts(words)
        or thanks_cuts(words)
        or (not spelled and opening_verbs(words))
    ):
        return features
    choose = partial(_choose, spelled=spelled)
    return run_frontend_choosing(text, jtalk, choose, max_paths=MAX_PATHS) or features
