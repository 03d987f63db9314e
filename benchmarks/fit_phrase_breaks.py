"""Fit the front-end's phrase-break model (``tsukasa/pipelines/textfront/data/phrase_breaks.json``).

Where do readers pause in a sentence written without commas? In the first ~2,400 sentences of
JSUT basic5000 (``BASIC5000_0001``-``2395``) the commas stand exactly where the reader paused
(beyond them she paused at under 1 % of word boundaries), so each of those sentences, with its
commas taken out, is a comma-less sentence whose reader's breaks we know. From
``BASIC5000_2396`` on the corpus is written with few commas and the reader's pauses are not in
the text: those sentences are left out of the fitting, and with the odd ids (held out for
``bench_textfront.py``) they are what measures the model.

For each even-id sentence before 2396 (``--max-id``) that OpenJTalk analyses the same with and
without its 、 (a few differ in their characters after normalisation and are skipped), the
features of every accent-phrase boundary are taken from the analysis of the comma-less text
(exactly what the front-end sees at run time) and labelled by whether a pause-making 、 stood
there. Decoding splits a stretch at its best boundary and looks at each side again, so the
examples are every span between two of the sentence's commas (or its ends), not only the whole
sentence: a side is then scored the way the fitting saw such spans. A sentence the writer gave
another pause mark (？, a bracket, a quote) is left out: the model only runs on sentences with none.

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
COMMA_SPARSE_FROM = 2396  # see bench_textfront.COMMA_SPARSE_FROM


def analysed(text: str) -> list[dict]:
    """OpenJTalk's features for ``text`` after the front-end's rules, at the point where phrase
    breaks go in (the model's input at run time)."""
    seen: list[list[dict]] = []

    def capture(features: list[dict]) -> list[dict]:
        seen.append([dict(f) for f in features])
        return features

    with mock.patch.object(frontend, "insert_phrase_breaks", capture):
        phonemize(text, phrase_breaks=True)
    return [f for part in seen for f in part]


def comma_offsets(features: list[dict]) -> tuple[str, set[int]]:
    """The analysed text without its 、 and the character offsets (in that text) where a
    pause-making 、 stood."""
    text, offsets = "", set()
    for f in features:
        if f["string"] == "、":
            if makes_pause(f):
                offsets.add(len(text))
            continue
        text += f["string"]
    return text, offsets


def examples(text: str) -> list[tuple[dict[str, float], int]] | None:
    """Labelled boundary features of one sentence with its commas taken out (None: the two
    analyses do not line up)."""
    with_commas, offsets = comma_offsets(analysed(text))
    plain = analysed(text.replace("、", ""))
    if "".join(f["string"] for f in plain).replace("、", "") != with_commas:
        return None
    start, pos = {}, 0
    for f in plain:
        start[id(f)] = pos
        pos += len(f["string"]) if f["string"] != "、" else 0
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
            if n % 2 or n >= max_id:
                continue
            ex = examples(r["text"])
            if ex is None:
                skipped += 1
                continue
            for x, y in ex:
                rows.append(x)
                labels.append(y)
                groups.append(n)
    return rows, np.array(labels), np.array(groups), skipped


def main(argv: list[str] | None = None) -> None:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=JSUT, help="JSUT-format TSV (id, text, ...)")
    ap.add_argument("--max-id", type=int, default=COMMA_SPARSE_FROM, help="fit on even ids below this")
    ap.add_argument("--c", type=float, default=0.3, help="inverse L2 strength (0.3: best 5-fold log-loss)")
    ap.add_argument("--check", action="store_true", help="report only; do not write the model")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        ap.error(f"no such file: {args.data}")
    rows, y, groups, skipped = corpus(args.max_id, args.data)
    print(f"{len(y)} boundaries ({int(y.sum())} with a comma) from {len(set(groups.tolist()))} sentences; "
          f"{skipped} skipped (analyses differ)")  # fmt: skip
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
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:12]
    print("largest weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in top))
    if args.check:
        return
    out = {
        "note": "tsukasa phrase-break model: logistic regression over accent-phrase boundaries "
        "(textfront/phrasing.py); fitted by benchmarks/fit_phrase_breaks.py on JSUT basic5000 "
        f"even ids below {args.max_id}, commas taken out as the labels",
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
