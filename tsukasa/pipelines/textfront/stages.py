"""Pipeline stages of the text front-end: ``textnorm`` and ``phonemize``.

``textnorm`` records the normalised reading text and the non-verbal cues written in the
script; ``phonemize`` fills ``kana``, ``phonemes``, ``prosody`` (and ``nonverbal`` text cues)
on every supervision. The supervision's ``text`` is never overwritten: it stays the
reference transcript, and what we read is derivable from it and the stage fingerprint.
A supervision whose text cannot be read (an unknown symbol, OpenJTalk failure) is rejected
with the offending text, never silently dropped.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from tsukasa.corpus.schema import NonverbalEvent, QualityFlag, QualityInfo, SupervisionCustom
from tsukasa.errors import TsukasaError
from tsukasa.pipelines.base import Rejection, Stage, StageConfig, StageContext, register_stage, update_supervisions


def _cue_events(cues: list, duration: float) -> list[NonverbalEvent]:
    events = []
    for c in cues:
        t = round(max(0.0, c.position * duration), 3)
        events.append(NonverbalEvent(start=t, end=t, kind=c.kind, source="text", label=c.label))
    return events


def _merge_events(old: list[NonverbalEvent], new: list[NonverbalEvent]) -> list[NonverbalEvent]:
    # Re-running a stage must not duplicate its text events: drop earlier text events first.
    return [e for e in old if e.source != "text"] + new


class TextNormConfig(StageConfig):
    reject_empty: bool = True  # a line that is only a stage direction has nothing to read


@register_stage
class TextNormStage(Stage[TextNormConfig]):
    """Annotator: non-verbal cues from the script text → ``nonverbal`` events (source ``text``)."""

    name: ClassVar[str] = "textnorm"
    kind: ClassVar = "annotator"
    # 2: math signs, fractions, accented Latin, # and _; 3: rare kana, signs; 4: button shapes, 0時, more cues;
    # 5: one kana without its っ is no sound (ええ, え？, は、はい were gasps); 6: ～ and the wave dash's
    # look-alikes (∼ ⁓) read as 〜, a lone hyphen is a dash; scene sounds, timed pauses and SE lines cut
    # out as events, more spoken sounds (はっはっは, きゃっ, くしゅん); 7: more ruby forms (Unity, RPG Maker,
    # pixiv, NScripter, wikis), HTML entities, any lower-case ASCII tag, KAG [ch], pixiv and Yarn markup;
    # a word whose ruby spells its dictionary reading is kept as written; wiki markup; はぁ、はぁ is panting;
    # directions between asterisks, in 〔〕 and <>, in English, (汗), (ボソッ); kaomoji of other scripts;
    # 8: No./Vol./Ep. + 1-10 in English (ナンバーツー), 3D/1UP/5G names (alphanumerics.tsv), pt ポイント;
    # 9: thousands with the ideographic comma (１、０００名), ー or − between digits as a hyphen (３ー２);
    # 10: ruby spelling long vowels as kana write them (停戦《ていせん》, said テーセン) keeps its word;
    # 11: stopwatch times (1:23.45) and minutes:seconds after a duration word (残り時間 03:21) as 分/秒;
    # 12: an x between numbers multiplies (2x3, 1920x1080; 2x4 ツーバイフォー), #1 ナンバーワン as No.1;
    # 13: more spoken sounds (あはっ, ひぃっ, ごくり, はむっ); a hyphen after an RPG stat is a minus (HP-5);
    # ははは after の or before おや is 母 (の母は, は + 母親), not laughter; 14: net laughter after a space
    # (それな www) is a laugh, not letters; 17: a capital X after a Japanese word names an axis or a model
    # (座標X23 エックス), only a lower-case x there multiplies; cues ふぁ〜あ (a yawn), しくしく, むにゃむにゃ; an arrow
    # between two words is a pause (Lv.5→Lv.6); 18: laughs of a beat then ha-ha (フハハハハ, ガハハ, ヒャハハ);
    # 19: lol / lmao as net laughter (was read ロール); 20: w after a romaji word (Yabai w), w before 草;
    # 21: のははは、 and はははを are 母 + particles, not a laugh; 22: a drawn-out particle はぁ / へぇ → はー / へー;
    # 23: ASCII faces (:D, <3, T_T, XD, ^^) removed; 〜 after a bracketed weekday or 後 is から; 〒123-4567, ID:;
    # 24: e.g. / i.e. / etc. / w/ / w/o / a.m. / p.m., kcal / cal / Mbps / Gbps / kbps; 25: 8888 applause,
    # #2026年 a hashtag, eスポーツ, Live2D; 26: baseball counts in English (1アウト ワンアウト), hPa, m/s;
    # 27: Roman numerals said (ロッキーツー, XIII機関 13機関, Mk-II マークツー), MB/s, 1v1 / 3vs3 with 対, 5on5,
    # a notice label 【期間限定】 read, not stripped as a speaker tag; 28: star ratings (評価：★★★☆☆ 星3), 中黒
    # between Latin words, ぅ after an お-row kana, a pairing's ×, the minus button / arrow keys, a bracketed time is
    # no kaomoji, www. unread, pt after 万 or katakana, a title label before 「」 kept (スキル「鑑定」), versions of
    # three parts (Ver.2.10.0 ジュー), four-digit times before 時 (1800時), 秒速 + km/s;
    # 29: units after 万 / 億, news units (ha, kWh, μSv, Bq…), 〜 between units, ▲ / △ minus, ベスト8 in English,
    # PM2.5, a pause after a postal code before an address, 888 applause; 30: a space kept between Japanese words
    # (not two katakana ones) and between a Latin word and a kanji, blood pressure, Rh−, clinical units, a wave
    # pair around a subtitle, ♯ ♭, a heart between Latin words, stars before の, a stat's N/M no date, ③：,
    # 4000－1000＝;
    # 31: ruby after a word's okurigana gets its bar (強さ《つよさ》 was read twice); 32: BONUS x2, scores after
    # their label, 打率.312, lap times 1'23.456, a capital label's N/M no date, chapter headings before 「」, status
    # labels 【レベル】, ランク：D no smiley, grade minus, stars before a particle, a dash inside a sound effect ー,
    # katakana sound effects in brackets no kaomoji; 33: ruby over an honorific prefix (お詫び《おわび》); 34: marks
    # for a number before a counter (〇月×日) and withheld names (△△村); 35: faces of one unread letter ( ᐛ ) or
    # without our brackets (꒰ᐢ•༝•ᐢ꒱), full-width bowing hands ｍ(_ _)ｍ, a waving ﾉｼ; 36: a ッ between pauses
    # goes; 37: chat's sentence-final 笑 a laugh cue (それな笑); 38: a full-width space after a kanji word a pause
    # (第二章　…); 39: formulas (y=x−1 マイナス, an equation's small letters as capitals), a minus sign no rule
    # reads a dash; 40: scores in a line about a match (これで2-1 対), 8m25, 数学Ⅰ, a numbered label's space (問1 次の),
    # nm, 兆km; 41: hexadecimal numbers digit by digit (0x80070005); 42: events named by a date (二・二六事件); 43:
    # IDs and codes digit by digit (A-12345, 認証コード), phone keys (#, ＊印), RPG gold (8G), 3Lサイズ, spaced amounts;
    # 44: counters in hiragana after a number (1こ イッコ, 4にん ヨニン); 45: bare domains (example.co.jp); 46: a
    # shop's P (1P還元, P10倍); 47: a number-hyphen-letter class (2-B ニノビー), y=2-x, bracketed terms in an
    # equation, a profile's fields (【学年】), labels before a colon or 第3の… are no speakers, 一ノ瀬奏（…）,
    # spaced names read part by part, bracketed test signs (尿蛋白(+)), 令和5年(ワ), 懲役3年6月, units per unit;
    # 48: 8分立て, 明日(木), ランチタイム 11:00, 3ーA, W as double, 〜subtitles〜, shogi moves, a single ｗ laugh;
    # 49: S〜LL and ア〜エ ranges, heading words (【予想】), a one-letter symbol in brackets (電圧（V）), %.1f;
    # 50: chemical formulas (CuO, H2SO4 in a line about chemistry, Cl⁻: chemistry.py); 51: approximate numbers
    # in kanji (二三日 ニサンニチ); 52: a level word (描画距離：中), a change's arrow (10%→15%に), play times; 53:
    # late-night broadcast hours (25:30から), a lyric's repeat mark (（×2）); 54: geometry symbols (∠ ⊥ ∥ ≡ ∽, △ABC),
    # an ID's hyphenated groups (番号 1234-5678), e-mail subject tags (【発送完了】); 55: ranges of days (2〜3日);
    # 56: a unit after 何 (何km), ※ as a phone key; 57: a short number after 番号 (原子番号は11), model numbers
    # (RX-78-2), Intel's i5, a lone m or g in a conversion between units (1km=1000m); 58: stream-title and chapter
    # tags read (【歌枠】, 【第三章】), a work named before its title (朗読劇「…」), 888 after a label is a count, = in
    # a katakana name, a pairing × after hiragana, ordinals to 100th, thousandths of a lap time, $10.00; 59: a
    # quoted word's reading in brackets after it (「御意」（ぎょい）); 60: more stream and notice tags (【告知あり】,
    # 〈証言〉), a menu of [choices], am before a time, 199X年, arcminutes, codes after 番号 / 品番, dice, <=, 4/4拍子,
    # sectors, model letters (MS-06F), scores in more sports lines and on a scoreboard, formations, うp, €5.00; 61:
    # KAG ruby closed by [/ruby], 〇 as a bullet or a mark, 500W at a line's end, dice rolls apart, Chapter 1-2,
    # ＄1.5兆, fiscal periods (2025/3期), ratings (AA-), model letters (XR-500J), railway notices, ships and operations
    # before a title, は after a placeholder and a space; 62: an episode's number before its title (No.01「…」), fandom
    # tags (【急募】), counters in hiragana (1そく, 3びき), neighbouring versions (Windows 10/11), DDR4-3200; 63:
    # a new colour before its name (新色「…」), サイズ3L; 64: maintenance-notice tags (【不具合】), a prize before its
    # title (神器「…」), 懲役六月, a case code in hiragana (わ), 数km, bets (馬連3-7), °F, two dates as a period
    # (4/1〜4/7); 65: math operators read (∝ ヒレー, ∈, ∑: they stopped their line), a negative power (10⁻¹¹), a
    # unit after a power, tags opening with a number or a version (【10連】, 【Ver.2.5】), ED1「…」 / ルート2「…」;
    # 66: a lone $ (a regular expression's: it stopped the line); 67: news captions' tags (【独自】), a programme or a
    # product named before its title, a patch note's arrow (20m→25m), 2x, 7.1ch, 60kg級, 03(1234)5678
    version: ClassVar[str] = "67"
    Config: ClassVar[type[StageConfig]] = TextNormConfig

    def model_versions(self) -> dict[str, str]:
        return {}

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        from tsukasa.pipelines.textfront.cues import extract_cues
        from tsukasa.pipelines.textfront.frontend import TextCue
        from tsukasa.pipelines.textfront.normalize import normalize
        from tsukasa.pipelines.textfront.placeholders import fill_placeholders

        empties: list[str] = []

        def fn(sup: Any, custom: SupervisionCustom) -> SupervisionCustom:
            filled, unread = fill_placeholders(sup.text or "")
            spoken, spans = extract_cues(filled)
            norm = normalize(spoken)
            if sup.text and not norm and not unread:  # {name}！ says a name: not empty (phonemize flags it)
                empties.append(sup.text)
            n = max(len(spoken), 1)
            cues = [TextCue(c.kind, c.label, min(1.0, c.offset / n)) for c in spans]
            events = _merge_events(custom.nonverbal, _cue_events(cues, sup.duration))
            return custom.model_copy(update={"nonverbal": events}).with_provenance(
                self.provenance([f"cues={len(cues)}"])
            )

        new = update_supervisions(cut, fn)
        if empties and self.config.reject_empty:
            return Rejection("text_no_speech", f"nothing to read in {empties[0]!r}")
        return new


class PhonemizeConfig(StageConfig):
    user_dict: str | None = None  # CSV: surface, reading, accent type; OpenJTalk rows; VOICEVOX JSON
    # English words the loanword table lacks: katakana from e2k ("model") or letter names.
    english: Literal["model", "letters"] = "model"
    # Readings of runtime placeholders by key ({name}, %name%, \N[1] → "name", "N[1]"): what the
    # voice says there. A placeholder without one is not read and flags the supervision.
    placeholders: dict[str, str] = Field(default_factory=dict)
    # Pause where a reader breaks a long stretch the text gives no comma (after its topic or a
    # clause; textfront/phrasing.py). Off here: these are training labels of recorded audio, and
    # the nonverbal stage writes `_` where that audio pauses; a predicted pause the recording lacks
    # would be a wrong label. (phonemize() and `tsukasa g2p`, which read text for synthesis, have it on.)
    phrase_breaks: bool = False

    def problems(self) -> dict[str, str]:
        if self.user_dict is None:
            return {}
        from tsukasa.pipelines.textfront.userdict import parse_user_dict

        try:
            parse_user_dict(self.user_dict)  # not found, unreadable, or its bad rows, all named
        except TsukasaError as exc:
            return {"user_dict": str(exc)}
        return {}


@register_stage
class PhonemizeStage(Stage[PhonemizeConfig]):
    """Annotator: kana, phonemes, prosody and text cues for every supervision with text."""

    name: ClassVar[str] = "phonemize"
    kind: ClassVar = "annotator"
    # 2: romaji readings written back; 3: English words via e2k; 4: placeholders; 5: a word with no
    # reading (other scripts, unknown signs) is an error, not a pause; normalisation of the 11th session
    # 6: フュ (fy), rare kana, dashes, arrows, shapes read instead of rejected; 7: capital words, 0時,
    # RPG Maker codes in lower case (\n[1]) and $name placeholders; undecodable text (U+FFFD) rejected;
    # 8: clipped endings after a kanji stem read in full, then clipped (行こっか, 休も, 寒っ, 凄ぇ);
    # small vowels after kanji words (先生ぇ), laughter cut into particles (はは, へへっ);
    # 9: ～ opening a line, ∼ ⁓, a lone hyphen, 5€ read instead of rejected; hyphenated English part by part;
    # circles as words (マル), bracketed names in a sentence kept, №/℡/㈱, NScripter controls, KAG ruby on words;
    # 10: textnorm 7's markup and ruby forms; a kept ruby word's reading enforced over the context; a
    # Japanese word of 3+ morae in an English line read as romaji; l/v words English; 62 more loanwords;
    # 11: textnorm 8; numbers said in English after English words and glued to capitals (Round 1, PS5);
    # 100m走で ソーデ; っ娘 ッコ (a suffix row), 此処 ココ, 陰陽師 オンミョージ; 12: textnorm 9, 22 more
    # loanwords (lesson レッスン, ultimate アルティメット), romaji words whose spelling drops a long vowel (Tokyo);
    # 13: the front-end's phrase breaks (off in this stage by default; frontend_versions moves with it)
    # 14: phrase breaks from a fitted model (textfront/phrasing.py) instead of the topic/clause rule,
    # and at unwritten sentence ends; 8分 ハップン; 15: romaji words OpenJTalk's dictionary holds in
    # kanji are analysed in kanji (textfront/kana_kanji.py: accents and phrases of the Japanese text);
    # 16: a verb form written in よ (数えよ, 覚えよ) does not rise as the particle よ does; 17: a formal
    # noun after a flat verb form takes its own nucleus (開けたまま], 知っていること]); 18: 何度も (a count)
    # keeps 何's accent; 19: a flat verb's conditional 〜ないと takes its nucleus on な, like 〜ないで;
    # 20: a formal noun after a flat phrase takes its nucleus too (承認されること]); 21: ナイ形容詞
    # (申し訳ない, 問題ない) have their nucleus on な; 22: a chained あと has its own nucleus (水泳のあ]と);
    # 23: a sentence written without kanji has its nouns analysed in kanji (いしをなげた as 石をなげた),
    # and textnorm 10; 24: textnorm 11, no phrase break inside a quantity (午後3時|15分); 25: Japanese
    # written in katakana read as the hiragana it stands for (ワタシハロボットデス: ワタシワ…); 26: and a
    # greeting alone (コンニチハ コンニチワ); 27: a katakana run holding a loanword is cut at it
    # (ハンバーガー|をたべたい), the whole checked once more; 28: a numeral before a counting noun takes
    # the counter's sound change (6回転 ロッカイテン, 6角形 ロッカッケー), an RPG stat's one digit is Japanese (HP1);
    # and textnorm 12; 29: romaji words analysed without the spaces between them where MeCab finds the
    # same words and readings anyway (妥協 する の は as 妥協するのは), no sentence end inside a word;
    # romaji pronouns in kanji (kare 彼), a macron the dictionary writes doubled (ōkina おおきな);
    # 30: 潜水夫 センスイフ, 一目 ヒトメ (context_readings.tsv); 31: the session's other context readings
    # (種, 抱く, 国中, 環, 金星, slang, verbs read two ways), 交ぜ書き entries split (その左は), 彼女らしい,
    # an adjective stem + そう/すぎ (重そう オモソー); 32: phrase-break model refitted with more
    # features and the reader's pauses, breaks from 16 morae and inside long stretches between
    # written commas, an answer or greeting run into the next sentence (はいそうです) (all when
    # phrase_breaks is configured on); 33: a romaji word UniDic reads as one loanword is spelled in
    # katakana (koohii コーヒー); 34: the exclamative 〜ことか (何と難しいことか) falls; 35: 入れない with
    # no object is the potential of 入る (ここから先は入れない ハイレナイ); 36: a particle は / へ with no
    # word before it in its sentence is said as written (the stammer へ、変な… was エ、); 何やってんだ ナニ;
    # 格好いい カッコイイ; a question word ending its sentence rises (４大大会って何。), an indefinite
    # いずれか / どれか does not; 37: a noun whose okurigana MeCab cut off into the next word (願 + いなん)
    # is read from MeCab's next-best analysis without the cut (願いなんだ was ネガイイナンダ), and so are a
    # noun + final particles taken for a name (天井かな？ アマイ) and a compound's last kanji taken by the next
    # word (鳴き声ね？ ナキコワネ, 故障みたい コツツミタイ) and a noun read as a verb before じゃん (戦いじゃん
    # オノノイジャン), a verb cut inside its okurigana (焼くし ショークシ), a contracted て form after a word
    # that cannot take it (降りてる フリテル), a godan し read as する (話しちゃった ハナシシ) and an adjective
    # stem before そう / すぎ read as other words (新しそう シンシソー), 泳いでた as 出でる (オヨゲイデタ);
    # 面倒臭さ keeps its さ; 五分 / 八分 / 九分
    # are minutes (あと五分 was アトゴブ) outside the ratio's own company (五分五分, 五分の勝負); へ after a
    # particle, filler or conjunction, or before another へ, is said ヘ (てへぺろ was テエペロ); a kanji
    # compound + も at a sentence end is no clipped volitional (希望も。 was マレノゾモ); a romaji word's kanji
    # spelling that MeCab would cut apart stays in kana (soryū a was アラツブア); 38: a Latin word in
    # Japanese text that UniDic records as the source of a loanword is English (nameを was ナメヲ, rate ラテ);
    # with phrase breaks on, a date's month and day are one quantity (12月|25日 had a pause); 人気のない路地
    # ヒトケ; an adjective stem before さ / ければ read as other words (冷たさ ヒエタサ, 長ければ タケレバ);
    # textnorm 13 (HP-5 マイナス); no phrase break after a sign (プラス|10); 救急車 キューキューシャ; in kana:
    # は after が / を / an attributive or before ん / っ is no particle (がはそん ガワソン), とくせい トクセー,
    # ぼうかんしゃ ボー; laughter ハハハ stays a sound (was ハハワ), は + ははおや; bed ベッド, buff バフ, nerf ナーフ;
    # に|はいって where UniDic reads 入って: ハ; 39: a mora MeCab cut in two is one (シキ|ョウ said キ・ヨ), romaji
    # words NJD joined across a space are analysed apart (bu buokuhe: へ was エ); 40: 如何 いかが, a 連用形 before
    # the copula or a final particle is the noun (怒りなんだ イカリ), 苦しんじゃう, 着たい, 踵を返す, 額に汗, 被る
    # かぶる, 所持金 キン, 笑って。 ワラッテ, 迷える者 もの, 二手 ふたて; 41: an acronym MeCab cut (MP エム|ピー)
    # is one word with the dictionary's acronym accent; proverbs (急がば回れ), お手数 おてすう, 一本道 みち; 42:
    # so is one MeCab kept whole but does not know (DEF, NPC: was OpenJTalk's default accent for unknown words);
    # 43: 最中 eaten もなか, 色紙 signed しきし; 44: ねえ cut into ね + え… is one word (しょうがねえな)
    # 59: an asking ending before ！ is an exclamation (行くか！, いいの！: no rise), exclamations MeCab cut
    # after a doubled consonant (うっま！, うっそ) or into one vowel's pieces (ええっ？) are one phrase, no
    # break inside a date whose day is 二十 + 四日 (12月24日); a last vowel stretched in kana (やったあ) joins its
    # word's phrase as ー does, and before a final ん is ー (お母さあん); 時の間 after a number is ジノアイダ; a
    # laugh cut after its first mora (ふ + ふっ) is one phrase; ！ before a quoting と / って runs on (ドンッ！と);
    # 一日 after 来月の ついたち, 辛い of food からい, 堪能 たんのう, 七色です なないろ; a context row matches a
    # pron with its accent mark (明後日かな was ミョーゴニチ); a verb form before the suffix さ is a noun (殴り書きさ);
    # 明朝 みょうちょう, 一文無し, 正直者 whole before an ending; 解る わかる (was ほどける), 大形 おおがた; 苦しん,
    # 恐く, 辛く, 欠か read as nouns at a line's start (苦しんでた was クシンデタ); の如く ごとく; 仏 alone ほとけ;
    # 其方 そなた but as a direction; a hiragana word's ほ / ひ / ふ said as written (しほ was シオ); a shout
    # quoted into its sentence (行くぞ！って) gets no rise
    # 60: a kana-only line's Sino-Japanese noun that MeCab cuts apart keeps the long vowel UniDic
    # says (しんけ | いしつ was シンケイ)
    # 61: ありがとう cut into あり + が + とう is read whole; an adjective's ウ音便 is said with a long o (近う
    # チコー, was チカウ; 良う ヨー); わ after the negative ん or や falls (知らんわ)
    # 62: ほほう ホホー (was ホホ + ウ); てめー is a word, not a stretch of てめ; じゃねーか and ま、いっか fall
    # 63: Nつ星 ボシ (5つ星 was イツツホシ, 3つ星 ミッツホシ); 64: お守り おまもり (was オモリ); 65: a verb opening a
    # sentence that MeCab read as a noun (結ぶんだ was ケツブンダ, 経ってよ ケーッテヨ) is read as UniDic reads it;
    # 66: 次いこう ツギ (was ジイ); set phrases 上手を行く うわて, 大人気だ だいにんき, 開かずの間, 戦ができぬ いくさ…;
    # 67: an English loanword inside a romaji line (Kono game wa: was ガメ) is read as English; 68: a romaji
    # pronoun + no in English (Ore no turn), unreadable English as romaji (ikuzo), more table words; 69: a kanji
    # noun's spelled-out えい long where UniDic says it so (境内 was ケイダイ); 70: お / ご + noun one phrase;
    # 71: no pause between a quantity and the noun it compounds with (24時間営業); 72: いえへ + verb エ, てもうた;
    # 73: a Japanese word shouted in romaji capitals (SUGOI) is no acronym; 74: typed "ha" particles, konbanha;
    # 75: narration rows (寒気 かんき, 目下の者, 何と美しい, お忙しい中…); a word whose rows miss is a weekday;
    # 76: katakana lines: ソウデスネ, ソレデハ, ヨウコソ read as Japanese; 77: ぼくはっ、 ワッ, こんにちはーっ keeps ー;
    # 78: no break inside 若き|騎士 or こと|なく; 79: おうさま in kana オーサマ; 80: にわか not ニワカカ;
    # 81: game vocabulary rows (四大元素, 理 ことわり, 大盾, 長押し…), シー not スィー; 82: postal codes, IDs;
    # 83: chat abbreviations (e.g., etc., w/o, a.m.), kcal / Mbps, iOS, APEX, thx, python, galaxy, day;
    # 84: 消費MP3 a cost, #2026年 a hashtag, eスポーツ, Live2D; 85: a ウ音便 in kana is said as spelled;
    # 86: 1本手に入れた イッポン, 準備は十分か ジューブン; 87: drama / keigo rows (君 キミ, ご家族の方 カタ…);
    # 88: no okurigana cut off a spelled word (ほしやま was セーヤ); 89: mystery / period rows (彷徨う, 社, 大佐…);
    # 90: 準備はいいですか ワ (was the noun はいい); school / sports / cooking / weather rows (雨が降りました フリ…);
    # 91: baseball counts in English (ワンアウト), hPa, m/s; 92: a verb + the そう of appearance ヨミソ]ー;
    # 93: the hearsay そう joins the phrase before it (フ]ルソーデス); 94: textnorm 27's numerals and labels, 何分
    # before a verb ナンプン, the adverb なにぶん (was ナンフン); 95: an accented adjective's く-form before the
    # split-off ない keeps a nucleus (おか]しく | な]い), a flat phrase's 〜なかった な], ください joins a flat
    # て-form (してくださ]い), いない after an accented て-form is a phrase of its own (覚]えて | いない)
    # 96: textnorm 28; probe rows (公爵家 ケ, 精霊使い ツカイ, 玉座の間 マ, 禁呪, 分身の術, Kansai 来ーへん, 星 before a
    # number ホシ…), TIPS ティップス, AT, C7ブロック シーナナ, 50回復する; 97: textnorm 29, second probe round rows
    # (一歩 イッポ, 辛かった ツラ, 時 トキ, 値 ネ, 間 マ, 何時か イツ, 祖母ちゃん, 灯り, kitchen words,
    # 英首相, 七夕, 金相場…); 98: textnorm 30, an English word keeps the space before a kanji (君 キミ), hospital,
    # music and card rows (師長, 閉腹, 財前, 四分音符, 劇中歌, 攻 / 守), music abbreviations and lyric words;
    # 99: textnorm 31, ruby after a word's okurigana (強さ《つよさ》); 100: textnorm 32, announcer and web-novel
    # rows (最終章, 画質：中, おう, 様方, 魔眼, 念話…), LAP, LOSER, SUDDEN; 101: LV as a word レベル;
    # 102: phrases of だけ / 方 ホー / ため after predicates, ない's nucleus before の・か・から・だろう, breath
    # sounds' は / へ (すーはー), pt ポイント; 103: announcement readings, kanji with katakana endings (次ハ); 104:
    # horror / chat / period-drama readings (塔の下, 語彙力ない, 最新話, 候, 筑前守), gamer words in capitals (NEET);
    # 105: verb endings in the historical kana spelling (言ふ, 言はぬ, ませう); 106: いる] after an accented て-form;
    # 107: Japanese names in romaji inside English lines (Hakata, Shin-Osaka), mike マイク; 108: chat's 笑 a cue;
    # 109: old kanji forms (體操, 會う), prefixes said long (小テスト), Shōwa / sports / school rows (萬歳, 紅組, 1浪);
    # 110: は after a Greek letter, JSON / ASCII / PIN / DDoS / Cmd / iPS; 111: type numbers (九七式), spelled
    # romaji words MeCab joined (sa u); 112: 席替え、 ガエ; 113: いえへ, さつ, あおう; 114: myth rows (神じゃ, 草薙剣,
    # 唱え, 妾を誰, 天の岩戸, 〜命 ノミコト); 115: 伊邪那岐は (no の), 五芒星, 八幡 ハチマン, 小豆洗い; 116: Japanese
    # names in romaji weigh for neither language (We will be stopping at Shinagawa, …); 117: うまく ウ]マク,
    # 〜でな]く and ど]ころか rows; 118: a symbol NJD made a pause after a number reads as alone (3γ ガンマ);
    # 119: textnorm 48's readings; 120: accents of 父, 役割, 激しく, 者 after a predicate, 次の; 121: okurigana a
    # word already reads (一騎討ち), は after a line-opening placeholder; 122: no phrase break in a sentence whose
    # writer marked three pauses or more (phrasing.WRITTEN_PHRASING); 123: textnorm 50's formulas; 124: textnorm
    # 51, a minister's 相 ショー, 露に ツユ, パリ着 チャク; 125: a romaji word put back in kana keeps its space;
    # 126: textnorm 52; 127: textnorm 53; 128: textnorm 54; 129: textnorm 55; 130: どのくらい flat; 131: textnorm 56;
    # 132: math terms (仮分数, 数直線, 球の体積); 133: textnorm 57; 134: textnorm 58, a counter before いった
    # (1万人いった), context rows of the session 43 probes (時刻表, 嘘を吐く, 外野手, 索条痕, 也, 3拍子, 八歩...); 135:
    # textnorm 59, eras before a year (eras.py), old provinces, 候, 畳間, old kana っ and volitional (言つた, 行かう);
    # 136: textnorm 60, no break before a count's 数, sci-fi / idol / chat context rows, capital title words (FOX, BOX,
    # TOP), SAN / CERO / NAMCO, 版 バン after a name; 137: F1 before 日本 or a katakana word in English (エフワン);
    # 138: textnorm 61, coined element + creature / weapon names (coined_compounds.py: 水竜 スイリュー), old kana in
    # hiragana (にほひ, ちやうど, やうに), context rows of the second probe round (設備投資, 年3回, 6時40分着, 1つ上,
    # 桜の下で, 止めろ, 攻, 大斧, （改）, 空の弁当箱...), TOEIC / LOG / ALBUM; 139: 塞いだ, 合わせ鏡, 即身仏, 直葬,
    # 開かずの; 140: textnorm 62, 降る after rain or snow (雨が強く降ります), a spaced kana line's は-words whole
    # (はは が), dialect, fandom and weather context rows (堪忍, 押忍, 好いとう, 腐女子, 震度5強以上, 晴れ後曇り...),
    # IT loanwords (JPEG); 141: textnorm 63, 羽織って, 綿100%, 唇, ワンサイズ上; 142: textnorm 64, terms the dictionary
    # reads kanji by kanji (data/terms.tsv: 跳満, 稍重, 漸新世, 付喪神), 行って of an action (行う), more old kana, the
    # fourth probe round's context rows (票, 今国会, 鶏の, 上カルビ, 乳, 綱, 等星, 尾, 御父様...), GII / JpnI; 143:
    # textnorm 65, the fifth round's rows (バスで10分, 関節痛, 決まり手, 1包, 単純泉, 運命の刻, 真ルート, 喧しい,
    # 小人); 144: textnorm 66; 145: textnorm 67, the sixth round's rows (前知事, (仮名), デカ盛り, 択, 弾速, 三本先取,
    # 小技, コメント行, 月～金) and terms (原神, 報連相, 角印, 鶴の一声)
    version: ClassVar[str] = "145"
    Config: ClassVar[type[StageConfig]] = PhonemizeConfig

    def model_versions(self) -> dict[str, str]:
        import hashlib
        from pathlib import Path

        from tsukasa.pipelines.textfront.resources import tool_versions

        versions = tool_versions()
        if self.config.user_dict:
            p = Path(self.config.user_dict)
            versions["user_dict"] = hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.is_file() else "missing"
        if self.config.phrase_breaks:  # a refit of the shipped weights changes the output
            from tsukasa.pipelines.textfront.phrasing import model_version

            versions["phrase_breaks"] = model_version()
        return versions

    def process_cut(self, cut: Any, ctx: StageContext) -> Any:
        from tsukasa.pipelines.textfront.frontend import phonemize

        failures: list[str] = []

        def fn(sup: Any, custom: SupervisionCustom) -> SupervisionCustom:
            if not sup.text:
                return custom
            try:
                p = phonemize(
                    sup.text,
                    user_dict=self.config.user_dict,
                    english=self.config.english,
                    placeholders=self.config.placeholders,
                    phrase_breaks=self.config.phrase_breaks,
                )
            except TsukasaError as exc:
                failures.append(str(exc))
                return custom
            events = _merge_events(custom.nonverbal, _cue_events(p.cues, sup.duration))
            update: dict[str, Any] = {"kana": p.kana, "phonemes": p.phonemes, "prosody": p.prosody, "nonverbal": events}
            decisions = []
            quality = custom.quality or QualityInfo()
            flags = [f for f in quality.flags if f.code != "placeholder"]  # a re-run replaces its own flag
            if p.placeholders:
                listed = ", ".join(p.placeholders)
                decisions.append(f"placeholders not read: {listed}")
                flags.append(
                    QualityFlag(
                        code="placeholder",
                        value=float(len(p.placeholders)),
                        detail=f"the game fills in {listed}: the audio says words the text lacks "
                        "(give phonemize.placeholders a reading for each key)",
                    )
                )
            if flags != quality.flags:
                update["quality"] = quality.model_copy(update={"flags": flags})
            return custom.model_copy(update=update).with_provenance(self.provenance(decisions))

        new = update_supervisions(cut, fn)
        if failures:
            return Rejection("phonemize_failed", failures[0])
        return new


def frontend_versions() -> dict[str, str]:
    """What another stage that reads text through the front-end puts in its fingerprint.

    ``match_script`` compares readings and ``nonverbal`` takes the text's cues from the
    front-end; without this, a run after a front-end change kept their cached output (matched
    and cued by the old rules) while ``textnorm`` and ``phonemize`` ran anew. The two stage
    versions move with every change of the front-end's behaviour; the tools are the libraries
    it reads with.
    """
    from tsukasa.pipelines.textfront.resources import tool_versions

    return {"textfront": f"textnorm {TextNormStage.version}, phonemize {PhonemizeStage.version}"} | tool_versions()
