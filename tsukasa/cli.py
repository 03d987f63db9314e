"""The ``tsukasa`` command. Thin: parses arguments, calls the library, prints results.

Expected problems (bad paths, invalid recipes, unknown datasets) are ``TsukasaError``s and
print as one ``error:`` line with a non-zero exit; typos in options print click's one-line
usage error. Tracebacks are for bugs only.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tsukasa.errors import TsukasaError

console = Console()


class Interrupted(TsukasaError):
    """Ctrl-C in a long command, with what was kept and how to go on (one line, exit 130)."""


_DEMO_STOPPED = "the demo stopped; `tsukasa demo` starts it again from scratch"


@contextlib.contextmanager
def _on_interrupt(kept: str) -> Iterator[None]:
    """Turn Ctrl-C into :class:`Interrupted`: typer used to swallow it and exit 130 without a
    word, leaving the user to guess whether the work so far was lost."""
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(kept) from None


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


_ARCHIVES = {".zip": "unzip -O cp932 {} -d DIR", ".7z": "7z x {} -oDIR", ".rar": "unrar x {} DIR",
             ".lzh": "lha xw=DIR {}", ".tar": "tar -xf {} -C DIR", ".gz": "tar -xzf {} -C DIR"}  # fmt: skip


def _archive_hint(path: Path) -> str:
    """For a voice dump given as its archive: how to unpack it (ingest reads folders). Japanese zips
    store Shift-JIS names, hence ``-O cp932``; names left undecodable are rejected as bad_filename."""
    command = _ARCHIVES.get(path.suffix.lower())
    if command is None or not path.is_file():
        return ""
    return f" ({path.suffix.lower()} archive: unpack it first, e.g. `{command.format(path)}`, then ingest DIR)"


def print_ingest_report(report) -> None:  # noqa: ANN001 - tsukasa.corpus.ingest.IngestReport
    console.print(
        f"[bold]{report.dataset}[/]: {report.recordings} recordings, {_fmt_hours(report.duration_s)} "
        f"({report.scanned} files read, {report.unchanged} unchanged"
        + (f", {report.resumed} read before an interruption" if report.resumed else "")
        + ")"
        + (
            f" → version v{report.version}"
            if report.version
            else f" — same as ingest v{report.same_as_version}, no new version"
            if report.same_as_version
            else " — nothing changed, no new version"
        )
        + (f" in {report.wall_s:.1f} s" if report.wall_s else "")
        + (f" ({report.scanned / report.wall_s:,.0f} files read/s)" if report.wall_s and report.scanned else "")
    )
    if not report.recordings and not report.rejected:
        console.print(f"[yellow]no audio files found under {report.source_root}[/]")
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
        console.print(
            "Skipped (not audio or hidden): " + ", ".join(f"{n}× {ext}" for ext, n in report.ignored.items()),
            markup=False,
        )
    if report.script_lines:
        console.print(
            f"Script: {report.script_lines} lines ({report.script_file_lines} name a file, "
            f"{report.script_folder_lines} are folder-level)"
        )
        if report.script_multi_line_files:
            n = report.script_multi_line_files
            console.print(f"  {n} file(s) named on several rows: one utterance per row after `tsukasa run`")
    for msg in report.script_notes:
        console.print(f"script {msg}", markup=False)
    for msg in report.script_unmatched:
        console.print(f"[yellow]script {escape(msg)}[/]")


@app.command()
def ingest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder with the raw audio (walked recursively).")],
    dataset: DatasetOpt,
    script: Annotated[
        Path | None,
        typer.Option(
            help="TSV/CSV script (UTF-8, UTF-16, Shift-JIS or EUC-JP): column 'text', optional 'file', "
            "'line_id', 'speaker', 'title'; a file named on several rows holds that many lines."
        ),
    ] = None,
    script_columns: Annotated[
        str | None,
        typer.Option(
            help="Which header holds each column when the script names them otherwise, e.g. "
            "'file=voice,text=セリフ,speaker=キャラ' (common names such as voice, セリフ, キャラ are "
            "recognised anyway)."
        ),
    ] = None,
    licence: Annotated[str | None, typer.Option(help="Licence of the source material, kept in dataset.yaml.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Scan processes (default: one per core, <= 8).")
    ] = None,
    read_ahead: Annotated[
        int | None,
        typer.Option(min=0, max=1024, help="Files read ahead by the kernel while one is checked (default 16; 0: off)."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            help="Only ingest files matching this glob (repeatable). Without / it matches a file or folder "
            "name at any depth ('*.ogg'); with / the path from RAW_DIR ('voice/*')."
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="Leave out files or folders matching this glob (repeatable), e.g. --exclude bgm --exclude 'se_*': "
            "game dumps hold music and sound effects beside the voices."
        ),
    ] = None,
    min_duration: Annotated[float, typer.Option(help="Reject files shorter than this many seconds.")] = 0.2,
    verify: Annotated[
        str,
        typer.Option(
            help="quick: PCM WAV checked sample by sample, compressed files decoded until the first loud block "
            "and their end checked; full: decode every sample of every file (also finds damage in the middle "
            "of a compressed stream)."
        ),
    ] = "quick",
    root: RootOpt = None,
) -> None:
    """Register a folder of raw voice files as a dataset (one Lhotse Recording per good file).

    Every bad file (corrupt, truncated, empty, not audio, NaN, silent, too short, duplicate)
    is listed with its reason in rejected.jsonl.gz. Running it again reads only new or
    changed files.

    Example:  tsukasa ingest ./dump/sakura --dataset sakura --script ./dump/script.tsv
    Example:  tsukasa ingest ./dump --dataset game --script voices.csv --script-columns file=vo,text=msg
    Example:  tsukasa ingest ./dump --dataset game --exclude bgm --exclude 'se_*'
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.ingest import IngestConfig, parse_script_columns
    from tsukasa.corpus.ingest import ingest as run_ingest

    columns = parse_script_columns(script_columns)
    if not raw_dir.is_dir():
        raise TsukasaError(f"not a folder: {raw_dir}{_archive_hint(raw_dir)}")
    if script is not None and not script.is_file():
        raise TsukasaError(f"script file not found: {script}")
    if verify not in ("quick", "full"):
        raise TsukasaError(f"--verify must be 'quick' or 'full', not {verify!r}")
    # Only what the user set: the defaults live in IngestConfig alone.
    overrides = {k: v for k, v in (("workers", workers), ("read_ahead", read_ahead)) if v is not None}
    patterns = {"include": tuple(include or ()), "exclude": tuple(exclude or ())}
    cfg = IngestConfig(min_duration=min_duration, verify=verify, **patterns, **overrides)
    ds = Dataset.open_or_create(dataset, root, licence=licence)
    progress, update = _progress("ingest")
    kept = (
        "no version was written; the files read so far are kept in the ingest checkpoint and the same "
        "command resumes from there"
    )
    with _on_interrupt(kept), progress:
        report = run_ingest(raw_dir, ds, script=script, config=cfg, progress=update, script_columns=columns)
    print_ingest_report(report)


recipe_app = typer.Typer(help="Show and validate recipes (YAML chains of pipeline stages).", no_args_is_help=True)
app.add_typer(recipe_app, name="recipe")

RecipeArg = Annotated[
    str | None, typer.Argument(help="A recipe YAML file or the name of a shipped recipe (default: 'default').")
]


@recipe_app.command("show")
def recipe_show(recipe: RecipeArg = None) -> None:
    """Print a recipe with every stage's full config (defaults filled in) and its fingerprint.

    Example:  tsukasa recipe show            (the shipped default recipe)
    """
    from tsukasa.flows.recipe import load_recipe

    r = load_recipe(recipe)
    console.print(f"[bold]{r.name}[/] ({r.source}) — fingerprint {r.fingerprint()}, shard_size {r.shard_size}")
    if r.description:
        console.print(r.description)
    for i, stage in enumerate(r.build(), 1):
        cfg = stage.config.model_dump(mode="json")
        console.print(f"{i}. [bold]{stage.name}[/] ({stage.kind}, v{stage.version}, {stage.fingerprint()})")
        for key, value in cfg.items():
            console.print(f"     {key}: {value}")


@recipe_app.command("validate")
def recipe_validate(recipe: Annotated[str, typer.Argument(help="Recipe YAML file to check.")]) -> None:
    """Check a recipe completely (stages, keys, types) without touching any audio.

    Example:  tsukasa recipe validate my_recipe.yaml
    """
    from tsukasa.flows.recipe import RecipeError, load_recipe

    try:
        r = load_recipe(recipe)
    except RecipeError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise typer.Exit(1) from None
    console.print(f"ok: {r.name} — {len(r.steps)} stages: {', '.join(s.stage for s in r.steps)}")


@app.command()
def run(
    dataset: DatasetOpt,
    recipe: Annotated[
        str | None, typer.Option(help="Recipe YAML file or shipped recipe name (default: the shipped 'default').")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Parallel tasks on the local runner.")] = 2,
    dask_address: Annotated[
        str | None, typer.Option(help="Run the tasks on this Dask scheduler (e.g. tcp://10.0.0.5:8786).")
    ] = None,
    plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="Say, stage by stage, how many shards would come from cache and how many "
            "would be computed; run nothing.",
        ),
    ] = False,
    root: RootOpt = None,
) -> None:
    """Run a curation recipe over a dataset's recordings as a resumable Prefect flow.

    Shards are cached by input content + stage fingerprint: after a crash, run the same
    command again and only unfinished shards are computed. Edit a stage's config in the recipe
    and that stage and the ones after it run again; files added to the dump recompute only the
    shards they land in. The result is a new dataset version (what it did: `tsukasa dataset
    versions NAME --show N`); `tsukasa dataset prune NAME` frees the caches of earlier runs.

    Example:  tsukasa run --dataset sakura --recipe recipes/strict.yaml
    Example:  tsukasa run --dataset sakura --recipe recipes/strict.yaml --plan   (what it would compute)
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.flows.curate import run_recipe
    from tsukasa.flows.recipe import load_recipe

    r = load_recipe(recipe)  # fully validated before any audio is read
    ds = Dataset.open(dataset, root)
    if plan:
        from tsukasa.flows.plan import plan_recipe

        n_shards, stages = plan_recipe(ds, r)
        table = Table("stage", "from cache", "to compute", "after a computed stage",
                      title=f"Plan: recipe {r.name} over {n_shards} shard(s)", title_justify="left")  # fmt: skip
        for st in stages:
            table.add_row(st.stage, str(st.cached), str(st.to_compute), str(st.may_compute))
        console.print(table)
        known, maybe = sum(st.to_compute for st in stages), sum(st.may_compute for st in stages)
        if known + maybe == 0:
            console.print("nothing to compute: every shard comes from cache")
        else:
            console.print(f"{known} task(s) to compute, and up to {maybe} after them (cached if the computed "
                          "stages give the same output again); run without --plan to start")  # fmt: skip
        return
    progress, update = _progress(f"run {r.name}")
    kept = "no version was written; finished shards are kept and the same command resumes from them"
    with _on_interrupt(kept), progress:
        report = run_recipe(ds, r, workers=workers, dask_address=dask_address, progress=update)
    print_run_report(report)
    from tsukasa.annotation.commands import reviews_not_in_current

    try:
        hint = reviews_not_in_current(dataset, root=root)
    except TsukasaError:
        hint = None  # an unreadable review store is `tsukasa review`'s to report, not the run's
    if hint:
        console.print(f"[yellow]note:[/] {hint}", soft_wrap=True)


def print_run_report(report) -> None:  # noqa: ANN001 - tsukasa.flows.curate.RunReport
    state = f"new version v{report.version}" if report.new_version else f"unchanged, still v{report.version}"
    console.print(
        f"[bold]{report.dataset}[/]: recipe {report.recipe} → {report.cuts} cuts, {_fmt_hours(report.duration_s)} "
        f"({state})"
    )
    from rich.table import Column

    # the stage names are what a reader looks for: never cut (sentence_split was sentence_sp…)
    widest = max((len(st.stage) for st in report.stages), default=5)
    table = Table(Column("stage", no_wrap=True, min_width=widest), "shards computed", "shards reused", "cuts kept",
                  "rejected", "compute s", title="Stages", title_justify="left")  # fmt: skip
    for st in report.stages:
        dropped = ", ".join(f"{n} {reason}" for reason, n in st.rejected.most_common()) or "0"
        table.add_row(st.stage, str(st.shards_computed), str(st.shards_reused), str(st.kept), dropped,
                      f"{st.compute_s:.1f}")  # fmt: skip
    console.print(table)
    if report.new_version:
        console.print(f"Kept with the version: versions/v{report.version}/run.yaml "
                      f"(`tsukasa dataset versions {report.dataset} --show {report.version}`)")  # fmt: skip
    if report.rejected:
        console.print("Rejected: " + ", ".join(f"{n}× {k}" for k, n in report.rejected.most_common()))
    if report.flags:
        console.print("Flagged for review: " + ", ".join(f"{n}× {k}" for k, n in report.flags.most_common()))
    if report.reads_like_other_row:
        n = report.reads_like_other_row
        console.print(f"[yellow]note:[/] {n} line(s) the script names a file for read like another file's row: "
                      "files swapped or script rows shifted? (each flag names the row)")  # fmt: skip
    files, size = report.temporaries_removed
    if files:
        console.print(f"Removed {files} temporary file(s), {size / 1e6:,.1f} MB, that a killed run had left in stages/")


@app.command()
def g2p(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="What to print per line: phonemes, kana, prosody, or json (all of them with the normalised "
            "text, the non-verbal cues and unread placeholders: why a line reads as it does).",
        ),
    ] = "phonemes",
    user_dict: Annotated[
        Path | None,
        typer.Option(
            help="User dictionary, e.g. character names: a CSV of surface,reading,accent type; OpenJTalk "
            "dictionary rows (VOICEVOX's or Style-Bert-VITS2's default.csv); or VOICEVOX's user_dict.json."
        ),
    ] = None,
    english: Annotated[
        str,
        typer.Option(
            help="English words the loanword table lacks: 'model' (katakana from e2k, e.g. weather → ウェザー) "
            "or 'letters' (letter names)."
        ),
    ] = "model",
    placeholder: Annotated[
        list[str] | None,
        typer.Option(
            "--placeholder",
            "-p",
            help="KEY=READING for a runtime placeholder ({name}, %name%, \\N[1] → name, N[1]); repeatable. "
            "Placeholders without one are not read and are named on stderr.",
        ),
    ] = None,
    phrase_breaks: Annotated[
        bool,
        typer.Option(
            help="Pause where a reader breaks a long stretch the text gives no comma (after its topic or a "
            "clause) and where a sentence ends with no mark (行くぞ気合い入れろ); --no-phrase-breaks pauses at "
            "punctuation only, as plain OpenJTalk does (for text that writes every pause as a comma)."
        ),
    ] = True,
) -> None:
    """Japanese text (kanji/kana, romaji, or a mixture) → phonemes, kana or prosody, one line per line.

    Reads stdin, prints exactly one output line per input line (empty in → empty out). A line
    with a word it cannot read (another script, an unknown sign) gets an empty line, is named on
    stderr, and the exit status is 1.

    Example:  echo 'kyou wa ii tenki desu ne' | tsukasa g2p --format prosody
    Example:  echo '司のdeadlineは明日' | tsukasa g2p --format kana --user-dict names.csv
    Example:  echo '{name}さん、おはよう' | tsukasa g2p --format kana --placeholder name=ゆうき
    Example:  echo '（笑）行こっか' | tsukasa g2p --format json
    """
    from tsukasa.pipelines.textfront.cli_support import G2P_FORMATS, g2p_lines
    from tsukasa.pipelines.textfront.placeholders import parse_reading_options

    if format not in G2P_FORMATS:
        raise TsukasaError(f"unknown --format {format!r}: use {', '.join(G2P_FORMATS)}")
    if english not in ("model", "letters"):
        raise TsukasaError(f"unknown --english {english!r}: use model or letters")
    if user_dict is not None and not user_dict.is_file():
        raise TsukasaError(f"user dictionary not found: {user_dict}")
    readings = parse_reading_options(placeholder or [])

    def unread(number: int, found: list[str]) -> None:
        keys = ", ".join(found)
        err_console.print(
            f"line {number}: placeholder {keys} not read (give --placeholder KEY=READING)", markup=False, soft_wrap=True
        )

    failed: list[int] = []

    def unreadable(number: int, message: str) -> None:
        failed.append(number)
        err_console.print(f"line {number}: {message}", markup=False, soft_wrap=True)

    lines = (line.rstrip("\n").rstrip("\r") for line in sys.stdin)
    outputs = g2p_lines(
        lines,
        format,
        user_dict=str(user_dict) if user_dict else None,
        english=english,
        placeholders=readings,
        phrase_breaks=phrase_breaks,
        on_unread=unread,
        on_error=unreadable,
    )
    for out in outputs:
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
    if failed:  # every line was answered (empty for these); the exit status says some were not read
        raise TsukasaError(f"{len(failed)} line(s) could not be read (empty output lines): {failed[:10]}")


train_app = typer.Typer(help="Train the model: auxiliary parts, then stage 1 (acoustic).", no_args_is_help=True)
app.add_typer(train_app, name="train")

ConfigOpt = Annotated[
    str, typer.Option("--config", "-c", help="Model size: a preset (tiny, base-24k, base-48k) or a YAML/JSON file.")
]


def _train_data(dataset: str, root: Path | None) -> Path:
    from tsukasa.corpus.dataset import Dataset

    return Dataset.open(dataset, root).path


def _log_printer(every: int):  # noqa: ANN202 - a callback
    def on_log(row: dict) -> None:
        step = int(row.get("step", 0))
        if step % every == 0 or step == 1:
            losses = "  ".join(f"{k}={v:.3f}" for k, v in row.items() if k != "step" and isinstance(v, float))
            console.print(f"step {step:5d}  {losses}")

    return on_log


@train_app.command("stage1")
def train_stage1_cmd(
    dataset: DatasetOpt,
    config: ConfigOpt = "tiny",
    out: Annotated[Path, typer.Option(help="Checkpoint folder (resumed when it holds last.pt).")] = Path("runs/stage1"),
    steps: Annotated[int, typer.Option(min=1, help="Train up to this global step.")] = 1000,
    log_every: Annotated[int, typer.Option(min=1, help="Print losses every N steps.")] = 10,
    cpu: Annotated[bool, typer.Option(help="Force CPU even when a GPU is present.")] = False,
    root: RootOpt = None,
) -> None:
    """Stage 1 (acoustic): reconstruction + adversarial + aligner objectives, resumable.

    Reads the dataset's Shar export when there is one, else its current cuts (phonemes must be
    filled: run the default recipe first).

    Example:  tsukasa train stage1 --dataset demo --config tiny --steps 200 --out runs/demo
    """
    from tsukasa.modeling.train_stage1 import train_stage1

    result = train_stage1(
        _train_data(dataset, root), out, config, steps=steps, cpu=cpu or None, on_log=_log_printer(log_every)
    )
    console.print(f"checkpoint: {result.checkpoint} ({result.skipped_steps} steps skipped by the NaN guard)")


@train_app.command("aux")
def train_aux_cmd(
    part: Annotated[str, typer.Argument(help="aligner, pitch or bert")],
    dataset: DatasetOpt,
    config: ConfigOpt = "tiny",
    out: Annotated[Path, typer.Option(help="Checkpoint folder.")] = Path("runs/aux"),
    steps: Annotated[int, typer.Option(min=1, help="Train up to this global step.")] = 500,
    log_every: Annotated[int, typer.Option(min=1, help="Print the loss every N steps.")] = 10,
    cpu: Annotated[bool, typer.Option(help="Force CPU even when a GPU is present.")] = False,
    root: RootOpt = None,
) -> None:
    """Train an auxiliary model from scratch on the dataset: text aligner, pitch extractor or phoneme BERT.

    Example:  tsukasa train aux aligner --dataset demo --steps 300
    """
    from tsukasa.modeling.train_aux import train_aux

    if part not in ("aligner", "pitch", "bert"):
        raise TsukasaError(f"unknown auxiliary part {part!r}: use aligner, pitch or bert")
    rows = train_aux(
        part, _train_data(dataset, root), out, config, steps=steps, cpu=cpu or None, on_log=_log_printer(log_every)
    )
    if rows:
        console.print(f"{part}: loss {rows[0]['loss']:.3f} → {rows[-1]['loss']:.3f} over {len(rows)} steps; {out}")


dataset_app = typer.Typer(help="Inspect, split and export datasets.", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")
NameArg = Annotated[str, typer.Argument(help="Dataset name (a folder under --root).")]


@dataset_app.command("versions")
def dataset_versions(
    name: NameArg,
    show: Annotated[
        int | None,
        typer.Option(
            "--show",
            help="Print what made version N: its version.yaml, and what the ingest or recipe run behind it did.",
        ),
    ] = None,
    root: RootOpt = None,
) -> None:
    """List a dataset's immutable versions: who/what/when and counts.

    Example:  tsukasa dataset versions sakura
              tsukasa dataset versions sakura --show 2   (what the run behind v2 did, stage by stage)
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.diff import versions_table

    ds = Dataset.open(name, root)
    if show is not None:
        ds.version(show)  # a one-line error for a version that does not exist
        for fname in ("version.yaml", "ingest.yaml", "run.yaml"):
            path = ds.version_dir(show) / fname
            if path.exists():
                console.print(f"[bold]# {path}[/]")
                console.print(path.read_text(encoding="utf-8"), markup=False, highlight=False)
        return
    rows = versions_table(ds)
    table = Table("v", "kind", "when", "who", "cuts", "rejected", "hours", "speakers", "what")
    for r in rows:
        mark = "*" if r["current"] else ""
        table.add_row(f"{r['version']}{mark}", r["kind"], r["created_at"], r["created_by"], str(r["cuts"]),
                      str(r["rejected"]), f"{r['hours']:.3f}", str(r["speakers"]), r["description"])  # fmt: skip
    console.print(table)
    console.print("* = current version")


@dataset_app.command("prune")
def dataset_prune(
    name: NameArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be deleted; delete nothing.")] = False,
    keep_audio_of: Annotated[
        int | None,
        typer.Option(
            "--keep-audio-of",
            metavar="N",
            help="Also delete standardised audio that only versions older "
            "than the N newest (and the current one) name; those versions stop playing and are marked.",
        ),
    ] = None,  # fmt: skip
    root: RootOpt = None,
) -> None:
    """Free disk: delete stage caches of earlier runs and standardised audio that no version names.

    Keeps every file a version's manifests name (versions stay playable), the caches the last
    finished run used (so it re-runs from cache), and anything a killed run wrote after it (so
    that run still resumes). Nothing outside the dataset folder is touched. With --keep-audio-of N
    only the N newest versions keep their audio: each config tried is a whole copy of it.

    Example:  tsukasa dataset prune sakura --dry-run
              tsukasa dataset prune sakura
              tsukasa dataset prune sakura --keep-audio-of 2
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.flows.prune import prune

    report = prune(Dataset.open(name, root), dry_run=dry_run, keep_audio_of=keep_audio_of)
    verb = "would free" if dry_run else "freed"
    console.print(f"{name}: {verb} {report.bytes / 1e6:.1f} MB in {report.files} file(s); kept "
                  f"{report.kept_stage_files} stage file(s) and {report.kept_audio_files} audio file(s)")  # fmt: skip
    for kind, (files, size) in sorted(report.removed.items()):
        console.print(f"  {kind}: {files} file(s), {size / 1e6:.1f} MB")
    if not report.stage_caches_checked:
        console.print("  stage caches kept: no run has finished since prune was added (run once, then prune)")
    if report.audio_pruned_versions:
        listed = ", ".join(f"v{n}" for n in report.audio_pruned_versions)
        console.print(f"  {'would stop' if dry_run else 'no longer'} playing (audio deleted, manifests kept): {listed}")


@dataset_app.command("diff")
def dataset_diff(
    name: NameArg,
    a: Annotated[int, typer.Argument(help="Older version number.")],
    b: Annotated[int, typer.Argument(help="Newer version number.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the full diff as JSON.")] = False,
    root: RootOpt = None,
) -> None:
    """Show cuts added/removed/changed between two versions, and which fields changed.

    Example:  tsukasa dataset diff sakura 2 3
    """
    import json

    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.diff import diff_versions

    result = diff_versions(Dataset.open(name, root), a, b)
    if json_out:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        console.print(result.summary())


@dataset_app.command("split")
def dataset_split(
    name: NameArg,
    by: Annotated[str, typer.Option(help="Group by 'speaker' or 'title' (no group crosses splits).")] = "speaker",
    ratios: Annotated[str, typer.Option(help="train,valid,test fractions.")] = "0.8,0.1,0.1",
    seed: Annotated[int, typer.Option(help="Seed of the deterministic assignment.")] = 0,
    root: RootOpt = None,
) -> None:
    """Deterministic train/valid/test split by speaker or title (no leakage), written as a new version.

    Example:  tsukasa dataset split sakura --by speaker --ratios 0.8,0.1,0.1
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.splits import split_dataset

    if by not in ("speaker", "title"):
        raise TsukasaError(f"--by must be 'speaker' or 'title', not {by!r}")
    try:
        fractions = tuple(float(x) for x in ratios.split(","))
    except ValueError:
        raise TsukasaError(f"--ratios must be three numbers like 0.8,0.1,0.1, not {ratios!r}") from None
    console.print(split_dataset(Dataset.open(name, root), by=by, ratios=fractions, seed=seed).summary())


@dataset_app.command("export-shar")
def dataset_export_shar(
    name: NameArg,
    out: Annotated[str | None, typer.Option(help="Folder or fsspec URL (default <dataset>/shar).")] = None,
    split: Annotated[str | None, typer.Option(help="Only this split (train/valid/test).")] = None,
    shard_size: Annotated[int, typer.Option(min=1, help="Cuts per shard.")] = 1000,
    audio_format: Annotated[str, typer.Option(help="flac (lossless) or opus (small, for carrying).")] = "flac",
    overwrite: Annotated[bool, typer.Option(help="Replace an existing export.")] = False,
    f0: Annotated[
        bool, typer.Option("--f0/--no-f0", help="Store F0 precomputed for --config (training skips F0 tracking).")
    ] = True,
    config: Annotated[
        str, typer.Option(help="Model config whose audio settings the stored F0 follows (tiny|base-24k|base-48k|file).")
    ] = "base-24k",
    root: RootOpt = None,
) -> None:
    """Write the standardised audio, every custom field and precomputed F0 as Lhotse Shar (what training reads).

    Example:  tsukasa dataset export-shar sakura --out s3://bucket/sakura --split train --f0 --config base-24k
    """
    from tsukasa.corpus.dataset import Dataset

    if audio_format not in ("flac", "opus"):
        raise TsukasaError(f"--audio-format must be flac or opus, not {audio_format!r}")
    result = _export_shar(Dataset.open(name, root), out, split=split, shard_size=shard_size,
                          audio_format=audio_format, overwrite=overwrite, f0_config=config if f0 else None)  # fmt: skip
    console.print(result.summary())


def _export_shar(ds, out=None, *, f0_config: str | None, **kwargs):  # noqa: ANN001, ANN202 - Dataset → SharExport
    """Shar export with F0 precomputed by the model's own tracker (the CLI may import modeling; corpus may not)."""
    from tsukasa.corpus.shar import ArrayField, export_shar

    extra = None
    if f0_config is not None:
        from tsukasa.modeling.config import load_config
        from tsukasa.modeling.prepare import F0Extractor

        extractor = F0Extractor(load_config(f0_config).audio)
        extra = {"f0": ArrayField(extractor, meta=extractor.meta)}
    return export_shar(ds, out, extra_fields=extra, **kwargs)


@dataset_app.command("export-hf")
def dataset_export_hf(
    name: NameArg,
    out: Annotated[Path | None, typer.Option(help="Output folder (default <dataset>/hf).")] = None,
    split: Annotated[str | None, typer.Option(help="Only this split.")] = None,
    format: Annotated[str, typer.Option("--format", help="disk (save_to_disk) or parquet.")] = "disk",
    overwrite: Annotated[bool, typer.Option(help="Replace an existing export.")] = False,
    root: RootOpt = None,
) -> None:
    """Export a Hugging Face `datasets.Dataset` (audio, text, kana, phonemes, speaker, nonverbal, quality).

    Example:  tsukasa dataset export-hf sakura --out hf/sakura --format parquet
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.hf import export_hf

    if format not in ("disk", "parquet"):
        raise TsukasaError(f"--format must be disk or parquet, not {format!r}")
    console.print(export_hf(Dataset.open(name, root), out, split=split, format=format, overwrite=overwrite).summary())


@dataset_app.command("report")
def dataset_report(
    name: NameArg,
    version: Annotated[int | None, typer.Option(help="Version to describe (default: current).")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default <dataset>/report).")] = None,
    root: RootOpt = None,
) -> None:
    """Write a self-contained HTML report with plots (and JSON): hours, durations, SNR, loudness,
    CER, speech rate, non-verbal events, rejection reasons with examples.

    Example:  tsukasa dataset report sakura
    """
    from tsukasa.corpus.dataset import Dataset
    from tsukasa.corpus.report import write_report

    paths = write_report(Dataset.open(name, root), version, out)
    console.print(f"report: {paths.html}\njson:   {paths.json}")


review_app = typer.Typer(help="Review utterances in the browser; Label Studio import/export.", no_args_is_help=True)
app.add_typer(review_app, name="review")
DbOpt = Annotated[
    str | None,
    typer.Option(help="Review store URL (default sqlite:///<dataset>/reviews.sqlite; e.g. postgresql://u@host/db)."),
]


@review_app.command("serve")
def review_serve_cmd(
    name: NameArg,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    root: RootOpt = None,
) -> None:
    """Serve the review web app for a dataset's current version (log in, listen, fix, accept/reject).

    Keys on the review page: space play/pause, l loop, [ ] speed, enter accept, r reject, s skip,
    n/p next/previous. Create a user first with `tsukasa review user add`.

    Example:  tsukasa review serve demo --port 8765
    """
    from tsukasa.annotation.commands import review_serve

    review_serve(name, root=root, db=db, host=host, port=port)


@review_app.command("export")
def review_export_cmd(
    name: NameArg,
    labelstudio: Annotated[
        Path | None, typer.Option(help="Write Label Studio tasks (JSON) here instead of a new dataset version.")
    ] = None,
    db: DbOpt = None,
    onto_base: Annotated[
        bool,
        typer.Option(
            "--onto-base",
            help="Export onto the reviewed version even though a later version (a new run) is current: "
            "that version's changes are not in the export.",
        ),
    ] = False,
    onto_current: Annotated[
        bool,
        typer.Option(
            "--onto-current",
            help="Apply the decisions to the current version's cuts that a later run left unchanged "
            "(same id, recording and span); the others are counted as not carried.",
        ),
    ] = False,
    root: RootOpt = None,
) -> None:
    """Apply the review decisions as a new dataset version (rejected cuts → rejected, reason review_rejected).

    The export is the reviewed version plus the decisions; if a later run made a newer version
    meanwhile, the export stops and says so (it would drop that run's changes): --onto-current
    applies the decisions to the new version's unchanged cuts, --onto-base exports as before.

    Example:  tsukasa review export demo            (or: --labelstudio tasks.json)
    """
    from tsukasa.annotation.commands import review_export

    console.print(
        review_export(name, root=root, db=db, labelstudio=labelstudio, onto_base=onto_base, onto_current=onto_current)
    )


@review_app.command("import")
def review_import_cmd(
    name: NameArg,
    labelstudio: Annotated[Path, typer.Option(help="Label Studio JSON export to import as review events.")],
    db: DbOpt = None,
    root: RootOpt = None,
) -> None:
    """Import annotations made in Label Studio as review events (conflicts are reported, never overwritten).

    Example:  tsukasa review import demo --labelstudio export.json
    """
    from tsukasa.annotation.commands import review_import

    if not labelstudio.is_file():
        raise TsukasaError(f"Label Studio file not found: {labelstudio}")
    console.print(review_import(name, labelstudio, root=root, db=db))


user_app = typer.Typer(help="Manage review users.", no_args_is_help=True)
review_app.add_typer(user_app, name="user")


@user_app.command("add")
def review_user_add_cmd(
    name: NameArg,
    user: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="annotator or admin.")] = "annotator",
    password: Annotated[
        str | None, typer.Option(envvar="TSUKASA_REVIEW_PASSWORD", help="Password (prompted when omitted).")
    ] = None,
    db: DbOpt = None,
    root: RootOpt = None,
) -> None:
    """Create a review user (password stored as a salted scrypt hash).

    Example:  tsukasa review user add demo aoi --role admin
    """
    from tsukasa.annotation.commands import review_user_add

    if role not in ("annotator", "admin"):
        raise TsukasaError(f"--role must be annotator or admin, not {role!r}")
    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    console.print(review_user_add(name, user, password, role=role, root=root, db=db))


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
    with _on_interrupt(_DEMO_STOPPED), progress:
        report = run_ingest(info.raw_dir, ds, script=info.script, progress=update)
    print_ingest_report(report)

    console.rule("[bold]3. Curate: the default recipe as a Prefect flow")
    from tsukasa.flows.curate import run_recipe
    from tsukasa.flows.recipe import load_recipe

    progress, update = _progress("run default")
    with _on_interrupt(_DEMO_STOPPED), progress:
        run_report = run_recipe(ds, load_recipe(None), progress=update)
    print_run_report(run_report)
    _print_examples(ds)

    console.rule("[bold]4. Report and training shards")
    from tsukasa.corpus.report import write_report

    paths = write_report(ds)
    console.print(f"HTML report: {paths.html}  (open it in a browser)")
    console.print(_export_shar(ds, overwrite=True, f0_config="tiny").summary())
    console.print(f"\nDataset folder: {ds.path}")
    root_arg = f" --root {root}" if root else ""
    console.rule("[bold]Next")
    console.print(
        f"Review in the browser:  tsukasa review user add {dataset} me --role admin{root_arg}\n"
        f"                        tsukasa review serve {dataset}{root_arg}   → open http://127.0.0.1:8765\n"
        "Train the tiny model:   make train-demo\n"
        f"What made each version: tsukasa dataset versions {dataset}{root_arg}\n"
        f"What the run did:       tsukasa dataset versions {dataset} --show {run_report.version}{root_arg}\n"
        f"Free old runs' caches:  tsukasa dataset prune {dataset} --dry-run{root_arg}"
    )


def _print_examples(ds) -> None:  # noqa: ANN001 - tsukasa.corpus.dataset.Dataset
    table = Table("cut", "start", "dur", "speaker", "text", title="First utterances", title_justify="left")
    for i, cut in enumerate(ds.cuts()):
        if i == 8:
            break
        sup = cut.supervisions[0] if cut.supervisions else None
        table.add_row(cut.id[-30:], f"{cut.start:.2f}", f"{cut.duration:.2f}", sup.speaker if sup else "",
                      (sup.text or "") if sup else "")  # fmt: skip
    console.print(table)


def reflow_help(text: str) -> str:
    """A docstring with its prose paragraphs joined into one line each, so that the help wraps at
    the terminal's width (typer keeps single line breaks, and 95-column source lines broke in the
    middle of every line of an 80-column terminal). Lines that stand alone stay alone: examples,
    list items and indented lines."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            alone = line.startswith(("Example", "- ", "* ", " ")) or not lines
            if alone or lines[-1].startswith(("Example", " ")):
                lines.append(line)
            else:
                lines[-1] = f"{lines[-1]} {line.strip()}"
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _reflow_command_help(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        if info.callback is not None and info.callback.__doc__:
            info.callback.__doc__ = reflow_help(info.callback.__doc__)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _reflow_command_help(group.typer_instance)


_reflow_command_help(app)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    try:
        rc = app(standalone_mode=False)  # returns the code of a typer.Exit raised inside a command
        if rc == 130:  # typer turns Ctrl-C into a silent exit 130
            print("interrupted", file=sys.stderr)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
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
    except Interrupted as exc:
        print(f"interrupted: {exc}", file=sys.stderr)
        sys.exit(130)
    except TsukasaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except OSError as exc:  # the machine, not the input: disk full, read-only or wrong path to the datasets
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
