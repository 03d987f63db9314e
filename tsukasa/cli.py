"""The ``tsukasa`` command. Thin: parses arguments, calls the library, prints results.

Expected problems (bad paths, invalid recipes, unknown datasets) are ``TsukasaError``s and
print as one ``error:`` line with a non-zero exit; typos in options print click's one-line
usage error. Tracebacks are for bugs only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tsukasa.errors import TsukasaError

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="tsukasa",
    help="Tsukasa: raw Japanese game/VN voice dumps → curated, phonemized Lhotse datasets → StyleTTS 2-style "
    "training and synthesis.\n\nStart with `tsukasa demo`, then `tsukasa ingest RAW_DIR --dataset NAME`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        envvar="TSUKASA_ROOT",
        help="Folder that holds the datasets (default ./data_manifests).",
        show_default=False,
    ),
]
DatasetOpt = Annotated[str, typer.Option("--dataset", "-d", help="Dataset name (a folder under --root).")]


def _fmt_hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min"


def _progress(description: str):  # noqa: ANN202 - returns (context manager, callback)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


def print_ingest_report(report) -> None:  # noqa: ANN001 - tsukasa.corpus.ingest.IngestReport
    console.print(
        f"[bold]{report.dataset}[/]: {report.recordings} recordings, {_fmt_hours(report.duration_s)} "
        f"({report.scanned} files read, {report.unchanged} unchanged)"
        + (f" → version v{report.version}" if report.version else " — nothing changed, no new version")
    )
    if report.formats:
        table = Table("format", "files", title="Formats kept", title_justify="left")
        for fmt, n in sorted(report.formats.items()):
            table.add_row(fmt, str(n))
        console.print(table)
    if report.rejected:
        table = Table("reason", "files", "example", title="Rejected (see rejected.jsonl.gz)", title_justify="left")
        by_reason: dict[str, list] = {}
        for r in report.rejected:
            by_reason.setdefault(r.reason, []).append(r)
        for reason, items in sorted(by_reason.items()):
            table.add_row(reason, str(len(items)), f"{Path(items[0].path or items[0].id).name}: {items[0].detail}")
        console.print(table)
    if report.ignored:
        console.print("Skipped non-audio files: " + ", ".join(f"{n}× {ext}" for ext, n in report.ignored.items()))
    if report.script_lines:
        console.print(
            f"Script: {report.script_lines} lines ({report.script_file_lines} name a file, "
            f"{report.script_folder_lines} are folder-level)"
        )
    for msg in report.script_unmatched:
        console.print(f"[yellow]script {msg}[/]")


@app.command()
def ingest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with the raw audio (walked recursively).")],
    dataset: DatasetOpt,
    script: Annotated[
        Path | None,
        typer.Option(help="TSV/CSV script: column 'text', optional 'file', 'line_id', 'speaker', 'title'."),
    ] = None,
    licence: Annotated[str | None, typer.Option(help="Licence of the source material, kept in dataset.yaml.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel file readers (default: CPU count).")] = None,
    min_duration: Annotated[float, typer.Option(help="Reject files shorter than this many seconds.")] = 0.2,
    root: RootOpt = None,
) -> None:
    """Register a folder of raw voice files as a dataset (one Lhotse Recording per good file).

    Every bad file (corrupt, truncated, empty, not audio, NaN, silent, too short, duplicate)
    is listed with its reason in rejected.jsonl.gz. Running it again reads only new or
    changed files.

    Example:  tsukasa ingest ./dump/sakura --dataset sakura --script ./dump/script.tsv
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import IngestConfig
    from tsukasa.corpus.ingest import ingest as run_ingest

    if not raw_dir.is_dir():
        raise TsukasaError(f"not a folder: {raw_dir}")
    if script is not None and not script.is_file():
        raise TsukasaError(f"script file not found: {script}")
    cfg = IngestConfig(min_duration=min_duration, **({"workers": workers} if workers else {}))
    ds = Dataset.open_or_create(dataset, root, licence=licence)
    progress, update = _progress("ingest")
    with progress:
        report = run_ingest(raw_dir, ds, script=script, config=cfg, progress=update)
    print_ingest_report(report)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where to build the sample raw dump.")] = Path("demo_raw"),
    dataset: Annotated[str, typer.Option(help="Name of the demo dataset.")] = "demo",
    root: RootOpt = None,
) -> None:
    """Build the embedded sample (a small synthetic game voice dump) and run the pipeline on it.

    Offline and deterministic: ~20 lines for 3 characters synthesised with pyopenjtalk's voice,
    mixed formats, multi-line files, a script TSV and a few broken files.

    Example:  tsukasa demo --out /tmp/demo
    """
    import shutil

    from tsukasa.corpus.dataset import Dataset, default_root
    from tsukasa.corpus.ingest import ingest as run_ingest
    from tsukasa.demo import build_sample

    console.rule("[bold]1. Build the sample raw dump")
    info = build_sample(out)
    console.print(
        f"{info.raw_dir}: {info.good_files} good files, {len(info.bad_files)} deliberately broken; script {info.script}"
    )
    ds_path = (root or default_root()) / dataset
    if ds_path.exists():
        shutil.rmtree(ds_path)  # the demo always starts from scratch
    ds = Dataset.create(dataset, root, licence="CC0 (synthetic sample)")

    console.rule("[bold]2. Ingest")
    progress, update = _progress("ingest")
    with progress:
        report = run_ingest(info.raw_dir, ds, script=info.script, progress=update)
    print_ingest_report(report)
    console.print(f"\nDataset folder: {ds.path}")


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    try:
        app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument, bad value
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if not message:  # no arguments at all: the help was printed, nothing went wrong
            sys.exit(0)
        print(f"error: {message}{hint}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except TsukasaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
