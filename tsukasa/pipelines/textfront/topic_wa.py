"""The particle は inside a run of hiragana: 私はくちがきけなかった, 従姉妹にはね, 特別なはからい.

OpenJTalk's dictionary (NAIST-jdic) cuts hiragana runs by word cost alone, and a は followed by
kana is easily swallowed by a word that starts with it — 私 | はくち (白痴) | が, に | はね (跳ね)
— and read ハ instead of the particle's ワ; or, the other way round, a word that starts with は is
cut into the particle and a shorter word — 特別な | は | からい (辛い) for はからい (計らい), read
ワカライ. Game and novel lines are written in far more hiragana than news text, so this is common
there. UniDic (fugashi), which the front-end loads anyway, cuts all three right.

Only where the two analyses disagree about one は, and only in shapes where the grammar around
it makes the disagreement telling:

* OpenJTalk has the は inside a content word after kana (かれは 枯れ葉 | はじめて; not 実は, 要は),
  or starting one after any word but punctuation (私 | はくち, に | はね; a sentence-initial はい
  stays), and UniDic has the particle there: spaces around は make OpenJTalk cut it;
* OpenJTalk has the particle は after an attributive form (な, この, an adjective: a topic は
  cannot follow one), and UniDic has a content word starting with that は: spaces around
  UniDic's word.

UniDic is trusted only where its own words around that は read as grammar: a hiragana name it
does not know comes back in pieces (ちはや as ち | は | や, ことは as こと | は | が), and a
user-dictionary word is the user's word. A half-width space is no node and no pause for
OpenJTalk; it only bounds the words (counters.py does the same). UniDic runs only when
OpenJTalk's words have one of these shapes.
"""

from __future__ import annotations

from tsukasa.pipelines.textfront.readings import is_hiragana, set_reading, surface_spans
from tsukasa.pipelines.textfront.resources import unidic_words

_HA = "は"
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "副詞", "形状詞", "代名詞"})
# attributive words after which は cannot be the topic particle (特別な|は, この|は)
_ATTRIBUTIVE_AUX = frozenset({"な"})
# case particles after which は cannot be the topic particle (がは, をは are no Japanese): a は there
# starts a word (屋根が|はそん, 何が|はいって)
_NO_TOPIC_AFTER = frozenset({"が", "を"})
# letters no word starts with
_NO_WORD_STARTS = frozenset("んっゃゅょぁぃぅぇぉゎー")


def respace_topic_wa(text: str, features: list[dict]) -> str | None:
    """``text`` with spaces that make OpenJTalk cut each は as UniDic does (see the module's
    docstring), or None when no は is in doubt."""
    if _HA not in text:
        return None
    doubts = _doubtful(features)
    if not doubts:
        return None
    spans = surface_spans(text, [f["string"] for f in features])
    if spans is None:
        return None
    unidic, ending = _unidic_spans(text)
    cuts: set[int] = set()
    for k, j, shape in doubts:
        i = spans[k][0] + j
        if shape == "particle":  # OpenJTalk: は inside or starting a word; UniDic: the particle
            if unidic.get(i, (0, "", ""))[:2] == (i + 1, "助詞") and _fits_a_topic(text, i, unidic, ending):
                cuts.update((i, i + 1))
        else:  # OpenJTalk: the particle は; UniDic: a longer content word starting there
            end, pos, _ = unidic.get(i, (i, "", ""))
            if end > i + 1 and pos in _CONTENT:
                cuts.update((i, end))
    if not cuts:
        return None
    for i in sorted(cuts, reverse=True):
        text = f"{text[:i]} {text[i:]}"
    return text


def _doubtful(features: list[dict]) -> list[tuple[int, int, str]]:
    """(feature index, index of は in its surface, shape) of each は OpenJTalk may have cut wrongly."""
    out = []
    for k, f in enumerate(features):
        s = f["string"]
        if _HA not in s or f["pos"] == "記号" or f.get("is_reading_protected"):
            continue  # a user-dictionary word (こはる, a character's name) is the user's word
        prev = features[k - 1] if k else None
        if s == _HA:
            if f["pos"] == "助詞" and prev is not None and k + 1 < len(features):
                attributive = no_topic_after(prev) or (
                    prev["pos"] == "形容詞" and prev["cform"] == "基本形"  # すばらしい | はなし
                )
                if attributive and is_hiragana(features[k + 1]["string"][:1]):
                    out.append((k, 0, "word"))
        elif f["pos"] != "助詞":
            for j, ch in enumerate(s):
                if ch != _HA:
                    continue
                # inside a word only after kana (かれは): after a kanji it is a lexicalised adverb
                # (実は, 要は), whose kanji UniDic would read otherwise once cut (ミ, カナメ)
                if (j and is_hiragana(s[j - 1])) or (not j and prev is not None and prev["pos"] != "記号"):
                    out.append((k, j, "particle"))
    return out


def no_topic_after(word: dict) -> bool:
    """Whether the topic particle は cannot follow ``word`` (an OpenJTalk feature): an attributive word
    (この, a na-adjective's な: 特別な | は) or the case particle が or を (何が | はいって: がは, をは are
    no Japanese). An adjective's plain form is left out: すばらしいはなし is はなし, but かわいいは正義 is
    colloquial Japanese with its particle."""
    pos, s = word["pos"], word["string"]
    return pos == "連体詞" or (pos == "助動詞" and s in _ATTRIBUTIVE_AUX) or (pos == "助詞" and s in _NO_TOPIC_AFTER)


def _fits_a_topic(text: str, i: int, unidic: dict, ending: dict) -> bool:
    """Whether UniDic's words around its particle は at ``i`` read as grammar, not as the pieces of
    a word it does not know (a hiragana name: ち|は|や for ちはや, こと|は|が for ことは): the word
    before is a word (not a symbol, nor one hiragana letter unless a particle: に|は, て|は), and the
    word after is not a case or binding particle (は|が cannot be).
    Nor after が or を (a topic は never follows them), nor where no word would start with the letter
    after は (ん, っ, a small kana or ー: UniDic cut はんめい, はっせい into と|は|ん|めい and で|は|っせい in
    lines written without kanji)."""
    before = ending.get(i)
    if before is None:
        return False
    start, pos1, _ = before
    if pos1 in ("記号", "補助記号") or (i - start == 1 and is_hiragana(text[start]) and pos1 != "助詞"):
        return False
    if text[start:i] in _NO_TOPIC_AFTER or text[i + 1 : i + 2] in _NO_WORD_STARTS:
        return False  # が|は|そん for はそん, と|は|んめい for はんめい, で|は|っせい for はっせい
    after = unidic.get(i + 1)
    return after is None or after[1] != "助詞" or after[2] == "終助詞"


def _unidic_spans(text: str) -> tuple[dict[int, tuple[int, str, str]], dict[int, tuple[int, str, str]]]:
    """UniDic's words as {start: (end, pos1, pos2)} and {end: (start, pos1, pos2)}."""
    words = unidic_words(text)
    return {w.start: (w.end, w.pos1, w.pos2) for w in words}, {w.end: (w.start, w.pos1, w.pos2) for w in words}


# Particles after which OpenJTalk takes a は for the topic particle where UniDic may read a word
# starting with it: に|はいって (入って), から|はいる. OpenJTalk's dictionary holds はいる only in kanji, so
# spaces cannot make it read the word (respace_topic_wa): the は is then at least said as written.
_BEFORE_A_DOUBTFUL_HA = frozenset({"に", "から", "へ", "で", "と"})
_WORD_POS = frozenset({"動詞", "名詞", "形容詞"})


def say_word_initial_ha(features: list[dict], spaced: frozenset[int] = frozenset()) -> list[dict]:
    """``features`` with a particle は said ハ (in place) where it follows に, から, へ, で or と, a hiragana
    word follows it, and UniDic reads the line with a verb, noun or adjective of two letters or more
    starting at that は (だいがくにはいって: UniDic 入っ, OpenJTalk に | は | いっ read ワイッテ). Where UniDic
    has the particle there too (ここにはいない, それにはいくつか, 私にはわからない) nothing changes, nor where
    the word after the は is in ``spaced`` (the writer of a romaji line put a space between them)."""
    doubts = [
        k
        for k in range(1, len(features) - 1)
        if k + 1 not in spaced
        and features[k]["string"] == _HA
        and features[k]["pron"] == "ワ"
        and features[k - 1]["pos"] == "助詞"
        and features[k - 1]["string"] in _BEFORE_A_DOUBTFUL_HA
        and is_hiragana(features[k + 1]["string"][:1])
    ]
    if not doubts:
        return features
    starts, at = [], 0  # each word's offset in the text its surfaces spell
    for f in features:
        starts.append(at)
        at += len(f["string"])
    unidic, _ = _unidic_spans("".join(f["string"] for f in features))
    for k in doubts:
        at = starts[k]
        end, pos, _ = unidic.get(at, (at, "", ""))
        if end > at + 1 and pos in _WORD_POS:
            set_reading(features[k], "ハ")
    return features
