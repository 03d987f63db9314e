"""Normalisation of game / novel script text before reading it.

Each pass is a small pure function; :func:`normalize` runs them in order and repeats until
nothing changes, which makes it idempotent by construction (a pass that undid another
would show up as a non-terminating loop, caught by the fuzz tests).

What is *not* done here: romaji/Latin handling (:mod:`.mixed`) and non-verbal cues
(:mod:`.cues`), which need the whole line and produce more than text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from tsukasa.pipelines.textfront.chemistry import has_formula, read_formulas
from tsukasa.pipelines.textfront.eras import era_readings, term_readings
from tsukasa.pipelines.textfront.readings import (
    SpelledReading,
    english_numeral,
    letter_names,
    matches_spelling,
    to_katakana,
)
from tsukasa.pipelines.textfront.resources import read_table
from tsukasa.pipelines.textfront.roman_numerals import lower_case_numerals_to_digits, read_roman_numerals

# --- character classes ---------------------------------------------------------------------
KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ"
HIRA = r"\u3041-\u309f"
KATA = r"\u30a0-\u30ffー"
KANA = HIRA + KATA

# --- game markup -----------------------------------------------------------------------------
# Square-bracket tags of KiriKiri / BBCode scripts ([r], [p], [color=red]...): stripped below, and
# never taken for a Ren'Py-style placeholder ([player_name]; see placeholders.py).
BRACKET_TAGS = (
    "color", "size", "b", "i", "u", "s", "font", "speed", "wait", "r", "p", "l", "cm", "er",
    # KiriKiri KAG / TyranoScript tags that take no attributes (with attributes, any tag is markup)
    "ct", "resetfont", "resetstyle", "endlink", "nowait", "endnowait", "locklink", "unlocklink", "hr",
    "wa", "wb", "wc", "wf", "wl", "wm", "wq", "ws", "wt", "wv",
    "newpage",  # pixiv novels' page break
)  # fmt: skip
# Ren'Py text tags ({b}…{/b}, {color=#f00}, {w=0.5}, {nw}, {p}...): stripped below, and never taken
# for a {name} placeholder (placeholders.py). {rb}/{rt} (Ren'Py's ruby) are read by apply_ruby first.
RENPY_TAGS = (
    "a", "alpha", "alt", "art", "b", "clear", "color", "cps", "done", "fast", "font", "i", "image", "k",
    "noalt", "nw", "outlinecolor", "p", "plain", "rb", "rt", "s", "shader", "size", "space", "u", "vspace", "w",
)  # fmt: skip
# MediaWiki templates that only dress their last argument (the text shown)
_TEXT_TEMPLATES = "lang|color|nowrap|small|smaller|big|larger|font|傍点"
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_AOZORA_GAIJI = re.compile(
    r"※[［\[][＃#][^］\]\n]*?(?:第[34]水準([12])-(\d{1,2})-(\d{1,2})|U\+([0-9A-Fa-f]{4,6}))[^］\]\n]*[］\]]"
)


def _aozora_gaiji(m: re.Match[str]) -> str:
    plane, row, cell, code = m.groups()
    try:
        if code:
            return chr(int(code, 16))
        pair = bytes([0xA0 + int(row), 0xA0 + int(cell)])
        return (pair if plane == "1" else b"\x8f" + pair).decode("euc_jis_2004")
    except (ValueError, UnicodeDecodeError):
        return m.group(0)  # not a code: the annotation goes as any other, as before


_MARKUP = [
    # HTML character references (&amp; &hellip; &nbsp; &#12354;) of text scraped from web pages and
    # wikis: the character they stand for (they were read as letters: アンドヘリップ)
    (_ENTITY, lambda m: html.unescape(m.group(0))),
    # wiki footnotes and HTML comments are never said, their text included (<ref>注釈</ref> was read)
    (re.compile(r"<ref\b[^<>\n]*(?<!/)>.*?</ref>|<!--.*?-->", re.I), ""),
    (re.compile(r"\\[nNrR](?!\[)"), ""),  # escaped line breaks (visual only); \N[1] is RPG Maker's actor name
    (re.compile(r"<br\s*/?>", re.I), ""),
    (re.compile(r"</?(?:color|size|b|i|u|s|font|ruby|rt|rb|speed|wait|voice|sprite|link)\b[^>]*>", re.I), ""),
    # any other tag with a lower-case ASCII name: Unity TextMeshPro's rich text (<mark=#ff0>, <voffset=1em>,
    # <nobr>, <style="H1">, <gradient="Fire">...), WebVTT's spans (<v 田中>, <c.yellow>, <lang ja>), HTML;
    # TextMeshPro's colour shorthand <#FF0000> and WebVTT's cue timestamps <00:00:01.000> (all were
    # read as letters and digits). A capital-letter name (<A> for a button) is not taken.
    (re.compile(r"</?[a-z][a-z0-9-]*(?:[\s=.][^<>\n]*)?/?>"), ""),
    (re.compile(r"</?#[0-9A-Fa-f]{3,8}>|<(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}>"), ""),
    # KAG / TyranoScript [ch text="…"] shows its text: said (it was dropped as a tag, leaving nothing)
    (
        re.compile(r"\[ch\s+text\s*=\s*(?:\"([^\"\]\n]*)\"|'([^'\]\n]*)'|([^\s\]]*))\s*\]", re.I),
        lambda m: m.group(1) or m.group(2) or m.group(3) or "",
    ),
    # pixiv novel markup: a chapter heading is said as a sentence of its own; page breaks, jumps and
    # images are not said; a link says its text (all were read as English words and letters)
    (re.compile(r"\[chapter:\s*([^\]\n]*?)\s*\]"), r"\1。"),
    (re.compile(r"\[(?:newpage|jump:\d+|pixivimage:[\d-]+|uploadedimage:\d+)\]"), ""),
    (re.compile(r"\[\[jumpuri:\s*([^>\]\n]*?)\s*>\s*[^\]\n]*\]\]"), r"\1"),
    # wiki text (game wikis collect voice-line transcripts): MediaWiki links [[ページ|表示]] and PukiWiki
    # [[表示>ページ]] say their label (files and categories nothing), external links [URL 表示] theirs;
    # bold/italic quotes ('' ''), PukiWiki's %%取り消し%% %%%下線%%%, its inline plugins
    # (&color(red){赤い};, &size(20){…};, &br;) and MediaWiki's text templates ({{lang|en|Hello}},
    # {{color|red|…}}) keep only their text (all were read as letters, marks and English words)
    (re.compile(r"\[\[([^\[\]\n]*)\]\]"), lambda m: _wiki_link(m.group(1))),
    (re.compile(r"\[https?://[^\s\]]+(?:\s+([^\]\n]*))?\]"), lambda m: m.group(1) or ""),
    (re.compile(r"'{2,}"), ""),
    (re.compile(r"(%{2,3})([^%\n]+)\1"), r"\2"),
    (re.compile(r"&[a-z_]\w*(?:\([^()\n]*\))?(?:\{([^{}\n]*)\})?;"), lambda m: m.group(1) or ""),
    (re.compile(rf"\{{\{{\s*(?:{_TEXT_TEMPLATES})\s*\|(?:[^{{}}|\n]*\|)*([^{{}}|\n]*)\}}\}}", re.I), r"\1"),
    # Ren'Py's {#…} (a translation note, never shown) and Yarn Spinner's hashtags after a line
    # (#line:0a1b2c, #emotion:happy): metadata, not speech
    (re.compile(r"\{#[^{}\n]*\}"), ""),
    (re.compile(r"(?:(?<=\s)|(?<=[。！？!?.…」』]))(?:#[A-Za-z_][\w.-]*(?::[\w.-]+)?\s*)+$"), ""),
    (re.compile(rf"\[/?(?:{'|'.join(BRACKET_TAGS)})(?:[= ][^\]]*)?\]", re.I), ""),
    # any other tag pair around text, BBCode style ([name]春香[/name], [em]…[/em]): the tags go, the text stays
    (re.compile(r"\[([A-Za-z_]\w*)(?:=[^\]\n]*)?\]([^\n]*?)\[/\1\]", re.I), r"\2"),
    # any KAG / TyranoScript tag with attributes: [font size=30], [wait time=500], [graph storage="x"]
    (re.compile(r"\[[A-Za-z_]\w*(?:\s+[A-Za-z_][\w.]*\s*=\s*(?:\"[^\"\]]*\"|'[^'\]]*'|[^\s\]]*))+\s*\]"), ""),
    # RPG Maker / KiriKiri style escapes: \C[2], \V[1], \I[5], \{, \}, \., \|, \!, \>, \<, \^
    (re.compile(r"\\[A-Za-z]{1,3}\[[^\]]*\]"), ""),
    (re.compile(r"\\[{}.|!<>^$]"), ""),
    (re.compile(r"\{\\[^}]*\}"), ""),  # ASS subtitle override tags
    (re.compile(rf"\{{/?(?:{'|'.join(RENPY_TAGS)})(?:=[^{{}}]*)?\}}"), ""),  # Ren'Py text tags
    # Aozora Bunko's gaiji: ※ stands for a kanji its annotation names by JIS X 0213 plane-row-cell
    # or code point (※［＃「魚＋師」、U+9C24、…］); the kanji itself, not silence, or the word was lost
    (_AOZORA_GAIJI, _aozora_gaiji),
    # Aozora Bunko annotations: ［＃ここから太字］, ［＃「強い」に傍点］ (also after NFKC: [#...])
    (re.compile(r"[［\[][＃#][^］\]\n]*[］\]]"), ""),
    # a KiriKiri KAG command line (@bg storage=room, @playse buf=0 storage="x.ogg"): never spoken
    # (was read アットビージーストレージイコールルーム)
    (re.compile(r"(?m)^\s*@[A-Za-z_]\w*(?:\s+[A-Za-z_][\w.]*\s*=\s*(?:\"[^\"\n]*\"|'[^'\n]*'|\S*))+\s*$"), ""),
    # NScripter / ONScripter text controls: waits and speeds (!w500, !d1000, !s0, !sd), colours (#FF0000)
    # and the click wait @ between Japanese text (こんにちは@): read as letters and digits before
    (re.compile(r"(?<![A-Za-z0-9])!(?:[wd]\d+|s(?:\d+|d))"), ""),
    (re.compile(r"(?<![A-Za-z0-9&])#[0-9A-Fa-f]{6}(?![0-9A-Za-z])"), ""),
    (re.compile(rf"(?<=[{HIRA}{KATA}{KANJI}、。！？…」』）])@(?![A-Za-z0-9])"), ""),
]
_WIKI_NAMESPACE = re.compile(r"(?i)\s*(?:file|image|category|media|ファイル|画像|カテゴリ)\s*:")


def _wiki_link(inner: str) -> str:
    """What a wiki link shows: a MediaWiki label after the last |, a PukiWiki label before >, else
    the page's name without its #section; nothing for a file, image or category."""
    if _WIKI_NAMESPACE.match(inner) is not None:
        return ""
    if "|" in inner:
        return inner.rsplit("|", 1)[1]
    if ">" in inner:
        return inner.split(">", 1)[0]
    return inner.split("#", 1)[0]


_NEWLINES = re.compile(r"[\r\n\t\u2028\u2029]+")
# A speaker name tag at the start of a line: 【名前】「…」, [名前]「…」 or 名前「…」 (whole line quoted);
# and the labels scripts put before narration or system lines: 〈ナレーション〉, ＜システム＞, ≪警告≫.
# A bracket the sentence goes on from with a particle is a name *in* the line, not a tag: an RPG's
# skill or item (≪ファイア≫を唱えた, 〈聖剣〉が光った, 【鍵】の使い方); it was dropped unread. A tag's line
# may open with a word that starts like a particle (【田中】でも…, もう, がんばって), so a particle
# counts only as を or before a kanji, a katakana word or another bracket.
_GOES_ON = rf"(?!を|[がのにへでともはや][{KANJI}\u30a1-\u30fa≪【〈＜「『（(])"
# A 【】 label that names the kind of notice a line is (【期間限定】ガチャ開催中！, 【重要】メンテナンスのお知らせ,
# 【速報】: shop, game-news and social-media headlines) is read as part of it, as a newsreader says 速報; it was
# stripped as a speaker's name. Only these words (and their compounds: 期間限定, 重要なお知らせ) are such labels: a
# name or a role (【ユウキ】, 【少女】) stays a speaker tag.
_NOTICE_WORDS = (
    "期間|数量|初回|先着|地域|季節|本日|今週|週末|毎日|新規|無料|有料|公式|特別|緊急|重要|限定|お知らせ|告知|速報|続報|特報|"
    "号外|悲報|朗報|訃報|新着|新作|新商品|予告|募集|更新|開催中|開催|終了|延期|中止|必見|注目|定期|拡散希望|配信|情報|"
    "注意|解禁|発売|再販|予約|受付中|追記|訂正|修正|お詫び|おすすめ|オススメ|PR|ネタバレ|"
    # status windows and system messages of web novels ([名前]アルト, 【レベル】42, 【スキル】《剣術》, 【通知】…)
    "名前|種族|性別|年齢|職業|称号|レベル|LV|Lv|HP|MP|SP|筋力|体力|魔力|敏捷|器用|知力|精神|幸運|耐久|防御|攻撃|"
    "スキル|固有スキル|加護|状態|装備|所持金|通知|警告|依頼|緊急クエスト|クエスト|ガチャ結果|従魔|ステータス|"
    "延長|新曲|新イベント|新キャラ|新衣装|復刻|実装|追加|公開|発表|開始|再開|登場|新登場|材料|作り方|手順|ポイント|コツ|"
    # a character profile's fields (【学年】2年生, 【趣味】読書, 【所属】生徒会): only 名前 was listed, and the others
    # were dropped as speakers' names
    "氏名|学年|所属|趣味|特技|誕生日|血液型|身長|体重|出身|出身地|部活|クラス|好きなもの|好きな食べ物|苦手なもの|嫌いなもの|"
    "座右の銘|星座|家族構成|備考|担当|CV|"
    # headings of articles and quizzes (【予想】本命は7番, 【結果】, 【問題】, 【解説】): read, as the notices are
    "予想|結果|問題|答え|正解|解説|ヒント|概要|補足|感想|まとめ|考察|レビュー|"
    # e-mail subjects of shops and services (【ご注文確認】, 【発送完了】, 【再送】)
    "ご注文|注文|確認|発送|完了|再送|返信|転送|ご案内|案内|ご予約|受付|入金|お問い合わせ|キャンペーン|"
    # stream titles (【歌枠】初見さん歓迎, 【雑談】, 【試合結果】), a mystery game's court records (【証拠】, 【証言】)
    "試合|雑談|歌枠|枠|実況|初見|企画|コラボ|作業|朝活|凸待ち|証拠品|証拠|証言|調査|捜査|事件|記録|報告|日誌|"
    # (and what streams announce: 【告知あり】, 【初配信】, 【歌ってみた】, 【3D】, 【記念配信】, 【同時視聴】)
    "あり|有り|なし|無し|初|記念|周年|生誕祭|歌ってみた|踊ってみた|弾いてみた|描いてみた|やってみた|3D|ASMR|同時視聴|"
    "参加型|視聴者参加型|縦型|切り抜き|耐久配信|"
    # (and a railway's or an airport's notices: 【到着】, 【運行情報】, 〈急行〉)
    "到着|出発|運行情報|運行|運休|遅延|快速|特急|急行|各停|普通|乗り換え|乗換|搭乗|欠航|"
    # (and a fandom's trade and notice tags: 【急募】, 【求】, 【譲】, 【再掲】, 【宣伝】)
    "急募|求|譲|再掲|宣伝|交換|取引|"
    # (and a game's maintenance notices: 【不具合】, 【復旧済み】, 【調査中】, 【メンテナンス】, 【イベント】)
    "不具合|復旧済み|復旧|調査中|対応中|修正済み|既知の不具合|補填|メンテナンス|イベント|ガチャ|アップデート|ログインボーナス|"
    # (and a news programme's captions: 【独自】, 【特集】, 【中継】, 【検証】)
    "独自|特集|中継|検証|生中継|密着|直撃|現地|取材"
)
# ... and a chapter heading (【第三章】旅立ち) or a game's name in capitals (【APEX】ランクマ): a stream title's tag
_HEADING_TAG = (
    r"第[\d０-９〇一二三四五六七八九十百]+[章話部幕節回巻編弾][^】\]]{0,12}|[A-Z][A-Z0-9]{2,7}"
    r"|[\d０-９][^】\]]{0,12}|(?:[Vv]er\.?|バージョン)\s?[\d.]+"  # (or opening with a number: 【10連】, 【Ver.2.5】)
)


def _notice_tag(closing: str) -> str:
    """A lookahead that fails on a tag holding notice words or a heading up to ``closing`` (read, not stripped)."""
    end = re.escape(closing)
    return rf"(?!(?:(?:{_NOTICE_WORDS})[なの]?)+{end}|(?:{_HEADING_TAG}){end})"


_NOTICE_TAG = _notice_tag("】")
_NOTICE_SQUARE_TAG = _notice_tag("]")
_NAME_TAG = re.compile(
    rf"^\s*(?:【{_NOTICE_TAG}[^】]{{1,20}}】{_GOES_ON}|\[{_NOTICE_SQUARE_TAG}[^\]]{{1,20}}\](?=\s|「)(?!\s*\[)"
    rf"|#[^\s「]{{1,20}}\s+|〈{_notice_tag('〉')}[^〉]{{1,20}}〉{_GOES_ON}|＜[^＞]{{1,20}}＞{_GOES_ON}"
    rf"|≪[^≫]{{1,20}}≫{_GOES_ON})"
)
# The bare form, 名前「…」: the rest of the line must be ONE quotation (one level of 「」 may nest
# in it). 答えは「はい」か「いいえ」 holds two and is narration; it lost 答えは and read か alone.
_BARE_NAME = re.compile(r"^\s*([^\s「『（(【]{1,12})(?=「(?:[^「」]|「[^「」]*」)*」\s*$)")
# What a speaker name never is: a phrase ending in a particle after a word (私の名前は「ツカサ」,
# タイトルは「約束の場所」, 次回、「決戦」: narration that quotes, read whole), a chapter heading
# (第3章「約束の場所」, 第3の証言「…」), or a label before a colon (挿入歌：「君の声」, 予約特典：ドラマCD「…」:
# a speaker before a colon is the colon rule's to take, and only as a person's name). A hiragana
# name may end like a particle (もも, ゆきの, まこと, and the -ha names いろは, このは, ことは), so a
# one-kana particle counts only after a kanji/katakana/Latin character, after a pronoun written in
# hiragana (これは, わたしが), or as を. Unknown speakers (？？？「誰だ」) stay names.
_NOT_A_NAME = re.compile(
    rf"[、。，．,.…‥！!「」：:]|第[\d{KANJI}]+(?:[章話部幕節回巻編]|の)|(?:って|とは|には|では|への|から|まで|より|だけ|しか)$"
    # ... or a label naming what the quotation is the title of (スキル「鑑定」, メインクエスト「…」, 称号「竜殺し」,
    # 依頼書「ゴブリン討伐」: game UI and quest text; the label was dropped as a speaker's name)
    r"|(?:クエスト|スキル|アイテム|称号|依頼書|依頼|技|魔法|呪文|奥義|必殺技|新曲|曲|作品|タイトル|映画|番組|ミッション"
    r"|作戦|イベント|キャンペーン|ステージ|エピソード|チャプター|装備|武器|二つ名|異名|通称|実績|トロフィー|お題|合言葉"
    # (a work or a show named before its title: 朗読劇「星降る夜に」, 舞台「…」, ドラマCD「…」, DLC第2弾「…」)
    r"|朗読劇|劇|舞台|公演|アニメ|ゲーム|ライブ|ユニット|ドラマCD|ドラマ|EP|ミニアルバム|漫画|マンガ|小説|絵本|ラジオ|第\d+弾"
    # (a ship, an operation or a numbered chapter: 空母「赤城」, 作戦名「天号」, チャプター5「鉄の暴風」)
    r"|空母|戦艦|巡洋艦|駆逐艦|潜水艦|作戦名|作戦|新色|限定色|コフレ|神器|ガチャ|衣装|報酬|コスチューム|スキン|防具"
    r"|番組名|書籍|商品名|店名|社名|ハッシュタグ|流行語大賞|新商品|新刊"
    # (an episode's or a track's number, also as the abbreviations pass writes it: No.01「…」 ナンバー01, Vol.3「…」)
    r"|(?:チャプター|Chapter|CHAPTER|No\.?|ナンバー|Vol\.?|ボリューム|#|＃|Episode|エピソード|EP\.?|Track|トラック)\s?\d+"
    r"|(?:ボリューム|ナンバー|エピソード|トラック|チャプター)(?:ワン|ツー|スリー|フォー|ファイブ|シックス|セブン|エイト|ナイン|テン)"
    r"|(?:ED|OP|BGM|TRACK|ルート|その|エンディング|オープニング|テーマ)\s?\d+"  # ED1「…」, ルート2「…」
    r"|キーワード|コマンド|モード|テーマ|主題歌|挿入歌|楽曲|シングル|アルバム|ツアー|交響曲|協奏曲"
    r"|(?<=.)[章話編]|エピローグ|プロローグ|幕間|閑話|序幕|終幕)$"
    rf"|[^ぁ-ゖ][はがをへもにでとのや]$|を$"
    rf"|^(?:これ|それ|あれ|どれ|ここ|そこ|あそこ|わたし|あたし|ぼく|おれ|きみ|あなた|かれ|かのじょ|みんな|だれ|なに)[はがもの]$"
)


def _strip_name_tag(text: str) -> str:
    m = _NAME_TAG.match(text)
    if m is not None:
        return text[m.end() :]
    m = _BARE_NAME.match(text)
    if m is not None and _NOT_A_NAME.search(m.group(1)) is None:
        return text[m.end() :]
    return text


# --- ruby / furigana -------------------------------------------------------------------------
_RUBY = [
    # 《《傍点》》: Kakuyomu's emphasis dots, not a reading; the text is said as written (it was cut off
    # by a pause: ダイジ、ナコトダ)
    re.compile(r"《《([^《》\n]{1,40})》》"),
    re.compile(r"[|｜]([^|｜《》\n]{1,30}?)《([^《》\n]{1,40})》"),  # |漢字《かんじ》 (Aozora)
    re.compile(rf"([{KANJI}]+)《([{KANA}]{{1,40}})》"),  # 漢字《かんじ》 (Aozora, no bar)
    # [漢字](かんじ) (Markdown-like) and {漢字|かんじ} (Kakuyomu/denden), half- or full-width (｛漢字｜かんじ｝:
    # ruby runs before NFKC, and the full-width bar was lost to it)
    re.compile(r"[\[［]([^\[\]［］\n]{1,30})[\]］][(（]([^()（）\n]{1,40})[)）]"),
    re.compile(r"[{｛]([^{}｛｝|｜\n]{1,30})[|｜]([^{}｛｝|｜\n]{1,40})[}｝]"),
    re.compile(r"\[ruby=([^\]\n]{1,40})\]([^\[\n]{1,30})\[/ruby\]", re.I),  # [ruby=よみ]漢字[/ruby]
    re.compile(r"\{rb\}([^{}\n]{1,30})\{/rb\}\{rt\}([^{}\n]{1,40})\{/rt\}"),  # {rb}漢字{/rb}{rt}かんじ{/rt} (Ren'Py)
    # HTML ruby, per base: <ruby>漢字<rt>かんじ</rt></ruby>, <ruby><rb>漢</rb><rp>(</rp><rt>かん</rt><rp>)</rp>
    # <rb>字</rb><rt>じ</rt></ruby> (EPUB and web-novel text); the <ruby> tags go with the markup
    re.compile(
        r"(?:(?<=<ruby>)|(?<=</rt>)|(?<=</rp>))(?:<rb>)?([^<>\n]{1,30}?)(?:</rb>)?(?:<rp>[^<>\n]*</rp>)?"
        r"<rt>([^<>\n]{0,40})</rt>(?:<rp>[^<>\n]*</rp>)?",
        re.I,
    ),
    # Unity TextMeshPro ruby plugins (RubyTextMeshPro, TextMeshProRuby) and Naninovel:
    # <ruby=かんじ>漢字</ruby>, <r=かんじ>漢字</r>, the reading quoted or not (the base was read and
    # the reading lost with the tag; <r=…> was read as letters)
    re.compile(r"<r(?:uby)?\s*=\s*\"?([^\"<>\n]{1,40}?)\"?\s*>([^<>\n]{1,30}?)</r(?:uby)?>", re.I),
    # RPG Maker MV/MZ ruby plugins (GABA_Ruby, Rubi_riru, LNS): \R[漢字,かんじ], \r[漢字/かんじ]
    # (the markup pass took it for an escape code, and the word was lost unread)
    re.compile(r"\\[Rr]\[([^,/\[\]\n]{1,30})[,/]([^\[\]\n]{1,40})\]"),
    # pixiv novels: [[rb:漢字 > かんじ]] (was read アールビー and both words)
    re.compile(r"\[\[rb:\s*([^>\]\n]{1,30}?)\s*>\s*([^\]\n]{1,40}?)\s*\]\]"),
    # NScripter / ONScripter (rubyon): (漢字/かんじ); the base holds a kanji and the reading is kana, so
    # a choice such as (はい/いいえ) is no ruby
    re.compile(rf"[(（]([^()（）/／\n]{{0,29}}[{KANJI}][^()（）/／\n]{{0,29}})[/／]([{KANA}]{{1,40}})[)）]"),
    # Japanese game wikis, where many voice-line transcripts are collected: PukiWiki's
    # &ruby(かんじ){漢字}; and MediaWiki's {{Ruby|漢字|かんじ}} / {{読み仮名|漢字|かんじ}}
    re.compile(r"&ruby\(([^()\n]{1,40})\)\{([^{}\n]{1,30})\};?"),
    re.compile(
        r"\{\{\s*(?:[Rr]uby|読み仮名(?:_ruby不使用)?)\s*\|([^|{}\n]{1,30})\|([^|{}\n]{1,40})(?:\|[^{}\n]*)?\}\}"
    ),
]
# Which group of each _RUBY pattern holds the reading (the others hold it in group 2, the base in
# group 1); Kakuyomu's emphasis has no reading (group 1 is the text itself).
_READING_GROUP = {5: 1, 8: 1, 12: 1}
_NO_READING = frozenset({0})
_KANJI_CHAR = re.compile(rf"[{KANJI}]")
# [ruby text="ほし"]星 (KiriKiri KAG / TyranoScript): the reading of the one character after the tag.
# Writers also put one tag before a whole word ([ruby text="かんじ"]漢字): where the kanji after the
# character read together as the tag's reading, it is the word's (it was カンジジ).
_KAG_RUBY = re.compile(rf"\[ruby\s+text\s*=\s*\"?([^\"\]\n]{{1,20}})\"?\s*\](.)([{KANJI}]*)", re.I)


# Per-character ruby: an HTML <ruby> element of several base/reading pairs, and a run of KAG tags
# each over one character (see _apply_ruby_all).
_HTML_RUBY_PAIR = re.compile(
    r"(?:<rb>)?(?P<base>[^<>\n]{1,30}?)(?:</rb>)?(?:<rp>[^<>\n]*</rp>)?<rt>(?P<rt>[^<>\n]{1,40})</rt>"
    r"(?:<rp>[^<>\n]*</rp>)?",
    re.I,
)
_HTML_RUBY_ELEMENT = re.compile(r"(?<=<ruby>)[^\n]{1,400}?(?=</ruby>)", re.I)
_KAG_RUBY_ONE = re.compile(r"\[ruby\s+text\s*=\s*\"?(?P<rt>[^\"\]\n]{1,20})\"?\s*\](?P<base>[^\[\]\n])", re.I)
# ... and web-novel and Aozora mono-ruby, one kanji after another with its reading: 学(がっ)校(こう)
_KANJI_RUBY_ONE = re.compile(rf"(?P<base>[{KANJI}])(?:[(（](?P<rt>[{KANA}]{{1,8}})[)）]|《(?P<rt2>[{KANA}]{{1,8}})》)")
_KANJI_RUBY_RUN = re.compile(rf"(?:[{KANJI}](?:[(（][{KANA}]{{1,8}}[)）]|《[{KANA}]{{1,8}}》)){{2,}}")
# KAG's ruby closed by [/ruby] (TyranoScript: [ruby text="マジ"]本気[/ruby]): the reading covers the whole base; the
# tag-per-character form read マジ for 本, ゲ for 気 and the closing tag as ルビー.
_KAG_RUBY_CLOSED = re.compile(r"\[ruby\s+text\s*=\s*\"?([^\"\]\n]{1,40})\"?\s*\]([^\[\]\n]{1,30})\[/ruby\]", re.I)
_KAG_RUBY_RUN = re.compile(r"(?:\[ruby\s+text\s*=\s*\"?[^\"\]\n]{1,20}\"?\s*\][^\[\]\n]){2,}", re.I)


def _ruby_word(base: str, reading: str, kept: list[SpelledReading] | None, user_dic: str | None = None) -> str:
    """What a ruby-annotated word becomes: the base itself when the ruby spells the reading the
    dictionary gives it (most ruby helps a reader with a hard kanji), else the ruby's reading.

    Kept as written, the word is analysed as the word it is, with its accent and its place in
    the accent phrase; replaced by kana, OpenJTalk guesses which word the kana are (with every
    kanji word of JSUT's sentences given its own reading as ruby, accent-nucleus F1 fell from 85
    to 65 and 7 % of the sentences were read wrong). A kept base's reading is listed in ``kept``
    so that phonemize enforces it where the sentence's context would read the word otherwise.
    ``user_dic``: the compiled user dictionary whose readings count too (a game's character names).
    """
    if not reading or _KANJI_CHAR.search(base) is None:
        return reading or base
    pron = _dictionary_reading(base, user_dic)
    # Ruby spells a reading the way kana are written: 停戦《ていせん》 is the dictionary's テーセン
    # (its ei, ou and uu may be a long vowel), as is the kana's own reading of it (がっこう ガッコー).
    if pron and (matches_spelling(to_katakana(reading), pron) or _dictionary_reading(reading, user_dic) == pron):
        if kept is not None:
            kept.append(SpelledReading(base, pron))
        return base
    return reading


def _kag_ruby(m: re.Match[str], word: Callable[[str, str, int], str], user_dic: str | None = None) -> str:
    """One KAG ruby tag: ``word(base, reading, offset)`` (see :func:`_apply_ruby_all`) of the character
    after it, or of the whole kanji word when that reads together as the tag's reading."""
    reading, first, rest = m.groups()
    if rest:
        wanted = _dictionary_reading(reading, user_dic)
        for k in range(len(rest), 0, -1):
            if _dictionary_reading(first + rest[:k], user_dic) == wanted:
                return word(first + rest[:k], reading, m.start()) + rest[k:]
    return word(first, reading, m.start()) + rest


@lru_cache(maxsize=4096)
def _dictionary_reading(word: str, user_dic: str | None = None) -> str:
    """OpenJTalk's katakana reading of ``word`` alone (devoicing marks dropped), with the compiled
    user dictionary ``user_dic`` when one is given."""
    import pyopenjtalk

    from tsukasa.pipelines.textfront.readings import clean_pron
    from tsukasa.pipelines.textfront.resources import jtalk

    return "".join(clean_pron(f["pron"]) for f in pyopenjtalk.run_frontend(word, jtalk=jtalk(user_dic)))


# 漢字(かんじ) / 漢字（かんじ）: only a reading when the parentheses hold nothing but kana and
# follow a word with kanji; the word is the longest run before them, starting with a kanji, that
# the reading spells: its kana in place, at least one mora per kanji (食べ物(たべもの), 晴れ（はれ）:
# the reading covers the okurigana too; it used to be taken for 物 alone, タベタベモノ).
# A name's ノ / ヶ between kanji belongs to the word (一ノ瀬奏（いちのせかなで）, 八ヶ岳（やつがたけ）): the reading was
# given to 瀬奏 alone, and 一ノ read twice (イチノイチノセカナデ). A name written with a space and read with one
# (白石 凛（しらいし りん）) is two words, each with its part: the spaced reading matched nothing and was read twice.
_PAREN_READING = re.compile(
    rf"((?:[{KANJI}]+[ノヶヵ](?=[{KANJI}]))*[{KANJI}{HIRA}]*[{KANJI}][{HIRA}]*)[(（]([{KANA}]+)[)）]"
)
_SPACED_PAREN_READING = re.compile(
    rf"(?<![{KANJI}{HIRA}ノヶヵ])((?:[{KANJI}]+[ノヶヵ](?=[{KANJI}]))*[{KANJI}]+)[ \u3000]([{KANJI}]+)"
    rf"[(（]([{KANA}]+)[ \u3000・･]([{KANA}]+)[)）]"
)
# ... and after a quoted word or phrase: 「御意」（ぎょい）, 『天下人』（てんかびと）, 「是非もなし」（ぜひもなし）: the
# reading of what the quotation marks hold (it was read twice, the second time after a pause)
_QUOTED_PAREN_READING = re.compile(rf"([「『])([^「」『』()（）]{{1,20}})([」』])[(（]([{KANA}]+)[)）]")
_KANJI_RUN = re.compile(rf"[{KANJI}]+")
_KATAKANA_RUN = re.compile("[\u30a1-\u30fa\u30fc]+")

# --- repetition ------------------------------------------------------------------------------
_STRANDED_SOKUON = re.compile(r"(?:^|(?<=[…‥、。！？!?「『（(\s]))[っッ]+(?=$|[…‥、。！？!?」』）)\s])")
_REPEATS = [
    (re.compile(r"[ー〜～~]{2,}"), "ー"),
    (re.compile(r"ッ{2,}"), "ッ"),
    (re.compile(r"っ{2,}"), "っ"),
    (re.compile(r"[！!]{2,}"), "！"),
    (re.compile(r"[？?]{2,}"), "？"),
    (re.compile(r"[？?][！!]+|[！!][？?]+"), "？"),
    (re.compile(r"(?:…|‥|\.{2,}|・{2,}){2,}"), "…"),
    (re.compile(r"(?:\.{3,}|・{3,})"), "…"),
    (re.compile(r"、{2,}"), "、"),
    (re.compile(r"。{2,}"), "。"),
    # A catch of breath standing between pauses (待って……っ, いや……っ、来ないで, 「っ……！」) has no sound of its own:
    # a ッ after a pause is no mora anyone says (it was read マッテ、ッ: pau then cl). It goes.
    (_STRANDED_SOKUON, ""),
]
# A stretched vowel written with a wave dash after kana (ね〜, すご～い) is a long vowel, and so
# after a kanji word that ends there (先輩〜！, 嫌〜: a call or a whine, nothing for a range to reach).
_WAVE_AFTER_KANA = re.compile(rf"(?<=[{KANA}])[〜～~]|(?<=[{KANJI}])[〜～~]+(?=[、。，．！？!?…‥」』）)\s]|$)")
# After a digit, or between a kanji word and a word (東京〜大阪; 凄〜い stretches; 3時〜の会議 is a
# range because a digit stands right before the counter).
_WAVE_RANGE = re.compile(
    rf"(?:(?<=\d)|(?<=\d[{KANJI}])|(?<=\d[{KANJI}]{{2}}))\s*[〜～~]\s*"
    rf"|(?<=[{KANJI}])\s*[〜～~]\s*(?=[{KANJI}{KATA}0-9０-９A-Za-zＡ-Ｚａ-ｚ])"
    # a date's weekday in brackets before the second date (12/24(土)〜12/26(月)), and a line ending in
    # 後〜 / 以降〜 ("from after the maintenance"): from, not a stretch (were ー, メンテナンスゴー)
    r"|(?<=[)）])\s*[〜～~]\s*(?=\d)|(?<=後|降)\s*[〜～~](?=\s*$)"
    # between capitals (サイズはS〜LL, A〜Cから選べ) and between a test's katakana choices (ア〜エ): were long marks
    r"|(?<=[A-Z])\s*[〜～~]\s*(?=[A-Z])"
    r"|(?<=(?<![ァ-ヺー])[アイウエオカキクケコ])[〜～](?=[アイウエオカキクケコ](?![ァ-ヺー]))"
    # a unit read in katakana before another number (3km〜5km, 5℃〜10℃: キロメートル〜 was drawn out, ー)
    r"|(?<=[\u30a1-\u30fa\u30fc])\s*[〜～~]\s*(?=[0-9０-９])"
)

# --- numbers ---------------------------------------------------------------------------------
_NUM_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Thousands written with the ideographic comma, as text converted from full-width punctuation has
# them (１、０００名, ２９、００２フィート: JSUT writes every comma so). 、 also separates listed
# numbers (100、200、300と増える), so only groups of three of which one starts with 0 are taken:
# a listed number never does.
_NUM_IDEOGRAPHIC_COMMA = re.compile(r"(?<!\d)(?<!\d、)\d{1,3}(?:、\d{3})+(?![\d、])")


# A long-vowel mark, a minus sign or a bar between digits is a hyphen typed with the wrong key
# (IME text: ３ー２で勝った, 第3ー5話, 2020ー2021年, 3−2): as written it was read as a long vowel
# (サンーニ) or had no reading (−), so it becomes a hyphen for the number rules (score, range).
# Between two groups of three digits or more a long-vowel mark is left alone unless a year
# follows: OpenJTalk reads those as a telephone number, digit by digit with a pause
# (市外局番２１３の、４８６ー２４３５).
_DIGIT_DASH = re.compile(r"(\d+)([ー−―‐])(?=(\d+)(年?))")
# ... and so is one between a number and a single letter (3ーA, a class typed in an IME: was サンーエー)
_DIGIT_DASH_LETTER = re.compile(r"(?<=\d)[ー−―‐](?=[A-Za-z](?![A-Za-z]))")


def _digit_dash(m: re.Match[str]) -> str:
    phone = m.group(2) == "ー" and len(m.group(1)) >= 3 and len(m.group(3)) >= 3 and not m.group(4)
    return m.group(0) if phone else m.group(1) + "-"


def _join_thousands(m: re.Match[str]) -> str:
    groups = m.group(0).split("、")
    return "".join(groups) if any(g.startswith("0") for g in groups[1:]) else m.group(0)


_TIME = re.compile(
    r"(?<!\d)([01]?\d|2[0-4]):([0-5]\d)(?::([0-5]\d))?(?!\d)"
    # a broadcast's late-night hours past 24 (25:30から放送, 毎週土曜 26:00〜: were scores, ニジューゴタイサンジュー)
    # before から / 〜 / a start: a score is not followed by those
    r"|(?<![\d:])(2[5-9]):([0-5]\d)()(?=\s?(?:から|〜|～|~|-|放送|開始|スタート|より|頃|ごろ))"
)
# A stopwatch time: minutes:seconds with a fraction (記録は1:23.45: a clock never shows hundredths),
# or minutes:seconds after a word that says a duration follows (残り時間 03:21, クリアタイム 12:34,
# as game UIs and race results write them). Read as 分 and 秒; a clock time 3:21 is 3時21分, also after a
# meal's タイム (ランチタイム 11:00〜14:00: a shop's hours, not a lap).
_STOPWATCH = re.compile(r"(?<![\d.])(?<!\d:)(?:(\d{1,2}):)??(\d{1,2}):([0-5]\d)[.．](\d{1,3})(?![\d:.])")
_DURATION = re.compile(
    r"((?:残り|残り時間|制限時間|経過時間|(?<!ランチ)(?<!ディナー)(?<!ティー)(?<!モーニング)(?<!ハッピー)タイム|記録|ラップ"
    r"|再生時間|TIME|Time)[:：]?\s*)"
    r"(\d{1,2}):([0-5]\d)(?![\d:.])"
)


# A play time or an uptime on a save screen counts hours (プレイ時間 05:30 ゴジカンサンジュップン, 123:45:06
# ヒャクニジューサンジカン…): it was a clock time (ゴジ), and past 24 hours a score and a list
# (ヒャクニジューサン、ヨンジューゴ).
_PLAY_TIME = re.compile(
    r"((?:総?プレイ時間|稼働時間|起動時間|PLAY ?TIME|Play ?time)[:：]?\s*)(\d{1,4}):([0-5]\d)(?::([0-5]\d))?(?![\d:])"
)


def _play_time(m: re.Match[str]) -> str:
    hours, minutes, seconds = int(m.group(2)), int(m.group(3)), m.group(4)
    out = f"{m.group(1)}{hours}時間" + (f"{minutes}分" if minutes or seconds else "")
    return out + (f"{int(seconds)}秒" if seconds and int(seconds) else "")


def _stopwatch(m: re.Match[str]) -> str:
    hours, minutes, seconds, fraction = m.groups()
    out = (f"{int(hours)}時間" if hours and int(hours) else "") + _minutes_seconds(minutes, seconds)
    # thousandths digit by digit (1:23.456 ヨンゴーロク, was ヨンヒャク…); hundredths are a number (9秒58 ゴジューハチ)
    return out + (fraction.translate(_KANJI_DIGITS) if len(fraction) == 3 else fraction)


# Thousandths run on after 秒 in a lap time (1分23秒456) are said digit by digit as in 1'23"456 (they were a number:
# ヨンヒャクゴジューロク); hundredths stay a number, as sport says them (9秒58 キュービョーゴジューハチ). Not before a
# counter or a unit.
_SECONDS_FRACTION = re.compile(rf"(?<=\d秒)(\d{{3}})(?![\d.,{KANJI}{KATA}A-Za-z%％])")


def _minutes_seconds(minutes: str, seconds: str) -> str:
    m, s = int(minutes), int(seconds)
    return (f"{m}分" if m else "") + (f"{s}秒" if s or not m else "")


_DATE_YMD = re.compile(r"(?<!\d)(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?!\d)")
_DATE_MD = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])(?=\s*[（(]?[月火水木金土日])")
# A score before what a score decides (3-0で勝った, 2-1の勝利): 対. Read as a code or a range it was
# サンノゼロ / サンカラゼロ.
_SCORE = re.compile(
    r"(?<![\d\-])(\d{1,2})\s?[-－–]\s?(\d{1,2})(?![\d\-])"
    r"(?=で(?:勝|負|敗|引|リード|快勝|完勝|大勝|圧勝|惜敗|逆転)|の(?:勝利|完封|引き分け|接戦|大差))"
    # ... or after a word that names a score (スコアは3-1, 得点 3-1, セットカウント2-1, 判定 3-0, 前半終了、0-0)
    r"|(?:(?<=スコア)|(?<=得点)|(?<=カウント)|(?<=判定)|(?<=終了)|(?<=PK)|(?<=これで))([はがも:：、,]?\s?)(\d{1,2})\s?[-－–]\s?(\d{1,2})"
    r"(?![\d\-])"
)


# In a line about a game or a match every N-M between two numbers of up to three digits is a score (これで2-1！, 1-0で
# 前半終了, 98-97、1点差, タイブレーク、7-5, 24-22、セットポイント): 対. It was read as an address or a code, ニノイチ.
# A stage's number is read before this (ステージ1-2: の), and an address has three parts.
_MATCH_WORDS = re.compile(
    r"試合|前半|後半|延長|同点|勝利|勝ち|負け|逆転|リード|点差|得点|失点|先制|先取|決勝|セット|ゲーム|マッチ|タイブレーク"
    r"|クォーター|ピリオド|イニング|[回表裏]|ゴール|シュート|ホームラン|ボール|ストライク|ダウン|ラウンド|スコア|PK"
    # (session 43's sports probe: 2-1で逃げ切り, 10-9の乱打戦, 14-0の大勝, 0-3から追いつく, a tennis game's デュース)
    r"|[勝敗]|戦|引き分|逃げ切|追いつ|追い付|サヨナラ|完封|零封|乱打|接戦|デュース|ブレイク"
)
# A horse-racing bet's numbers (馬連3-7, ワイド3-7, 3連単1-5-8) are said one after the other, サンナナ (they were a
# range, サンカラナナ).
_BET = re.compile(
    r"(?:(?<=馬連)|(?<=馬単)|(?<=枠連)|(?<=枠単)|(?<=ワイド)|(?<=連複)|(?<=連単)|(?<=ウマレン)|(?<=ウマタン)|(?<=ワクレン)"
    r"|(?<=レンプク)|(?<=レンタン))\s?(\d{1,2}(?:\s?[-－]\s?\d{1,2}){1,2})(?![\d\-])"
)


_HORSE_NUMBERS = ("", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュー", "ジュー",
                  "ジューイチ", "ジューニ", "ジューサン", "ジューヨン", "ジューゴ", "ジューロク", "ジューナナ",
                  "ジューハチ")  # fmt: skip


def _bet(m: re.Match[str]) -> str:
    numbers = [int(n) for n in re.split(r"\s?[-－]\s?", m.group(1))]
    if not all(0 < n < len(_HORSE_NUMBERS) for n in numbers):
        return m.group(0)
    return "".join(_HORSE_NUMBERS[n] for n in numbers)


# A scoreboard puts the score between the two sides, spaced (東京 5-4 横浜, HOME 3 - 2 AWAY): 対 (was ノ, and a
# spaced hyphen a range, から).
_SPACED_SCORE = re.compile(r"(?<=[^\s\d] )(\d{1,3}) ?[-－–] ?(\d{1,3})(?= [^\s\d])")
# A football formation (4-3-3, 4-2-3-1 before フォーメーション / システム / 布陣) is said digit after digit,
# ヨンサンサン (it was an address: ヨンノサンノサン).
_FORMATION = re.compile(r"(?<![\d\-])(\d)-(\d)-(\d)(?:-(\d))?(?=の?(?:フォーメーション|システム|布陣))")
_MATCH_SCORE = re.compile(r"(?<![\d\-.])(\d{1,3})\s?[-－–]\s?(\d{1,3})(?![\d\-.])")


def _score(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return f"{m.group(1)}対{m.group(2)}"
    return f"{m.group(3)}{m.group(4)}対{m.group(5)}"


# A slash date without a weekday: month 1-12 over a day that no month number reaches (13-31), as
# 12/25はクリスマス (was 25分の12); a fraction over 13..31 is rare in speech. Not after Latin letters
# (HP10/30 is a gauge) nor before スケール (1/24スケール is a model's scale).
_DATE_MD_LATE = re.compile(r"(?<![\d/A-Za-z])(1[0-2]|0?[1-9])/(1[3-9]|2\d|3[01])(?![\d/])(?!\s*(?:スケール|拍子))")
# ... and one whose month is at least its day (12/3に会おう, 5/5は休み; was 3分の12): as a fraction
# that would be improper, which speech seldom has. 1/2, 3/4 stay fractions.
_DATE_MD_EARLY = re.compile(r"(?<![\d/A-Za-z])(1[0-2]|0?[1-9])/(0?[1-9]|1[0-2])(?![\d/])(?!\s*(?:スケール|拍子))")


# A value after a stat's name or a capital label (HP 12/12, PP 10/15, LAP 3/3, CG 10/30) is no date (it was
# ジューニガツジューニニチ).
_STAT_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z]{2,8}\s*[:：]?\s*$")


def _after_stat(m: re.Match[str]) -> bool:
    return _STAT_BEFORE.search(m.string, 0, m.start()) is not None


def _late_date(m: re.Match[str]) -> str:
    return m.group(0) if _after_stat(m) else f"{int(m.group(1))}月{int(m.group(2))}日"


def _early_date(m: re.Match[str]) -> str:
    month, day = int(m.group(1)), int(m.group(2))
    return f"{month}月{day}日" if month >= day and not _after_stat(m) else m.group(0)


# A fiscal period (2025/3期, 24/3期, FY2024/3: the year ending in March) is a year and a month, 年 and 月期; it was
# a fraction (サンブンノニセンニジューゴ).
_FISCAL_PERIOD = re.compile(r"(?<![\d/])(?:FY)?(\d{2}|\d{4})/(\d{1,2})(?=期)|(?<=FY)(\d{4})/(\d{1,2})(?![\d/])")
_FRACTION = re.compile(r"(?<![\d/])(\d+)/(\d+)(?![\d/])")
# Two month/day pairs joined as a period (4/1〜4/7, 12/25〜1/7: an event's dates) are dates at both ends; 4/1 was the
# fraction ヨンブンノイチ (only a day past 12 or a weekday after it made a date).
_DATE_PERIOD = re.compile(
    r"(?<![\d/])(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])(\s?[〜～~\-–]\s?)(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])(?![\d/])"
)
# Blood pressure is systolic / diastolic, said with の (血圧80/50 ハチジューノゴジュー; it was a fraction, 50分の80).
_BLOOD_PRESSURE = re.compile(
    r"(?<=血圧)([はがも]?[:：]?\s?(?:上昇|低下)?[、,]?\s?)(\d{2,3})/(\d{2,3})(?![\d/])"
    r"|(?<![\d/])(\d{2,3})/(\d{2,3})(?=\s?(?:mmHg|ミリメートルエイチジー))"
)


def _blood_pressure(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}{m.group(2)}の{m.group(3)}"
    return f"{m.group(4)}の{m.group(5)}"


# A grade's minus (A－ランク, 評価はS－だった) is said, as its plus is (B＋ ビープラス); it was a dash, and silent.
# And a credit rating's (格付けはAA-に, BBB-).
_GRADE_MINUS = re.compile(
    r"(?<![A-Za-z])([A-FS]|AAA|AA|BBB|BB|CCC|CC)[-−－](?=ランク|評価|判定|だ|です|に|」|』|。|、|！|$|\s)"
)

# The Rh factor's sign (A型Rh−, Rh-) is said: マイナス (the minus sign had no reading and the line stopped; a hyphen
# was dropped, naming the other blood type); Rh+ already read プラス.
_RH_SIGN = re.compile(r"(?<=Rh)[-−－]")
# A sign in brackets is a test result (尿蛋白(+), Rh(−), HBs抗原(−), 潜血（±）): said, without the brackets. As
# （プラス） the next round took it for the word's ruby and dropped the word; the minus was silent.
_BRACKETED_SIGN = re.compile(r"[(（]\s*([+＋±−\-－])\s*[)）]")
_SIGN_NAMES = {"+": "プラス", "＋": "プラス", "±": "プラスマイナス", "−": "マイナス", "-": "マイナス", "－": "マイナス"}
_RANGE = re.compile(r"(?<=\d)\s*[〜～~\-–—]\s*(?=\d)")
# A range of days names the day at each end (2～3日 フツカカラミッカ, 12月2〜3日, 5〜7日でお届け: the first number
# was said bare, ニカラミッカ); not where 日 starts a word (日本).
_DAY_RANGE = re.compile(r"(?<![\d.])(\d{1,2})\s*[〜～~\-–—]\s*(\d{1,2})日(?!本)")
# Digit groups joined by hyphens are a code — a phone number, postal code or ID (03-1234-5678,
# 〒100-0001) — when there are three or more groups or a group starts with 0; read digit by digit
# with の between the groups, as Japanese reads them (ゼロサンノイチニーサンヨン...). Otherwise
# the hyphen is a range (3-5人: さんからご).
_CODE = re.compile(r"(?<![\d\-‐])\d+(?:[\-‐]\d+)+(?![\d\-‐])")


def _code(m: re.Match[str]) -> str:
    groups = re.split(r"[\-‐]", m.group(0))
    if len(groups) == 2 and len(groups[0]) == 3 and len(groups[1]) == 4 and _POSTAL.search(m.string, 0, m.start()):
        # 〒123-4567: a postal code, not から; a pause before an address written after it, or its kanji digits
        # ran into the address (〒一〇〇の〇〇〇一東京都千代田区: the zeros lost, 千代田 read as numbers, センダイデン)
        after = m.string[m.end() :].lstrip(" 　")
        tail = "、" if after and _KANJI_CHAR.match(after) is not None else ""
        return "の".join(g.translate(_KANJI_DIGITS) for g in groups) + tail
    # A range runs upwards (3-5人): two equal or falling groups (1-1, 4-2) are a section or level
    # number, read with の like a code (was イチカライチ, ヨンカラニ).
    if len(groups) >= 3 and any(len(g) >= 3 for g in groups) and not groups[0].startswith("0"):
        # A phone number or ID with no leading 0 (212-836-1725, ISBN 978-4-06-123456-7): OpenJTalk
        # reads groups digit by digit only when the first starts with 0, and read these as numbers
        # (ニヒャクジューニノハッピャク...); kanji digits it reads one by one. Groups of at most two
        # digits are an address or a section (3-15-2: サンノジューゴノニ) and stay numbers.
        return "の".join(g.translate(_KANJI_DIGITS) for g in groups)
    if len(groups) >= 3 or any(g.startswith("0") for g in groups) or int(groups[0]) >= int(groups[1]):
        return "の".join(groups)
    return m.group(0)


_KANJI_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_ASCII_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
# Digits said one by one, as codes are (a hex number, an event's date, a type number): ニー and ゴー drawn out.
SPOKEN_DIGITS = dict(
    zip("0123456789", ("ゼロ", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュー"), strict=True)
)


def spoken_digits(digits: str) -> str:
    """Katakana for ``digits`` (ASCII or kanji) said one by one."""
    return "".join(SPOKEN_DIGITS[d] for d in digits.translate(_ASCII_DIGITS))


# Baseball's counts are said in English (1アウト ワンアウト, 2ボール2ストライク ツーボールツーストライク:
# were イチ, ニ).
_BASEBALL_COUNT = re.compile(r"(?<![\d.])([0-4])(?=アウト|ボール|ストライク)")
_BASEBALL_NUMBERS = {"0": "ノー", "1": "ワン", "2": "ツー", "3": "スリー", "4": "フォー"}
_POSTAL = re.compile(r"(?:〒|郵便番号\s*(?:は|：|:)?)\s*$")
# A number after ID / 番号 + a colon is an identifier, read digit by digit (ID:12345678 was センニヒャク…マン);
# OpenJTalk reads kanji digits one by one.
_IDENTIFIER = re.compile(r"(?<![A-Za-z])(ID|ＩＤ|Id)\s*[:：]\s*(\d{4,})(?!\d)")


# N-M right after a game's stage word is a stage number, not a range: ステージ2-3 ステージニノサン
# (was ニカラサン), ワールド1-2, エリア4-1. Not after レベル or 第: レベル10-20の敵 and 第1-2章 are ranges.
_STAGE_NUMBER = re.compile(
    r"((?:ステージ|ワールド|エリア|チャプター|ミッション|クエスト|セクター|ゲート|ブロック|区画|フロア|[Ss]tage|STAGE|[Ww]orld|WORLD|[Aa]rea|AREA|[Cc]hapter|CHAPTER)\s?)"
    r"(\d+)\s?[\-‐－–]\s?(\d+)(?![\d\-‐－–])"
)


# A model number of capitals and hyphen-joined numbers (RX-78-2, X-15-3, XJ-220-3): each hyphen after the first joins
# the next part with の, as an address's do; it was a range (ナナジューハチカラニ).
# A capital letter after a hyphenated model number is the model's letter (MS-06F, RGM-79C, AH-64D), not a unit:
# F was the floor (ゼロロッカイ).
_MODEL_LETTER = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,4}[\-‐]\d+)([FJLWVAG])(?![A-Za-z])")
_MODEL_NUMBER = re.compile(r"(?<![A-Za-z0-9\-‐])([A-Z]{1,4}[\-‐]\d+)((?:[\-‐]\d+)+)(?![\d\-‐])")


_MONEY_PREFIX = re.compile(r"([¥￥$＄€£])\s*(\d+(?:\.\d+)?)([兆億万]*)")
# The euro and the pound also follow the amount in European writing (5€, 3,50 £ in a shop menu);
# OpenJTalk reads 100$ as ドル but has no reading for € or £ at all, and stopped the line.
_MONEY_SUFFIX = re.compile(r"(\d+(?:\.\d+)?)\s*([€£])")
_MONEY_UNIT = {"¥": "円", "￥": "円", "$": "ドル", "＄": "ドル", "€": "ユーロ", "£": "ポンド"}
# A sign before a number, unless a Latin letter, a digit or a kanji comes right before it (A-5 and
# B-29 are names, 3-5 and 5時-6時 ranges): after kana or a particle it is a sign (気温は-5℃ マイナスゴド,
# ダメージ-5; \w used to exclude every Japanese character, and the minus became a pause: キオンワ、ゴド).
_NOT_SIGNED_AFTER = r"(?<![A-Za-z0-9_\u3400-\u4dbf\u4e00-\u9fff々〆ヵヶ])"
_NEGATIVE = re.compile(_NOT_SIGNED_AFTER + r"[-−](?=\d)")
_PLUS_NUM = re.compile(_NOT_SIGNED_AFTER + r"\+(?=\d)")
# After a kanji word it is a sign too (防御-20%, 気温-5度: game stats, weather) unless a number comes
# before that word: then it joins a range, as 〜 does (5時-6時, 2時間-3時間, 1月-3月 ゴジカラロクジ).
# Both stopped the line as "no reading for '-'".
_KANJI_THEN_MINUS = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff々])[-−](?=\d)")
# ... and after an RPG stat written in capitals (HP-5, DEF-10, SPD−3: a debuff), where a hyphen and a
# digit after capitals is otherwise a model name said in English (K-1 ケーワン; HP-5 was エイチピーファイブ).
_STAT_MINUS = re.compile(r"(?<![A-Za-z])(HP|MP|LP|ATK|DEF|SPD|AGI|STR|DEX|LUK|INT|EXP|MATK|MDEF)[-−－](?=\d)")
# A minus between two numbers in an equation (LP 4000－1000＝3000: ヨンセンノセン, a code) is マイナス.
_EQUATION_MINUS = re.compile(r"(?<=\d)\s*[-−－]\s*(?=\d+(?:\.\d+)?\s*[=＝])")
_KANJI_RUN_END = re.compile(rf"[{KANJI}]+$")


def _kanji_then_minus(m: re.Match[str]) -> str:
    before = m.string[: m.start()]
    run = _KANJI_RUN_END.search(before)
    head = before[: run.start()] if run is not None else before
    return "から" if head[-1:].isdigit() else "マイナス"


# A version or an address with two or more dots (Ver1.0.2, 192.168.0.1) says てん at each dot; only
# the first was a decimal point and the next a sentence break (イッテンゼロ、ニ).
_DOTTED_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d+(?:\.\d+){2,}(?!\d|\.\d)")


def _kanji_numeral(n: int) -> str:
    """10..999 in kanji numerals (十二, 百五): what OpenJTalk reads as a number after 点, where it reads
    Arabic digits one by one as decimals."""
    out = ""
    for value, name in ((100, "百"), (10, "十")):
        k, n = divmod(n, value)
        if k:
            out += ("" if k == 1 else str(k).translate(_KANJI_DIGITS)) + name
    return out + (str(n).translate(_KANJI_DIGITS) if n else "")


def _dotted(m: re.Match[str]) -> str:
    """A version of three parts says each part after the first as a number (Ver.2.10.0 ニテンジューテンゼロ; the
    10 was read digit by digit, イチゼロ, as decimals are); an address of four (192.168.0.1) keeps digits."""
    parts = m.group(0).split(".")
    if len(parts) == 3:
        parts[1:] = [_kanji_numeral(int(p)) if len(p) in (2, 3) and p[0] != "0" else p for p in parts[1:]]
    return "点".join(parts)


# A ratio or a score written with a colon (16:9, 3:2で勝った, 1:1): what is left once times (3:02,
# 12:30) are read; the colon was a pause (ジューロク、キュー).
_COLON_RATIO = re.compile(r"(?<![\d:.])(\d{1,3}):(\d{1,3})(?![\d:.])")
# Game text: a star before a number is a rarity or rating (★5キャラ ホシゴ; the star alone is
# decoration and silent), and an x between a Japanese word and a number is a multiplier
# (ダメージx3 read like ×3, not エックスサン), and so is an x between numbers (2x3=6, 1920x1080: カケル,
# was ニエックスサン); not a hex number's 0x (0x1F). Names said "by" have their row in
# alphanumerics.tsv (2x4 ツーバイフォー), read before this. After a Japanese word only a lower-case x
# multiplies: a capital X there names a coordinate or a model (座標X23、Y45, 機体X1: エックス, was カケル).
_STAR_RATING = re.compile(r"[★☆](?=\d)")
# A tabletop game's dice (2d6, 1D100, 3d6+2) are said ニディーロク, the sides in Japanese as the count is (2d6 was
# ニディーシックス: the English numbers after a letter; 1d100 already ヒャク).
_DICE_OR = re.compile(r"(?<=ディー\d)/(?=\d+ディー)|(?<=ディー\d\d)/(?=\d+ディー)|(?<=ディー\d\d\d)/(?=\d+ディー)")
_DICE = re.compile(r"(?<![A-Za-z\d])(\d{1,2})[dD](\d{1,3})(?![A-Za-z\d])")

_TIMES_X = re.compile(
    r"(?<=[\u3040-\u30ff\u4e00-\u9fff])x(?=\d)|(?<=\d)(?<!(?<![\d.])0)\s?[xX]\s?(?=\d)"
    r"|(?<=[A-Z] )x(?=\d{1,3}(?![\d.]))"  # a multiplier after a capital word (BONUS x2, COMBO x10: was エックスツー)
)
# A weekday in brackets after a date (12月3日(火), 5日（土・祝）): the day's name, not the element
# (ヒ, ツチ); the brackets are read as a break as everywhere.
_DATE_WEEKDAY = re.compile(r"(?<=日)\s*([（(])([月火水木金土日])(?:[・･]([祝休]))?([)）])")
# English ordinals in game and music titles (1st アルバム, 3rd シーズン, 20th Anniversary, 21st Century) as Japanese
# says them, not the digit then the letters (サンアールディー, ニジューティーエイチ): 1st to 99th and 100th, each with
# the suffix its number takes (22th is no ordinal and stays as written).
_ORDINAL_ONES = ("", "ファースト", "セカンド", "サード", "フォース", "フィフス", "シックス", "セブンス",
                 "エイス", "ナインス")  # fmt: skip
_ORDINAL_TEENS = ("テンス", "イレブンス", "トゥエルフス", "サーティーンス", "フォーティーンス", "フィフティーンス",
                  "シックスティーンス", "セブンティーンス", "エイティーンス", "ナインティーンス")  # fmt: skip
_TENS = ("", "", "トゥエンティ", "サーティ", "フォーティ", "フィフティ", "シックスティ", "セブンティ",
         "エイティ", "ナインティ")  # fmt: skip
_ORDINAL = re.compile(r"(?<![\dA-Za-z.])([1-9]\d?|100)(st|nd|rd|th)(?![A-Za-z\d])")


def _ordinal(m: re.Match[str]) -> str:
    n, suffix = int(m.group(1)), m.group(2)
    expected = "th" if 10 <= n % 100 <= 19 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    if suffix != expected:
        return m.group(0)
    if n == 100:
        return "ハンドレッドス"
    if 10 <= n <= 19:
        return _ORDINAL_TEENS[n - 10]
    tens, ones = divmod(n, 10)
    return (_TENS[tens] + _ORDINAL_ONES[ones]) if ones else _TENS[tens] + "ース"


# An asterisk between numbers multiplies (3*4 サンカケルヨン): dropped, the digits ran into one
# number (サンジューヨン).
_TIMES_STAR = re.compile(r"(?<=[\dA-Za-z])\s*\*\s*(?=\d)")

# --- emoji / kaomoji -------------------------------------------------------------------------
_KAOMOJI_CHARS = set("^_;´`・ω∀▽≧≦＿￣ﾟ°∇ε◕‿╹◡д∩∪●○◎☆★♪≡ಠ╯╰□︵┻━┳ﾉノヽ〃o0Oд¬･ΦσДΘθ＾＜＞<>*＊;；'\"-=~xX")
_VARIATION = re.compile("[\ufe0e\ufe0f\u200d\u20e3]|[\U0001f3fb-\U0001f3ff]")

# NFKC folds these into ASCII or other forms that lose meaning in Japanese text; keep them.
_NFKC_KEEP = {"…": "\ue000", "‥": "\ue001", "〜": "\ue002", "～": "\ue003", "・": "\ue004", "ー": "\ue005"}
_ASCII_TO_JA = {"!": "！", "?": "？", ",": "、", ";": "、", ":": "、"}


# Number forms NFKC would get wrong: Roman numeral characters become Latin letters (Ⅲ世 → III世,
# spelled アイアイアイ) and a run of circled list numbers one number (①②③ → 123, ヒャクニジューサン).
# Roman numerals become what they are said as (:mod:`.roman_numerals`: Ⅲ世 3世, ドラクエⅢ ドラクエスリー),
# circled numbers Arabic digits, adjacent ones kept apart by 、 (read as a list).
_ROMAN_CHARS = "".join(chr(c) for c in (*range(0x2160, 0x216C), *range(0x2170, 0x217C)))
_CIRCLED_CHARS = "".join(
    chr(c)
    for c in (0x24EA, *range(0x2460, 0x2474), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0))
    # negative and double circled (⓫ ⓵), and the dingbat ones (❶ ➀ ➊) of game menus and lists
    + (*range(0x24EB, 0x2500), *range(0x2776, 0x2794))
)
_CIRCLED_RUN = re.compile(f"[{_CIRCLED_CHARS}]+")
_CIRCLED_COLON = re.compile(f"([{_CIRCLED_CHARS}])\\s*[:：]")
# Superscript digits are a power (x², 10³: NFKC made them x2 and 103, ヒャクサン): の…乗. So are
# digits after ^ between a number or letter and digits (10^3, 2^10). ™ and ℠ are marks, not the
# letters NFKC spells them with (ティーエム); a vulgar fraction (½) is NFKC's 1⁄2, whose fraction
# slash no rule read (イチ、ニ): a slash, then 2分の1.
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# (A unit after a number, 100m² 5cm³, is the units table's: 平方メートル.)
_POWER = re.compile(
    f"(?P<unit>\\d\\s?[A-Za-z]{{1,3}}[{_SUPERSCRIPTS}])|(?<=[0-9A-Za-z)）])(?P<power>⁻?[{_SUPERSCRIPTS}]+)"
)
_CARET_POWER = re.compile(r"(?<=[0-9A-Za-z)])\^(\d+)")
_MARKS_NOT_LETTERS = {ord("™"): "", ord("℠"): ""}
_NUMBER_FORMS = re.compile(f"[{_ROMAN_CHARS}{_CIRCLED_CHARS}{_SUPERSCRIPTS}™℠]|⁻")


def _number_forms(text: str) -> str:
    text = lower_case_numerals_to_digits(read_roman_numerals(text)).translate(_MARKS_NOT_LETTERS)
    text = _POWER.sub(_power, text)
    # a circled number before a colon numbers a clause (card text: ③：1ターンに1度…): a pause, not the colon that
    # made 3:1 a ratio (サンタイイチ)
    text = _CIRCLED_COLON.sub(lambda m: m.group(1) + "、", text)
    return _CIRCLED_RUN.sub(lambda m: "、".join(str(int(unicodedata.numeric(c))) for c in m.group(0)), text)


_SUPERSCRIPT_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")


def _power(m: re.Match[str]) -> str:
    if m.group("unit"):
        return m.group(0)
    power = m.group("power")  # a negative power's minus too (10⁻¹¹: it was a range, ジューカラジューイチ)
    sign = "マイナス" if power.startswith("⁻") else ""
    return f"の{sign}{power.lstrip('⁻').translate(_SUPERSCRIPT_DIGITS)}乗"


# Latin letters with diacritics in loanwords and names (café, Pokémon, naïve, Ångström, Müller):
# OpenJTalk cannot read them, and read each as a pause (カフ、). Folded to the plain letter; the
# macron and circumflex vowels stay: they are romaji long vowels (Tōkyō, Tôkyô).
_ROMAJI_LONG = frozenset("ĀāĒēĪīŌōŪūÂâÊêÎîÔôÛû")
_ACCENTED_LATIN = re.compile("[À-ÖØ-öø-ɏ]")
_LIGATURES = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
              "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h", "ŧ": "t"}  # fmt: skip


def _fold_latin(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _ROMAJI_LONG:
        return ch
    if ch in _LIGATURES:
        return _LIGATURES[ch]
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base if base.isascii() else ch


# The spacing (han)dakuten ゛ ゜ (and half-width ﾞ ﾟ) are written after kana that have no voiced
# form too (あ゛ー, a strained scream). NFKC turns the spacing ones into a space + combining mark,
# which splits the word; as combining marks they join a kana that has a voiced form (か゛ → が)
# and are dropped where none exists (あ゛ → あ).
_SPACING_VOICING = {ord("゛"): "\u3099", ord("゜"): "\u309a", ord("ﾞ"): "\u3099", ord("ﾟ"): "\u309a"}
_VOICING = re.compile("[\u3099\u309a\u309b\u309c\uff9e\uff9f]")
_LOOSE_VOICING = re.compile("[\u3099\u309a]")


# Kana OpenJTalk's dictionary lacks, written in older or special texts: ヷ ヸ ヹ ヺ (ヸオロン, Meiji
# loanwords), the kanji repeat mark 〻 (= 々), small ゕ ゖ (= ヵ ヶ, 3ゕ月), and the small katakana
# for Ainu codas (ㇰ ㇱ ... ㇿ: アイヌ語 ㇰ is a final ク). Each stopped its line ("no reading").
_AINU_SMALL = dict(zip("ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ", "クシストヌハヒフヘホムラリルレロ", strict=True))
_RARE_KANA = str.maketrans(
    {"ヷ": "ヴァ", "ヸ": "ヴィ", "ヹ": "ヴェ", "ヺ": "ヴォ", "〻": "々", "ゕ": "ヵ", "ゖ": "ヶ", **_AINU_SMALL}
)
_RARE_KANA_CHARS = re.compile("[ヵ-ヺ〻ゕゖ\u31f0-\u31ff]")
# ヵ ヶ count (3ヶ月 カ) or join a place name (関ヶ原 ガ) after a numeral or kanji, which the
# dictionary reads; after anything else it has no reading, and is the small カ it is written as.
_LONE_SMALL_KA = re.compile("(?<![0-9\u3400-\u9fff々〇])[ヵヶ]")


# Look-alikes of the wave dash that encoders and fonts produce in its place (the tilde operator
# from a Mac or a mis-mapped Shift-JIS script, the swung dash): the wave dash's rules read them.
_WAVE_LOOKALIKES = str.maketrans({"∼": "〜", "⁓": "〜"})


# The くの字点 of vertical text repeats the word before it (いろ〳〵 いろいろ; with a voicing mark the
# repeat is voiced: しみ〴〵 しみじみ), as written in Aozora Bunko's files in its two halves (〳〵), as
# one character (〱 〲) or in its plain-text stand-ins ／＼ and ／″＼. OpenJTalk's dictionary holds a few
# such spellings (いろ〳〵); every other one stopped its line as "no reading" (ます〳〵, しみ〴〵).
_KUNOJI = re.compile(r"(〳〵|〱|／＼)|(〴〵|〲|／[″〃゛]＼)")
_KUNOJI_RUN = re.compile(rf"[{HIRA}{KATA}{KANJI}]+$")


def _expand_kunoji(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _KUNOJI.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        run = _KUNOJI_RUN.search("".join(out))
        unit = _repeated_unit(run.group(0), voiced=m.group(2) is not None) if run else None
        out.append(unit if unit is not None else m.group(0))
    out.append(text[pos:])
    return "".join(out)


def _repeated_unit(run: str, *, voiced: bool) -> str | None:
    """What the くの字点 after ``run`` says: the longest tail of ``run`` (two to four characters)
    whose doubling the dictionary holds as one word (いろいろ, 代る代る), else the longest tail that is
    a word itself (ひとつ〳〵 ひとつひとつ), else the last two characters."""
    from tsukasa.pipelines.textfront.resources import dictionary_words

    def again(unit: str) -> str:
        if not voiced:
            return unit
        first = unicodedata.normalize("NFC", unit[0] + "\u3099")
        return (first if len(first) == 1 else unit[0]) + unit[1:]

    tails = [run[-k:] for k in range(min(4, len(run)), 1, -1)]
    for tail in tails:
        if len(dictionary_words(tail + again(tail))) == 1:
            return again(tail)
    for tail in tails:
        if len(dictionary_words(tail)) == 1:
            return again(tail)
    return again(tails[-1]) if tails else None


# A full-width space after a noun written in kanji, katakana or digits separates the parts of a heading, a caption
# or a diary's header (第二章　血塗られた旅館, 山田太郎　三十五歳, 〇月×日　晴れ): a pause, as a comma would be; the
# words ran together (ダイニショーチヌラレタ). After hiragana it is the word space of a game written in kana (カビゴンは
# めを　さました), a cut and no pause (_tidy_space); so it is between two katakana words (ワタシ　アナタ: a robot's line
# spaced word by word, which the katakana-line rules read whole).
_HEADING_SPACE = re.compile(
    rf"(?<=[{KANJI}\u30a1-\u30fa\u30fc0-9０-９）)」』])\u3000+(?=[{KANA}{KANJI}0-9０-９「『（(])"
)
_KATAKANA_LETTER = re.compile(r"[\u30a1-\u30fa\u30fc]")


def _heading_space(m: re.Match[str]) -> str:
    before, after = m.string[m.start() - 1], m.string[m.end()]
    both_katakana = _KATAKANA_LETTER.match(before) is not None and _KATAKANA_LETTER.match(after) is not None
    return m.group(0) if both_katakana else "、"


# A minus in a formula after a variable or a power (y=x−1, x²−4, a−b=3, n−1番目) is マイナス: the minus sign had no
# reading after a letter and stopped the line, and after a power it became the range から. U+2212 is the minus sign
# itself; a hyphen (y=x-1, x²-4=0) is one only in a line that is an equation (with =, +), or else it joins a name
# (Wi-Fi, USB-C, X-Men).
_LETTER_MINUS_SIGN = re.compile(rf"(?<=[A-Za-z{_SUPERSCRIPTS})）])\s*−\s*(?=[A-Za-z0-9(（])")
_LETTER_HYPHEN = re.compile(
    rf"(?<=[A-Za-z{_SUPERSCRIPTS})）])\s*[-－]\s*(?=[A-Za-z0-9(（])|(?<=[0-9])\s*[-－]\s*(?=[A-Za-z(（])"  # y=2-x too
)
_EQUATION = re.compile(rf"[A-Za-z0-9{_SUPERSCRIPTS})）]\s*(?:[=＝+＋]=?\s*[A-Za-z0-9(（]|\+\+)")
# In an equation a lone small letter is a variable, said by its name (a+b=5, i++, e=2.718: a, i, e and n were read as
# the kana ア, イ, エ, ン): written as a capital, which the letter rules read as letters.
_VARIABLE = re.compile(r"(?<![A-Za-z])[a-z](?![A-Za-z])")
# ... except a unit after a number in a conversion between units (1km=1000m, 1m=100cm, 1kg=1000g): a unit of two
# letters after a number says the line measures, and its lone m or g is the unit (was センエム, センジー).
_TWO_LETTER_UNIT = re.compile(r"\d\s?(?:km|cm|mm|kg|mg|mL|ml|kL|dL|ms)(?![A-Za-z])")
_UNIT_LETTERS = frozenset("mgs")


def _formula(text: str) -> str:
    signed = 0
    if "−" in text:
        text, signed = _LETTER_MINUS_SIGN.subn("マイナス", text)
    if signed or _EQUATION.search(text) is not None:
        if "-" in text or "－" in text:
            text = _LETTER_HYPHEN.sub("マイナス", text)
        units = _TWO_LETTER_UNIT.search(text) is not None

        def variable(m: re.Match[str]) -> str:
            unit = units and m.group(0) in _UNIT_LETTERS and m.string[: m.start()].rstrip()[-1:].isdigit()
            return m.group(0) if unit else m.group(0).upper()

        text = _VARIABLE.sub(variable, text)
    return text


# A space after a numbered label (問1 次の計算をしなさい, ステップ1 次に進みます, 問3 日本の首都は) ends the label:
# a pause. Dropped, the number ran into the word after it (1次 イチジ, 3日 ミッカ, 1月 イチガツ).
# (Not after 第: 第1 章 is 第1章 spaced, a counter after its number.)
_LABEL_NUMBER_SPACE = re.compile(
    rf"(?<=[{KANJI}\u30a1-\u30fa\u30fc])(?<!第)(?P<number>[0-9０-９]{{1,3}})[ \u3000]+(?=[{KANJI}{HIRA}])"
)

# A line that puts a full-width space after hiragana is written in a kana game's word spacing (ピカチュウは　けいけんち
# 1200　ポイント　もらった！): none of its spaces is a heading's pause.
_KANA_WORD_SPACE = re.compile(r"[\u3041-\u3096]\u3000")


def _nfkc(text: str) -> str:
    if _LATIN_CAPITAL.search(text) is not None:
        text = read_formulas(text)  # H2SO4, CuO, Cl⁻ (before NFKC makes ⁻ a minus sign an equation may take)
    if "−" in text or "=" in text or "＝" in text or "+" in text or "＋" in text:
        text = _formula(text)
    if " " in text or "\u3000" in text:
        text = _LABEL_NUMBER_SPACE.sub(lambda m: m.group("number") + "、", text)
    if "\u3000" in text and _KANA_WORD_SPACE.search(text) is None:
        text = _HEADING_SPACE.sub(_heading_space, text)
    if "〳" in text or "〴" in text or "〱" in text or "〲" in text or "／" in text:
        text = _expand_kunoji(text)
    if "∼" in text or "⁓" in text:
        text = text.translate(_WAVE_LOOKALIKES)
    if _NUMBER_FORMS.search(text) is not None:
        text = _number_forms(text)
    voicing = _VOICING.search(text) is not None
    if voicing:
        text = unicodedata.normalize("NFC", text.translate(_SPACING_VOICING))
    for ch, mark in _NFKC_KEEP.items():
        text = text.replace(ch, mark)
    text = unicodedata.normalize("NFKC", text)
    for ch, mark in _NFKC_KEEP.items():
        text = text.replace(mark, ch)
    if "⁄" in text:
        text = text.replace("⁄", "/")
    if _ACCENTED_LATIN.search(text) is not None:
        text = _ACCENTED_LATIN.sub(_fold_latin, text)
    if _RARE_KANA_CHARS.search(text) is not None:
        text = _LONE_SMALL_KA.sub("カ", text.translate(_RARE_KANA))
    return _LOOSE_VOICING.sub("", text) if voicing else text


# Every markup pattern above starts with one of these characters: text without them has none.
_MARKUP_START = re.compile(r"[\\<\[{［@!#&'%]")
_DIALOGUE_TAG = re.compile(r"^\s*(?:【[^】]+】|\[[^\]]+\](?=\s|「)|〈[^〉]+〉|＜[^＞]+＞|≪[^≫]+≫)")
_DIALOGUE_QUOTE = re.compile(r"「.*」\s*$")


def strip_markup(text: str) -> str:
    # Control and format characters (NUL, zero-width joiners, BOM) are never spoken. They are all
    # non-printable, so a printable line (nearly every line) skips the per-character check.
    if not text.isprintable():
        text = _drop_control(text)
    if _MARKUP_START.search(text) is not None:
        text = _strip_markup_tags(text)
    text = _NEWLINES.sub("", text)
    if "：" in text or ":" in text:
        text = _strip_colon_speaker(text)
    if not _looks_like_dialogue(text):
        return text
    # A label alone on its line (＜重要＞, 【警告】) is what is said: stripped, nothing was left.
    spoken = _strip_name_tag(text)
    return spoken if any(ch.isalnum() for ch in spoken) else text


# A speaker written before a colon with no quotation marks: 春香：はい, 田中先生: 静かに, ？？？：誰だ
# (transcripts and plain-text script dumps). Taken out only when the label is a person's name in
# OpenJTalk's dictionary (its words 人名, with an honorific after them) or the unknown speaker ？？？:
# a label such as 注意：, ヒント：, 東京： is read, as it was.
_COLON_SPEAKER = re.compile(r"^\s*([^\s\d、。，．,.!！?？「」『』（）()【】：:]{1,12}|[？?]{1,5})\s*[：:]\s*(?=\S)")
_HONORIFICS = frozenset({"先生", "先輩", "様", "殿", "氏", "君"})
_PERSON = ("名詞", ("固有名詞", "人名"))  # MeCab's part of speech of a person's name (春香, 田中)
_PERSON_SUFFIX = ("名詞", ("接尾", "人名"))  # さん, ちゃん, くん


def _strip_colon_speaker(text: str, names: frozenset[str] = frozenset()) -> str:
    # every such label at the start at once (春香：ユイ：…), so that normalising twice changes nothing
    while (m := _COLON_SPEAKER.match(text)) is not None:
        label = m.group(1)
        if not (set(label) <= set("？?") or _is_given_name(label, names) or _is_person_name(label)):
            break
        text = text[m.end() :]
    return text


def strip_colon_speaker(text: str, names: frozenset[str]) -> str:
    """``text`` without a speaker label before a colon at its start that is one of ``names``
    (a project's character names: its user dictionary's words), with or without an honorific
    (エルフィーナ様：行くわよ). Names MeCab knows as a person's name are stripped by
    :func:`normalize` anyway; a game's own names are what its dictionary holds."""
    if not names or ("：" not in text and ":" not in text):
        return text
    return _strip_colon_speaker(text, names)


_NAME_SUFFIXES = tuple(_HONORIFICS | {"さん", "ちゃん", "くん", "さま", "たん"})


def _is_given_name(label: str, names: frozenset[str]) -> bool:
    if not names:
        return False
    label = unicodedata.normalize("NFKC", label)
    return label in names or any(label.endswith(s) and label[: -len(s)] in names for s in _NAME_SUFFIXES)


def _is_person_name(label: str) -> bool:
    from tsukasa.pipelines.textfront.resources import dictionary_words

    words = [(w.surface, (w.pos, w.groups)) for w in dictionary_words(label)]
    if not words or words[0][1] != _PERSON:
        return False
    return all(pos in (_PERSON, _PERSON_SUFFIX) or surface in _HONORIFICS for surface, pos in words[1:])


def _drop_control(text: str) -> str:
    return "".join(c for c in text if c in "\r\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


def _strip_markup_tags(text: str) -> str:
    for pat, rep in _MARKUP:
        text = pat.sub(rep, text)
    return text


def _looks_like_dialogue(text: str) -> bool:
    return _DIALOGUE_TAG.search(text) is not None or _DIALOGUE_QUOTE.search(text) is not None


# Every ruby form above needs one of these characters: text without them has no ruby.
_MAY_HAVE_RUBY = re.compile(r"[《\[{(（｛［<]")


def apply_ruby(text: str) -> str:
    """Replace ruby-annotated words with their given reading (the author knows best), or keep the
    word where the ruby spells its dictionary reading (see :func:`_ruby_word`)."""
    if _MAY_HAVE_RUBY.search(text) is None:
        return text
    return _apply_ruby_all(text, None)


def apply_ruby_with_readings(text: str, user_dic: str | None = None) -> tuple[str, list[SpelledReading]]:
    """:func:`apply_ruby`, and the readings of the words it kept as written, in text order; a word
    the compiled user dictionary ``user_dic`` reads as its ruby is kept too."""
    kept: list[SpelledReading] = []
    text = term_readings(era_readings(text))  # 元治元年 ゲンジ, not the given name モトハル; 跳満 ハネマン (eras.py)
    if _MAY_HAVE_RUBY.search(text) is None:
        return text, kept
    return _apply_ruby_all(text, kept, user_dic), kept


# Aozora ruby without its bar covers the kanji right before 《》; web novels and lyrics also put it after a
# word's okurigana (強さ《つよさ》, 優しさ《やさしさ》, 煌めき《きらめき》), the reading spelling the whole word. Such a
# ruby (its reading ending in the word's kana) gets the bar before the word, as the writer meant: it was no
# ruby at all and read after the word (ツヨサ、ツヨサガ).
_RUBY_AFTER_OKURIGANA = re.compile(rf"(?<![|｜{KANJI}])([{KANJI}]+)([{HIRA}]{{1,3}})(?=《([{KANA}]{{1,40}})》)")


def _inside_barred_base(before: str) -> bool:
    """Whether a ruby bar opened in ``before`` is still open (|仕切り直し《しきりなおし》): the writer's bar stands."""
    return max(before.rfind("|"), before.rfind("｜")) > before.rfind("》")


def _bar_before_okurigana_ruby(m: re.Match[str]) -> str:
    before = m.string[: m.start()]
    if _inside_barred_base(before):
        return m.group(0)
    if before[-1:] and m.group(3).startswith(before[-1]):
        return m.group(0)  # the reading covers a kana before the kanji too: _RUBY_AFTER_PREFIX's case
    if not m.group(3).endswith(m.group(2)) or len(m.group(3)) <= len(m.group(2)):
        return m.group(0)
    return "｜" + m.group(0)


# The same with an honorific prefix the reading spells too (お詫び《おわび》, ご馳走《ごちそう》,
# お母さん《おかあさん》): the bar goes before the お / ご. Read by the Aozora rule, the ruby covered the kanji
# alone and the prefix was said twice, or the ruby after the word as well (ゴゴチソー, オワビ、オワビ).
_RUBY_AFTER_PREFIX = re.compile(rf"(?<![|｜])([おご])([{KANJI}]+)([{HIRA}]{{0,3}})(?=《([{KANA}]{{2,40}})》)")


def _bar_before_prefixed_ruby(m: re.Match[str]) -> str:
    import jaconv

    if _inside_barred_base(m.string[: m.start()]):
        return m.group(0)
    prefix, okurigana, reading = m.group(1), m.group(3), jaconv.kata2hira(m.group(4))
    if reading.startswith(prefix) and reading.endswith(okurigana) and len(reading) > len(prefix + okurigana):
        return "｜" + m.group(0)
    return m.group(0)


def _apply_ruby_all(text: str, kept: list[SpelledReading] | None = None, user_dic: str | None = None) -> str:
    if "《" in text:
        text = _RUBY_AFTER_PREFIX.sub(_bar_before_prefixed_ruby, text)
        text = _RUBY_AFTER_OKURIGANA.sub(_bar_before_okurigana_ruby, text)
    # One scan over every form at once would keep `kept` in text order; the forms never overlap, so
    # each form's words are found in order and the list is sorted by position at the end.
    found: list[tuple[int, SpelledReading]] = []

    def word(base: str, reading: str, at: int) -> str:
        mine: list[SpelledReading] | None = [] if kept is not None else None
        out = _ruby_word(base, reading, mine, user_dic)
        found.extend((at, r) for r in mine or ())
        return out

    def per_character(m: re.Match[str], pairs: re.Pattern[str]) -> str:
        # Ruby written character by character over one word (学(がっ)校(こう), as HTML mono-ruby and
        # KAG tags give it) is the word's ruby: read per character, the word was cut at each
        # character (がっ校 ga]cl # ko]o). Only a run made of nothing but such pairs is joined.
        parts = list(pairs.finditer(m.group(0)))
        if len(parts) < 2 or sum(len(p.group(0)) for p in parts) != len(m.group(0)):
            return m.group(0)
        reading = "".join(p.group("rt") or p.groupdict().get("rt2") or "" for p in parts)
        return word("".join(p.group("base") for p in parts), reading, m.start())

    if "<" in text or "＜" in text:
        text = _HTML_RUBY_ELEMENT.sub(lambda m: per_character(m, _HTML_RUBY_PAIR), text)
    if "(" in text or "（" in text or "《" in text:
        text = _KANJI_RUBY_RUN.sub(lambda m: per_character(m, _KANJI_RUBY_ONE), text)
    if "[" in text or "［" in text:
        if "[/ruby]" in text.lower():  # [ruby text="マジ"]本気[/ruby]: a closed tag covers its whole base
            text = _KAG_RUBY_CLOSED.sub(lambda m: word(m.group(2), m.group(1), m.start(2)), text)
        text = _KAG_RUBY_RUN.sub(lambda m: per_character(m, _KAG_RUBY_ONE), text)
        text = _KAG_RUBY.sub(lambda m: _kag_ruby(m, word, user_dic), text)
    for i, pat in enumerate(_RUBY):
        if i in _NO_READING:
            text = pat.sub(lambda m: m.group(1), text)
            continue
        rg = _READING_GROUP.get(i, 2)
        bg = 3 - rg
        text = pat.sub(lambda m, rg=rg, bg=bg: word(m.group(bg), m.group(rg), m.start()), text)

    def spells(run: str, reading: str) -> bool:
        import jaconv

        pattern = jaconv.kata2hira(_KANJI_RUN.sub(lambda k: f".{{{len(k.group(0))},}}", run))
        return re.fullmatch(pattern, jaconv.kata2hira(reading)) is not None

    def paren(m: re.Match[str]) -> str:
        run, reading = m.group(1), m.group(2)
        for start in range(len(run)):  # the longest word first
            before = run[start - 1] if start else m.string[m.start() - 1 : m.start()]
            if before.isdigit() and len(run) - start == 1 and (_KATAKANA_RUN.fullmatch(reading) or len(reading) <= 2):
                continue  # a counter after its number takes no katakana ruby: 令和5年(ワ)第1234号, (わ): a case's code
            if _KANJI_RUN.match(run, start) is not None and spells(run[start:], reading):
                return run[:start] + word(run[start:], reading, m.start() + start)
        return m.group(0)

    def spaced_paren(m: re.Match[str]) -> str:
        family, given, family_reading, given_reading = m.groups()
        if not (spells(family, family_reading) and spells(given, given_reading)):
            return m.group(0)
        return word(family, family_reading, m.start()) + word(given, given_reading, m.start(2))

    def quoted_paren(m: re.Match[str]) -> str:
        opening, quoted, closing, reading = m.groups()
        if _KANJI_RUN.search(quoted) is None or not spells(quoted, reading):
            return m.group(0)
        return opening + word(quoted, reading, m.start(2)) + closing

    if "(" in text or "（" in text:
        text = _SPACED_PAREN_READING.sub(spaced_paren, text)
        if "」" in text or "』" in text:
            text = _QUOTED_PAREN_READING.sub(quoted_paren, text)
    text = _LATIN_GLOSS.sub("", _PAREN_READING.sub(paren, text))
    if kept is not None:
        kept.extend(r for _, r in sorted(found, key=lambda item: item[0]))
    return text


# A Latin gloss in brackets right after a Japanese word — 東京(Tokyo), 会社（company） — is a
# reading or a translation for the reader, not something a voice actor says.
# One letter in brackets is a symbol the line defines, said (電圧（V）, 質量（m）: were dropped).
_LATIN_GLOSS = re.compile(rf"(?<=[{KANJI}{KATA}])[(（][A-Za-z][A-Za-z .'’\-]+[)）]")


# Kana or kanji in brackets make them words, not a face: ゛ ゜ are no kana (えっ(゜ロ゜) read ロ).
_FACE_VETO = re.compile(rf"[\u3041-\u309a\u309d-\u309f{KANJI}]")
# ... nor is a bracket holding a time, a date or a number of two digits or more (お知らせ（12/7 10:00〜15:00）:
# its 0s, colons and slashes counted as eyes and strokes, and the times were dropped unread); a face draws
# at most one digit (the mouth of (´3`)).
_NUMBER_IN_BRACKETS = re.compile(r"\d[\d:/.,]*\d")
_KATAKANA_LETTERS = re.compile("[\u30a1-\u30fa\uff66-\uff6f\uff71-\uff9d]")
_FACE_MARK = re.compile(r"[ωд∀▽]")


# ... nor is an expression in an equation's brackets (y=(x+1), 3-(x-1)=0): its x and + counted as eyes and a
# nose, and the terms were dropped unread. Letters and digits joined by operators, with a digit or a plus.
_BRACKETED_TERMS = re.compile(r"[A-Za-z0-9]+(?:\s*[-+−＋－×÷*/]\s*[A-Za-z0-9]+)+")
_TERMS_MARK = re.compile(r"[0-9+＋×÷]")


def _is_kaomoji(inner: str) -> bool:
    if _FACE_VETO.search(inner) is not None and _FACE_MARK.search(inner) is None:
        return False
    if _BRACKETED_TERMS.fullmatch(inner) is not None and _TERMS_MARK.search(inner) is not None:
        return False
    if inner.strip(" \u3000") in _SIGN_NAMES:
        return False  # a test result's sign (Rh(−), 尿蛋白(-)): no face
    if _NUMBER_IN_BRACKETS.search(inner) is not None:
        return False
    if _FACE_MARK.search(inner) is None and len(_KATAKANA_LETTERS.findall(inner)) >= 2:
        return False  # a sound effect in brackets ((ｺﾞｺﾞｺﾞ), （ドーン）), its voicing marks and long marks no strokes
    drawn_letters = inner.strip(" \u3000")
    if len(drawn_letters) == 1 and _FACE_LETTER.match(drawn_letters) is not None:
        return True  # a face drawn with one letter of a script we never read: ( ᐛ ), (ᐛ)
    symbolic = other = 0
    for c in inner:
        cat = unicodedata.category(c)
        if c in _KAOMOJI_CHARS or cat[0] in "PSM" or cat == "Lm":
            symbolic += 1  # marks, accents and modifier letters draw eyebrows and eyes (•̀ ˊ ˋ)
        elif _FACE_LETTER.match(c) is not None:
            other += 1  # a letter of a script we never read, drawn as a mouth or cheek (ㅂ ᗜ ๑)
    # Such letters count only beside a drawn mark: (Москва) or (한국어) in brackets are words, and
    # stay an error naming them.
    drawn = len(inner.strip(" \u3000"))  # the room around a face is no stroke: ( ´ ▽ ` )
    return symbolic >= 1 and symbolic + other >= 2 and symbolic + other >= drawn / 2


# Letters and digits of scripts the front-end does not read (Thai, Hangul jamo, Arabic, Canadian
# syllabics, phonetic extensions...): faces borrow them (٩(ˊᗜˋ*)و, (๑•̀ㅂ•́)و✧, (｡•̀ᴗ-)✧), and the line
# stopped with "no reading" (modern kaomoji are full of them).
_FACE_LETTER = re.compile(r"[^\u0000-\u024f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


# A kaomoji's arms and hands stand outside its brackets: ( ｀ー´)ノ, (・ω・)ゞ, ヽ(・∀・)ﾉ — once the
# face is gone they would be read as kana (リョーカイデス、ノ).
# A bow holds the brackets in two hands (m(_ _)m), a surprise is marked before them (Σ(ﾟДﾟ)): those
# were read エムエム and シグマ. Thumbs up beside a face (d(^_^)b, ( ´∀｀ )ｂ) were read ディー, ビー.
_KAOMOJI_WITH_ARMS = re.compile(
    r"(?:(?<![A-Za-z])[mdｍｄ]|[ヽヾ＼\\٩ლΣσงฅ]|(?<![\u3041-\u30ff\u4e00-\u9fff])[ノﾉ])?[(（]([^()（）]{1,20})[)）]\s?"
    r"(?:ﾉｼ|ノシ|[ノﾉ丿ゞ۶وงฅლσっ彡／/✧]|[mbｍｂ](?![A-Za-z]))*"
)
# Crying eyes are capital Ts (T_T, T^T, TдT), which as letters are no kaomoji characters: (NTT) is
# a company. Matched as a whole face only. And a face whose bracket is never closed, as a line ends
# on it: (^^ゞ, (^_^; — its ゞ had no reading and stopped the line.
_CRYING_FACE = re.compile(r"[(（]\s*[;；]?[TＴ][_＿^＾.．дДoｏ\s]{0,3}[TＴ][;；]?\s*[)）]")
_OPEN_FACE = re.compile(r"[(（][\^＾][_＿\-・.]?[\^＾][;；ゞ]*(?![)）])")
# Text emoticons of net slang: orz / OTL (a kneeling figure). Only as a word of its own. And the
# shrug ¯\_(ツ)_/¯, whose face is a katakana letter (it read ツ).
_TEXT_EMOTICON = re.compile(
    r"(?<![A-Za-z])(?:orz|OTL|otz)(?![A-Za-z])|¯\\_?[(（]ツ[)）]_?/¯"
    # ASCII faces of chat, as a word of their own (lol :D, love you <3, T_T, XD: were ディー, ショーナリサン)
    # (not after a word: ランク：D, 評価：D are a grade)
    r"|(?<![A-Za-z0-9\u3040-\u30ff\u3400-\u9fff])(?:[:;]-?[DP)(]|<3|T_T|XD|\^_?\^)(?![A-Za-z0-9])"
)


# A cat's face held between its paws, with no brackets: ฅ^•ω•^ฅ (it stopped the line on the ฅ).
_PAW_FACE = re.compile(r"ฅ([^ฅ\n]{1,12})ฅ")


# A star rating (レビュー, 難易度, gacha rarity: 評価：★★★☆☆, 難易度★★☆) is said as the stars it gives, 星3, as ★5
# already was; it was removed as decoration and the line lost what it said (評価、). A rating is filled stars
# then empty ones, or any stars after a word that names a rating; a run of ★ alone (★★★超お得★★★) decorates.
_RATED = "評価|難易度|レア度|レアリティ|おすすめ度|オススメ度|満足度|危険度|重要度|人気度|ランク"
_STAR_RUN = re.compile(
    rf"(?:(?:(?<={_RATED.replace('|', ')|(?<=')}))(?P<rated>)\s*[:：]?\s*)?(?P<stars>[★☆]{{1,10}})(?![0-9０-９])"
)  # not a star before a number: ★12 is a level (星12), as _STAR_RATING reads it


def read_star_ratings(text: str) -> str:
    """評価：★★★☆☆ → 評価：星3 (see _STAR_RUN); a heart or star between Latin words → a space."""
    if _DECORATION_BETWEEN_WORDS.search(text) is not None:
        text = _DECORATION_BETWEEN_WORDS.sub(" ", text)
    if "★" not in text and "☆" not in text:
        return text
    return _STAR_RUN.sub(_star_rating, text)


def _star_rating(m: re.Match[str]) -> str:
    stars = m.group("stars")
    filled_then_empty = len(stars) >= 3 and "★" in stars and "☆" in stars and "★" not in stars.lstrip("★")
    # a level in stars before what it grades (★★★★のモンスター, ★★以上): 星4
    level = len(stars) >= 2 and "☆" not in stars and m.string.startswith(("の", "以上", "以下"), m.end())
    # stars as a noun before a particle (★★★★★で応援, 下の☆☆☆☆☆から評価: a review's stars): 星5, or 星 when empty
    noun = len(stars) >= 3 and m.string.startswith(("で", "を", "が", "から", "に", "は"), m.end())
    if m.group("rated") is None and not filled_then_empty and not level and not noun:
        return m.group(0)
    count = stars.count("★")
    return m.group(0)[: -len(stars)] + (f"星{count}" if count or not noun else "星")


# A face drawn without brackets we know, all in letters of scripts we never read and marks (꒰ᐢ⸝⸝•༝•⸝⸝ᐢ꒱, ʕ•ᴥ•ʔ):
# three characters or more, one a letter and one a mark at least; it stopped the line on its letters. Text in a
# script we do not read (한국어, Москва) has no marks in it and stays an error naming it.
_LOOSE_FACE = re.compile(r"[^\s\u0000-\u007f\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]{3,}")


def _loose_face(m: re.Match[str]) -> str:
    run = m.group(0)
    letters = sum(1 for c in run if _FACE_LETTER.match(c) is not None and unicodedata.category(c)[0] == "L")
    marks = sum(1 for c in run if unicodedata.category(c)[0] in "PS")
    return "" if letters and marks else run


def remove_emoji_kaomoji(text: str) -> str:
    text = _KAOMOJI_WITH_ARMS.sub(lambda m: "" if _is_kaomoji(m.group(1)) else m.group(0), text)
    if not text.isascii():
        text = _LOOSE_FACE.sub(_loose_face, text)
    if "ฅ" in text:
        text = _PAW_FACE.sub(lambda m: "" if _is_kaomoji(m.group(1)) else m.group(0), text)
    if "T" in text or "Ｔ" in text:
        text = _CRYING_FACE.sub("", text)
    if "^" in text or "＾" in text:
        text = _OPEN_FACE.sub("", text)
    if any(c in text for c in ("orz", "OTL", "otz", "¯", ":", ";", "<3", "T_T", "XD", "^")):
        text = _TEXT_EMOTICON.sub("", text)
    text = _VARIATION.sub("", text)
    return _EMOJI.sub("", text)


# The same set as _is_emoji, as one character class (a regex pass instead of a Python loop); the
# private-use ranges are exactly Unicode category Co. Tests check the two agree on every code point.
# (The dingbat numbers ❶ ➀ ➊ are numbers: normalisation reads them as circled numbers.)
_KEPT_SYMBOLS = "★☆♪♫♬♥♡♯♭" + "".join(chr(c) for c in range(0x2776, 0x2794))  # ♯ ♭: read (symbols.tsv)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
    + "".join(chr(c) for c in range(0x2600, 0x27C0) if chr(c) not in _KEPT_SYMBOLS)
    + "]"
)
_DIGIT = re.compile(r"\d")


def _is_emoji(c: str) -> bool:
    cp = ord(c)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        and c not in _KEPT_SYMBOLS
        or unicodedata.category(c) == "Co"  # private use: game fonts' icons
    )


# A unit after 数 or 数十 / 数百 / 数千 / 数万 (数km, 数十m, 数℃: "a few") is read as after a number; it was spelled
# (カズケーエム, スージューエム).
_SOME_UNITS = re.compile(r"(?<=数)([十百千万]?)(km|cm|mm|m|kg|mg|g|℃|°C|mL|L|t|ha|ppm)(?![A-Za-z])")


def _some_units(m: re.Match[str]) -> str:
    _, readings = _unit_pattern()
    if m.group(2) in ("℃", "°C"):
        return m.group(1) + "度"  # 数度 スード (the unit's katakana ド made 数 カズ)
    return m.group(1) + readings.get(m.group(2), m.group(2))


def normalize_numbers(text: str) -> str:
    if _DIGIT.search(text) is None:
        if "日" in text and ("(" in text or "（" in text):  # 明日(木), 今日（金）: a day's weekday, as after a date
            text = _DATE_WEEKDAY.sub(_weekday, text)
        if "同" in text:  # a shogi move to the square of the last one: ▲同金 ドーキン
            text = _SHOGI_MOVE.sub(_shogi_move, text)
        if "何" in text:  # 何km ナンキロメートル: a unit after 何 as after a number (was ナニケーエム)
            text = _what_unit(text)
        if "月" in text and ("懲役" in text or "禁" in text):  # 懲役六月 ロッカゲツ, as 懲役6月
            text = _SENTENCE_MONTHS_KANJI.sub(r"\1\2か月", text)
        if "数" in text:  # 数km スーキロメートル: a unit after 数 (数十m) as after a number (was カズケーエム)
            text = _SOME_UNITS.sub(_some_units, text)
        return text  # every other rule rewrites a digit or the sign/comma/range next to one
    return _normalize_numbers_all(text)


def _longest_first(keys: Iterable[str]) -> str:
    """A regex alternation of ``keys`` that tries the longest first (km before m, 3DCG before 3D)."""
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@lru_cache(maxsize=1)
def _unit_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    units = {u: r for u, r in read_table("units.tsv")}
    # after a digit, or after a number's 万 / 億 / 兆 (1万km, 3万kW, 9.46兆km: were ケーエム, ケーダブリュー); a unit
    # ending in a digit (m2, m3) not before another digit: 8m25 is 8 metres 25 (a long jump), not 8 m² and 5
    return re.compile(
        rf"(?:(?<=\d)|(?<=\d万)|(?<=\d億)|(?<=\d兆)|(?<=\d乗))\s?({_longest_first(units)})(?![A-Za-z])(?!(?<=\d)\d)"
    ), units


# A unit per unit (per unit...) after a number: 10mg/mL ジューミリグラムパーミリリットル, 5μg/kg/min, 0.5mL/kg/h. Only a
# few such pairs were rows of the table (mg/dL, mL/h); the others read the slash as a pause and spelled the
# second unit (エムエル, ケージー、ミン). Time after the slash is said as a rate's: h アワー, min フン, and in kanji
# 分, 時, 日, 回 (5mL/時, 100g/日).
_PER_TIME = {
    "h": "アワー",
    "min": "フン",
    "s": "ビョー",
    "sec": "ビョー",
    "分": "フン",
    "時": "ジ",
    "時間": "ジカン",
    "日": "ニチ",
    "回": "カイ",
    "週": "シュー",
}


def _single_units(readings: dict[str, str], leave_out: tuple[str, ...] = ()) -> list[str]:
    """The table's units that are one unit (not km/h, /μL) and no floor nor temperature sign (F 階, ℃)."""
    return [u for u in readings if "/" not in u and u not in ("F", "℃", "°C", *leave_out)]


@lru_cache(maxsize=1)
def _per_unit_pattern() -> re.Pattern[str]:
    _, readings = _unit_pattern()
    single = _single_units(readings)
    units = _longest_first(single)
    per = _longest_first(set(_PER_TIME) | set(single))
    return re.compile(rf"(?<=\d)\s?({units})((?:/(?:{per}))+)(?![A-Za-z0-9])")


@lru_cache(maxsize=1)
def _what_unit_pattern() -> re.Pattern[str]:
    """何 before a unit (何km, 何cm³, 何mL: a math problem's question), which the unit rules read only after a digit."""
    _, readings = _unit_pattern()
    units = _longest_first(_single_units(readings, ("t", "pt", "pts")))
    return re.compile(rf"何\s?({units})(?![A-Za-z])")


def _what_unit(text: str) -> str:
    _, readings = _unit_pattern()
    return _what_unit_pattern().sub(lambda m: "ナン" + readings[m.group(1)], text)


def _per_unit(m: re.Match[str]) -> str:
    _, readings = _unit_pattern()
    first, *rest = m.group(2)[1:].split("/")
    if f"{m.group(1)}/{first}" in readings:  # a row of its own (km/h キロ, m/s メートル毎秒), then what follows
        if not rest:
            return m.group(0)
        head = readings[f"{m.group(1)}/{first}"]
    else:
        head, rest = readings[m.group(1)], [first, *rest]
    return head + "".join("パー" + (_PER_TIME.get(u) or readings[u]) for u in rest)


@lru_cache(maxsize=1)
def _periodless_abbreviations() -> tuple[str, ...]:
    return tuple(a for a in _abbreviation_pattern()[1] if "." not in a)


@lru_cache(maxsize=1)
def _abbreviation_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = read_table("abbreviations.tsv")
    readings = {a: r for a, _, r in rows}

    def alternatives(kind: str) -> str:
        return _longest_first(a for a, before, _ in rows if before == kind)

    pattern = (
        rf"(?<![A-Za-z])(?:(?<!\d)({alternatives('exact')})(?![\dA-Za-z])"
        rf"|({alternatives('number')})\s?(?=\d)|({alternatives('name')})\s?"
        rf"|({alternatives('english')})\s?(?=\d)(\d+(?![\d.,]\d))?)"
    )
    return re.compile(pattern), readings


def _abbreviation(m: re.Match[str], readings: dict[str, str]) -> str:
    """The reading of one abbreviation; after an "english" one (No., Vol.) its number too, when
    Japanese says that number in English: up to ten (No.2 ナンバーツー; No.12 stays ナンバージューニ,
    as numbered lists and back numbers are said)."""
    if m.group(4) is None:
        return readings[m.group(1) or m.group(2) or m.group(3)]
    number = m.group(5) or ""
    return readings[m.group(4)] + (_up_to_ten_in_english(number) or number)


def _up_to_ten_in_english(number: str) -> str | None:
    """A number after No. or # in English when it is at most ten (ワン..テン), else None."""
    return english_numeral(number) if len(number) == 1 or number == "10" else None


# A basement floor (B2F): 地下, then the floor (was ビーニエフ). Not B5 alone: a paper size.
_BASEMENT = re.compile(r"(?<![A-Za-z\d])B(\d{1,3})F(?![A-Za-z\d])")


# ° after a number with no scale letter after it is an angle or a temperature (東経135°, 38.5°): 度
# (it was dropped). °C and °F are the units table's.
_DEGREES = re.compile(r"(?<=\d)\s?°(?![CF])")
# Fahrenheit (350°F, an American recipe's oven) is 華氏 … 度; F was the floor (カイ).
_FAHRENHEIT = re.compile(r"(\d+(?:\.\d+)?)\s?°F(?![A-Za-z])")
# ... and the arcminutes after degrees with no arcseconds after them (北緯35°41', 赤緯-5°23': the ' was dropped)
_ARCMINUTES = re.compile(r"(?<=\d°)(\d{1,2})['′](?![\d'′])")
# A year with its last digits hidden by X (199X年, 20XX年, 198X年: a story's vague date) is said digit by digit with
# エックス for each X (199 was a number: ヒャクキュージューキューエックス).
_X_YEAR = re.compile(r"(?<![\dA-Za-z])(\d{1,3})([XＸx]{1,3})(?=年)")


# 20 years of age is はたち in speech (二十歳 is in the dictionary as such); written in digits
# OpenJTalk counted it, ニジュッサイ. Not 120歳, nor 20.5歳.
_HATACHI = re.compile(r"(?<![\d.,０-９一二三四五六七八九十百千])20(?:歳|才)")


# Game UIs and logs pad numbers with zeros (08月05日, 07時, 第01話): before a counter the zero is not
# said (ハチガツイツカ; it was ゼロハチガツゼロイツカ). A code or a year keeps it (0120-, 08年, 007).
_ZERO_PADDED = re.compile(r"(?<![\d.,:/\-])(0\d+)(?=[月日時分秒話回章巻位号番階人個枚本匹歳才限周戦面節幕部])")
# AM/PM after a time (3:00 PM, 10:30PM, 8am, 11:59 p.m.): 午前/午後 before it, as said in Japanese
# (was サンジピーエム, ハチアム). Before a number the abbreviations table already reads them.
# A 午前/午後 already written before the time is not said twice (午後3:00PM).
_TIME_AMPM = re.compile(r"(?<![\d:])(?:午前|午後)?(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s?([AaPp])\.?[Mm]\.?(?![A-Za-z])")
# ... and written before the time (am2:00, PM 11:30: am was read as the word アム)
_AMPM_TIME = re.compile(r"(?<![A-Za-z])([AaPp])\.?[Mm]\.?\s?(?=\d{1,2}:\d{2}(?!\d))")


def _time_ampm(m: re.Match[str]) -> str:
    h, mi, s = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if h > 12:
        return m.group(0)  # 13:00 PM is no 12-hour time: left as written
    half = "午前" if m.group(4) in "Aa" else "午後"
    return f"{half}{h}時" + (f"{mi}分" if mi else "") + (f"{s}秒" if s else "")


@lru_cache(maxsize=1)
def _alphanumeric_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names = {t: r for t, r in read_table("alphanumerics.tsv")}
    return re.compile(rf"(?<![A-Za-z0-9.])({_longest_first(names)})(?![A-Za-z0-9])"), names


# Two versions with a slash after a product's name (Windows 10/11, iOS 16/17: either one) are said one after the
# other with a pause; they were a fraction, the other way round (ジューイチブンノジュー). Only neighbouring versions (up
# to two apart; Page 3/10 is a page of ten) and not after a label in capitals (LAP 3/3).
_VERSIONS = re.compile(r"(?<=[A-Za-z] )(\d{1,2})/(\d{1,2})(?![\d/])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+) $")
# A module's hyphen between its type and its speed (DDR4-3200, PC4-25600, LPDDR5-6400) is a pause, not a range.
_MODULE_HYPHEN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,6}\d)[-‐](?=\d{3,5}(?![\d\-]))")


def _versions(m: re.Match[str]) -> str:
    word = _WORD_BEFORE.search(m.string, 0, m.start())
    named = word is not None and not word.group(1).isupper()  # a name (Windows, iOS), not a label (LAP 3/3)
    return f"{m.group(1)}、{m.group(2)}" if named and 0 < int(m.group(2)) - int(m.group(1)) <= 2 else m.group(0)


# Intel's processor names (Core i5, i7-12700K) are said in English, アイファイブ; a lone i before a digit was the
# kana イ (イゴ) and the hyphen before the model number a range (カラ).
_INTEL_CORE = re.compile(r"(?<![A-Za-z0-9])i([3579])(?:[-‐](?=\d{4,5})|(?![A-Za-z0-9]))")


def _intel_core(m: re.Match[str]) -> str:
    return "アイ" + (english_numeral(m.group(1)) or m.group(1)) + ("、" if m.group(0)[-1] in "-‐" else "")


# A match-up of team sizes (1v1, 3vs3, 5 VS 5) is said with 対, as a score is (サンタイサン; was イチブイワン,
# サンバーサススリー); the "on" form (3on3, 5on5) is English, in data/alphanumerics.tsv (スリーオンスリー).
_MATCH_UP = re.compile(r"(?<![\d.,A-Za-z])(\d{1,2})(?:[vV]|\s?(?:vs|VS|Vs)\.?\s?)(\d{1,2})(?![\d.,A-Za-z])")


# Points after a katakana word (イベントpt): ポイント, as after a number (units.tsv: 200pt, 350万pt); they were
# spelled ピーティー.
_POINTS_AFTER_WORD = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])pts?(?![A-Za-z])")


# A time of four digits before 時 (military and radio text: 1800時 集合, 0600時) is hours and minutes, ジューハチジ;
# it was read as an amount (センハッピャクジ, and 0600時 lost its zero: ロッピャクジ). Not before 間 (2000時間 is a
# duration).
_FOUR_DIGIT_TIME = re.compile(r"(?<![\d.,])([01]\d|2[0-4])([0-5]\d)時(?!間)")
# A speed after 秒速 names its unit once: 秒速11.2km/s キロメートル (the 毎秒 of km/s said it twice).
_SPEED_TWICE = re.compile(r"(?<=秒速)([\d.,]+)\s?(km|m)/s")


def _four_digit_time(m: re.Match[str]) -> str:
    h, mi = int(m.group(1)), int(m.group(2))
    return f"{h}時" + (f"{mi}分" if mi else "")


# ▲ / △ before a figure is its minus sign in Japanese business and news tables (前日比▲120円, △5億円: were
# dropped, and the figure's sign with them). A rank after ベスト / トップ / ワースト is said in English (ベスト8
# ベストエイト, トップ10 トップテン), as the words are.
_TRIANGLE_MINUS = re.compile(r"[▲△]\s?(?=[0-9０-９])")
# A shogi move (kifu notation): ▲7六歩, △3四歩, ▲3三桂成, ▲同金, 7六歩 — the file (a digit) and the rank (a kanji
# numeral) said digit by digit, then the piece by its shogi name (歩 フ, 桂 ケー, 玉 ギョク), how it moves (右 上 引
# 寄 直) and whether it promotes (成 ナル, 不成 ナラズ) or is dropped (打 ウツ); the side's mark is not said. It was a
# minus sign, the number 76 and the counter 歩 (マイナスナナジューロッポ), and 桂成 the name カツラシゲル.
_SHOGI_MOVE = re.compile(
    r"(?:[▲△☗☖▽]\s?(?:(?P<file>[1-9])(?P<rank>[一二三四五六七八九])|(?P<same>同)\s?)"
    r"|(?<![\d.])(?P<file2>[1-9])(?P<rank2>[一二三四五六七八九]))"
    r"(?P<piece>成香|成桂|成銀|歩|香|桂|銀|金|角|飛|玉|王|と|馬|竜|龍)(?P<how>[右左]?[上引寄直]?)(?P<promote>不成|成|打)?"
)
_SHOGI_SQUARE = re.compile(r"[1-9][一二三四五六七八九]|[▲△☗☖▽]")  # what every move has: its square or its side's mark
_SHOGI_PIECES = {"成香": "ナリキョー", "成桂": "ナリケー", "成銀": "ナリギン", "歩": "フ", "香": "キョー",
                 "桂": "ケー", "銀": "ギン", "金": "キン", "角": "カク", "飛": "ヒ", "玉": "ギョク", "王": "オー",
                 "と": "ト", "馬": "ウマ", "竜": "リュー", "龍": "リュー"}  # fmt: skip
_SHOGI_HOW = {"右": "ミギ", "左": "ヒダリ", "上": "アガル", "引": "ヒク", "寄": "ヨル", "直": "スグ", "不成": "ナラズ",
              "成": "ナル", "打": "ウツ"}  # fmt: skip


def _shogi_move(m: re.Match[str]) -> str:
    if m.group("same"):
        square = "ドー"
    else:
        rank = (m.group("rank") or m.group("rank2")).translate(_ASCII_DIGITS)
        square = spoken_digits((m.group("file") or m.group("file2")) + rank)
    how = "".join(_SHOGI_HOW[c] for c in m.group("how"))
    return square + _SHOGI_PIECES[m.group("piece")] + how + _SHOGI_HOW.get(m.group("promote") or "", "")


_ENGLISH_RANK = re.compile(r"(?<=ベスト|トップ)(1\d|20|[1-9])(?![\d.,])|(?<=ワースト)(1\d|20|[1-9])(?![\d.,])")


# A rate written from its decimal point (打率.312, 勝率.650: baseball and league tables) is said in 割 / 分 / 厘
# (サンワリイチブニリン); the point was a sentence break and the digits one number.
_RATE = re.compile(r"(?<=[打勝塁長]率)\s?[.．](\d)(\d)?(\d)?(?![\d])")


def _rate(m: re.Match[str]) -> str:
    parts = zip((m.group(1), m.group(2), m.group(3)), ("割", "分", "厘"), strict=True)
    return "".join(f"{d}{unit}" for d, unit in parts if d and d != "0")


# A lap time with minute and second marks (1'23.456, 3'45"12: race games) is minutes, seconds and the fraction
# read digit by digit; the marks were pauses (イチ、ニジューサン…).
_LAP_TIME = re.compile(r"(?<![\d'′])(\d{1,2})['′](\d{2})(?:[.．\"″](\d{1,3}))?(?![\d'′])")


def _lap_time(m: re.Match[str]) -> str:
    minutes, seconds, fraction = int(m.group(1)), int(m.group(2)), m.group(3) or ""
    out = (f"{minutes}分" if minutes else "") + f"{seconds}秒"
    return out + fraction.translate(_KANJI_DIGITS)


# A hexadecimal number (an error code 0x80070005, an address 0x1F, 0xFF) is said character by character, its digits
# as digits and its letters by name: 0x80070005 was ハッセンナナマンゴ and 0x1F an upper floor (イッカイ).
_HEX_NUMBER = re.compile(r"(?<![0-9A-Za-z])0[xX]([0-9A-Fa-f]+)(?![0-9A-Za-z])")
_HEX_SPOKEN = SPOKEN_DIGITS | dict(zip("ABCDEF", ("エー", "ビー", "シー", "ディー", "イー", "エフ"), strict=True))


def _hex_number(m: re.Match[str]) -> str:
    return "ゼロエックス" + "".join(_HEX_SPOKEN[c] for c in m.group(1).upper())


# A phone number with its area code in brackets (03(1234)5678, (03)1234-5678) is the hyphenated number (it was read as
# amounts, センニヒャク…, and the hyphen as a range).
_BRACKETED_PHONE = re.compile(
    r"(?<![\d(（])(?:(0\d{1,4})[(（](\d{1,4})[)）]|[(（](0\d{1,4})[)）]\s?(\d{1,4})-)(\d{3,4})(?!\d)"
)
# A weight class's kilograms are キロ (60kg級 ロクジッキロキュー, as said; the unit table's キログラム otherwise).
_WEIGHT_CLASS = re.compile(r"(?<=\d)kg(?=級)")
# A multiplier after its number (2x, 1.5x: a game's bonus) is 倍; the x was the letter (エックス).
_TRAILING_TIMES = re.compile(r"(?<=\d)x(?![A-Za-z\d])")


# An ID or a code is said digit by digit, as a phone number is (注文番号：A-12345, No.98765, 認証コード：482913, 会員ID:
# abc123, チケット B-2345): it was read as a number (イチマンニセン…). A capital and a hyphen before digits, a label
# that names a code or a number before four digits or more, or small letters run into three digits or more.
_ID_AFTER_LABEL = re.compile(
    rf"(?:(?<=コード)|(?<=番号)|(?<=ワード)|(?<=ナンバー))(\s?[:：は、]?\s?)(\d{{4,}}(?:[\-‐]\d+)*)(?![\d.,{KANJI}\-‐])"
    rf"|(?:(?<=ID)|(?<=No))(\.?[:：]?\s?)(\d{{4,}}(?:[\-‐]\d+)*)(?![\d.,{KANJI}\-‐])"
)
# OpenJTalk reads the digits after 番号 one by one (a phone number's way), also a short number's: 原子番号は11 and
# 番号11の選手 were イチイチ. One or two digits after 番号 are a number (ジューイチ); written in kanji numerals so it
# reads them as one. Longer ones keep their digits (部屋番号は302; four or more are an ID, below).
# Two hyphen-joined groups after a label that names a number (部屋番号は12-34, 品番12-34, ナンバーは46-49: a room, an
# article, a car's plate) are a code: の (they were a range, ジューニカラサンジューヨン).
_CODE_AFTER_LABEL = re.compile(
    r"(?:(?<=番号)|(?<=品番)|(?<=型番)|(?<=ナンバー))(\s?[はがも:：、]?\s?)(\d{1,4})[\-‐－](\d{1,4})(?![\d\-‐－])"
    r"|(?<=[\u3041-\u3096] )(\d{2})[\-‐－](\d{2})(?![\d\-‐－])"  # a plate's kana, a space, 12-34: 品川300 さ 12-34
)


def _code_after_label(m: re.Match[str]) -> str:
    if m.group(2) is None:
        return f"{m.group(4)}の{m.group(5)}"
    if len(m.group(2)) == 3 and len(m.group(3)) == 4:
        return m.group(0)  # a postal code (郵便番号 150-0001): _code reads it
    return f"{m.group(1)}{m.group(2)}の{m.group(3)}"


_SHORT_NUMBER_AFTER_BANGOU = re.compile(r"(?<=番号)(\s?[はがも:：、]?\s?)([1-9]\d?)(?![\d.,\-‐－番号])")
# (its groups joined by hyphens too, each said digit by digit with の between: 1234-5678
# イチニーサンヨンノゴーロクナナハチ, where the hyphen was a minus or a range)
_ID_AFTER_LETTERS = re.compile(r"(?<![A-Za-z0-9\-])([A-Z][\-‐]|[a-z]{2,})(\d{3,}(?:[\-‐]\d+)*)(?![\d.,\-‐])")


def _id_digits(m: re.Match[str]) -> str:
    if m.re is _ID_AFTER_LETTERS:
        if m.group(1)[0].islower() and m.group(2)[1:].strip("0") == "":
            return m.group(0)  # a round number after a word (basic5000, level100) is a number
        letters = m.group(1).rstrip("-‐")
        return letters + ("、" if letters.isupper() else "") + _spoken_groups(m.group(2))
    gap, digits = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
    return gap + _spoken_groups(digits)


def _spoken_groups(digits: str) -> str:
    """Hyphen-joined digit groups said digit by digit, の between the groups."""
    return "ノ".join(spoken_digits(group) for group in re.split("[-‐]", digits))


# A clothing size (3Lサイズ, 4Lサイズ) is said in English, スリーエル (it was litres, サンリットル).
_CLOTHING_SIZE = re.compile(r"(?<![\d.])([2-9])L(?=サイズ)|(?<=サイズ)([:：]?\s?)([2-9])L(?![A-Za-z])")  # or サイズ3L
# An RPG's money after a number in a line about buying, selling or holding it (やくそう 8G, 所持金：12,345G,
# 1,000Gで売れる) is ゴールド; it was the letter (ハチジー). Elsewhere a G stays what the tables make it
# (5G ファイブジー).
_GOLD = re.compile(r"(?<=\d)G(?![A-Za-z])")
_SHOP_WORDS = re.compile(r"所持金|資金|ゴールド|売|買|合計|残り|ショップ|お金|代金|購入|値段|やくそう|薬草|報酬")
# Two numbers side by side with only a space between them are two amounts (ダイヤ×1,000 980円): a pause; they ran
# into one number (センキューヒャク…).
# A shop's P after a number or before a multiplier is points (1P還元, 100P付与, P10倍, 1p=1円): ポイント, as pt is
# (said once after the word: ポイントP10倍); it was the letter with an English number (ワンピー, ピージューバイ).
_POINTS = re.compile(
    r"(?<=\d)[Pp](?=還元|付与|獲得|進呈|プレゼント|ゲット|GET|もらえ|貯ま|たま|[=＝])|(?<![A-Za-z])P(?=\d+倍)"
)
# Only after an amount written with its thousands comma: a phone number spaced in groups (486 2435) is one number said
# digit by digit, and a date, a time or a name (12/7 10:00, x86 64) is not two amounts.
_SPACED_NUMBERS = re.compile(r"(?<![A-Za-z0-9/:._,])(\d{1,3}(?:,\d{3})+)[ \u3000]+(?=\d+(?![\d:/.]))")


# A counter written in hiragana after a number (children's books and kana games: りんごが 1こ, 6ぽん, 1かい, 4にん, 4じ,
# 4がつ) is the counter's kanji to the number rules, which say its sound changes and the special readings (イッコ,
# ロッポン, ヨニン, ヨジ, シガツ; were イチコ, ロクポン, ヨンニン). Only before a particle, a mark or the line's end.
_KANA_COUNTERS = {
    "こ": "個", "ほん": "本", "ぼん": "本", "ぽん": "本", "かい": "回", "ふん": "分", "ぷん": "分", "さつ": "冊",
    "はい": "杯", "ぱい": "杯", "ばい": "倍", "さい": "歳", "にん": "人", "じ": "時", "がつ": "月", "ねん": "年",
    "まい": "枚", "だい": "台", "とう": "頭", "ちゃく": "着",
    # (and those a picture book or a kana RPG writes: 1そく イッソク, 1けん, 1しゅうかん, 3びき; were イチソク…)
    "そく": "足", "けん": "軒", "しゅうかん": "週間", "かげつ": "か月", "はつ": "発", "ぱつ": "発", "ひき": "匹",
    "びき": "匹", "ぴき": "匹", "つう": "通", "ばん": "番",
}  # fmt: skip
_KANA_COUNTER = re.compile(
    r"(?<=[0-9０-９])(" + "|".join(sorted(_KANA_COUNTERS, key=len, reverse=True)) + r")"
    r"(?=$|[^ぁ-ゖ]|(?:が|を|に|で|の|は|も|と|や|へ|ずつ|め|まえ|ご|かん|です|だ|まで|から|しか|だけ|ね|よ)(?:[^ぁ-ゖ]|$|[ぁ-ゖ]))"
)


# A sentence's term counts months with 月 (懲役3年6月, 禁錮6月: legal style): か月, not the calendar's June.
_SENTENCE_MONTHS = re.compile(r"(?<=懲役|禁錮|禁固)(\d+年)?(\d+)月")
_SENTENCE_MONTHS_KANJI = re.compile(
    r"(?<=懲役|禁錮|禁固)([一二三四五六七八九十]+年)?([一二三四五六七八九十]+)月"
)  # 懲役六月


# Cream whipped to a tenth of stiffness: 8分立て ハチブダテ (a recipe's 分 is a tenth, 八分目's ブ), not minutes.
_WHIPPED = re.compile(r"(?<![\d.])([5-9])分(?:立て|だて)")
_WHIPPED_TENTHS = {"5": "ゴブ", "6": "ロクブ", "7": "シチブ", "8": "ハチブ", "9": "クブ"}


# An = (＝ before NFKC) between katakana joins the parts of a foreign name (ジャン＝リュック, ジャン=ポール: the French
# double-barrelled names translation writes so), a ・ to say: it was イコール.
# Net slang うp (upload: うp主 ウプヌシ, うpした) writes its ぷ as a Latin p (it was the letter ピー).
_UP_SLANG = re.compile(r"(?<=う)[pｐ](?![A-Za-zａ-ｚ])")
_NAME_EQUALS = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])\s?[=＝]\s?(?=[\u30a1-\u30fa])")


def _normalize_numbers_all(text: str) -> str:
    text = _KANA_COUNTER.sub(lambda m: _KANA_COUNTERS[m.group(1)], text)
    if "d" in text or "D" in text:  # before fractions: 1d6/1d20 is two rolls
        text = _DICE.sub(r"\1ディー\2", text)
        if "/" in text:
            text = _DICE_OR.sub("、", text)
    if "分立て" in text or "分だて" in text:
        text = _WHIPPED.sub(lambda m: _WHIPPED_TENTHS[m.group(1)] + "ダテ", text)
    if "月" in text:
        text = _SENTENCE_MONTHS.sub(r"\1\2か月", text)
    if "P" in text or "p" in text:
        text = _POINTS.sub(lambda m: "" if m.string.endswith("ポイント", 0, m.start()) else "ポイント", text)
    if "0x" in text or "0X" in text:
        text = _HEX_NUMBER.sub(_hex_number, text)
    if "L" in text:
        text = _CLOTHING_SIZE.sub(
            lambda m: (m.group(2) or "") + (english_numeral(m.group(1) or m.group(3)) or "") + "エル", text
        )
    if "G" in text and _SHOP_WORDS.search(text) is not None:
        text = _GOLD.sub("ゴールド", text)
    if "(" in text or "（" in text:
        text = _BRACKETED_PHONE.sub(
            lambda m: f"{m.group(1) or m.group(3)}-{m.group(2) or m.group(4)}-{m.group(5)}", text
        )
    if "kg" in text:
        text = _WEIGHT_CLASS.sub("キロ", text)
    if "x" in text:
        text = _TRAILING_TIMES.sub("倍", text)
    text = _ID_AFTER_LETTERS.sub(_id_digits, _ID_AFTER_LABEL.sub(_id_digits, text))
    if "-" in text or "‐" in text or "－" in text:
        text = _CODE_AFTER_LABEL.sub(_code_after_label, text)
    if "番号" in text:
        text = _SHORT_NUMBER_AFTER_BANGOU.sub(lambda m: m.group(1) + _kanji_numeral(int(m.group(2))), text)
    if "率" in text:
        text = _RATE.sub(_rate, text)
    if "'" in text or "′" in text:
        text = _LAP_TIME.sub(_lap_time, text)
    text = _DIGIT_DASH.sub(_digit_dash, text)
    if "ー" in text or "−" in text or "―" in text or "‐" in text:
        text = _DIGIT_DASH_LETTER.sub("-", text)
    if "," in text and (" " in text or "\u3000" in text):
        text = _SPACED_NUMBERS.sub(r"\1、", text)
    text = _NUM_COMMA.sub("", text)
    if "、" in text:
        text = _NUM_IDEOGRAPHIC_COMMA.sub(_join_thousands, text)
    if _SHOGI_SQUARE.search(text) is not None:
        text = _SHOGI_MOVE.sub(_shogi_move, text)
    if "▲" in text or "△" in text:
        text = _TRIANGLE_MINUS.sub("マイナス", text)
    if "ベスト" in text or "トップ" in text or "ワースト" in text:
        text = _ENGLISH_RANK.sub(lambda m: english_numeral(m.group(1) or m.group(2)) or m.group(0), text)
    if "i" in text:
        text = _INTEL_CORE.sub(_intel_core, text)
    if "/" in text:
        text = _VERSIONS.sub(_versions, text)
    if "-" in text or "‐" in text:
        text = _MODULE_HYPHEN.sub(r"\1、", text)
    names, name_readings = _alphanumeric_pattern()
    text = names.sub(lambda m: name_readings[m.group(1)], text)  # 3D スリーディー, 1UP ワンナップ
    if "v" in text or "V" in text:
        text = _MATCH_UP.sub(r"\1対\2", text)
    if "時" in text:
        text = _FOUR_DIGIT_TIME.sub(_four_digit_time, text)
    if "0" in text:
        text = _ZERO_PADDED.sub(lambda m: str(int(m.group(1))), text)
    if "m" in text or "M" in text:
        text = _TIME_AMPM.sub(_time_ampm, text)
        text = _AMPM_TIME.sub(lambda m: "午前" if m.group(1) in "Aa" else "午後", text)
    if "20" in text:
        text = _HATACHI.sub("二十歳", text)
    if "B" in text:
        text = _BASEMENT.sub(r"地下\1階", text)
    if "°" in text:
        text = _FAHRENHEIT.sub(r"華氏\1度", text)
        text = _ARCMINUTES.sub(r"\1分", text)
        text = _DEGREES.sub("度", text)
    if "X" in text or "x" in text or "Ｘ" in text:
        text = _X_YEAR.sub(lambda m: spoken_digits(m.group(1)) + "エックス" * len(m.group(2)), text)
    if "速" in text:
        text = _SPEED_TWICE.sub(r"\1\2", text)
    if "-" in text or "‐" in text:
        text = _MODEL_LETTER.sub(lambda m: m.group(1) + letter_names()[m.group(2).lower()], text)
    units, unit_readings = _unit_pattern()
    if "何" in text:
        text = _what_unit(text)
    if "/" in text:
        text = _per_unit_pattern().sub(_per_unit, text)
    text = units.sub(lambda m: unit_readings[m.group(1)], text)
    if "pt" in text:
        text = _POINTS_AFTER_WORD.sub("ポイント", text)
    # (the amount's 兆 / 億 / 万 before the currency: ＄1.5兆 イッテンゴチョードル, was ドルチョー)
    text = _MONEY_PREFIX.sub(lambda m: m.group(2).removesuffix(".00") + m.group(3) + _MONEY_UNIT[m.group(1)], text)
    if "€" in text or "£" in text:
        text = _MONEY_SUFFIX.sub(lambda m: m.group(1).removesuffix(".00") + _MONEY_UNIT[m.group(2)], text)
    text = _DATE_YMD.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", text)
    text = _DATE_MD.sub(lambda m: f"{int(m.group(1))}月{int(m.group(2))}日", text)
    if "/" in text:
        text = _DATE_PERIOD.sub(
            lambda m: f"{int(m.group(1))}月{int(m.group(2))}日{m.group(3)}{int(m.group(4))}月{int(m.group(5))}日", text
        )
        text = _DATE_MD_LATE.sub(_late_date, text)
        text = _DATE_MD_EARLY.sub(_early_date, text)

    def time(m: re.Match[str]) -> str:
        h, mi, s = int(m.group(1) or m.group(4)), int(m.group(2) or m.group(5)), m.group(3)
        out = f"{h}時" + (f"{mi}分" if mi else "")
        return out + (f"{int(s)}秒" if s and int(s) else "")

    if "日" in text:
        text = _DATE_WEEKDAY.sub(_weekday, text)
    if "アウト" in text or "ボール" in text or "ストライク" in text:
        text = _BASEBALL_COUNT.sub(lambda m: _BASEBALL_NUMBERS[m.group(1)], text)
    if "I" in text or "Ｉ" in text:
        text = _IDENTIFIER.sub(lambda m: m.group(1) + "、" + m.group(2).translate(_KANJI_DIGITS), text)
    if ":" in text:
        text = _STOPWATCH.sub(_stopwatch, text)
        text = _DURATION.sub(lambda m: m.group(1) + _minutes_seconds(m.group(2), m.group(3)), text)
        text = _PLAY_TIME.sub(_play_time, text)
    text = _TIME.sub(time, text)
    if "秒" in text:
        text = _SECONDS_FRACTION.sub(lambda m: m.group(1).translate(_KANJI_DIGITS), text)
    if ":" in text:
        text = _COLON_RATIO.sub(r"\1対\2", text)
    if "." in text:
        text = _DOTTED_NUMBER.sub(_dotted, text)
    if "-" in text or "－" in text or "–" in text:
        text = _STAGE_NUMBER.sub(r"\1\2の\3", text)
        text = _MODEL_NUMBER.sub(lambda m: m.group(1) + re.sub("[-‐]", "の", m.group(2)), text)
        text = _SCORE.sub(_score, text)
        text = _SPACED_SCORE.sub(r"\1対\2", text)
        if "連" in text or "ワイド" in text or "単" in text or "レン" in text or "タン" in text:
            text = _BET.sub(_bet, text)
        text = _FORMATION.sub(lambda m: "".join(SPOKEN_DIGITS[d] for d in m.groups() if d), text)
        if _MATCH_WORDS.search(text) is not None:
            text = _MATCH_SCORE.sub(r"\1対\2", text)
    if "=" in text or "＝" in text:
        text = _EQUATION_MINUS.sub("マイナス", text)
    text = _CODE.sub(_code, text)
    if "^" in text:
        text = _CARET_POWER.sub(r"の\1乗", text)
    if "/" in text and ("血圧" in text or "エイチジー" in text):
        text = _BLOOD_PRESSURE.sub(_blood_pressure, text)
    if "期" in text or "FY" in text:
        text = _FISCAL_PERIOD.sub(
            lambda m: f"{m.group(1)}年{int(m.group(2))}月" if m.group(1) else f"{m.group(3)}年{int(m.group(4))}月", text
        )
    text = _FRACTION.sub(lambda m: f"{m.group(2)}分の{m.group(1)}", text)
    if "日" in text:
        text = _DAY_RANGE.sub(r"\1日から\2日", text)
    text = _RANGE.sub("から", text)
    text = _NEGATIVE.sub("マイナス", text)
    if "-" in text or "−" in text:
        text = _KANJI_THEN_MINUS.sub(_kanji_then_minus, text)
        text = _STAT_MINUS.sub(r"\1マイナス", text)
    text = _PLUS_NUM.sub("プラス", text)
    text = _STAR_RATING.sub("星", text)
    text = _TIMES_X.sub("×", text)
    if "*" in text:
        text = _TIMES_STAR.sub("×", text)
    if "st" in text or "nd" in text or "rd" in text or "th" in text:
        text = _ORDINAL.sub(_ordinal, text)
    return text


def _weekday(m: re.Match[str]) -> str:
    holiday = {"祝": "・祝日", "休": "・休日"}.get(m.group(3) or "", "")
    return f"{m.group(1)}{m.group(2)}曜日{holiday}{m.group(4)}"


def _has_periodless_abbreviation(text: str) -> bool:
    return any(a in text for a in _periodless_abbreviations())


# Web and mail addresses, read the way Japanese reads them aloud: the scheme and www. left out, ドット,
# スラッシュ, アット between the parts (info@example.jp インフォアットエグザンプルドットジェーピー);
# the parts are then read as any Latin word. Without this the dots became sentence ends
# (エグザンプル、ジェーピー) and https エイチティーティーピーエス. A query or fragment is not read. (www. as
# ダブリュー thrice made a katakana run MeCab cut into ダブ|リューダ|ブリュー, with pauses between.)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_URL = re.compile(r"(?:https?://|(?<![A-Za-z0-9.])www\.)[A-Za-z0-9\-._~/%:@]+(?:[?#][\x21-\x7e]*)?")
_ADDRESS_MARKS = str.maketrans({".": "ドット", "/": "スラッシュ", "@": "アット", "-": "ハイフン", "_": "アンダーバー"})


# A domain written bare (example.co.jp, tsukasa-app.com: a shop's or a support line's address) is an address too:
# its dots were pauses (エグザンプル、コー、ジェーピー).
_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9.@/\-])[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*"
    r"\.(?:com|net|org|info|io|dev|app|jp)(?![A-Za-z0-9.\-])"
)
# Japanese second-level domains are said letter by letter (co.jp シーオードットジェーピー; co was read コー).
_SECOND_LEVEL = {
    "co": "シーオー", "ne": "エヌイー", "or": "オーアール", "ac": "エーシー", "go": "ジーオー", "ed": "イーディー"
}  # fmt: skip
_SECOND_LEVEL_JP = re.compile(r"(?<=\.)(co|ne|or|ac|go|ed)(?=\.jp$)")


def read_addresses(text: str) -> str:
    if "@" not in text and "://" not in text and "www." not in text:
        if "." not in text:
            return text
        return _DOMAIN.sub(_address, text)
    return _EMAIL.sub(_address, _URL.sub(_address, text))


def _address(m: re.Match[str]) -> str:
    address = _SCHEME_OR_QUERY.sub("", m.group(0)).rstrip("/.:")
    host, slash, path = address.partition("/")
    host = _SECOND_LEVEL_JP.sub(lambda s: _SECOND_LEVEL[s.group(1)], host)
    return (host + slash + path).translate(_ADDRESS_MARKS)


_SCHEME_OR_QUERY = re.compile(r"^https?://(?:www\.)?|^www\.|[?#].*")


# Capital letters each with its period (K.O., U.S.A., D.C.) are one acronym, read as the capitals
# written together are (ケーオー): each period was a sentence break (ケー、オー).
_DOTTED_ACRONYM = re.compile(r"(?<![A-Za-z.])(?:[A-Z]\.){2,}(?![A-Za-z])")


# PM2.5 / PM10 of air quality are particulate matter, ピーエム, not the PM of a time before a number (午後).
_PARTICULATE = re.compile(r"(?<![A-Za-z])PM(?=2\.5|10(?![\d:]))")


# Two neighbouring kanji digits before a counter are an approximate number, each digit said (二三日 ニサンニチ,
# 四五人 シゴニン, 五六本 ゴロッポン, 七八割 シチハチワリ: "two or three days"); OpenJTalk joined them into one
# number (ニジューサンニチ), and katakana digits beside kanji ones it joins too, so the whole is written in katakana:
# the first digit as said in such pairs, then the second with its counter as the dictionary reads them (日 as
# ニチ: 三四日 サンヨッカ). Not inside a longer number (一九六七年, 二〇二三) and not before another numeral.
_NUMERALS = "〇一二三四五六七八九十百千万億兆"
_APPROXIMATE = re.compile(
    rf"(?<![{_NUMERALS}])(一二|二三|三四|四五|五六|六七|七八|八九)(?![{_NUMERALS}])([{KANJI}]{{1,3}})"
)
_APPROXIMATE_FIRST = {
    "一": "イチ",
    "二": "ニ",
    "三": "サン",
    "四": "シ",
    "五": "ゴ",
    "六": "ロク",
    "七": "シチ",
    "八": "ハチ",
}
_APPROXIMATE_DAYS = {"二": "ニニチ", "三": "サンニチ", "四": "ヨッカ", "五": "ゴニチ", "六": "ロクニチ",
                     "七": "シチニチ", "八": "ハチニチ", "九": "クニチ"}  # fmt: skip


def _approximate(m: re.Match[str]) -> str:
    pair, after = m.group(1), m.group(2)
    first, second = pair
    if after.startswith("日"):
        return _APPROXIMATE_FIRST[first] + _APPROXIMATE_DAYS[second] + after[1:]
    said = _APPROXIMATE_FIRST[first] + _dictionary_reading(second + after)
    if _dictionary_reading(said) == said:
        return said
    # read back as one number (シチハチワリ was シチジューハチ): the two digits in katakana, the counter as written
    return _APPROXIMATE_FIRST[first] + _APPROXIMATE_FIRST.get(second, "ク") + after


def read_approximate_numbers(text: str) -> str:
    """二三日 ニサンニチ, 四五人 シゴニン: see :data:`_APPROXIMATE`."""
    return _APPROXIMATE.sub(_approximate, text) if _APPROXIMATE.search(text) is not None else text


def expand_abbreviations(text: str) -> str:
    """Lv.99 → レベル99, No.1 → ナンバー1, Mr. スミス → ミスタースミス (data/abbreviations.tsv)."""
    if "PM" in text:
        text = _PARTICULATE.sub("ピーエム", text)
    pattern, readings = _abbreviation_pattern()
    if "." not in text and not _has_periodless_abbreviation(text):
        return text  # every row has a period but these
    text = pattern.sub(lambda m: _abbreviation(m, readings), text)
    return _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text) if "." in text else text


# × away from numbers is the cross mark, not times: a censored word (××はダメ), a wrong answer
# (×印), a quiz (〇×クイズ, with its circle). OpenJTalk reads every × as カケル (カケルカケルワダメ).
# In hiragana: ばつ印 is one word to MeCab (バツジルシ), バツ印 is バツ + イン.
_CROSS_MARK = re.compile(r"(?<![\d\s])\s*×(?!\s*\d)")
# Between two words it joins a pairing (a collaboration or crossover title: アイドル×ファッション, KAWAII×COOL,
# 新人×ベテラン), said かける, as × between numbers is; it was read バツ. Not a mark: ×印, ×ボタン, 〇×.
_PAIRING_CROSS = re.compile(
    rf"(?:(?<=[A-Za-z{KATA}{KANJI}])|(?<=[{HIRA}]{{2}}))\s?×\s?(?=[A-Za-z{KATA}{KANJI}])(?!印|ボタン|キー)"
)  # (after a word in hiragana too: ときめき×ドリーマー)
_CIRCLE_BY_CROSS = re.compile(r"[〇○](?=×)|(?<=×)[〇○]")
# A game's multiplier written with both × and 倍 (ダメージ×２倍, 経験値×1.5倍) says 倍 once: the × is
# silent (was カケルニバイ). Not after a number (3×4 is still サンカケルヨン).
_TIMES_BEFORE_BAI = re.compile(r"(?<![0-9０-９])\s*×\s*(?=[0-9０-９][0-9０-９.．]*\s*倍)")
# Controller buttons are named by their shapes (○ボタンで決定, △ボタンでメニュー, □キー: game tutorials);
# the shapes are silent decoration elsewhere (symbols.tsv), so the button's name was lost (ボタンデ…).
_BUTTON_SHAPES = re.compile(r"[〇○◯△□]+(?=\s?(?:ボタン|ﾎﾞﾀﾝ|(?:キー|ｷｰ)(?![ァ-ヶｦ-ﾟ])))")  # not キーボード
_SHAPE_NAMES = {"〇": "まる", "○": "まる", "◯": "まる", "△": "さんかく", "□": "しかく"}
# So are the minus button and the arrow keys (−ボタンでマップ, ↑キーで移動: the minus was a silent dash, the
# arrow dropped), and a run of arrows is a command to enter (↑↑↓↓←→←→BA): each said, うえ, した, ひだり, みぎ.
# A single arrow elsewhere points (配信URL→…) and stays a pause.
_MINUS_BUTTON = re.compile(r"(?<![A-Za-z0-9])[-−－‐](?=\s?(?:ボタン|キー(?![ァ-ヶ])))")
_ARROW_KEYS = re.compile(r"[↑↓←→]+(?=\s?(?:ボタン|キー(?![ァ-ヶ])))|[↑↓←→]{2,}")
_ARROW_NAMES = {"↑": "うえ", "↓": "した", "←": "ひだり", "→": "みぎ"}
# A hyphen with no letter on either side and no digit after it (「-」, ……－」, a line that is only -,
# hello - world, 3-」), or one that opens a Latin word (-Oyasumi, a bullet), is a dash too: it had no
# reading and stopped the line.
# A dash drawn inside a sound effect or a shout is its long vowel (ドカ――ン, ズド━━ン, うわ――っ, キタ━━━！): ー,
# not the pause a dash between words is (それは――違う). Inside: kana before it and ン / ッ / っ after it, closing the
# word; or a doubled dash with katakana on both sides or after katakana at a word's end (a single one between
# katakana words, ワン―ツー, stays a pause).
_DASH_AS_LONG_MARK = re.compile(
    r"(?<=[\u3041-\u3096\u30a1-\u30fa])[―━─—－〰]+(?=[ンッっん](?:$|[！!？?…」』）)\s、。と]))"
    r"|(?<=[\u30a1-\u30fa])[―━─—－〰]{2,}(?=[\u30a1-\u30fa]|[！!？?…」』）]|$)"
)
_JAPANESE_DASH = re.compile(
    rf"(?<=[{KANA}{KANJI}])[-−‐]+(?![0-9])|(?<![A-Za-z0-9])[-−‐]+(?=[{KANA}{KANJI}])"
    r"|(?<![A-Za-z])[-−‐]+(?![A-Za-z0-9])|(?<![A-Za-z0-9])[-−‐]+(?=[A-Za-z])"
)
# (and with = after the sign, 1d100<=50, CCB<=70, HP>=100: ショーナリイコール as players say; the < was dropped)
_COMPARISON = re.compile(r"(?<=[0-9A-Za-z])\s*([<>]=?)\s*(?=[0-9A-Za-z])")
_COMPARISON_WORDS = {"<": "小なり", ">": "大なり", "<=": "小なりイコール", ">=": "大なりイコール"}
_NUMBER_LETTER_HYPHEN = re.compile(r"(?<=[0-9])[-‐](?=([A-Za-z])(?![A-Za-z])|[A-Za-z]{2})")


# A circle used as a word is said マル: a quiz answer or mark (○か×か, 答えは○, ○をつける, 〇！) and
# the 伏せ字 of a withheld name (○○さん, ○○くん; OpenJTalk read 〇〇 so, and ○○ was silent).
# A circle stays what it was (silent decoration, or 〇 the numeral zero) as a rule drawn with
# four or more, as a bullet opening the line before a word (○持ち物), and 〇 next to a digit or a
# kanji (二〇〇〇年, 〇点).
_CIRCLE_RUN = re.compile(r"[〇○◯]+")
_BULLET_BEFORE = re.compile(r"^[\s「『]*$")
# (a 〇 after a kanji is the zero of a number only after a numeral: 二〇〇〇年; after a word it is a mark, 空席〇 マル)
_NUMERAL_BEFORE_CIRCLE = re.compile("[0-9〇一二三四五六七八九十百千万億兆]")
# ... and before a kanji only before a counter (〇点, 午前〇時); before a word it is a mark (〇空席あり, was no reading)
_NUMERAL_AFTER_CIRCLE = re.compile("[0-9〇一二三四五六七八九十百千万億兆点時年月日分秒回人個本枚円度位号番割]")
_CIRCLE_WORD_AFTER = re.compile(rf"[{HIRA}、。！？!?」』）)…‥ー〜～]|$")


def _circle(m: re.Match[str]) -> str:
    run, text = m.group(0), m.string
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if len(run) > 3:
        return run
    if "〇" in run and (_NUMERAL_BEFORE_CIRCLE.match(before) or _NUMERAL_AFTER_CIRCLE.match(after)):
        return run
    if len(run) == 1 and _BULLET_BEFORE.match(text[: m.start()]) and _CIRCLE_WORD_AFTER.match(after) is None:
        return "○"  # a bullet, silent (the kanji zero 〇 alone had no reading and stopped the line: 〇 空席あり)
    return "マル" * len(run)  # katakana: 答えはまる was analysed 答え + はまる (嵌まる), は read ハ


# A company's legal form abbreviated in brackets (NFKC makes ㈱ (株)): テクノ(株) is read テクノ
# カブシキガイシャ, not カブ between two pauses.
_LEGAL_FORM = re.compile(r"[(（]([株有財社])[)）]")
_LEGAL_FORM_NAMES = {"株": "株式会社", "有": "有限会社", "財": "財団法人", "社": "社団法人"}


# Marks standing in for a number before a counter (a diary's 〇月×日, a report's ××年△月, a withheld 〇時×分ごろ,
# □□号室) are said as the marks' names with the counter read as after a number: マルガツバツニチ. 〇 was the
# numeral zero (レーツキ), × times (カケルヒ), ○ △ □ silent (ツキマルビ, and 〇月〇日 stopped the line). 〇 is the
# kanji zero too: before 月 or 日 (there is no month or day 0) it is a mark, before 年 or 時 only when a marked
# month or minute follows (〇年〇月, 〇時×分), and elsewhere (午前〇時, 二〇〇〇年) it stays a number. A run of two
# or three △, □ or × before a word withholds a name (△△村, □□病院, ××県), as ○○ does (_circle): サンカクサンカク.
_PLACEHOLDER_NAMES = {"〇": "マル", "○": "マル", "◯": "マル", "×": "バツ", "△": "サンカク", "□": "シカク"}
_PLACEHOLDER_COUNTERS = {
    "月": "ガツ",
    "日": "ニチ",
    "年": "ネン",
    "時": "ジ",
    "分": "フン",
    "秒": "ビョー",
    "号室": "ゴーシツ",
}
_NUMERAL_BEFORE = "0-9０-９一二三四五六七八九十百千〇"
_PLACEHOLDER_COUNT = re.compile(
    rf"(?<![{_NUMERAL_BEFORE}])(?:[○◯×△□]+(?P<any>号室|[月日年時分秒])|〇+(?P<date>[月日])"
    r"|〇+(?P<year>年|時)(?=[〇○◯×△□]+[月分]))"
)
_WITHHELD_NAME = re.compile(rf"(?<![{_NUMERAL_BEFORE}×△□])([△□×])\1{{1,2}}(?=[{KANJI}{HIRA}{KATA}])(?!ボタン|キー|印)")


def _placeholder_count(m: re.Match[str]) -> str:
    counter = m.group("any") or m.group("date") or m.group("year")
    marks = m.group(0)[: -len(counter)]
    return "".join(_PLACEHOLDER_NAMES[c] for c in marks) + _PLACEHOLDER_COUNTERS[counter]


# A pair of wave dashes around a subtitle or heading (証言開始 ～事件当夜の出来事～, 〜第1章〜) is decoration,
# as brackets are: a pause before the subtitle, nothing after it. The first was read から and the last drew the
# word out (ー).
_WAVE_PAIR = re.compile(
    r"(?:^|(?<=[\s　、。」』]))[〜～~](?=[^\d\s〜～~ー])([^〜～~]{1,30}?)(?<![\d\s])[〜～~]+(?=$|[\s　、。！？!?「『])"
)


def _wave_pair(m: re.Match[str]) -> str:
    return "、" + m.group(1) + ("" if m.end() == len(m.string) else "、")


# An event named by its date in kanji digits with a 中黒 (五・一五事件, 二・二六事件, 三・一独立運動, 八・一五) is said
# as the digits, one after another (ゴーイチゴー, ニーニーロク): the 中黒 had made a list of it, a pause and a short
# digit (ゴ、イチゴー). Only before the words such names end in.
_INCIDENT_DATE = re.compile(
    r"(?<![〇一二三四五六七八九十])([一二三四五六七八九])・([一二三四五六七八九〇]{1,2})(?![〇一二三四五六七八九十])"
    r"(?=事件|事変|独立|運動|宣言|闘争|テロ|クーデター|の記憶|記念)"
)


def _incident_date(m: re.Match[str]) -> str:
    return spoken_digits(m.group(1) + m.group(2))


# The keys of a phone menu (#を押してください, ＊印, *キー, *と#): シャープ and 米印 / コメジルシ. The signs were silent
# and the sentence lost its object (ヲオシテクダサイ).
_PHONE_KEY = re.compile(r"[#＃*＊※](?=\s?(?:を押|キー|ボタン|印|と[#＃*＊]))|(?<=[*＊]と)[#＃]")  # ※ too: a phone's ＊


def _phone_key(m: re.Match[str]) -> str:
    if m.group(0) in "#＃":
        return "シャープ"
    return "米" if m.string.startswith("印", m.end()) else "コメジルシ"


# W before a katakana word or a few kanji ones is "double" (Wアンコール, Wチーズバーガー, W主演: were ダブリュー),
# except Wカップ, the World Cup as W杯 is, and the keyboard's Wキー.
_DOUBLE_W = re.compile(r"(?<![A-Za-z])[WＷ](?=(?!カップ|キー|ボタン)[ァ-ヺ][ァ-ヺー]|主演|受賞|優勝|ヒロイン)")


# A subtitle between wave dashes closes a title (ライブ〜春の陣〜, 全国ツアー2024〜夏〜): a break before it, not the
# long vowel a 〜 after kana is (ライブー…ジンー) nor a range (ニセンニジューヨンカラナツ). Its words hold a kanji, a
# Latin letter or two katakana, and the second 〜 ends the line or a clause (すご〜い, やだ〜もう〜 stay stretches).
_WAVE_SUBTITLE = re.compile(
    rf"[〜～](?=[^〜～、。！？!?\s]*(?:[{KANJI}A-Za-z]|[ァ-ヺ]{{2}}))([^〜～、。！？!?\s]{{1,30}})[〜～]"
    r"(?=$|[\s、。！？!?」』）)])"
)


# A setting's or an item's level written alone after a colon or in brackets (描画距離：中, 回復薬（中）,
# 難易度：低, じゃがいも3個（中）): チュー, テー, コー, as 大 ダイ and 小 ショー already were (were ナカ, ヒク).
_LEVEL_WORD = re.compile(r"[（(]\s*([中低高])\s*[）)]|(?<=[：:])\s*([中低高])(?=$|[、。\s])")
_LEVEL_READINGS = {"中": "チュー", "低": "テー", "高": "コー"}
# An arrow between two amounts before a change's に / へ is "from ... to" (攻撃力を10%→15%に変更, 5→6へ): から;
# elsewhere it stays the step a reader pauses at (symbols.tsv).
_ARROW_CHANGE = re.compile(r"(?<=[\d%％])\s*→\s*(?=[\d.,]+[%％]?[^\s、。]{0,4}?[にへ])")
# ... and in a patch note between two amounts with a unit (20m→25m, 12秒→10秒, 10%→15%): から, it was silent.
_ARROW_AMOUNTS = re.compile(r"(?<=[\d%％秒分\u30a1-\u30fa\u30fc])\s*→\s*(?=\d)")  # (a unit read in katakana by now)


# A lyric's repeat mark at the end of its line ((×2), （x3）: sing it twice, three times) is no word of the song
# (was カケルニ, エックススリー).
_REPEAT_MARK = re.compile(r"\s*[(（]\s*[×xX✕]\s*[0-9０-９]+\s*[)）]\s*$")


# A triangle before its three vertices is the triangle (△ABC≡△DEF サンカクケー…): it was silent decoration.
_TRIANGLE_NAMED = re.compile(r"[△▵](?=[A-Z]{3}(?![A-Za-z]))")


def normalize_symbols(text: str) -> str:
    if "うp" in text or "うｐ" in text:
        text = _UP_SLANG.sub("ぷ", text)
    if "=" in text or "＝" in text:
        text = _NAME_EQUALS.sub("・", text)
    if ")" in text or "）" in text:
        text = _REPEAT_MARK.sub("", text)
    if "△" in text or "▵" in text:
        text = _TRIANGLE_NAMED.sub("三角形", text)
    if "：" in text or ":" in text or "（" in text or "(" in text:
        # (in brackets the word goes without them: （チュー） would be taken for the ruby of the word before)
        text = _LEVEL_WORD.sub(
            lambda m: "、" + _LEVEL_READINGS[m.group(1)] if m.group(1) else _LEVEL_READINGS[m.group(2)], text
        )
    if "→" in text:
        text = _ARROW_AMOUNTS.sub("から", _ARROW_CHANGE.sub("から", text))
    if ("〜" in text or "～" in text) and (m := _WAVE_SUBTITLE.search(text)) is not None and m.start():
        text = _WAVE_SUBTITLE.sub(lambda m: "、" + m.group(1) if m.start() else m.group(0), text)
    if "W" in text or "Ｗ" in text:
        text = _DOUBLE_W.sub("ダブル", text)
    if "#" in text or "＃" in text or "*" in text or "＊" in text or "※" in text:
        text = _PHONE_KEY.sub(_phone_key, text)
    if "―" in text or "━" in text or "─" in text or "—" in text or "－" in text or "〰" in text:
        text = _DASH_AS_LONG_MARK.sub("ー", text)
    if "Rh" in text:
        text = _RH_SIGN.sub("マイナス", text)
    if "-" in text or "−" in text or "－" in text:
        text = _GRADE_MINUS.sub(r"\1マイナス", text)
    if ")" in text or "）" in text:
        text = _LEGAL_FORM.sub(lambda m: _LEGAL_FORM_NAMES[m.group(1)], text)
        text = _BRACKETED_SIGN.sub(lambda m: _SIGN_NAMES[m.group(1)], text)
    if "〇" in text or "○" in text or "◯" in text or "×" in text or "△" in text or "□" in text:
        text = _PLACEHOLDER_COUNT.sub(_placeholder_count, text)
        text = _WITHHELD_NAME.sub(lambda m: _PLACEHOLDER_NAMES[m.group(1)] * (m.end() - m.start()), text)
    if "×" in text:
        text = _TIMES_BEFORE_BAI.sub("", text)
        text = _CROSS_MARK.sub("ばつ", _CIRCLE_BY_CROSS.sub("まる", _PAIRING_CROSS.sub("かける", text)))
    if "〇" in text or "○" in text or "◯" in text:
        text = _CIRCLE_RUN.sub(_circle, text)
    if "ボタン" in text or "キー" in text or "ﾎﾞﾀﾝ" in text or "ｷｰ" in text:
        text = _BUTTON_SHAPES.sub(lambda m: "".join(_SHAPE_NAMES[c] for c in m.group(0)), text)
        text = _MINUS_BUTTON.sub("マイナス", text)
    if "↑" in text or "↓" in text or "←" in text or "→" in text:
        text = _ARROW_KEYS.sub(lambda m: "".join(_ARROW_NAMES[c] for c in m.group(0)), text)
    if "〜" in text or "～" in text or "~" in text:  # the only characters the wave rules rewrite
        text = _WAVE_PAIR.sub(_wave_pair, text)
        # A wave dash after a number, a counter or a kanji word joins a range (15時30分〜16時,
        # 東京〜大阪, 3日〜): から. After kana it stretches the vowel (ね〜, すご〜い): ー.
        text = _WAVE_RANGE.sub("から", text)
        text = _WAVE_AFTER_KANA.sub("ー", text)
    if "・" in text or "･" in text:
        # 中黒 between kanji words lists them (月・水・金, 東京・大阪): read with a break, as OpenJTalk
        # reads ・ itself. Dropped (the table's rule), 月水金 is analysed as one word (オマケキン).
        # Between katakana it joins the parts of one foreign name (ロッキー・ルチアーノ): dropped.
        # Between numbers it lists them too (1・2年生 イチ、ニネンセー): dropped, they ran into one
        # number (ジューニネンセー, 1・2・3 ヒャクニジューサン). Between Latin words likewise (LIVE・STAGE,
        # Day1・Day2: dropped, the words ran into one, リベステージ).
        text = _INCIDENT_DATE.sub(_incident_date, text)
        text = _NAKAGURO_LIST.sub("、", text)
    if "#" in text or "_" in text:
        text = _read_in_words(text)
    if "-" in text or "‐" in text:
        # A hyphen between a number and a letter names a class or a section (2-B, 3-Aの前で): の, as between
        # two numbers (1-1 イチノイチ); before a longer Latin word (V7-iii7, 2-in-1) a break between words.
        # It had no reading and stopped the line.
        text = _NUMBER_LETTER_HYPHEN.sub(lambda m: "の" if m.group(1) else " ", text)
    if "-" in text or "−" in text or "‐" in text:
        # A hyphen or minus after a Japanese word, or before one with no letter or digit before it,
        # is a dash (ゲーム-開始, それは－－, ポケモン-GO): a pause, as ― is. It had no reading and stopped
        # the line. A letter before it joins a word (T-シャツ); a digit after it is a sign or a range.
        text = _JAPANESE_DASH.sub("―", text)
    if "−" in text:  # a minus sign no rule read (LP− after letters, nothing after it): a dash, not a line stopped
        text = text.replace("−", "―")
    if "<" in text or ">" in text:
        # Between numbers or letters a comparison (3<5 サンショーナリゴ); elsewhere a bracket or an
        # arrow drawn in text: silent, as 【】 are.
        text = _COMPARISON.sub(lambda m: _COMPARISON_WORDS[m.group(1)], text)
        text = text.replace("<", "").replace(">", "")
    text = text.translate(_SYMBOLS or _symbol_table())
    for ascii_p, pat, ja in _ASCII_PUNCT:
        # ASCII punctuation between Latin words stays for the romaji parser; elsewhere it is Japanese.
        if ascii_p in text:
            text = pat.sub(ja, text)
    if "." in text and _DECIMAL_OR_ABBREV.search(text) is None:
        text = text.replace(".", "。")
    if "(" in text or ")" in text:
        text = text.replace("(", "（").replace(")", "）")
    if "ー" in text:
        # A long mark with no vowel before it (a line or clause that starts with ー or 〜) lengthens
        # nothing; OpenJTalk warns and spells it as a mora of its own.
        text = _ORPHAN_LONG.sub("", text)
    if text and not _is_word_char(text[0]) and (m := _LEADING_NON_WORD.match(text)) is not None:
        # ！ or ？ before the first mora (「！」, ？なに, ‼すごい) marks nothing OpenJTalk can carry:
        # it printed "First mora should not be question flag" on stderr, into g2p's output.
        lead = m.group(0)
        if "！" in lead or "？" in lead:
            text = lead.replace("！", "").replace("？", "") + text[m.end() :]
    return text


# Signs that are read only inside a word: a sharp after a letter (C#, F#m, the key or the language:
# シャープ), a number sign before digits (#3, an episode or a rank: ナンバー; not a hashtag going on in
# Japanese, #2026年やりたいこと, which was ナンバーニセン…), an underscore
# between letters or digits (snake_case, x86_64: a break, else the parts ran into one word or one
# number, ハッセンロッピャクロクジューヨン). Anywhere else they are decoration (#タグ, ___): silent.
_IN_WORD_SIGNS = re.compile(
    r"(?P<sharp>(?<=[A-Za-z])#)|(?P<number>#(?=\d+(?![\d年月日時歳才人回個枚本件])))"
    r"|(?P<break>(?<=[A-Za-z0-9])_+(?=[A-Za-z0-9]))"
)
_IN_WORD_READING = {"sharp": "シャープ", "number": "ナンバー", "break": " "}
# The digits after a number sign, said as after No. (#1 ナンバーワン, #12 ナンバージューニ)
_NUMBER_SIGN_DIGITS = re.compile(r"(\d+)(?![\d.,]\d)")


def _read_in_words(text: str) -> str:
    out, pos = [], 0
    for m in _IN_WORD_SIGNS.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        kind = m.lastgroup or "break"
        out.append(_IN_WORD_READING[kind])
        if kind == "number" and (d := _NUMBER_SIGN_DIGITS.match(text, pos)) is not None:
            said = _up_to_ten_in_english(d.group(1))
            if said is not None:
                out.append(said)
                pos = d.end()
    out.append(text[pos:])
    return "".join(out)


_ORPHAN_LONG = re.compile(r"(?:^|(?<=[、。！？「『（\s]))ー+")
_LEADING_NON_WORD = re.compile(r"[^\w]+")


def _is_word_char(ch: str) -> bool:
    """What ``\\w`` matches, without a regex call on every line."""
    return ch.isalnum() or ch == "_"


# A small vowel after a kana of the same vowel stretches it (すぅ, ふぅ, そぉ, いぃ: written
# breaths and drawls): ー, which OpenJTalk reads as a long vowel (it reads すぅ スウ, ふぅ フゥ).
# A small vowel after another vowel is a mora of its own kind (ファ, ティ, ウィ) and stays.
# は and へ keep their small vowel: OpenJTalk reads はぁ ハー and へぇ ヘー, but はー as the particle
# ワー (はぁはぁ would become ワーワー).
_VOWEL_ROWS = {  # hiragana; the katakana of each row is added below
    "ぁ": "あかさたなまやらわがざだばぱぁゃゎ",
    "ぃ": "いきしちにひみりぎじぢびぴぃ",
    "ぅ": "うくすつぬふむゆるぐずづぶぷぅゅゔ",
    "ぇ": "えけせてねめれげぜでべぺぇ",
    "ぉ": "おこそとのほもよろをごぞどぼぽぉょ",
}


_SAME_VOWEL_SMALL = re.compile(
    "|".join(f"(?<=[{row}{to_katakana(row)}])[{small}{to_katakana(small)}]" for small, row in _VOWEL_ROWS.items())
    # ... and a small ぅ after an お-row hiragana, as おう is said オー (そうじゃのぅ, おはよぅ, ありがとぅ: were ノゥ,
    # ヨゥ, トゥ with a phrase of their own); in katakana トゥ, ノゥ are morae of loanwords and stay
    + "|(?<=[おこそとのほもよろをごぞどぼぽょ])ぅ"
)
# Three or more of the same vowel kana after a kana ending in that vowel stretch it as well
# (ああああ, ぎゃあああ: a scream). Two can be a particle and the next word (もおおいに, にいいあう;
# JSUT), one a word's own mora (ああ, さあ).
_VOWEL_RUN = re.compile(
    "|".join(f"(?<=[{row}{to_katakana(row)}])[{row[0]}{to_katakana(row[0])}]{{3,}}" for row in _VOWEL_ROWS.values())
)
# OpenJTalk takes a lone はー / はあっ (a sigh or exhale: すー、はー) for the particle は and reads
# ワー / ワアッ; written in katakana it reads ハー / ハーッ. So does a lone は between punctuation:
# the puzzled は？, the stammered は、はい (were ワ？, ワ、ハイ), and two of them, laughter (はは, へへっ:
# were ワワ, エヘッ). (Not after a space: in mixed text, "pen は" is a word and its particle.)
_SIGH_HA = re.compile(
    r"(?:^|(?<=[、。！？「『（\s…‥]))は[ーあ]+(?=っ?(?:$|[、。！？」』）\s…‥]))"
    r"|(?:^|(?<=[、。！？「『（…‥]))(?:は{1,2}|へ{1,2})(?=っ?(?:$|[、。！？」』）…‥]))"  # へ？ too (was エ？)
)
# Laughter written as three or more は (ははは, あはははは) is never the particle: OpenJTalk reads
# ははは ハハワ. In katakana it reads ハハハ. Nor are two after a kana that end the word (にゃはは,
# うはは: were ニャワワ, ウワワ). Three は are the particle and 母 in text without kanji, though, before
# おや (おんなのこはははおや: は + ははおや, was ハハハオヤ) or after the genitive の (わたしのははは: 母 + は; its
# last two は are no laugh after the first either: was わたしのはハハ), and before a case particle (かれははは
# を: は + 母 + を; a laugh takes no を).
_LAUGH_HA = re.compile(
    r"は{4,}|(?<!の)ははは(?!おや|[をがにへでもや])|(?<=[ぁ-のば-ゖ])はは(?=[っー]*(?:$|[、。！？!?」』）)…‥～〜\s]))"
)
# はぁ / へぇ after a word of two letters or more, ending its clause, are the particle drawn out in a
# drawl (きょうはぁ、 あたしはぁ、 がっこうへぇ、: were ハー, ヘー, the sigh and the interjection), so they are
# written ー like the other drawn-out kana (the particle's ー is then said ワー, エー: stretches.py). Not after
# a small kana (はぁはぁ) or a one-letter exclamation (うはぁ！).
_DRAWN_PARTICLE = re.compile(
    r"(?<=[ぁ-ゖ\u4e00-\u9fff々]{2})(?<![ぁぃぅぇぉゃゅょっゎ])(?:(は)ぁ|(へ)ぇ)(?=っ?(?:$|[、。！？!?」』）…‥\s]))"
)


_STRETCH = re.compile(
    f"{_SAME_VOWEL_SMALL.pattern}|{_VOWEL_RUN.pattern}|{_SIGH_HA.pattern}|{_LAUGH_HA.pattern}|{_DRAWN_PARTICLE.pattern}"
)


def _sigh(m: re.Match[str]) -> str:
    said = m.group(0)
    return "ハー" if said[1:2] in ("ー", "あ") else to_katakana(said)


def stretch_vowels(text: str) -> str:
    """すぅ → すー, ああああ → あー; a lone は / はー / はあっ → ハ / ハー / ハーっ, laughter ははは → ハハハ
    (OpenJTalk reads the は of those as the particle ワ); a particle drawn out (きょうはぁ、) → はー."""
    if _STRETCH.search(text) is None:
        return text
    if "ぁ" in text or "ぇ" in text:
        text = _DRAWN_PARTICLE.sub(lambda m: (m.group(1) or m.group(2)) + "ー", text)
    text = _SIGH_HA.sub(_sigh, _VOWEL_RUN.sub("ー", _SAME_VOWEL_SMALL.sub("ー", text)))
    return _LAUGH_HA.sub(lambda m: "ハ" * len(m.group(0)), text)


_SYMBOLS: dict[int, str] = {}  # filled on first use by _symbol_table
_NAKAGURO_LIST = re.compile(r"(?<=[\u3400-\u9fff々0-9A-Za-z])[・･](?=[\u3400-\u9fff々0-9A-Za-z])")
# A heart or star between two Latin words joins a title's words (Love♡Love♡Summer): a space, not nothing (the words
# ran into one, ロベロベサマ).
_DECORATION_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z])[♡♥❤☆★♪]+(?=[A-Za-z])")


_ASCII_PUNCT = tuple(
    (p, re.compile(rf"(?<![A-Za-z]){re.escape(p)}|{re.escape(p)}(?![A-Za-z ])"), ja) for p, ja in _ASCII_TO_JA.items()
)
_DECIMAL_OR_ABBREV = re.compile(r"[A-Za-z0-9]\.[A-Za-z0-9]")


@lru_cache(maxsize=1)
def _symbol_table() -> dict[int, str]:
    # A str.translate table: one C-level pass instead of a Python loop over the characters.
    # Arrows, shapes, symbols and dingbats (_DECORATION_BLOCKS) are decoration in game text and
    # UI lines (▷ 決定, ◁ 戻る, ◼, ⤴): silent, as the table's ★ ● are, unless the table reads them (→ ↔ ⇒
    # between two words: a pause).
    # Before, each one not in the table stopped its line as a word with no reading.
    for lo, hi in _DECORATION_BLOCKS:
        for c in range(lo, hi + 1):
            if unicodedata.category(chr(c)) in ("So", "Sm"):
                _SYMBOLS[c] = ""
    rows = read_table("symbols.tsv")
    _SYMBOLS.update({ord(row[0]): (row[1] if len(row) > 1 else "") for row in rows if len(row[0]) == 1})
    return _SYMBOLS


# Arrows, miscellaneous technical (⌛ ⏰ ⏩), shapes, symbols, dingbats, supplemental arrows (⤴ ⤵),
# miscellaneous symbols and arrows (⬆ ⭐ ⬛).
_DECORATION_BLOCKS = (
    (0x2190, 0x21FF), (0x2300, 0x23FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF),
    (0x27F0, 0x27FF), (0x2900, 0x297F), (0x2B00, 0x2BFF),
)  # fmt: skip


# Every repeat rule needs one of these pairs (or an ellipsis character): text without any is unchanged.
_MAY_REPEAT = re.compile(
    r"[ー〜～~]{2}|ッッ|っっ|[！!？?][！!？?]|[…‥]|\.\.|・・|、、|。。|[…‥、。！？!?「『（(\s][っッ]|^[っッ]"
)


def squeeze_repeats(text: str) -> str:
    if _MAY_REPEAT.search(text) is None:
        return text
    return _squeeze_all(text)


def _squeeze_all(text: str) -> str:
    for pat, rep in _REPEATS:
        text = pat.sub(rep, text)
    return text


_SPACES = re.compile(r"\s+")
# Whitespace next to a Japanese character or bracket goes. Matching the whitespace itself (not
# every Japanese character with optional spaces around it) keeps this pass cheap.
_JA_AND_PUNCT = rf"[{KANA}{KANJI}、。！？「」『』（）…]"
# Except one space between a Latin word and a kanji after it: there the writer marked a word boundary that the
# kanji needs (Merry Christmas 君に届け: without it 君 read as the suffix クン, 星 ボシ, 声 ゴエ after an English word);
# :mod:`.mixed` keeps it for English words and drops it after romaji, whose kanji suffixes join them (kyōsē 的).
_LATIN = r"A-Za-zĀāĒēĪīŌōŪūÂâÊêÎîÔôÛû'\-"
_LATIN_BEFORE_SPACE = _LATIN + ",!?"
# And one space between two Japanese words (not two katakana ones): games written in kana put a
# (full-width) space where kanji would have shown the words (カビゴンは　めを　さました！); without it
# MeCab read across it (カビゴン|はめ|を: ハメヲ, ねむりごなは|はずれた: ハ). A space is no node and no
# pause to OpenJTalk, only a cut.
_JA_WORD_CHAR = rf"[{KANA}{KANJI}]"
_SPACE_AROUND_JA = re.compile(
    rf"(?<![{_LATIN_BEFORE_SPACE}])(?<!{_JA_WORD_CHAR})\s+(?={_JA_AND_PUNCT})"
    rf"|(?<=[{_LATIN_BEFORE_SPACE}])\s+(?=[{KANA}、。！？「」『』（）…])"
    rf"|(?<=[、。！？「」『』（）…])\s+|(?<={_JA_WORD_CHAR})\s+(?![\s{KANA}{KANJI}])"
    # ... but not between two katakana words: a robot's or a foreigner's line spaced word by word (ワタシ アナタ
    # ロボット) is read by the katakana-line rules, which need the line whole
    r"|(?<=[\u30a1-\u30fa\u30fc])\s+(?=[\u30a1-\u30fa\u30fc])"
)
_LEADING_PUNCT = re.compile(r"^[、。\s]+")


def _tidy_space(text: str) -> str:
    # Spaces matter only between Latin words; around Japanese they are layout.
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_JA.sub("", text)
    text = _LEADING_PUNCT.sub("", text)
    return text.strip()


# remove_emoji_kaomoji runs before NFKC too: NFKC decomposes a face's marks (´ into a space and a
# combining accent), after which ( ｀ー´) no longer looks like a face.
_PASSES = (apply_ruby, strip_markup, read_star_ratings, remove_emoji_kaomoji, _nfkc, remove_emoji_kaomoji,
           read_addresses, read_roman_numerals, squeeze_repeats, expand_abbreviations, read_approximate_numbers,
           normalize_numbers,
           normalize_symbols, stretch_vowels, squeeze_repeats, _tidy_space)  # fmt: skip


# Text made only of kanji, kana and 、。？！ (most script lines) is already normal: no pass
# changes it, unless a mark is repeated (、、 ！！ っっ ーー) or it starts with punctuation.
# Checking that with two regexes skips nine passes run twice each (a third of the front-end's
# own time on plain text); tests compare the fast path with the full passes.
_PLAIN = re.compile(r"[\u4e00-\u9fff々\u3041-\u3094\u30a1-\u30f4\u30fc、。？！]+")
# (and a ッ between pauses, which squeeze_repeats drops)
_PLAIN_SUSPECT = re.compile(
    r"^[、。ー！？]|([、。？！っッー])\1|[？！][？！]|[、。？！]ー|(?:^|[、。？！])[っッ]+(?=$|[、。？！])"
    r"|(?:懲役|禁錮|禁固)[一二三四五六七八九十]"  # a sentence's months in kanji (懲役六月: _SENTENCE_MONTHS_KANJI)
)


def _is_plain(text: str) -> bool:
    return (
        _PLAIN.fullmatch(text) is not None
        and _PLAIN_SUSPECT.search(text) is None
        and _STRETCH.search(text) is None
        and _APPROXIMATE.search(text) is None
    )


# The same for romaji and mixed lines once a first round has run: plain Japanese plus Latin words
# (macrons too) with single spaces between them and the ASCII , ! ? that normalize_symbols keeps
# (after a letter, before a letter or space). Without that check they ran every pass a second
# time only to find nothing changed (~half of normalisation's cost on a romaji line). Fuzz tests
# check that one round of passes leaves every such text unchanged.
_PLAIN_LATIN = re.compile(rf"[\u4e00-\u9fff々\u3041-\u3094\u30a1-\u30f4\u30fc、。？！{_LATIN},!? ]+")
_PLAIN_LATIN_SUSPECT = re.compile(
    r"^[、。 ー！？!?]|^\W*[！？!?]| $|  |([、。？！っッー])\1|[！!？?][！!？?]|[、。？！ ]ー|''"
    r"|(?:^|[、。？！!? ])[っッ]+(?=$|[、。？！!? ])"
    r"|(?<![A-Za-z])[,!?]|[,!?](?![A-Za-z ])"  # ASCII marks normalize_symbols would make Japanese
    r"|(?<=[A-Za-z])[？！](?=[A-Za-z ])"  # NFKC would make these ASCII, and they would stay ASCII
    r"|うp(?![A-Za-z])"  # net slang's うp (normalize_symbols: うぷ)
    r"|数[十百千万]?(?:km|cm|mm|m|kg|mg|g|mL|L|t|ha|ppm)(?![A-Za-z])"  # 数km (_SOME_UNITS)
    r"|(?:懲役|禁錮|禁固)[一二三四五六七八九十]"  # 懲役六月 (_SENTENCE_MONTHS_KANJI)
    rf"|(?<![ {_LATIN},!?]) | (?![ {_LATIN},!?{KANJI}])"  # a space next to Japanese goes (_tidy_space) ...
    rf"|(?<![{_LATIN},!?]) (?=[{KANJI}])"  # ... but one between a Latin word and a kanji stays
    # a dash, as _JAPANESE_DASH reads it
    rf"|(?<=[{KANA}{KANJI}])-|-(?=[{KANA}{KANJI}])|(?<![A-Za-z])-(?![A-Za-z0-9])|(?<![A-Za-z0-9])-(?=[A-Za-z])"
    # a Roman numeral or a Mk (read_roman_numerals: ロッキーII, Mk-II)
    r"|(?<![A-Za-z0-9'’])[IVX]{2,}(?![A-Za-z0-9'’])|(?<![A-Za-z0-9])M[kK](?![A-Za-z])"
    rf"|{_DOUBLE_W.pattern}"  # W as "double" (normalize_symbols: Wアンコール)
    r"|何\s?[A-Za-zμ°℃]"  # a unit after 何 (normalize_numbers: 何km)
)


def _is_plain_latin(text: str) -> bool:
    return (
        _PLAIN_LATIN.fullmatch(text) is not None
        and _PLAIN_LATIN_SUSPECT.search(text) is None
        and _STRETCH.search(text) is None
        and _APPROXIMATE.search(text) is None
        and (_LATIN_CAPITAL.search(text) is None or not has_formula(text))  # BMn: B + Mn (read_formulas)
    )


def normalize(text: str) -> str:
    """Script text → plain written Japanese that OpenJTalk reads well (Latin words kept).

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    if _is_plain(text):
        return text
    if _TEXT_EMOTICON.search(text) is not None or _has_periodless_abbreviation(text):
        return _normalize_passes(text)  # orz, W杯: plain Latin to the fast paths, but rewritten
    if _is_plain_latin(text):  # (not a line with a formula: CuO, H2SO4 are no romaji words)
        return text
    latin = _latin_line(text)
    return latin if latin is not None else _normalize_passes(text)


_LATIN_CAPITAL = re.compile("[A-ZＡ-Ｚ]")
_FINAL_MARK = {".": "。", "?": "？", "!": "！"}
_WIDE_MARK_AFTER_LATIN = re.compile(rf"(?<=[{_LATIN}])[？！]")


def _latin_line(text: str) -> str | None:
    """What the passes make of a romaji or mixed line that needs only its layout fixed, else ``None``.

    Such a line (the plain-Latin characters of :func:`_is_plain_latin`, and perhaps a final
    ``.``/``?``/``!``) is changed by exactly two passes: normalize_symbols makes the final mark
    Japanese (。？！) and _tidy_space drops the spaces next to Japanese characters. When the result
    is plain, that is the answer: no round of nine passes, no confirming round. Fuzz tests compare
    it with the passes.

    Except for a long mark (after a space it lengthens nothing, and normalize_symbols drops it:
    'Z ー' is 'Z'; found by the fuzz test), and a full-width ？/！ right after a Latin letter: NFKC
    makes it ASCII first, and the ASCII mark stays ASCII when a space follows it, a space
    _tidy_space may then drop ('Z！ -' becomes 'Z! -' through the passes; found by the fuzz test).
    Such lines take the passes.
    """
    end = _FINAL_MARK.get(text[-1:], "")
    body = text[:-1] if end else text
    if (
        not body
        or _PLAIN_LATIN.fullmatch(body) is None
        or _WIDE_MARK_AFTER_LATIN.search(body) is not None
        or "ー" in body  # a long mark after a space lengthens nothing and goes (normalize_symbols): passes
        or _STRANDED_SOKUON.search(body) is not None  # 'Z っ': a ッ between a space and the end goes (squeeze_repeats)
        or (end and _LEADING_NON_WORD.fullmatch(body) is not None)  # '-?': a mark with no word before it goes
    ):
        return None
    out = _tidy_space(body) + end if " " in body else body + end
    return out if _is_plain_latin(out) else None


def _normalize_passes(text: str) -> str:
    for _ in range(4):
        before = text
        for p in _PASSES:
            text = p(text)
        # Plain text is a fixed point of the passes (see _is_plain): no confirming round needed.
        if text == before or _is_plain(text) or _is_plain_latin(text):
            break
    return text
