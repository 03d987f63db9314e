"""Dataset statistics as a pandas table and a JSON-able summary (the report's numbers).

One row per supervision (an utterance): duration, speaker, title, split, the measurements the
pipeline stored (``custom.quality``, ``custom.asr``), speech rate and non-verbal events. A field
no stage has measured yet stays missing (NaN) and the summary says "not measured yet" instead of
reporting zeros — a zero SNR and an unmeasured SNR must never look alike.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.schema import RejectedItem

# Small kana merge with the previous kana into one mora (キャ = 1); everything else in the
# katakana block (ッ, ン, ー included) is a mora of its own.
_SMALL = set("ャュョァィゥェォヮ")
MEASURES = ("snr_db", "loudness_lufs", "cer", "speech_rate")


def count_morae(kana: str) -> int:
    return sum(1 for ch in kana if "\u30a1" <= ch <= "\u30fc" and ch not in _SMALL and ch != "・")


def cut_table(cuts: Iterable[Any]):  # noqa: ANN201 - pandas.DataFrame
    """One row per supervision with the fields the report plots (missing measurements are NaN)."""
    import pandas as pd

    rows = []
    for cut in cuts:
        split = (cut.custom or {}).get("split")
        for sup in cut.supervisions or [None]:
            custom = (sup.custom if sup is not None else None) or {}
            quality = custom.get("quality") or {}
            asr = custom.get("asr") or {}
            source = custom.get("source") or {}
            duration = float(sup.duration if sup is not None else cut.duration)
            rate = quality.get("speech_rate")
            if rate is None and custom.get("kana") and duration > 0:
                rate = count_morae(custom["kana"]) / duration
            events = custom.get("nonverbal") or []
            rows.append(
                {
                    "cut_id": cut.id,
                    "duration": duration,
                    "speaker": (sup.speaker if sup is not None else None) or "<unknown>",
                    "title": source.get("title") or "<unknown>",
                    "split": split or "<none>",
                    "snr_db": quality.get("snr_db"),
                    "loudness_lufs": quality.get("loudness_lufs"),
                    "cer": asr.get("cer"),
                    "speech_rate": rate,
                    "nonverbal": [e.get("kind") for e in events],
                    "flags": [f.get("code") for f in quality.get("flags") or []],
                }
            )
    columns = ["cut_id", "duration", "speaker", "title", "split", *MEASURES, "nonverbal", "flags"]
    table = pd.DataFrame(rows, columns=columns)
    for m in MEASURES:
        table[m] = pd.to_numeric(table[m], errors="coerce")
    return table


def _describe(values: Any) -> dict[str, Any]:
    v = values.dropna()
    if v.empty:
        return {"measured": 0, "note": "not measured yet"}
    q = v.quantile([0.05, 0.5, 0.95])
    return {
        "measured": int(v.size),
        "mean": _round(v.mean()),
        "min": _round(v.min()),
        "p5": _round(q[0.05]),
        "median": _round(q[0.5]),
        "p95": _round(q[0.95]),
        "max": _round(v.max()),
    }


def _round(x: float) -> float:
    return round(float(x), 4) if math.isfinite(float(x)) else float(x)


def rejection_summary(rejected: Iterable[RejectedItem], examples: int = 3) -> list[dict[str, Any]]:
    """Reason codes by count, each with its stage(s) and up to ``examples`` example ids."""
    counts: Counter = Counter()
    ids: dict[str, list[str]] = defaultdict(list)
    stages: dict[str, set[str]] = defaultdict(set)
    for r in rejected:
        counts[r.reason] += 1
        stages[r.reason].add(r.stage)
        if len(ids[r.reason]) < examples:
            ids[r.reason].append(r.id)
    return [
        {"reason": reason, "count": n, "stages": sorted(stages[reason]), "examples": ids[reason]}
        for reason, n in counts.most_common()
    ]


def summarize(table: Any, rejected: Iterable[RejectedItem] = ()) -> dict[str, Any]:
    """The report's JSON: totals, hours by speaker/title/split, distributions, events, rejections."""

    def hours_by(col: str) -> dict[str, float]:
        h = table.groupby(col)["duration"].sum().sort_values(ascending=False) / 3600
        return {str(k): round(float(v), 4) for k, v in h.items()}

    events: Counter = Counter(k for kinds in table["nonverbal"] for k in kinds)
    flags: Counter = Counter(k for codes in table["flags"] for k in codes)
    return {
        "utterances": int(len(table)),
        "cuts": int(table["cut_id"].nunique()) if len(table) else 0,
        "hours": round(float(table["duration"].sum()) / 3600, 4),
        "speakers": int(table["speaker"].nunique()),
        "hours_by_speaker": hours_by("speaker"),
        "hours_by_title": hours_by("title"),
        "hours_by_split": hours_by("split"),
        "duration_s": _describe(table["duration"]),
        **{m: _describe(table[m]) for m in MEASURES},
        "nonverbal_counts": dict(events.most_common()),
        "quality_flags": dict(flags.most_common()),
        "rejections": rejection_summary(rejected),
    }


def dataset_stats(ds: Dataset, version: int | None = None) -> tuple[Any, dict[str, Any]]:
    """(table, summary) for a version of ``ds`` (default current)."""
    number = version if version is not None else ds.current_version
    table = cut_table(ds.cuts(number))
    summary = summarize(table, ds.rejected(number))
    summary = {"dataset": ds.name, "version": number, **summary}
    return table, summary
