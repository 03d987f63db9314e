"""The sentence-final cue (``tsukasa.pipelines.sentence_final``) of the segment stage.

The CNN is fitted in torch (benchmarks/fit_segment_boundary.py) and scored in numpy from the
shipped weights: the two must compute the same function. Its windows must stay inside the
pause's context like every other feature. And the shipped model must do its job on speech it
never saw: HTS sentences written for this test (not JSUT), where the pause after a sentence's
end must look more final than a comma pause inside a sentence.
"""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from tsukasa.pipelines import sentence_final, vad

SR = 24000


@pytest.mark.parametrize("geom", [sentence_final.LEGACY, sentence_final.DEFAULT], ids=["legacy", "pitch-80x40"])
def test_numpy_scoring_computes_the_torch_network(geom: sentence_final.Geometry) -> None:
    import torch

    torch.manual_seed(0)
    net = sentence_final.torch_net(geom).eval()
    x = np.random.default_rng(0).standard_normal((7, geom.channels, geom.width))
    with torch.no_grad():
        want = net(torch.from_numpy(x.astype(np.float32))).numpy()
    stored = {**sentence_final.weights_from_torch(net), **geom.as_arrays()}
    assert sentence_final.geometry(stored) == geom  # the file says which window its networks read
    got = sentence_final.logits(x, stored)
    np.testing.assert_allclose(got, want, atol=1e-4)
    # an ensemble file (m0., m1. prefixes) scores the mean of its members
    other = sentence_final.torch_net(geom).eval()
    with torch.no_grad():
        want2 = other(torch.from_numpy(x.astype(np.float32))).numpy()
    ens = {f"m{i}.{k}": v for i, n in enumerate((net, other)) for k, v in sentence_final.weights_from_torch(n).items()}
    ens.update(geom.as_arrays())
    np.testing.assert_allclose(sentence_final.logits(x, ens), 0.5 * (want + want2), atol=1e-4)
    assert sentence_final.logits(np.zeros((0, geom.channels, geom.width)), ens).shape == (0,)


def test_a_weights_file_without_a_geometry_reads_the_original_window() -> None:
    assert sentence_final.geometry({"version": np.array(3)}) == sentence_final.LEGACY
    assert (sentence_final.LEGACY.channels, sentence_final.LEGACY.width) == (41, 64)
    assert (sentence_final.DEFAULT.channels, sentence_final.DEFAULT.width) == (43, 120)


def test_windows_stay_inside_the_context() -> None:
    rng = np.random.default_rng(1)
    mel = rng.uniform(1e-4, 1.0, (300, sentence_final.N_MELS))
    active = np.ones(300, dtype=bool)
    f0 = rng.uniform(150, 250, 300)
    frames = sentence_final.MelFrames(mel, active, f0)
    a, b = 100, 110
    for geom in (sentence_final.LEGACY, sentence_final.DEFAULT):
        w = frames.window(a, b, lo=80, hi=120, geom=geom)
        assert w.shape == (geom.channels, geom.width)
        valid = w[sentence_final.N_MELS]
        pre = geom.pre
        # 20 frames before a (80..99) and 10 after b (110..119) are inside the context
        assert valid[:pre].sum() == 20 and valid[pre - 20 : pre].all()
        assert valid[pre:].sum() == 10 and valid[pre : pre + 10].all()
        assert np.all(w[: sentence_final.N_MELS, : pre - 20] == sentence_final.FLOOR)
        # what lies outside the context never changes the window
        mel2, f02 = mel.copy(), f0.copy()
        mel2[:80] *= 50.0
        mel2[120:] *= 0.01
        f02[:80] *= 2.0
        f02[120:] = np.nan
        np.testing.assert_array_equal(sentence_final.MelFrames(mel2, active, f02).window(a, b, 80, 120, geom), w)


def test_the_pitch_channels_are_semitones_from_the_contexts_median() -> None:
    n = 300
    mel = np.ones((n, sentence_final.N_MELS))
    f0 = np.full(n, 200.0)
    f0[95:100] = 100.0  # an octave below the context's median just before the pause
    f0[97] = np.nan  # one unvoiced frame
    frames = sentence_final.MelFrames(mel, np.ones(n, bool), f0)
    geom = sentence_final.DEFAULT
    w = frames.window(100, 110, 20, 200, geom)
    semis, voiced = w[sentence_final.N_MELS + 1], w[sentence_final.N_MELS + 2]
    pre = geom.pre
    np.testing.assert_allclose(semis[pre - 5 : pre] * sentence_final.PITCH_SCALE, [-12, -12, 0, -12, -12], atol=1e-5)
    np.testing.assert_array_equal(voiced[pre - 5 : pre], [1, 1, 0, 1, 1])
    assert np.all(semis[pre - 80 : pre - 5] == 0) and np.all(voiced[pre - 80 : pre - 5] == 1)
    # fewer than 10 voiced frames in the context: no reference, both channels stay 0
    quiet = sentence_final.MelFrames(mel, np.ones(n, bool), np.full(n, np.nan))
    assert not quiet.window(100, 110, 20, 200, geom)[sentence_final.N_MELS + 1 :].any()
    with pytest.raises(ValueError, match="reads the pitch"):
        sentence_final.MelFrames(mel, np.ones(n, bool)).window(100, 110, 20, 200, geom)


def test_shipped_weights_load_and_are_small() -> None:
    """Every member of the boundary ensemble ships its own CNN file, small enough for the wheel."""
    for m, (_, name) in enumerate(vad.BOUNDARY_MEMBERS):
        weights = sentence_final.load_weights(name)
        assert weights is not None, f"{name} is missing: run benchmarks/fit_segment_boundary.py --step fit --member {m}"
        assert sentence_final.MODEL_FILE.with_name(name).stat().st_size < 2_000_000
        assert sentence_final.model_version(name) != "none"
    assert vad.vad_model_versions()["segment-final"].count("+") == len(vad.BOUNDARY_MEMBERS) - 1


# Sentences written for this test (not JSUT, so never fitted on), each with a comma pause.
COMMA_SENTENCES = [
    "昨日は、朝から夜まで雨が降っていました",
    "この町には、古い神社がたくさんあります",
    "駅の前で、友達と待ち合わせをしたんだ",
    "週末になったら、みんなで海へ行こう",
]


@functools.cache
def _hts(i: int) -> np.ndarray:
    import pyopenjtalk
    import soxr

    x, sr = pyopenjtalk.tts(COMMA_SENTENCES[i], half_tone=[0.0, 3.0, -2.0, 1.0][i])
    y = soxr.resample((x / 32768.0).astype(np.float32), sr, SR)
    y = (0.5 * y / np.abs(y).max()).astype(np.float32)
    db = 10 * np.log10(np.convolve(y.astype(np.float64) ** 2, np.ones(600) / 600, mode="same") + 1e-12)
    act = np.flatnonzero(db > db.max() - 40)
    return y[act[0] : act[-1]]


def test_sentence_end_looks_more_final_than_a_comma() -> None:
    if sentence_final.load_weights() is None:
        pytest.skip("no shipped sentence-final model")
    lead = np.zeros(SR // 2, np.float32)
    gap = np.zeros(int(0.08 * SR), np.float32)  # butted lines: the pause length says nothing
    pieces, joins, t = [lead], [], len(lead) / SR
    for i in range(len(COMMA_SENTENCES)):
        x = _hts(i)
        pieces += [x, gap]
        t += len(x) / SR
        joins.append(t + 0.04)
        t += len(gap) / SR
    audio = np.concatenate([*pieces, lead])
    audio += np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32) * 3e-3
    pauses = vad.pause_table(audio, SR, joins[:-1])
    col = vad.FEATURE_NAMES.index("final_form")
    ends = [p.features[col] for p in pauses if p.probability == 1.0]
    commas = [p.features[col] for p in pauses if p.probability == 0.0 and p.duration >= 0.15]
    assert len(ends) == len(COMMA_SENTENCES) - 1 and len(commas) >= 3, (ends, commas)
    # every sentence end above the median comma, and on average clearly above
    assert min(ends) > float(np.median(commas)), (ends, commas)
    assert float(np.mean(ends)) > float(np.mean(commas)) + 1.0, (ends, commas)


@functools.cache
def _fit_script():  # noqa: ANN202 - a module
    """benchmarks/fit_segment_boundary.py, imported by path (benchmarks/ is not a package)."""
    import importlib
    import sys
    from pathlib import Path

    folder = str(Path(__file__).resolve().parents[2] / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("fit_segment_boundary")


@pytest.mark.parametrize(
    ("sid", "text", "expected"),
    [
        # past tense → te-form with the same euphonic stem (even ids take the te-form)
        ("BASIC5000_0002", "本を読んだ。", "本を読んで。"),
        ("BASIC5000_0004", "彼はすぐに帰った。", "彼はすぐに帰って。"),
        ("BASIC5000_0006", "昨日はとても寒かった。", "昨日はとても寒くて。"),
        # a request drops ください, whatever the id
        ("BASIC5000_0003", "窓を開けてください。", "窓を開けて。"),
        # questions and final particles take no continuation ending
        ("BASIC5000_0008", "ミュージカルは、見なかったのですか。", None),
        ("BASIC5000_0010", "いい天気だね。", None),
    ],
)
def test_continuation_copy_ends_in_a_te_form(sid: str, text: str, expected: str | None) -> None:
    """The fitting corpus's continuation copy (game lines ending 〜て。) is grammatical Japanese."""
    assert _fit_script().continuation(sid, text) == expected


def test_continuation_copy_hangs_plain_forms_on_a_conjunctive_particle() -> None:
    fit = _fit_script()
    endings = {fit.continuation(f"BASIC5000_{k:04d}", "毎日、駅まで走る。") for k in range(1, 9, 2)}
    assert endings == {f"毎日、駅まで走る{p}。" for p in fit.HANGING}
    # のに does not follow the copula だ (静かだのに): けど instead
    assert all(not e.endswith("だのに。") for k in range(40) if (e := fit.continuation(f"X_{k}", "静かだ。")))


@pytest.mark.parametrize(
    ("sid", "text", "expected"),
    [
        # a polite verb: its plain non-past, the volitional, 〜たい, or + と思う (by the id, mod 4)
        ("X_0004", "私は毎日学校に行きます。", "私は毎日学校に行く。"),
        ("X_0005", "私は毎日学校に行きます。", "私は毎日学校に行こう。"),
        ("X_0006", "私は毎日学校に行きます。", "私は毎日学校に行きたい。"),
        ("X_0007", "私は毎日学校に行きます。", "私は毎日学校に行くと思う。"),
        ("X_0009", "ご飯を食べる。", "ご飯を食べよう。"),  # 一段: stem + よう
        ("X_0010", "毎朝運動します。", "毎朝運動したい。"),  # サ変
        # an adjective or a noun loses です (or takes と思う; a noun then keeps だ)
        ("X_0002", "このケーキはとてもおいしいです。", "このケーキはとてもおいしい。"),
        ("X_0001", "このケーキはとてもおいしいです。", "このケーキはとてもおいしいと思う。"),
        ("X_0004", "彼は有名な作家です。", "彼は有名な作家。"),
        ("X_0003", "彼は有名な作家です。", "彼は有名な作家だと思う。"),
        # past tenses, final particles and irregular 来る take none
        ("X_0011", "窓を開けた。", None),
        ("X_0012", "いい天気だね。", None),
        ("X_0014", "友達が来ます。", None),
    ],
)
def test_plain_form_copy_ends_in_spoken_plain_forms(sid: str, text: str, expected: str | None) -> None:
    """The fitting corpus's plain-form copy (game lines ending おいしい。 行こう。 〜と思う。)."""
    assert _fit_script().plain_form(sid, text) == expected


def test_random_fitting_voices_stay_away_from_the_measured_and_validation_blends() -> None:
    """No random fitting voice lies near a blend that ``bench_segment`` measures or validates on."""
    fit = _fit_script()
    import bench_segment

    held = [*bench_segment.UNSEEN_BLENDS.values(), *bench_segment.VALIDATION_BLENDS.values()]
    vectors = [np.array([dict(b).get(v, 0.0) for v in fit.VOICES]) for b in held]
    rng = np.random.default_rng(0)
    for _ in range(300):
        w = dict(fit.random_blend(rng))
        drawn = np.array([w.get(v, 0.0) for v in fit.VOICES])
        assert min(np.abs(drawn - h).sum() for h in vectors) >= 0.6 - 0.05  # weights < 0.01 dropped


def test_synthesizer_weights_give_kokoro_and_hts_half_each() -> None:
    voices = np.array(["hts+3", "hts-2", "jf_alpha", "rand00001", "rand00002", "jm_kumo|hts+1", "mix_alpha_kumo"])
    w = _fit_script().synthesizer_weights(voices)
    hts = np.array([v.startswith("hts") for v in voices])  # a pause's family is its first voice's
    assert w[hts].sum() == pytest.approx(w[~hts].sum())
    assert w.mean() == pytest.approx(1.0)  # the loss keeps its scale


def test_benchmark_error_listing_names_the_ending_before_each_merged_boundary() -> None:
    """``bench_segment --errors`` blames a merge on the utterance whose ending was read as a
    continuation, and a split on the utterance that was cut, counted the way ``score`` counts."""
    _fit_script()  # puts benchmarks/ on the path
    import bench_segment

    refs = [(0.0, 1.0), (1.05, 2.0), (2.5, 3.5), (4.0, 5.0)]
    picks = [7, 3, 9, 4]  # source index of each reference utterance
    # lines 0-1-2 merged into one hypothesis (two missed boundaries), line 3 cut in two
    hyps = [(0.0, 3.5), (4.0, 4.5), (4.6, 5.0)]
    merged, split = bench_segment.error_sources(refs, hyps, picks)
    assert merged == [7, 3]
    assert split == [4]
    counted = bench_segment.score(refs, hyps)
    assert (counted["merged"], counted["split"]) == (1, 1)  # score counts merged hypotheses
    assert bench_segment.error_sources(refs, [(a, b) for a, b in refs], picks) == ([], [])


def test_the_validation_set_shares_no_line_or_voice_with_the_fitting_and_measurement_sets() -> None:
    """``bench_segment --voices validation-*`` is for choosing settings: its lines are no JSUT dev
    sentence (the fitting corpus and both measurement sets speak only those) and its voices are
    none of the measurement sets' or the fitting script's named blends."""
    fit = _fit_script()  # puts benchmarks/ on the path
    import bench_segment

    lines = [t.strip() for t in bench_segment.VALIDATION_LINES.read_text(encoding="utf-8").splitlines() if t.strip()]
    assert len(lines) == len(set(lines)) == 48
    if bench_segment.JSUT.is_file():
        with open(bench_segment.JSUT, encoding="utf-8") as fh:
            jsut = {row["text"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)}
        assert not jsut & set(lines)
    weights = [dict(b) for b in bench_segment.VALIDATION_BLENDS.values()]
    for others in (bench_segment.UNSEEN_BLENDS, fit.BLENDS):
        assert all(dict(b) not in weights for b in others.values())
    assert not set(bench_segment.VALIDATION_HTS) & set(bench_segment.HTS_VOICES)


def test_a_fitted_file_is_versioned_above_every_shipped_member(tmp_path: Path) -> None:
    """The versions are part of the segment stage's fingerprint: a new member's file must not repeat
    an old member's version, or cached shards scored by the old model would be taken for its output."""
    from sklearn.ensemble import GradientBoostingClassifier

    fit = _fit_script()
    rng = np.random.default_rng(0)
    x = rng.random((40, len(vad.FEATURE_NAMES)))
    clf = GradientBoostingClassifier(n_estimators=2, random_state=0).fit(x, x[:, 0] > 0.5)
    shipped = max(
        int(json.loads((fit.SHIPPED / trees).read_text(encoding="utf-8"))["version"])
        for trees, _ in vad.BOUNDARY_MEMBERS
    )
    first, second = (tmp_path / trees for trees, _ in vad.BOUNDARY_MEMBERS[:2])
    fit.export(clf, second, "alone in another folder: above the shipped members all the same")
    assert json.loads(second.read_text(encoding="utf-8"))["version"] == str(shipped + 1)
    fit.export(clf, second, "replaced")
    assert json.loads(second.read_text(encoding="utf-8"))["version"] == str(shipped + 2)
    fit.export(clf, first, "beside a newer member")
    assert json.loads(first.read_text(encoding="utf-8"))["version"] == str(shipped + 3)


def test_collecting_the_folds_in_two_processes_gives_the_same_pauses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--jobs 2`` collects each sentence fold in its own process, which reads the corpus itself: the
    pauses (features, CNN windows, labels) must be those of the one-process run."""
    import soundfile as sf

    fit = _fit_script()
    from bench_segment import hts_utterance  # benchmarks/ is on the path once the fit script is

    lines = ["今日はいい天気ですね。", "駅まで歩いて行きましょう。", "その本はもう読みました。", "早く帰りたいな。"]
    for folder, voice, shift in (("hts", "hts+0", 0.0), ("kokoro", "jf_test", 4.0)):
        (tmp_path / folder).mkdir()
        for k, text in enumerate(lines):
            sf.write(tmp_path / folder / f"TEST_{k:04d}__{voice}.flac", hts_utterance(text, shift, 1.0), SR)
    monkeypatch.setattr(fit, "CACHE2", tmp_path)
    geom = sentence_final.DEFAULT
    one = [fit._collect_fold(f, 2, 5, geom) for f in (0, 1)]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:  # forked: the workers see the patched cache folder
        two = list(pool.map(fit._collect_fold, (0, 1), [2, 2], [5, 5], [geom, geom]))
    assert all(len(p["y"]) > 0 for p in one)
    for a, b in zip(one, two, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
