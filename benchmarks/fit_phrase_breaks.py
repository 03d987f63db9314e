"""Fit the front-end's phrase-break model (``tsukasa/pipelines/textfront/data/phrase_breaks.json``).

Where does a reader pause in text that does not write its pauses? JSUT's gold kana mark every
pause she made (、 in the ``kana`` column). Each even-id sentence is analysed with its commas
taken out (exactly what the front-end sees on text that writes no pause) and every accent-phrase
boundary is labelled by whether she paused there. Up to ``BASIC5000_2395`` the text's commas stand
where she paused, so that part alone would do; from 2396 on the text has few commas and she still
pauses as often (1.5 a sentence), so those sentences teach the unwritten pauses themselves
(together: 5-fold log-loss on that block 0.371 → 0.362 against fitting on the first part alone).
She also pauses more often there (1.5 a sentence against 1.27, the sentences as long): a feature
marks those sentences, and the shipped model is that reader, the feature's weight folded into
the bias (:data:`UNWRITTEN`). A sentence whose analysis does not spell the gold kana (same
length, at most 3 letters apart: ギイン / ギーン) is skipped, as is one the writer gave another
pause mark (？, a bracket, a quote): the model only runs on stretches with none.

Decoding splits a stretch at its best boundary and looks at each side again, so the examples are
every span between two of the sentence's pauses (or its ends), not only the whole sentence: a side
is then scored the way the fitting saw such spans. The odd ids are held out for
``bench_textfront.py``.

Model: L2-regularised logistic regression (scikit-learn, C=0.3), fitted on everything after a
5-fold cross-validation by sentence that prints AUC, log-loss and precision/recall at the
decision threshold. Usage: ``python benchmarks/fit_phrase_breaks.py [--check]`` (``--check``:
report only, write nothing).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from pathlib import Path
from unittest import mock

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tsukasa.pipelines.textfront import frontend, phonemize, phrasing  # noqa: E402
from tsukasa.pipelines.textfront.labels import makes_pause  # noqa: E402

JSUT = Path("/work/shared/data/jsut_basic5000_dev.tsv")
# From BASIC5000_2396 on the text stops writing the reader's pauses (0.35 commas a sentence) and she
# pauses more often than where she had commas to follow (1.5 a sentence against 1.27; the same
# sentence lengths). A feature marks those sentences in the fitting, and the shipped model is that
# reader (its weight folded into the bias): text given to a TTS front-end does not write its pauses.
COMMA_SPARSE_FROM = 2396  # see bench_textfront.COMMA_SPARSE_FROM
UNWRITTEN = "style:unwritten"


def analysed(text: str) -> list[dict]:
    """OpenJTalk's features for ``text`` after the front-end's rules, at the point where phrase
    breaks go in (the model's input at run time)."""
    seen: list[list[dict]] = []

    def capture(features: list[dict], **_: object) -> list[dict]:
        seen.append([dict(f) for f in features])
        return features

    with mock.patch.object(frontend, "insert_phrase_breaks", capture):
        phonemize(text, phrase_breaks=True)
    return [f for part in seen for f in part]


def pause_offsets(kana: str) -> tuple[str, set[int]]:
    """The gold kana without its 、 and the offsets (in kana letters) where the reader paused."""
    letters, offsets = "", set()
    for ch in kana:
        if ch == "、":
            offsets.add(len(letters))
        else:
            letters += ch
    return letters, offsets


def _said(f: dict) -> str:
    """The kana a word adds to the sentence's reading (pause marks, 。 among them, add none; ’ is
    OpenJTalk's devoicing mark)."""
    return "" if makes_pause(f) else f["pron"].replace("’", "")


def examples(text: str, kana: str) -> list[tuple[dict[str, float], int]] | None:
    """Labelled boundary features of one sentence, analysed with its commas taken out and labelled
    by the reader's pauses in ``kana`` (None: the analysis does not spell the gold kana)."""
    plain = analysed(text.replace("、", ""))
    gold, offsets = pause_offsets(kana)
    said = "".join(_said(f) for f in plain)
    if len(said) != len(gold) or sum(a != b for a, b in zip(said, gold, strict=True)) > 3:
        return None
    start, pos = {}, 0
    for f in plain:
        start[id(f)] = pos
        pos += len(_said(f))
    out = []
    for sentence in phrasing.sentences(plain):
        words = phrasing.spoken_words(sentence)
        if not words:
            continue
        cuts = [0, *(j for j in range(1, len(words)) if start[id(words[j])] in offsets), len(words)]
        for a in range(len(cuts)):
            for b in range(a + 1, len(cuts)):
                span = words[cuts[a] : cuts[b]]
                for j, left, right in phrasing.candidates(span):
                    label = int(start[id(span[j])] in offsets)
                    out.append((phrasing.boundary_features(span, j, left, right), label))
    return out


def corpus(max_id: int, data: Path = JSUT) -> tuple[list[dict[str, float]], np.ndarray, np.ndarray, int]:
    rows, groups, labels, skipped = [], [], [], 0
    with open(data, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            n = int(r["id"].rsplit("_", 1)[-1])
            if n % 2 or n >= max_id or r.get("match_text", "1") != "1":
                continue
            ex = examples(r["text"], r["kana"])
            if ex is None:
                skipped += 1
                continue
            for x, y in ex:
                rows.append({**x, UNWRITTEN: float(n >= COMMA_SPARSE_FROM)})
                labels.append(y)
                groups.append(n)
    return rows, np.array(labels), np.array(groups), skipped


def main(argv: list[str] | None = None) -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=JSUT, help="JSUT-format TSV (id, text, ...)")
    ap.add_argument("--max-id", type=int, default=10**9, help="fit on even ids below this (default: all)")
    ap.add_argument("--c", type=float, default=0.3, help="inverse L2 strength (0.3: best 5-fold log-loss)")
    ap.add_argument("--check", action="store_true", help="report only; do not write the model")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        ap.error(f"no such file: {args.data}")
    rows, y, groups, skipped = corpus(args.max_id, args.data)
    print(f"{len(y)} boundaries ({int(y.sum())} with a pause) from {len(set(groups.tolist()))} sentences; "
          f"{skipped} skipped (the analysis does not spell the gold kana)")  # fmt: skip
    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    folds = groups % 5
    p = np.zeros(len(y))
    for k in range(5):
        fit = LogisticRegression(C=args.c, max_iter=5000).fit(x[folds != k], y[folds != k])
        p[folds == k] = fit.predict_proba(x[folds == k])[:, 1]
    pick = p > phrasing.THRESHOLD
    tp = int((pick & (y == 1)).sum())
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    print(f"5-fold by sentence: AUC {roc_auc_score(y, p):.3f}, log-loss {loss:.3f}, at {phrasing.THRESHOLD}: "
          f"precision {tp / max(pick.sum(), 1):.3f}, recall {tp / max(y.sum(), 1):.3f}")  # fmt: skip
    fit = LogisticRegression(C=args.c, max_iter=5000).fit(x, y)
    weights = {name: round(float(w), 6) for name, w in zip(vec.get_feature_names_out(), fit.coef_[0], strict=True)}
    weights["bias"] = round(weights.get("bias", 0.0) + float(fit.intercept_[0]), 6)
    print(f"the reader of unwritten pauses: {weights[UNWRITTEN]:+.3f} log-odds a boundary (folded into the bias)")
    weights["bias"] = round(weights["bias"] + weights.pop(UNWRITTEN), 6)
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:12]
    print("largest weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in top))
    if args.check:
        return
    out = {
        "note": "tsukasa phrase-break model: logistic regression over accent-phrase boundaries "
        "(textfront/phrasing.py); fitted by benchmarks/fit_phrase_breaks.py on JSUT basic5000 "
        f"even ids below {args.max_id}, commas taken out, the reader's pauses (gold kana) as the labels",
        "fitted": date.today().isoformat(),
        "boundaries": len(y),
        "weights": dict(sorted(weights.items())),
    }
    path = Path(str(phrasing.data_path(phrasing.MODEL_FILE)))
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
