"""Accent-phrase corrections applied to OpenJTalk's NJD features before labels are made.

OpenJTalk chains a word into the previous accent phrase by its chain rules; for a few
dependent words that chaining disagrees with careful read speech: the formal noun もの after
a 連体形 and the auxiliary verb ください after a て-form keep a phrase (and accent) of their own
(``ほしい | も[の]だ``, ``おくって | く[ださ]い``). The words, their accent type and the parts
of speech they must follow are a table (``data/accent_phrases.tsv``), measured on the even
JSUT ids and checked on the odd ones (benchmarks/bench_textfront.py).

Rules that did *not* pay off on that split (とき, いけ(ない), し after a particle: more
phrase-boundary errors than nucleus gains) are deliberately absent from the table. Session 2
added rows by a measured search over the even ids (see the table's comments): こと, for
example, keeps a phrase of its own after a particle, an auxiliary or an adjective.

A final-accented (尾高型) common noun loses its nucleus before the genitive の (花]が but
はなの いろ; 町の, 夢の, 橋の): a rule of Tokyo accent that OpenJTalk does not apply
(:func:`_deaccent_before_no`; one-mora nouns and numerals are left alone).

A question word made indefinite by も (何も, 誰も, どこにも: "nothing", "nobody") and the
adnominal 何の are read flat (:func:`_flatten_indefinites`), where OpenJTalk keeps the
question word's own accent (ナ]ニ); a count (何度も "many times") is not indefinite and keeps it.

Sentence-final polite ます/です lose their nucleus (:func:`_flatten_final_polite`): in read
speech the fall on ま/で merges into the utterance-final lowering, and the reference marks that
last phrase without a nucleus more often than with one (40 of 65 sentence-final ます phrases on
the even ids; odd ids confirm the gain). A question (？) keeps it.

Verb phrases after a particle (する forms: を|しました; いけ in 〜てはいけない)
split off too and keep OpenJTalk's own nucleus (accent ``-1`` = :data:`INHERIT` in the table).

Inflection rules OpenJTalk's chain rules get wrong (session 3, measured on the even ids, each
kept only for a gain in nucleus F1 without a loss in phrase-boundary F1): an INHERIT tail whose
nucleus lay before the split gets the accent the chain rules give it as a phrase of its own
(:func:`_chained_accent`: いけませ]ん); a flat verb's 〜ないで and conditional 〜ないと have their
nucleus on な (:func:`_accent_naide`); passive/causative れる/られる/せる/させる follow the stem's own
accent (:func:`_accent_passive`: つかわれる flat, ださ]れた, は]いじょされた). Session 23: a formal
noun (こと, まま, とき) chained after a flat verb form takes its own nucleus, where OpenJTalk's た /
いる rules had left one on the mora before it, and a chained あと its own (:func:`_accent_formal_nouns`:
あけたまま], すいえいのあ]と); a ナイ形容詞 has it on な (:func:`_accent_nai_adjectives`: もうしわけな]い).

A second, much smaller table (``data/accent_types.tsv``) corrects the accent type of a word
that heads a phrase where the dictionary and the reference reading disagree (人 ひと: 0 → 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from tsukasa.pipelines.textfront.normalize import KANA
from tsukasa.pipelines.textfront.readings import kana_vowels, set_reading
from tsukasa.pipelines.textfront.resources import dictionary_words, read_table

# Table accent meaning "keep the nucleus OpenJTalk placed inside the split-off tail" (else flat).
INHERIT = -1


_Rule = tuple[int, frozenset[str], str, bool, str, frozenset[str]]


@lru_cache(maxsize=1)
def _rules() -> dict[tuple[str, str, str], list[_Rule]]:
    """(surface, pos, pos_group1) → its rows, in table order: (accent, parts of speech it must follow,
    conjugated form or "*", whether it splits only after a phrase whose nucleus lies before it, the
    reading it must have or ""). A word may have several rows (ため after a particle always, after a
    verb only after an accented one); a surface written ``方:ホー`` holds for that reading only (方 カタ,
    "person", is another word with another accent), and a part of speech written ``助動詞=で`` after one
    word only (the copula's で of 〜でなく, not every auxiliary)."""
    rules: dict[tuple[str, str, str], list[_Rule]] = {}
    for written, pos, group1, accent, after, cform, when in read_table("accent_phrases.tsv"):
        surface, _, reading = written.partition(":")
        afters = after.split(",")
        rule = (
            int(accent),
            frozenset(a for a in afters if "=" not in a),
            cform,
            when == "accented",
            reading,
            frozenset(a for a in afters if "=" in a),  # pos=surface: one word only (助動詞=で)
        )
        rules.setdefault((surface, pos, group1), []).append(rule)
    return rules


# The polite auxiliary only follows a verb: a particle right before it is a piece MeCab cut out of
# one (書いていただけませんか analysed い|た|だけ|ませ), not a word that could start a phrase.
_POLITE_FORMS = frozenset({"ます", "ませ", "まし", "ましょ"})


def _matching_rule(features: list[dict], i: int, head: int, rules: list[_Rule]) -> _Rule | None:
    """The first row whose conditions hold for ``features[i]`` chained into the phrase from ``head``."""
    feat = features[i]
    if feat["pos"] == "助詞" and i + 1 < len(features) and features[i + 1]["string"] in _POLITE_FORMS:
        return None
    for rule in rules:
        prev = features[i - 1]
        if (prev["pos"] not in rule[1] and (not rule[5] or f"{prev['pos']}={prev['string']}" not in rule[5])) or (
            rule[2] != "*" and feat["cform"] != rule[2]
        ):
            continue
        if rule[4] and feat["pron"].replace("’", "") != rule[4]:
            continue
        if rule[3] and not 0 < features[head]["acc"] <= sum(f["mora_size"] for f in features[head:i]):
            continue  # after a flat phrase (or one whose nucleus is in the tail) the word joins it
        return rule
    return None


@lru_cache(maxsize=1)
def _types() -> dict[tuple[str, str, str, int], int]:
    return {
        (surface, pos, group1, int(old)): int(new) for surface, pos, group1, old, new in read_table("accent_types.tsv")
    }


def chain_clipped_words(features: list[dict]) -> list[dict]:
    """A word that opens on a clipped ッ (the っ of ごめんなさいっ！, the っぺ of やるっぺ, cut off by
    MeCab) belongs to the phrase before it: no accent phrase begins on ッ, but such a word was
    read as a phrase of its own (ゴメンナサ]イ # ッ). In place; returned."""
    for i in range(1, len(features)):
        f = features[i]
        if f["chain_flag"] != 1 and f["pron"].startswith("ッ") and features[i - 1]["pos"] != "記号":
            f["chain_flag"] = 1
    return features


_VOWELS = frozenset("アイウエオ")


def _one_vowel(pron: str) -> str:
    """The vowel that ``pron`` repeats (エ for エエッ, ア for アー), or "" when it is anything else."""
    core = pron.replace("ー", "").replace("ッ", "")
    return core[0] if core and core[0] in _VOWELS and core == core[0] * len(core) else ""


def chain_clipped_exclamations(features: list[dict]) -> list[dict]:
    """Exclamations MeCab cuts into pieces that each became an accent phrase; each is one word said
    in one phrase.

    - *Said with a doubled consonant* (うっま！ for うまい, さっむ！, はっや！, ひっろ！, うっそ、おっつー): cut
      after the っ into a one-mora fragment and a one-mora "word" (うっ + ま: ウ]ッ # マ). One mora + ッ,
      then one mora (a ー may stretch it) ending its clause: the second joins the first's phrase,
      said head-high as such exclamations are (ウ]ッマ, like あっつ！, which the dictionary holds). A
      real word after an interjection (えっ本当？, ちょっ待って) is longer than one mora and stays apart;
      a particle or an auxiliary (行った, 待って) is chained already.
    - *A cry of one vowel said long* (ええっ？, ああっ！, あああ！): a filler and an interjection (え + えっ:
      エ # エ]ッ). Pieces that are all the same vowel (a ー or ッ aside) are one phrase, and so is a
      laugh of one mora after that mora alone (ふ + ふっ: フ # フ]ッ).
    - *A last vowel stretched in kana* (やったあ！, 待ってえ！, だめえっ！, よっしゃあ, このお！): the written
      vowel is a filler of its own (ヤッタ # ア). Kana of the vowel the word before ends in, ending
      the clause, join its phrase; so does an う after an o (ほほう: ほほ + the interjection う, ホ]ホ # ウ),
      said as the long o it spells (ホ]ホー). In place; returned."""
    vowels = kana_vowels()
    for i in range(1, len(features)):
        f, prev = features[i], features[i - 1]
        if f["chain_flag"] == 1 or f["pos"] == "記号" or prev["pos"] == "記号":
            continue
        vowel = _one_vowel(f["pron"])
        if (
            vowel
            and _one_vowel(prev["pron"]) == vowel
            and _KANA_ONLY.fullmatch(f["string"])
            and (f["pos"] in _SOUND_POS or _ends_clause(features, i + 1, vowel))
        ) or _repeats(prev, f):
            f["chain_flag"] = 1
        elif (
            vowel
            and _KANA_ONLY.fullmatch(f["string"])
            and vowels.get(prev["pron"].rstrip("ーッ")[-1:]) == vowels.get(vowel)
            and _ends_clause(features, i + 1, vowel)
        ):
            f["chain_flag"] = 1
        elif (
            f["pron"] == "ウ"
            and f["pos"] in _SOUND_POS
            and f["string"] in ("う", "ウ")
            and vowels.get(prev["pron"][-1:]) == "o"
            and _ends_clause(features, i + 1)
        ):
            set_reading(f, "ー")  # ほほう: ほほ + the interjection う, the kana spelling of a long o (ホホー)
            f["chain_flag"] = 1
        elif (
            prev["pron"].endswith("ッ")
            and prev["mora_size"] == 2
            and prev["string"].endswith(("っ", "ッ"))
            and (f["mora_size"] == 1 or f["mora_size"] == 2 and f["pron"].endswith("ー"))
            and _ends_clause(features, i + 1)
        ):
            f["chain_flag"] = 1
            if prev["chain_flag"] != 1:
                prev["acc"] = 1
    return features


_SOUND_POS = frozenset({"副詞", "感動詞", "フィラー"})
_HONORIFIC_PREFIXES = frozenset({"お", "ご", "御"})


def chain_honorific_prefixes(features: list[dict]) -> list[dict]:
    """The honorific prefix お / ご and the noun after it are one accent phrase (おかわり, お年頃, ご一行様);
    NJD left some apart, the one-mora お a phrase of its own (オ # カ[ワリ). The phrase's accent is the
    noun's, one mora later for the prefix (a flat noun stays flat). In place; returned."""
    for prev, f in zip(features, features[1:], strict=False):
        if prev["pos"] == "接頭詞" and prev["string"] in _HONORIFIC_PREFIXES and f["pos"] == "名詞":
            if f["chain_flag"] == 0:
                f["chain_flag"] = 1
                acc = int(f["acc"])
                prev["acc"] = acc + int(prev["mora_size"]) if acc else 0
    return features


def _repeats(prev: dict, f: dict) -> bool:
    """Whether ``prev`` is one plain mora (フ) and ``f`` a sound (an interjection, filler or mimetic
    adverb, in kana) that says it again, once or more, with a ッ or ー (フッ, フフッ): a laugh MeCab
    cut after its first mora. Not a word (何も + 持っ: モ, モッ)."""
    first, then = prev["pron"], f["pron"]
    core = then.replace("ー", "").replace("ッ", "")
    if len(first) != 1 or first in "ッー" or core != first * len(core) or core in ("", then):
        return False
    return f["pos"] in _SOUND_POS and bool(_KANA_ONLY.fullmatch(f["string"]))


_KANA_ONLY = re.compile(f"[{KANA}]+")


def _ends_clause(features: list[dict], k: int, vowel: str = "") -> bool:
    """Whether only punctuation (or the end) follows from ``features[k]`` on, past stretches (ー, 〜)
    and pieces of ``vowel`` said long."""
    while k < len(features) and (
        features[k]["string"].strip("ー〜") == "" or vowel and _one_vowel(features[k]["pron"]) == vowel
    ):
        k += 1
    return k == len(features) or features[k]["pos"] == "記号"


# Nouns OpenJTalk's dictionary does not mark サ変接続 that still take する as a verb of their own: the
# 形容動詞語幹 (安定, 無理, 寝坊, 贅沢, 意地悪) and the suffix 化 (コンパクト化する). Not the 副詞可能 (mimetic
# adverbs: うんざり, のんびり): JSUT's reader says うんざり | する apart (BASIC5000_0427, 1278).
_SURU_NOUNS = frozenset({"形容動詞語幹"})


def chain_suru(features: list[dict]) -> list[dict]:
    """する right after such a noun joins the noun's accent phrase, its accent combined by the chain
    rules from the noun on: 安定してるんです is one phrase, as JSUT's reader says it (BASIC5000_0216), where
    NJD, which chains する only to サ変接続 nouns, made する a phrase of its own (ア[ンテー # シ[テ]ル…). In
    place; returned."""
    for i in range(1, len(features)):
        f, noun = features[i], features[i - 1]
        if f["chain_flag"] == 1 or f["pos"] != "動詞" or f["orig"] != "する" or f["string"][:1] not in "しすさせ":
            continue
        if noun["pos"] != "名詞" or not (
            noun["pos_group1"] in _SURU_NOUNS or (noun["pos_group1"] == "接尾" and noun["string"] == "化")
        ):
            continue
        head = i - 1
        while head > 0 and features[head]["chain_flag"] == 1:
            head -= 1
        f["chain_flag"] = 1
        features[head]["acc"] = _chained_accent(features, head, first=i)
    return features


# Set greetings OpenJTalk's dictionary holds as interjections, which still take the copula: お疲れ様です,
# ご馳走様でした, お粗末様でした.
_GREETING_ENDS = ("様", "さま", "さん")
_COPULA = frozenset({"です", "だ"})


def chain_copula_after_greetings(features: list[dict]) -> list[dict]:
    """The copula after a greeting the dictionary holds as an interjection (お疲れ様 + です) joins the
    greeting's phrase, which keeps its accent: NJD chains no word to an interjection, so です made a
    phrase of its own (オツカレサマ # デ]ス). Kept flat as a flat greeting is (JSUT's reader: ご愁傷さまです
    flat, BASIC5000_1758, where the dictionary has ご + 愁傷 + さま, a noun). In place; returned."""
    for i in range(1, len(features)):
        f, prev = features[i], features[i - 1]
        if (
            f["chain_flag"] != 1
            and f["pos"] == "助動詞"
            and f["orig"] in _COPULA
            and prev["pos"] == "感動詞"
            and prev["string"].endswith(_GREETING_ENDS)
        ):
            f["chain_flag"] = 1
    return features


def split_accent_phrases(features: list[dict]) -> list[dict]:
    """Start a new accent phrase (with the table's accent) at the listed dependent words.

    Works in place on OpenJTalk's feature dicts (``chain_flag`` 1 = chained to the previous
    word, 0 = starts a phrase; the phrase's accent is the ``acc`` of its first word, counted in
    morae over the whole phrase, so it may fall on a later word: しま]した) and returns them.
    The phrase that loses its tail keeps its nucleus only if the nucleus lay before the split;
    otherwise it becomes flat, and a row whose accent is :data:`INHERIT` gives that nucleus to
    the new phrase (を しま]した → を | しま]した: OpenJTalk's chain rules already place the
    nucleus of a verb's inflection right; only the phrase boundary was missing).
    """
    rules = _rules()
    types = _types()
    head: int | None = None
    for i, feat in enumerate(features):
        if feat["chain_flag"] != 1:
            head = i
            fixed = types.get((feat["string"], feat["pos"], feat["pos_group1"], feat["acc"]))
            if fixed is not None:
                feat["acc"] = fixed
            continue
        rows = rules.get((feat["string"], feat["pos"], feat["pos_group1"]))
        if rows is None or head is None or i == 0:
            continue
        hit = _matching_rule(features, i, head, rows)
        if hit is None:
            continue
        if _copula_of_content_noun(features, i):
            # A flat noun's phrase (its nucleus, if any, already on あ: ムダデア]ッタ) stays one
            # phrase with the nucleus on あ (ユーメーデア]ル), where the table would split it.
            before = sum(f["mora_size"] for f in features[head:i])
            nucleus = before + (2 if feat["string"] == "あろ" else 1)
            if features[head]["acc"] in (0, nucleus):
                features[head]["acc"] = nucleus
                continue
        accent = hit[0]
        tail = feat["mora_size"]
        for nxt in features[i + 1 :]:
            if nxt["chain_flag"] != 1:
                break
            tail += nxt["mora_size"]
        if accent > tail:
            continue
        before = sum(f["mora_size"] for f in features[head:i])
        inherited = 0
        if features[head]["acc"] > before:
            inherited = features[head]["acc"] - before
            features[head]["acc"] = 0
        feat["chain_flag"] = 0
        # INHERIT: the nucleus OpenJTalk's chain rules put into the tail (し|ま]した) stays there;
        # when the nucleus lay before the split (走]って|は|いけません), the tail gets the accent
        # the chain rules give it as a phrase of its own (いけませ]ん), as OpenJTalk would.
        if accent == INHERIT:
            feat["acc"] = inherited or _chained_accent(features, i)
        else:
            feat["acc"] = accent
        head = i
    _deaccent_before_no(features)
    _flatten_indefinites(features)
    _join_hearsay_sou(features)
    _flatten_final_polite(features)
    _accent_naide(features)
    _accent_appearance_sou(features)
    _accent_passive(features)
    _accent_nakatta(features)
    _accent_formal_nouns(features)
    _accent_nai_adjectives(features)
    _accent_adjective_before_nai(features)
    _split_iru_before_particles(features)
    return features


# What ている says before, when it is a phrase of its own: a clause-final particle or the explanatory の.
_AFTER_IRU = frozenset({"の", "けど", "けれど", "し", "か", "かも"})


def _split_iru_before_particles(features: list[dict]) -> None:
    """いる after an accented て-form is a phrase of its own, its nucleus on る, before の, けど, し, か
    (持]って | いる]けど, 知]って | いる]の; JSUT even ids: 8 of 8 such phrases, where before と, ので, こと and a
    noun, and at a sentence's end, the reader keeps it in the て-form's phrase, 50 of 52). OpenJTalk chained it
    there always."""
    targets = [
        i
        for i, f, head, before in _chained_words(features)
        if f["string"] == "いる"
        and f["pos"] == "動詞"
        and features[i - 1]["string"] in ("て", "で")
        and features[i - 1]["pos"] == "助詞"
        and 0 < features[head]["acc"] <= before - features[i - 1]["mora_size"]
        and i + 1 < len(features)
        and features[i + 1]["chain_flag"] == 1
        and features[i + 1]["string"] in _AFTER_IRU
    ]
    for i in targets:
        features[i]["chain_flag"] = 0
        features[i]["acc"] = 2


# Nouns that are the predicate of である (無駄である, 有名である, 総生産高である): content nouns,
# not the formal nouns (の, こと, もの: 非自立) or numbers.
_PREDICATE_NOUNS = frozenset({"一般", "形容動詞語幹", "サ変接続", "接尾", "固有名詞", "ナイ形容詞語幹"})


def _copula_of_content_noun(features: list[dict], i: int) -> bool:
    """True when ``features[i]`` is the ある of a copula である after a content noun.

    After a *flat* content noun, である is the copula of a nominal predicate and joins the
    noun's phrase with its nucleus on あ (ムゲンデア]ル, ユーメーデア]ル: the way OpenJTalk's F2
    rules give a dependent word with its own accent its nucleus after a flat head), where the
    table row ``ある 助動詞`` would start a phrase (…デ | ア]ル): the nucleus stays where it was,
    the extra phrase boundary goes. After a formal noun or a clause (のである, ことである,
    からである) the split stays; after an accented noun (ヤ]ネデアル vs ク]ダモノデ | ア]ル) the
    reference goes both ways about evenly, and the split stays too. Counted on the even JSUT
    ids: phrase-boundary false alarms at であ(る|った) 61 → 46 for 2 boundaries lost (odd ids, held
    out: 78 → 64 for 2), nuclei unchanged.
    """
    if i < 2 or features[i]["pos"] != "助動詞" or features[i]["orig"] != "ある":
        return False
    de, noun = features[i - 1], features[i - 2]
    return (
        de["string"] == "で"
        and de["pos"] == "助動詞"
        and noun["pos"] == "名詞"
        and noun["pos_group1"] in _PREDICATE_NOUNS
    )


_QUESTION_WORDS = frozenset({"何", "なに", "誰", "だれ", "どこ", "いつ"})


def _flatten_indefinites(features: list[dict]) -> None:
    """何も / 誰も / どこにも (も right after the word or after one particle) and 何の head a flat
    phrase. Not a count: 何度も, 何人も ("many times", "many people": な]んども, NHK) keep the accent
    of 何 with its counter. And どのくらい / どれくらい (ぐらい), "how much", is flat (JSUT even ids: 4 of 4;
    OpenJTalk kept どの's ド]ノ)."""
    for i, f in enumerate(features):
        if f["chain_flag"] == 1:
            continue
        if f["string"] == "何の" or (f["string"] in _QUESTION_WORDS and _indefinite_mo(features, i)):
            f["acc"] = 0
        elif (
            f["string"] in _HOW_MUCH
            and i + 1 < len(features)
            and features[i + 1]["string"] in _ABOUT
            and features[i + 1]["chain_flag"] == 1
        ):
            f["acc"] = 0


_HOW_MUCH = frozenset({"どの", "どれ"})
_ABOUT = frozenset({"くらい", "ぐらい"})


def _indefinite_mo(features: list[dict], i: int) -> bool:
    """Whether a chained も follows ``features[i]`` directly or after one chained particle."""
    nxt = features[i + 1 : i + 3]
    if nxt and nxt[0]["chain_flag"] == 1 and nxt[0]["string"] == "も":
        return True
    return (
        len(nxt) == 2
        and all(n["chain_flag"] == 1 for n in nxt)
        and nxt[0]["pos"] == "助詞"
        and nxt[1]["string"] == "も"
    )


# Final-accented nouns that keep their nucleus before の: 次の ツギ]ノ (JSUT even ids, 3 of 3).
_KEEP_BEFORE_NO = frozenset({"次"})


def _deaccent_before_no(features: list[dict]) -> None:
    """A phrase ``<common noun> の`` whose nucleus is the noun's last mora becomes flat (but 次の)."""
    head: int | None = None
    for i, f in enumerate(features):
        if f["chain_flag"] != 1:
            head = i
            continue
        if head != i - 1 or f["string"] != "の" or f["pos"] != "助詞" or f["pos_group1"] != "連体化":
            continue
        noun = features[head]
        if (
            noun["pos"] == "名詞"
            and noun["pos_group1"] == "一般"
            and noun["mora_size"] >= 2
            and (noun["string"] not in _KEEP_BEFORE_NO)
        ):
            if noun["acc"] == noun["mora_size"]:
                noun["acc"] = 0


_FINAL_POLITE = frozenset({"ます", "です"})


def _flatten_final_polite(features: list[dict]) -> None:
    """Drop the nucleus that sits on a sentence-final ます/です (not in a question)."""
    last = len(features) - 1
    while last >= 0 and features[last]["pos"] == "記号":
        if "？" in features[last]["string"] or "?" in features[last]["string"]:
            return
        last -= 1
    if last <= 0 or features[last]["string"] not in _FINAL_POLITE or features[last]["pos"] != "助動詞":
        return
    head = last
    while head > 0 and features[head]["chain_flag"] == 1:
        head -= 1
    before = sum(f["mora_size"] for f in features[head:last])
    if head < last and features[head]["acc"] == before + 1:
        features[head]["acc"] = 0


def _rule_for(chain_rule: str, prev_pos: str) -> tuple[str, int] | None:
    """The (rule, offset) of a chain-rule field (``動詞%F2@1/助詞%F2@1``) that applies after ``prev_pos``."""
    for part in chain_rule.split("/"):
        pos, sep, rule = part.partition("%")
        if not sep:
            pos, rule = "", part
        if pos and pos != prev_pos:
            continue
        name, _, add = rule.partition("@")
        return name, int(add) if add else 0
    return None


def _chained_accent(features: list[dict], start: int, first: int | None = None) -> int:
    """Accent of the phrase that starts at ``start``, combined by OpenJTalk's chain rules.

    The rules of NJD's ``njd_set_accent_type`` (Sagisaka's accent-combination rules for
    dependent words, 付属語アクセント結合規則: F1 dependent keeps the head's accent, F2 puts the
    nucleus ``@n`` morae into the word only after a flat head, F3 only after an accented head, F4
    always, F5 flattens; the C rules are those of compound nouns), applied to the chained words
    after ``start`` with the word at ``start`` as the head: its ``acc`` is its own (dictionary)
    accent, since OpenJTalk only rewrote the accent of the phrase's original head. ``first``: apply
    them from that word on only, ``acc`` at ``start`` being the accent already combined up to it.
    """
    first = start + 1 if first is None else first
    acc = features[start]["acc"]
    size = sum(f["mora_size"] for f in features[start:first])
    for k in range(first, len(features)):
        f = features[k]
        if f["chain_flag"] != 1:
            break
        hit = _rule_for(f["chain_rule"], features[k - 1]["pos"])
        if hit is not None:
            name, add = hit
            if name == "F2" and acc == 0 or name == "F3" and acc != 0 or name == "F4":
                acc = size + add
            elif name == "F5" or name == "C4":
                acc = 0
            elif name == "C1":
                acc = size + f["acc"]
            elif name == "C2":
                acc = size + 1
            elif name == "C3":
                acc = size
        size += f["mora_size"]
    return acc if 0 <= acc <= size else 0


_NAI_FOLLOWERS = frozenset({"で", "の", "か", "から", "だろ", "でしょ"})


def _accent_naide(features: list[dict]) -> None:
    """A flat phrase ``<verb> ないで`` or ``<verb> ないと`` takes its nucleus on な (いかな]いで,
    しな]いで, していな]いと), and so does ない before the explanatory の / ん, a question か, から or
    だろう / でしょう (みつからな]いのよ, ちょうわしな]いだろう, いけな]いから; JSUT even ids: 4 of 4 such flat
    phrases, while a flat verb's sentence-final ない。 stays flat 23 times of 24 and one before a noun 11 of
    12), also where OpenJTalk's chain rules had put a nucleus after ない (しないだ]ろう).

    NHK 日本語発音アクセント新辞典 (活用形のアクセント): a flat verb's 〜ない is flat (いかない) but
    its 〜ないで is イカナ]イデ; OpenJTalk's chain rules keep the whole phrase flat. The conditional
    〜ないと is read the same way (JSUT, even ids: 3 of 3 flat verbs: いかな]いと, いけな]いと); not
    the quoting と of 〜ないという / 〜ないと思う, which stays flat.
    """
    for i, f, head, before in _chained_words(features):
        if (
            (features[head]["acc"] == 0 or features[head]["acc"] > before + 2)
            and f["string"] == "ない"
            and f["pos"] == "助動詞"
            and i + 1 < len(features)
            and features[i + 1]["chain_flag"] == 1
            and (
                features[i + 1]["string"] in _NAI_FOLLOWERS
                or (features[i + 1]["pos"] == "助詞" and _conditional_to(features, i + 1))
            )
        ):
            features[head]["acc"] = before + 1


def _accent_nakatta(features: list[dict]) -> None:
    """A flat phrase ``<verb> なかった`` takes its nucleus on な (ふれられな]かった, いかな]かった).

    NHK 日本語発音アクセント新辞典 (活用形のアクセント): a flat verb's 〜なかった is イカナ]カッタ, which
    OpenJTalk's chain rule for なかっ gives after a flat verb; but a phrase that :func:`_accent_passive`
    made flat (a flat verb's passive or potential: 触れられる, いられる) lost that nucleus and was read
    flat to its end (フレラレナカッタ; JSUT even ids: 触れられなかった フレラレナ]カッタ).
    """
    for _i, f, head, before in _chained_words(features):
        if features[head]["acc"] == 0 and f["string"] == "なかっ" and f["pos"] == "助動詞":
            features[head]["acc"] = before + 1


# Verbs a quoting と stands before (〜ないと言う, 〜ないと思う, 〜ないという): MeCab tags the と as
# quoting or conjunctive without regard to what follows (行かないと遅れる gets the quoting tag).
_QUOTING_VERBS = frozenset(
    {"言う", "いう", "思う", "考える", "聞く", "話す", "書く", "答える", "感じる", "信じる", "する"}
)


def _conditional_to(features: list[dict], i: int) -> bool:
    """Whether ``features[i]`` is the conditional と (行かないと遅れる), not a quoting one."""
    if features[i]["string"] != "と":
        return False
    nxt = features[i + 1] if i + 1 < len(features) else None
    return nxt is None or nxt["pos"] != "動詞" or nxt["orig"] not in _QUOTING_VERBS


_HEARSAY = (("そう", "特殊"), ("そうだ", "サ変接続"))


def _join_hearsay_sou(features: list[dict]) -> None:
    """The hearsay そう (伝聞: 降るそうです, 貸与だそうです) joins the accent phrase before it: after an
    accented phrase it adds no nucleus (タ]イヨダソーデス, フ]ルソーデス), after a flat one the
    nucleus falls on そ (イクソ]ーデス).

    NHK 日本語発音アクセント新辞典 (助動詞「そうだ」伝聞) and the JSUT reader (even ids: 4 of 5 joined,
    all after an accented phrase: 貸与だそうです, 高いそうだ…; 人物だ | そ]うだ is the one kept apart:
    phrase boundaries 1 true and 4 false ones fewer; odd ids: the rule changes none). MeCab tags
    that そう ``名詞,特殊`` (or the whole そうだ ``名詞,サ変接続``) with an accent of its own and no
    chain, so OpenJTalk made it a phrase of its own (… | ソ[ーデス). Only after a 基本形 (a
    sentence's end form: 降る, 高い, だ, ない), which is what the hearsay そう follows; the adverb
    そう (そうです, そう言った) is ``副詞`` and not touched.
    """
    head: int | None = None
    before = 0
    for i, f in enumerate(features):
        if (
            head is not None
            and f["chain_flag"] != 1
            and f["pos"] == "名詞"
            and (f["string"], f["pos_group1"]) in _HEARSAY
            and features[i - 1]["pos"] in ("動詞", "助動詞", "形容詞")
            and features[i - 1]["cform"] == "基本形"
        ):
            f["chain_flag"] = 1
            if features[head]["acc"] == 0:
                features[head]["acc"] = before + 1
        if f["chain_flag"] != 1:
            head, before = i, 0
        before += f["mora_size"]


def _accent_appearance_sou(features: list[dict]) -> None:
    """A verb's 連用形 before the そう of appearance (様態) takes its nucleus on そ (ヨミソ]ー,
    フリソ]ーデス, ナリソ]ーダ), whatever the verb's own accent.

    NHK 日本語発音アクセント新辞典: 〜そうだ (様態) after a verb is 中高 on そ for every verb. MeCab
    tags that そう ``名詞,接尾`` with the chain rule ``形容詞%F3@1/F2@1``, which acts after an
    adjective only (タカソ]ー is right), so after a verb the phrase kept the verb's own nucleus
    (ヨ]ミソーデス) or was flat. The hearsay そう (降るそうだ, ``名詞,特殊``) is
    :func:`_join_hearsay_sou`'s. Not before に (負けそうになる): the reader joins that
    phrase to the verb after it (マケソーニナ]ル; JSUT, even ids, 1 of 1), and the accent stays
    where the chain rules put it. JSUT even ids: 3 phrases (やりそうな, なりそうだ, 負けそうに).
    """
    for i, f, head, before in _chained_words(features):
        if not (f["string"] == "そう" and f["pos"] == "名詞" and f["pos_group1"] == "接尾"):
            continue
        prev = features[i - 1]
        if prev["pos"] != "動詞" or prev["cform"] != "連用形":
            continue
        nxt = features[i + 1] if i + 1 < len(features) else None
        if nxt is not None and nxt["chain_flag"] == 1 and nxt["string"] == "に":
            continue
        features[head]["acc"] = before + 1


def _accent_nai_adjectives(features: list[dict]) -> None:
    """A ナイ形容詞 (申し訳ない, 問題ない, 仕方ない: a stem the dictionary marks ナイ形容詞語幹 + ない)
    has its nucleus on な (もうしわけな]い, NHK 日本語発音アクセント新辞典), whatever follows.

    OpenJTalk's ない has no chain rule after a noun, so the phrase stayed flat (申し訳ない) or
    took the nucleus that です's rule gives a flat phrase (もうしわけない]です); JSUT reads
    もうしわけな]いです (3 even-id sentences closer, 1 further: the modal 〜にちがいない, said flat).
    """
    for i, f, head, before in _chained_words(features):
        stem = features[i - 1]
        if (
            f["string"] == "ない"
            and f["pos"] == "助動詞"
            and stem["pos"] == "名詞"
            and stem["pos_group1"] == "ナイ形容詞語幹"
            and features[head]["acc"] in (0, before + f["mora_size"])
        ):
            features[head]["acc"] = before + 1


def _accent_adjective_before_nai(features: list[dict]) -> None:
    """An accented adjective's く-form before the negative ない it was split from keeps a nucleus of
    its own, one mora before the dictionary form's (おか]しく | な]い, わ]るく | な]い, いそが]しく | な]い).

    OpenJTalk's ない chain rule puts the nucleus of 〜くない on く (おかしく]ない: the modern 〜く]ない);
    :func:`split_accent_phrases` gives ない a phrase of its own (the reader's, and NHK's), and the nucleus
    left on く is the last mora of the adjective's phrase, which no pitch fall inside the phrase shows
    (ESPnet marks none there): the adjective read as flat, as no accented adjective is. NHK 日本語発音アクセント
    新辞典 (活用形のアクセント) gives the く-form its nucleus one mora before the dictionary form's (たか]い →
    た]かく, min. the first mora); JSUT even ids, 〜くない split: 4 of 5 so (高くない is read as one
    phrase). A flat adjective (あかい) stays flat (あかく | な]い).
    """
    head = 0
    for i, f in enumerate(features):
        if f["chain_flag"] != 1:
            if (
                i > 0
                and f["pos"] == "助動詞"
                and f["string"] == "ない"
                and features[i - 1]["pos"] == "形容詞"
                and features[i - 1]["cform"] == "連用テ接続"
                and features[i - 1]["string"].endswith("く")
            ):
                adjective = features[i - 1]
                before = sum(w["mora_size"] for w in features[head : i - 1])
                end = before + adjective["mora_size"]
                own = _dictionary_accent(adjective["orig"])
                if own and features[head]["acc"] in (0, end):
                    features[head]["acc"] = before + max(1, own - 1)
            head = i


# Formal nouns (形式名詞) and their own nucleus (morae into the noun) when they follow a flat verb
# form in one accent phrase: するこ]と → する こと] (NHK 日本語発音アクセント新辞典: こと 2, まま 2,
# とき 2, 限り 2). Not の / ん: a flat phrase + の takes its nucleus before the の (しているの).
_FORMAL_NOUN_ACCENT = {"こと": 2, "事": 2, "まま": 2, "とき": 2, "時": 2, "限り": 2}
# あと / 後 chained after anything (水泳のあと, 負けたあとで): OpenJTalk's C3 rule puts the nucleus on
# the mora before it; the noun's own accent (あ]と, NHK 1) is where the reader has it (even ids: 4 of 4).
_AFTER_ANY = {"あと": 1, "後": 1}


def _accent_formal_nouns(features: list[dict]) -> None:
    """A flat verb form + a formal noun in one phrase: the nucleus on the noun, as it would be after
    any flat phrase (知っている こと] を, 開けた まま] に, する とき] に).

    OpenJTalk's chain rules give the た of a flat verb (あけた) and the いる of a te-form (しって
    いる) a nucleus on their last mora (F2@1 / F2@2): at the end of a phrase it is not heard, but a
    formal noun chained after it keeps it there (あけた]まま, しってい]ること). Read speech puts the
    nucleus on the noun (JSUT: the rule moves 12 even-id sentences closer to the reading and none
    further; on the held-out odd ids 6 and none). Only where the phrase's nucleus sits exactly on
    the mora before the noun, i.e. where those rules, not the verb, placed it, or where the phrase
    is flat so far (承認される こと]は, 行われる こと]に: 3 even and 3 held-out sentences closer, 1
    even further).
    """
    for i, f, head, before in _chained_words(features):
        accent = _FORMAL_NOUN_ACCENT.get(f["string"])
        if accent is None and f["string"] in _AFTER_ANY and features[head]["acc"] == before and before > 0:
            features[head]["acc"] = before + _AFTER_ANY[f["string"]]
            continue
        if (
            accent is not None
            and f["pos"] == "名詞"
            and features[i - 1]["pos"] in ("動詞", "助動詞")
            and features[head]["acc"] in (0, before)
            and before > 0
            and accent <= f["mora_size"]
        ):
            features[head]["acc"] = before + accent


def _chained_words(features: list[dict]) -> Iterator[tuple[int, dict, int, int]]:
    """(index, word, index of its phrase's head, morae of the phrase before it) for every word
    chained into an accent phrase (every word but the heads)."""
    head: int | None = None
    before = 0
    for i, f in enumerate(features):
        if f["chain_flag"] != 1:
            head, before = i, 0
        elif head is not None:
            yield i, f, head, before
        before += f["mora_size"]


_VOICE_SUFFIXES = frozenset({"れる", "られる", "せる", "させる", "れ", "られ", "せ", "させ"})


def _dictionary_accent(word: str) -> int | None:
    """OpenJTalk's dictionary accent of one word read alone (None: it is not one word)."""
    words = [w for w in dictionary_words(word) if w.pos != "記号"]
    return words[0].accent if len(words) == 1 and words[0].surface == word else None


def _accent_passive(features: list[dict]) -> None:
    """Passive / causative (れる, られる, せる, させる) follow the accent of the stem they attach to.

    Tokyo accent (NHK 日本語発音アクセント新辞典, 活用形のアクセント; 秋永『明解日本語アクセント辞典』
    付録): the passive and causative of a flat verb are flat (つかわれる, つかわれた), those of an
    accented verb have the nucleus on れ/せ (だされ]る) and, in the 連用形 + た/て, on the mora
    before it (ださ]れた, あるか]せた); a サ変 noun + される keeps the noun's own accent (ちゅうもく
    される flat, は]いじょされた). OpenJTalk's chain rules give 〜れ]る and a flat 〜れた whatever
    the stem, so the stem's dictionary accent is looked up (the head's ``acc`` was overwritten).
    """
    for i, f, head, before in _chained_words(features):
        if f["pos"] == "動詞" and f["pos_group1"] == "接尾" and f["string"] in _VOICE_SUFFIXES:
            _voice_rule(features, head, i, before)


def _voice_rule(features: list[dict], head: int, i: int, before: int) -> None:
    stem = features[head]
    suffix = features[i]
    in_suffix = before < stem["acc"] <= before + suffix["mora_size"]
    if i == head + 1 and stem["pos"] == "動詞" and stem["pos_group1"] == "自立":
        own = _dictionary_accent(stem["orig"])
        if own is None:
            return
        if own == 0 and in_suffix:  # C1 put it on れ/せ: a flat verb's passive stays flat
            stem["acc"] = 0
        elif own and suffix["cform"] == "連用形" and stem["acc"] in (0, _phrase_morae(features, head)):
            # C4 flattened it (or F2 of た put it on the last mora): ださ]れた
            stem["acc"] = before + suffix["mora_size"] - 1
    elif (
        i == head + 2
        and stem["pos"] == "名詞"
        and stem["pos_group1"] == "サ変接続"
        and features[head + 1]["pos"] == "動詞"
        and features[head + 1]["orig"] == "する"
    ):
        own = _dictionary_accent(stem["string"])
        if own is not None and own <= stem["mora_size"]:
            stem["acc"] = own


def _phrase_morae(features: list[dict], head: int) -> int:
    size = features[head]["mora_size"]
    for f in features[head + 1 :]:
        if f["chain_flag"] != 1:
            break
        size += f["mora_size"]
    return size
