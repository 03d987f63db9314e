"""The dataset report: one self-contained HTML page (plots as inline PNG) plus the same numbers as JSON.

Self-contained because reports are mailed, attached to issues and opened on machines with no
network: no external CSS, fonts or scripts, nothing fetched. Plots come from matplotlib's Agg
backend (no display needed) and are embedded as base64 PNG. A distribution nobody has measured
yet (no ``custom.quality`` from a quality stage, no ``custom.asr`` from transcription) is shown as
"not measured yet" rather than as an empty or zero plot.
"""

from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tsukasa.corpus.dataset import Dataset
from tsukasa.corpus.manifests import atomic_path
from tsukasa.corpus.stats import dataset_stats

_CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK JP",sans-serif;margin:2rem auto;max-width:1100px;
color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}
th{background:#f4f4f4}.num{text-align:right}.grid{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0}img{max-width:520px;border:1px solid #eee}.note{color:#777;font-style:italic}
code{background:#f4f4f4;padding:0 .2rem}
"""


@dataclass
class ReportPaths:
    html: Path
    json: Path
    summary: dict[str, Any]


_CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic")


def _use_cjk_font() -> bool:
    """Use a CJK font for Japanese names when one is installed (Debian: fonts-noto-cjk); True if so."""
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [f for f in _CJK_FONTS if f in installed]
    matplotlib.rcParams["font.family"] = [*cjk, "DejaVu Sans"]
    return bool(cjk)


def _plot_label(name: str, index: int, cjk: bool) -> str:
    # Without a CJK font a Japanese name would render as boxes (and warn): show its row number in
    # the table printed beside the plot instead.
    return name if cjk or name.isascii() else f"[{index + 1}]"


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(title: str, png: str) -> str:
    return (
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{png}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
    )


def _bar(data: dict[str, float], title: str, xlabel: str, cjk: bool, limit: int = 25) -> str:
    import matplotlib.pyplot as plt

    items = list(data.items())[:limit]
    labels = [_plot_label(k, i, cjk) for i, (k, _) in enumerate(items)]
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(items) + 1.2))
    ax.barh(labels[::-1], [v for _, v in items][::-1], color="#4c78a8")
    ax.set_xlabel(xlabel)
    ax.set_title(title + (f" (top {limit})" if len(data) > limit else ""))
    return _figure(title, _png(fig))


def _hist(values: Any, title: str, xlabel: str, bins: int = 30) -> str:
    import matplotlib.pyplot as plt

    v = values.dropna()
    if v.empty:
        return f'<p class="note">{html.escape(title)}: not measured yet.</p>'
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(v.to_numpy(), bins=bins, color="#f58518", edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("utterances")
    ax.set_title(f"{title} (n={v.size})")
    return _figure(title, _png(fig))


def _table(rows: list[list[Any]], header: list[str]) -> str:
    def cell(x: Any) -> str:
        cls = ' class="num"' if isinstance(x, int | float) else ""
        return f"<td{cls}>{html.escape(str(x))}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(x) for x in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(table: Any, summary: dict[str, Any]) -> str:
    """The report page for a stats table and its summary (see :mod:`tsukasa.corpus.stats`)."""
    import matplotlib

    matplotlib.use("Agg")
    cjk = _use_cjk_font()

    esc = html.escape
    parts = [
        f"<h1>Dataset report: {esc(str(summary['dataset']))} v{summary['version']}</h1>",
        _table(
            [
                [
                    summary["cuts"],
                    summary["utterances"],
                    round(summary["hours"], 3),
                    summary["speakers"],
                    sum(r["count"] for r in summary["rejections"]),
                ]
            ],  # fmt: skip
            ["cuts", "utterances", "hours", "speakers", "rejected"],
        ),
        "<h2>Hours</h2><div class='grid'>",
    ]
    for key, label in (("hours_by_speaker", "speaker"), ("hours_by_title", "title"), ("hours_by_split", "split")):
        if summary[key]:
            rows = [[i + 1, k, v] for i, (k, v) in enumerate(summary[key].items())]
            parts.append(_bar(summary[key], f"Hours by {label}", "hours", cjk) + _table(rows, ["#", label, "hours"]))
    parts.append("</div><h2>Distributions</h2><div class='grid'>")
    parts.append(_hist(table["duration"], "Utterance duration", "seconds"))
    parts.append(_hist(table["snr_db"], "SNR", "dB"))
    parts.append(_hist(table["loudness_lufs"], "Loudness", "LUFS"))
    parts.append(_hist(table["cer"], "ASR vs script CER", "character error rate"))
    parts.append(_hist(table["speech_rate"], "Speech rate", "morae per second"))
    parts.append("</div>")
    stat_rows = []
    for key in ("duration_s", "snr_db", "loudness_lufs", "cer", "speech_rate"):
        d = summary[key]
        if d.get("measured"):
            stat_rows.append([key, d["measured"], d["mean"], d["p5"], d["median"], d["p95"]])
        else:
            stat_rows.append([key, 0, "not measured yet", "", "", ""])
    parts.append(_table(stat_rows, ["measure", "n", "mean", "p5", "median", "p95"]))
    parts.append("<h2>Non-verbal events</h2><div class='grid'>")
    if summary["nonverbal_counts"]:
        parts.append(_bar(summary["nonverbal_counts"], "Non-verbal events", "count", cjk))
        parts.append(_table([[k, v] for k, v in summary["nonverbal_counts"].items()], ["kind", "count"]))
    else:
        parts.append('<p class="note">No non-verbal events annotated.</p>')
    parts.append("</div>")
    if summary["quality_flags"]:
        parts.append("<h2>Quality flags</h2>")
        parts.append(_table([[k, v] for k, v in summary["quality_flags"].items()], ["flag", "count"]))
    parts.append("<h2>Rejections</h2>")
    rej = summary["rejections"]
    if rej:
        parts.append("<div class='grid'>" + _bar({r["reason"]: r["count"] for r in rej}, "Rejections", "count", cjk))
        parts.append(
            _table(
                [[r["reason"], r["count"], ", ".join(r["stages"]), ", ".join(r["examples"])] for r in rej],
                ["reason", "count", "stage", "examples"],
            )
            + "</div>"
        )
    else:
        parts.append('<p class="note">Nothing rejected.</p>')
    body = "\n".join(parts)
    title = esc(f"{summary['dataset']} v{summary['version']} report")
    return (
        f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def write_report(ds: Dataset, version: int | None = None, out_dir: str | Path | None = None) -> ReportPaths:
    """Write ``report.html`` and ``report.json`` for a version (default current) to ``out_dir``
    (default ``<dataset>/report/``); both are written atomically."""
    table, summary = dataset_stats(ds, version)
    out = Path(out_dir) if out_dir is not None else ds.report_dir
    html_path, json_path = out / "report.html", out / "report.json"
    page = render_html(table, summary)
    with atomic_path(html_path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    with atomic_path(json_path) as tmp:
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return ReportPaths(html=html_path, json=json_path, summary=summary)
