"""Benchmark: Tsukasa's text front-end against plain pyopenjtalk on hand-checked JSUT readings.

Scores (on sentences whose spoken reading is the text's reading, ``match_text=1``):
phoneme error rate with and without pauses, kana character error rate, sentence accuracy
(phonemes without pauses all right), F1 of the prosody marks ``#`` ``]`` ``[`` ``?`` (matched
by position in the phoneme sequence), and sentences per second. The baseline is
``pyopenjtalk.g2p`` / its labels read with the same ESPnet mark rules, measured in the same run.

**Held-out split.** The front-end's rules (pauses, question endings, accent chaining) were
tuned on the *even* JSUT ids only (the phrase-break model, ``fit_phrase_breaks.py``, on the even
ids before 2396); every figure is printed for the even half (tuned), the odd half (held out: the
number to judge the goals by) and the full set.

**Pauses by block** (``pauses`` rows): PER and the pauses missed/added (on sentences whose phonemes
agree), ours with and without phrase breaks against pyopenjtalk, in JSUT's comma-sparse block
(BASIC5000_2396 on, where the reader paused at a quarter of the unwritten word boundaries) and
before it: the whole-half figures hide that the two blocks differ.

**Romaji and mixed sets are built from the gold kana**, not from a romaniser's guess (cutlet
misreads kanji, and then the romaji error measures cutlet). A sentence is used when
pyopenjtalk's word segmentation spells exactly the gold kana (so each word's gold
pronunciation is known); each word is written in Hepburn by this file's own table
(long vowels with macrons, particles as pronounced: wa/e/o, n' before vowels, geminates
doubled; a word read as a bare long mark, ましょ|う, lengthens the word before it: shimashō).
Romaji = the whole sentence in romaji; mixed = content nouns replaced by their romaji inside
the Japanese text. The romaji rules (readings.py, mixed.py, romaji.py) were also developed on
the even ids' romaji/mixed sentences only. Their error is compared with the Japanese-text error *on
the same sentences*. Prints figures; asserts nothing.

**English-mixed set**: the same sentences with their English loanwords written in English
(:func:`english_mixed_set`: UniDic's lemma names the source word, バス-bus → busに乗った), read with
e2k's model (the default), with letter names only (``english="letters"``, what the front-end did
before) and by plain pyopenjtalk; each compared with our reading of the Japanese text.

**Ruby set**: the same sentences with every kanji word under Aozora ruby spelling its own
reading (|漢字《かんじ》), against the same words replaced by that reading in kana — how the
front-end read ruby before a word whose ruby spells its dictionary reading was kept as written.

**Throughput** is timed single-threaded, same sentences for pyopenjtalk ``g2p`` and ours, twice:
whole passes one after the other (best of two), and interleaved sentence by sentence (each
sentence's best of four, in rotating order; :func:`interleaved_rates`), which a shared machine's changing load
cannot tilt towards one side. The interleaved ratio is the one to judge the goal by.

    python benchmarks/bench_textfront.py --limit 300
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "jsut_basic5000_dev.tsv"
MARKS = ("#", "]", "[", "?")


@dataclass
class Output:
    kana: str
    phonemes: list[str]
    prosody: list[str]


def edit_distance(a: list[str] | str, b: list[str] | str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def mark_positions(prosody: list[str], mark: str) -> set[int]:
    """Positions (index of the phoneme the mark follows, pauses excluded) of a mark."""
    out, k = set(), 0
    for t in prosody:
        if t in ("^", "$", "_", "#", "[", "]", "?"):
            if t == mark:
                out.add(k)
            continue
        if t != "pau":
            k += 1
    return out


def pause_positions(phonemes: list[str]) -> set[int]:
    """Positions (count of phonemes before it, pauses excluded) of each pause."""
    out, k = set(), 0
    for p in phonemes:
        if p == "pau":
            out.add(k)
        else:
            k += 1
    return out


def _kana_chars(kana: str) -> str:
    return re.sub(r"[、。？！\s]", "", kana)


def _lower(ph: list[str]) -> list[str]:
    return [p.lower() if p in ("A", "I", "U", "E", "O") else p for p in ph]


class Scores:
    def __init__(self) -> None:
        self.err = self.n = self.err_np = self.n_np = self.kerr = self.kn = self.ok = self.count = 0
        self.missed_pau = self.extra_pau = 0  # on sentences whose phonemes agree, pauses aside
        self.tp = dict.fromkeys(MARKS, 0)
        self.fp = dict.fromkeys(MARKS, 0)
        self.fn = dict.fromkeys(MARKS, 0)
        self.seconds = 0.0

    def add(self, gold: Output, hyp: Output) -> None:
        g, h = _lower(gold.phonemes), _lower(hyp.phonemes)
        self.err += edit_distance(g, h)
        self.n += len(g)
        g_np, h_np = [p for p in g if p != "pau"], [p for p in h if p != "pau"]
        e_np = edit_distance(g_np, h_np)
        self.err_np += e_np
        self.n_np += len(g_np)
        gk, hk = _kana_chars(gold.kana), _kana_chars(hyp.kana)
        self.kerr += edit_distance(gk, hk)
        self.kn += len(gk)
        self.ok += e_np == 0
        self.count += 1
        if g_np == h_np:  # marks are comparable by position only when the phonemes agree
            g_pau, h_pau = pause_positions(g), pause_positions(h)
            self.missed_pau += len(g_pau - h_pau)
            self.extra_pau += len(h_pau - g_pau)
            for m in MARKS:
                gp, hp = mark_positions(gold.prosody, m), mark_positions(hyp.prosody, m)
                self.tp[m] += len(gp & hp)
                self.fp[m] += len(hp - gp)
                self.fn[m] += len(gp - hp)

    @property
    def per(self) -> float:
        return 100 * self.err / max(self.n, 1)

    @property
    def per_np(self) -> float:
        return 100 * self.err_np / max(self.n_np, 1)

    def f1(self, m: str) -> float:
        p = self.tp[m] / max(self.tp[m] + self.fp[m], 1)
        r = self.tp[m] / max(self.tp[m] + self.fn[m], 1)
        return 100 * 2 * p * r / max(p + r, 1e-9)

    def row(self, name: str) -> str:
        f1s = "  ".join(f"{m}:{self.f1(m):5.1f}" for m in MARKS)
        speed = f"  {self.count / self.seconds:7.1f} sent/s" if self.seconds else ""
        return (f"{name:<34} n={self.count:4d} PER {self.per:5.2f}  PER-nopau {self.per_np:5.2f}"
                f"  kanaCER {100 * self.kerr / max(self.kn, 1):5.2f}  sentAcc {100 * self.ok / max(self.count, 1):5.1f}"
                f"  F1 {f1s}{speed}")  # fmt: skip


def baseline(text: str) -> Output:
    import pyopenjtalk

    from tsukasa.pipelines.textfront.labels import labels_to_prosody

    kana = pyopenjtalk.g2p(text, kana=True)
    phonemes = pyopenjtalk.g2p(text).split()
    _, prosody = labels_to_prosody(pyopenjtalk.extract_fullcontext(text))
    return Output(kana, phonemes, prosody)


def ours(text: str, english: str = "model", phrase_breaks: bool = True) -> Output:
    from tsukasa.pipelines.textfront import phonemize

    p = phonemize(text, english=english, phrase_breaks=phrase_breaks)  # type: ignore[arg-type]
    return Output(p.kana, p.phonemes, p.prosody_tokens)


# --- gold kana → Hepburn (this file's own table: independent of cutlet and of our parser) ------
_ROWS = {
    "": "アイウエオ", "k": "カキクケコ", "s": "サシスセソ", "t": "タチツテト", "n": "ナニヌネノ",
    "h": "ハヒフヘホ", "m": "マミムメモ", "y": "ヤ-ユ-ヨ", "r": "ラリルレロ", "w": "ワ---ヲ",
    "g": "ガギグゲゴ", "z": "ザジズゼゾ", "d": "ダヂヅデド", "b": "バビブベボ", "p": "パピプペポ",
}  # fmt: skip
_IRREGULAR = {"シ": "shi", "チ": "chi", "ツ": "tsu", "フ": "fu", "ジ": "ji", "ヂ": "ji", "ヅ": "zu", "ヲ": "o",
              "ヴ": "vu", "ン": "n"}  # fmt: skip
_SMALL = {"ャ": "a", "ュ": "u", "ョ": "o", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_DIGRAPH_STEM = {"シ": "sh", "チ": "ch", "ジ": "j", "ヂ": "j", "フ": "f", "ヴ": "v", "ツ": "ts", "テ": "t", "デ": "d",
                 "ト": "t", "ド": "d", "ウ": "w"}  # fmt: skip
_MACRON = {"a": "ā", "i": "ī", "u": "ū", "e": "ē", "o": "ō"}


def _mono() -> dict[str, str]:
    table = {}
    for cons, row in _ROWS.items():
        for vowel, kana in zip("aiueo", row, strict=True):
            if kana != "-":
                table[kana] = cons + vowel
    table.update(_IRREGULAR)
    return table


_MONO = _mono()


def kana_to_hepburn(kana: str) -> str:
    """Katakana pronunciation → modified Hepburn (macrons for ー, n' before vowels/y)."""
    out: list[str] = []
    i, geminate = 0, False
    while i < len(kana):
        c, nxt = kana[i], kana[i + 1] if i + 1 < len(kana) else ""
        if c == "ッ":
            geminate = True
            i += 1
            continue
        if c == "ー":
            if out and out[-1] and out[-1][-1] in _MACRON:
                out[-1] = out[-1][:-1] + _MACRON[out[-1][-1]]
            i += 1
            continue
        if nxt in "ャュョ" and nxt and c in _MONO and c not in "ンッ":
            base = _MONO[c]
            stem = _DIGRAPH_STEM.get(c, base[:-1] + "y") if c in "シチジヂ" else base[:-1] + "y"
            syl, i = stem + _SMALL[nxt], i + 2
        elif nxt in "ァィゥェォ" and nxt and c in _MONO:
            stem = _DIGRAPH_STEM.get(c, _MONO[c][:-1] + "y")
            syl, i = stem + _SMALL[nxt], i + 2
        elif c in _MONO:
            syl, i = _MONO[c], i + 1
        elif c in _SMALL:
            syl, i = _SMALL[c], i + 1
        else:
            raise ValueError(f"no Hepburn for {c!r} in {kana!r}")
        if c == "ン" and i < len(kana) and (kana[i] in "アイウエオヤユヨ"):
            syl = "n'"
        if geminate:
            syl = ("t" if syl.startswith("ch") else syl[0]) + syl
            geminate = False
        out.append(syl)
    return "".join(out)


_JOIN_POS = {("助動詞", None), ("動詞", "接尾"), ("動詞", "非自立"), ("名詞", "接尾"), ("助詞", "接続助詞")}
_PUNCT_ROMAJI = {"、": ",", "。": ".", "？": "?", "！": "!", "，": ",", "．": "."}


def _kata(pron: str) -> str:
    return "".join(c for c in pron.replace("’", "") if "ァ" <= c <= "ヺ" or c == "ー")


def _gold_spelled(rows: list[dict]) -> list[tuple[int, list[dict]]]:
    """(row index, pyopenjtalk's words) for the sentences whose words spell the gold kana."""
    import pyopenjtalk

    out = []
    for idx, r in enumerate(rows):
        feats = pyopenjtalk.run_frontend(r["text"])
        words = [f for f in feats if f["pos"] != "記号" or _kata(f["pron"])]
        if "".join(_kata(f["pron"]) for f in words) == r["kana"].replace("、", ""):
            out.append((idx, feats))
    return out


_HAS_KANJI = re.compile(r"[\u4e00-\u9fff々]")


def _written_kana(f: dict) -> str:
    """A word's reading as kana spell it (がっこう, おおごえ), not as said (がっこー): its dictionary
    reading where that is its pronunciation up to long vowels, else the pronunciation (一 in 一週間
    is read イチ but said イッ, and ruby writes いっ)."""
    from tsukasa.pipelines.textfront.readings import matches_spelling

    read, pron = _kata(f["read"]), _kata(f["pron"])
    return read if read and matches_spelling(read, pron) else pron


def ruby_set(rows: list[dict]) -> list[tuple[int, str, str]]:
    """(row index, every kanji word with its reading as Aozora ruby |漢字《かんじ》, the same words
    replaced by that reading in hiragana) for the sentences whose words spell the gold kana. The
    reading is spelled as kana write it (:func:`_written_kana`): until 2026-12-06 it was the
    pronunciation (がっこー), which no writer spells with ー in hiragana.

    The second sentence is what the front-end read for ruby before it kept words whose ruby
    spells their dictionary reading: the baseline, measured in the same run.
    """
    import jaconv

    out = []
    for idx, feats in _gold_spelled(rows):
        ruby, kana = [], []
        for f in feats:
            s, reading = f["string"], jaconv.kata2hira(_written_kana(f))
            if _HAS_KANJI.search(s) and reading:
                ruby.append(f"|{s}《{reading}》")
                kana.append(reading)
            else:
                ruby.append(s)
                kana.append(s)
        out.append((idx, "".join(ruby), "".join(kana)))
    return out


def gold_romaji_sets(rows: list[dict]) -> list[tuple[int, str, str]]:
    """(row index, romaji sentence, mixed sentence) for sentences whose words spell the gold kana."""
    out = []
    for idx, feats in _gold_spelled(rows):
        romaji: list[str] = []
        mixed: list[str] = []
        prev_pos, carry = "", ""
        for f in feats:
            kana = _kata(f["pron"])
            if f["pos"] == "記号" and not kana:
                romaji.append(_PUNCT_ROMAJI.get(f["string"], ""))
                mixed.append(f["string"])
                continue
            kana, carry = carry + kana, ""
            if kana.endswith("ッ"):  # なっ|た: the geminate belongs to the next word's first consonant
                kana, carry = kana[:-1], "ッ"
            if kana.startswith("ー") and romaji and romaji[-1] and romaji[-1][-1] in _MACRON:
                # ましょ|う, だろ|う: a word read as a bare long mark lengthens the previous word's
                # last vowel (shimashō, darō); spelled alone it would be lost from the romaji.
                romaji[-1] = romaji[-1][:-1] + _MACRON[romaji[-1][-1]]
                kana = kana[1:]
            word = kana_to_hepburn(kana) if kana else ""
            prev_pos, f_pos = f["pos"], prev_pos
            attach = (f["pos"], None) in _JOIN_POS or (f["pos"], f["pos_group1"]) in _JOIN_POS
            if attach and f_pos not in ("助詞", "記号") and romaji and romaji[-1] and romaji[-1][-1].isalpha():
                romaji[-1] += word
            else:
                romaji.append(word)
            content = f["pos"] == "名詞" and f["pos_group1"] not in ("数", "接尾", "非自立", "代名詞")
            if content and re.search(r"[\u4e00-\u9fff\u30a0-\u30ff]", f["string"]):
                mixed.append(f" {word} ")
            else:
                mixed.append(f["string"])
        sent = re.sub(r" ([,.?!])", r"\1", " ".join(w for w in romaji if w))
        out.append((idx, sent[:1].upper() + sent[1:], re.sub(r"\s+", " ", "".join(mixed)).strip()))
    return out


_ENGLISH_LEMMA = re.compile(r"^([ァ-ヺー]+)-([a-z]{3,})$")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def english_mixed_set(rows: list[dict]) -> list[tuple[int, str, list[str]]]:
    """(row index, sentence with its English loanwords written in English, the English words).

    UniDic (unidic-lite, through fugashi) records a loanword's source word in its lemma
    (コーヒー-coffee); a katakana word whose lemma names a lower-case Latin source is written in
    that spelling, as a chat or game line would (バスに乗った → busに乗った). Proper nouns
    (America, Inglez, Duits) are capitalised in UniDic and left out, and so are clipped
    loanwords, whose katakana has fewer morae than the English word has vowel groups
    (テレビ-television, ビル-building): written in full they are read in full, which the
    gold kana does not say. Two loanwords in a row are written as two words (mail address).
    None of these rules looks at what our front-end answers.
    """
    from tsukasa.pipelines.textfront.readings import mora_count
    from tsukasa.pipelines.textfront.resources import tagger

    out = []
    for idx, r in enumerate(rows):
        text, words, pos, pieces = r["text"], [], 0, []
        for w in tagger()(text):
            at = text.find(w.surface, pos)
            m = _ENGLISH_LEMMA.match(w.feature.lemma or "")
            if at < 0 or m is None or m.group(1) != w.surface:
                continue
            english = m.group(2)
            if mora_count(w.surface) < len(_VOWEL_GROUPS.findall(english)):
                continue
            between = text[pos:at]
            if not between and pieces:  # two loanwords in a row (メール|アドレス): "mail address"
                between = " "
            pieces.append(between + english)
            words.append(english)
            pos = at + len(w.surface)
        if words:
            out.append((idx, "".join(pieces) + text[pos:], words))
    return out


def english_word_sources(words: list[str]) -> dict[str, int]:
    """How each English word is read: loanword table, e2k's model, or letter names."""
    from tsukasa.pipelines.textfront.english import transliterate
    from tsukasa.pipelines.textfront.mixed import _is_acronym, loanwords

    counts = {"table": 0, "model": 0, "letters": 0}
    for w in words:
        if w.lower() in loanwords():
            counts["table"] += 1
        elif not _is_acronym(w) and transliterate(w) is not None:
            counts["model"] += 1
        else:
            counts["letters"] += 1
    return counts


def _plain_g2p(text: str) -> object:
    import pyopenjtalk

    return pyopenjtalk.g2p(text)


def _phonemize(text: str) -> object:
    from tsukasa.pipelines.textfront import phonemize

    return phonemize(text)


def timed_rate(fn: Callable[[str], object], texts: list[str]) -> float:
    """Sentences per second of one plain call per sentence (best of two passes: the box is shared)."""
    fn(texts[0])  # load resources outside the timing
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def interleaved_rates(runs: list[tuple[Callable[[str], object], list[str]]], passes: int = 4) -> list[float]:
    """Sentences per second of each (function, texts) run, timed sentence by sentence in turn.

    On a shared box the load changes from second to second, so whole passes timed one after the
    other compare different machines. Here every run times sentence i right after the others did,
    keeps each sentence's best of ``passes`` tries, and sums them: load spikes hit all runs alike.
    The order of the runs rotates from pass to pass, so no run always finds the sentence's words
    warm in the CPU caches from the run before it.
    """
    for fn, texts in runs:
        fn(texts[0])  # load resources outside the timing
    n = min(len(texts) for _, texts in runs)
    best = [[float("inf")] * n for _ in runs]
    clock = time.perf_counter
    for p in range(passes):
        order = [(k + p) % len(runs) for k in range(len(runs))]
        for i in range(n):
            for k in order:
                fn, texts = runs[k]
                t0 = clock()
                fn(texts[i])
                best[k][i] = min(best[k][i], clock() - t0)
    return [n / sum(b) for b in best]


def score(outs: list[Output], golds: list[Output], keep: Callable[[int], bool]) -> Scores:
    s = Scores()
    for i, (g, o) in enumerate(zip(golds, outs, strict=True)):
        if keep(i):
            s.add(g, o)
    return s


# JSUT basic5000 from BASIC5000_2396 on is written with few commas (0.3 per sentence against 1.1-1.6
# in every block of 100 before it) and its reader paused at a quarter of the word boundaries there
# (under 1 % before): the block where pauses nobody wrote dominate the phoneme errors.
COMMA_SPARSE_FROM = 2396


def pause_report(
    ids: list[int], texts: list[str], golds: list[Output], base_outs: list[Output], our_outs: list[Output],
    halves: dict[str, Callable[[int], bool]],
) -> None:  # fmt: skip
    """PER, pauses missed/added and accent-nucleus F1, ours (with and without phrase breaks) against
    pyopenjtalk, in the comma-sparse block and before it."""
    flat = [ours(t, phrase_breaks=False) for t in texts]
    blocks = {"before 2396": lambda i: ids[i] < COMMA_SPARSE_FROM, "2396 on": lambda i: ids[i] >= COMMA_SPARSE_FROM}
    for half, keep in halves.items():
        for block, inside in blocks.items():

            def sel(i: int, k: Callable[[int], bool] = keep, b: Callable[[int], bool] = inside) -> bool:
                return k(i) and b(i)

            b, o, f = (score(x, golds, sel) for x in (base_outs, our_outs, flat))
            print(f"  pauses {half:<14} {block:<11} n={o.count:4d}: PER pyopenjtalk {b.per:.2f}, ours {o.per:.2f} "
                  f"(ratio {o.err / max(b.err, 1):.3f}), without phrase breaks {f.per:.2f} "
                  f"({f.err / max(b.err, 1):.3f}); "
                  f"pauses missed/added: pyopenjtalk {b.missed_pau}/{b.extra_pau}, ours {o.missed_pau}/{o.extra_pau}, "
                  f"without phrase breaks {f.missed_pau}/{f.extra_pau}; ] F1 ours {o.f1(']'):.1f}, "
                  f"pyopenjtalk {b.f1(']'):.1f}")  # fmt: skip


def without_commas(text: str, keep: float, seed: int) -> str:
    """``text`` with its 、 taken out, each kept with probability ``keep`` (seeded: the same text
    every run)."""
    rnd = random.Random(seed)
    return "".join(ch for ch in text if ch != "、" or rnd.random() < keep)


def unwritten_pause_report(
    ids: list[int], texts: list[str], golds: list[Output], halves: dict[str, Callable[[int], bool]]
) -> None:
    """Where nobody wrote the pauses: JSUT's comma-annotated sentences (before 2396) with their
    commas taken out, all of them or all but a quarter (the comma-sparse block has 0.35 commas a
    sentence against 1.5 pauses), read by ours and by pyopenjtalk against the same gold. Text
    written for reading is not pause-annotated: these rows, with the comma-sparse block's, are
    what says how the front-end does on it (the 2,395 sentences as written reward adding no pause
    the commas do not mark)."""
    before = [i for i in range(len(ids)) if ids[i] < COMMA_SPARSE_FROM]
    for label, keep in (("commas removed", 0.0), ("1/4 commas kept", 0.25)):
        plain = {i: without_commas(texts[i], keep, ids[i]) for i in before}
        base = {i: baseline(t) for i, t in plain.items()}
        mine = {i: ours(t) for i, t in plain.items()}
        for half, k in halves.items():
            sel = [i for i in before if k(i)]
            sub_golds = [golds[i] for i in sel]
            b = score([base[i] for i in sel], sub_golds, lambda _: True)
            o = score([mine[i] for i in sel], sub_golds, lambda _: True)
            print(f"  unwritten pauses {half:<14} {label:<15} n={o.count:4d}: PER pyopenjtalk {b.per:.2f}, "
                  f"ours {o.per:.2f} (ratio {o.err / max(b.err, 1):.3f}); pauses missed/added: "
                  f"pyopenjtalk {b.missed_pau}/{b.extra_pau}, ours {o.missed_pau}/{o.extra_pau}")  # fmt: skip


def english_report(
    texts: list[str], golds: list[Output], our_outs: list[Output], halves: dict[str, Callable[[int], bool]]
) -> None:
    """English-mixed lines (loanwords written in English): e2k's model vs letter names vs pyopenjtalk."""
    sets = english_mixed_set([{"text": t} for t in texts])
    idx = [i for i, _, _ in sets]
    lines = [s for _, s, _ in sets]
    words = [w for _, _, ws in sets for w in ws]
    src = english_word_sources(words)
    print(f"# english-mixed: {len(sets)} sentences, {len(words)} English words ({len(set(words))} distinct): "
          f"{src['table']} from the loanword table, {src['model']} from e2k's model, {src['letters']} letter "
          f"names; e.g. {lines[0]!r}")  # fmt: skip
    names = ["tsukasa japanese text", "tsukasa english (model)", "tsukasa english (letters)", "pyopenjtalk english"]
    variants = [[ours(t) for t in lines], [ours(t, english="letters") for t in lines], [baseline(t) for t in lines]]
    for half, scored in subset_scores(idx, golds, our_outs, variants, halves, [f"{n:<26}" for n in names]):
        ja, model, letters, plain = scored
        print(f"  {half}: english - japanese PER {model.per - ja.per:+.2f} points "
              f"(letters {letters.per - ja.per:+.2f}, pyopenjtalk {plain.per - ja.per:+.2f})")  # fmt: skip


def subset_scores(
    idx: list[int],
    golds: list[Output],
    our_outs: list[Output],
    variants: list[list[Output]],
    halves: dict[str, Callable[[int], bool]],
    names: list[str],
) -> Iterator[tuple[str, list[Scores]]]:
    """Per half: the scores of our Japanese-text outputs on the sentences ``idx`` (row indices), then
    of each variant's outputs (one per sentence of ``idx``: the same sentences written otherwise),
    printed as one row each under ``names`` (the Japanese text's first) before the half is yielded."""
    sub_golds = [golds[i] for i in idx]
    sub_ja = [our_outs[i] for i in idx]
    for half, keep_full in halves.items():

        def keep(k: int, kf: Callable[[int], bool] = keep_full) -> bool:
            return kf(idx[k])

        scored = [score(x, sub_golds, keep) for x in (sub_ja, *variants)]
        for name, sc in zip(names, scored, strict=True):
            print(sc.row(f"{name}{half}"))
        yield half, scored


def ruby_report(
    rows: list[dict], golds: list[Output], our_outs: list[Output], halves: dict[str, Callable[[int], bool]]
) -> None:
    """The same sentences as plain text, with every kanji word under Aozora ruby spelling its
    reading, and with those words replaced by their kana: a line written without kanji (a child's
    lines in a game, text for young readers; also how ruby was read before), and the same all in
    katakana (a robot's voice), read by us and by pyopenjtalk."""
    import jaconv

    sets = ruby_set(rows)
    idx = [i for i, _, _ in sets]
    print(f"# ruby: {len(sets)} sentences whose words spell the gold kana; e.g. {sets[0][1]!r}")
    ruby_outs = [ours(r) for _, r, _ in sets]
    kana_outs = [ours(k) for _, _, k in sets]
    plain_kana = [baseline(k) for _, _, k in sets]
    # the same lines all in katakana: a robot's or a foreigner's voice as games write it
    katakana = [jaconv.hira2kata(k) for _, _, k in sets]
    kata_outs = [ours(k) for k in katakana]
    plain_kata = [baseline(k) for k in katakana]
    names = ["tsukasa japanese     ", "tsukasa ruby         ", "kana-only lines      ", "pyopenjtalk kana-only",
             "katakana lines       ", "pyopenjtalk katakana "]  # fmt: skip
    variants = [ruby_outs, kana_outs, plain_kana, kata_outs, plain_kata]
    for half, (ja_s, ru_s, ka_s, pk_s, kt_s, pt_s) in subset_scores(idx, golds, our_outs, variants, halves, names):
        print(f"  {half}: ruby - japanese PER {ru_s.per - ja_s.per:+.2f} points, ] F1 "
              f"{ru_s.f1(']') - ja_s.f1(']'):+.1f}; kana-only lines {ka_s.per - ja_s.per:+.2f}, "
              f"{ka_s.f1(']') - ja_s.f1(']'):+.1f} (PER ratio to pyopenjtalk on them "
              f"{ka_s.err / max(pk_s.err, 1):.3f}); katakana lines {kt_s.per - ja_s.per:+.2f}, "
              f"{kt_s.f1(']') - ja_s.f1(']'):+.1f} (ratio {kt_s.err / max(pt_s.err, 1):.3f})")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N usable sentences")
    ap.add_argument("--no-romaji", action="store_true", help="skip the romaji and mixed runs")
    ap.add_argument("--no-ruby", action="store_true", help="skip the ruby and kana-only-line runs")
    args = ap.parse_args(argv)
    rows = []
    with open(args.data, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["match_text"] == "1":
                rows.append(r)
    if args.limit:
        rows = rows[: args.limit]
    texts = [r["text"] for r in rows]
    golds = [Output(r["kana"], r["phonemes"].split(), r["prosody"].split()) for r in rows]
    odd = [int(r["id"].rsplit("_", 1)[-1]) % 2 == 1 for r in rows]
    halves: dict[str, Callable[[int], bool]] = {
        "even(tuned)": lambda i: not odd[i], "odd(held-out)": lambda i: odd[i], "full": lambda i: True,
    }  # fmt: skip
    print(f"# {len(rows)} sentences from {args.data.name} (match_text=1); rules tuned on even ids only")
    base_outs = [baseline(t) for t in texts]
    our_outs = [ours(t) for t in texts]
    for half, keep in halves.items():
        b, o = score(base_outs, golds, keep), score(our_outs, golds, keep)
        print(b.row(f"pyopenjtalk       {half}"))
        print(o.row(f"tsukasa textfront {half}"))
        print(f"  {half}: ratio PER ours/baseline {o.err / max(b.err, 1):.3f}  "
              f"PER-nopau {o.err_np / max(b.err_np, 1):.3f}")  # fmt: skip
    ids = [int(r["id"].rsplit("_", 1)[-1]) for r in rows]
    pause_report(ids, texts, golds, base_outs, our_outs, halves)
    unwritten_pause_report(ids, texts, golds, halves)
    rb, ro = timed_rate(_plain_g2p, texts), timed_rate(_phonemize, texts)
    print(f"throughput (Japanese text): pyopenjtalk {rb:.1f} sent/s, ours {ro:.1f} sent/s, ratio {ro / rb:.2f}x")
    rb, ro = interleaved_rates([(_plain_g2p, texts), (_phonemize, texts)])
    print(f"throughput (Japanese text, interleaved): pyopenjtalk {rb:.1f} sent/s, ours {ro:.1f} sent/s, "
          f"ratio {ro / rb:.2f}x")  # fmt: skip
    english_report(texts, golds, our_outs, halves)
    if not args.no_ruby:
        ruby_report(rows, golds, our_outs, halves)
    if args.no_romaji:
        return
    sets = gold_romaji_sets(rows)
    idx = [i for i, _, _ in sets]
    romaji = [s for _, s, _ in sets]
    mixed = [m for _, _, m in sets]
    print(f"# romaji/mixed: {len(sets)} sentences whose words spell the gold kana; e.g. {romaji[0]!r} / {mixed[0]!r}")
    ro_outs = [ours(t) for t in romaji]
    mx_outs = [ours(t) for t in mixed]
    names = ["tsukasa japanese  ", "tsukasa romaji    ", "tsukasa mixed     "]
    for half, (ja_s, ro_s, mx_s) in subset_scores(idx, golds, our_outs, [ro_outs, mx_outs], halves, names):
        print(f"  {half}: romaji - japanese PER {ro_s.per - ja_s.per:+.2f} points "
              f"(nopau {ro_s.per_np - ja_s.per_np:+.2f}); mixed - japanese {mx_s.per - ja_s.per:+.2f} "
              f"(nopau {mx_s.per_np - ja_s.per_np:+.2f})")  # fmt: skip
    # the same lines with no comma written (as the comma-sparse text reads): the phrase-break model
    # then decides every pause, on the kana analysis of the romaji words
    plain = [[ours(t.replace("、", "").replace(",", "")) for t in x] for x in ([texts[i] for i in idx], romaji, mixed)]
    sub = [golds[i] for i in idx]
    for half, keep_full in halves.items():
        keep = [keep_full(i) for i in idx]
        ja_s, ro_s, mx_s = (score(o, sub, lambda k, keep=keep: keep[k]) for o in plain)
        print(f"  {half}: commas removed: romaji - japanese PER {ro_s.per - ja_s.per:+.2f} points; "
              f"mixed - japanese {mx_s.per - ja_s.per:+.2f}")  # fmt: skip
    sub_texts = [texts[i] for i in idx]
    rj, rr, rm = (timed_rate(_phonemize, x) for x in (sub_texts, romaji, mixed))
    rb = timed_rate(_plain_g2p, sub_texts)
    print(f"throughput: pyopenjtalk(japanese) {rb:.1f}  ours japanese {rj:.1f}  romaji {rr:.1f}  mixed {rm:.1f} "
          f"sent/s; ratio to pyopenjtalk: romaji {rr / rb:.2f}x  mixed {rm / rb:.2f}x")  # fmt: skip
    rb, rj, rr, rm = interleaved_rates([(_plain_g2p, sub_texts), (_phonemize, sub_texts), (_phonemize, romaji),
                                        (_phonemize, mixed)])  # fmt: skip
    print(f"throughput (interleaved): pyopenjtalk(japanese) {rb:.1f}  ours japanese {rj:.1f}  romaji {rr:.1f}  "
          f"mixed {rm:.1f} sent/s; ratio to pyopenjtalk: romaji {rr / rb:.2f}x  mixed {rm / rb:.2f}x")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
