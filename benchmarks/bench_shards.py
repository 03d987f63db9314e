"""How much of a dataset a re-run recomputes when files are added to the dump: content-defined
shards (what ``tsukasa run`` uses, ``tsukasa.flows.curate.content_shards``) against fixed-size
shards of ``shard_size`` cuts in manifest order (what it used before), in the same run.

    .venv/bin/python benchmarks/bench_shards.py [--files 20000] [--shard-size 25] [--seed 0]

Cut ids are made as ingest makes them (a content-hash prefix + the source path), so new files land
all over the id order. A shard is recomputed when its content (its list of cut ids) is new. The
shards are written as real manifests by the real function, in a temporary folder; cut bodies are
minimal. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path

import numpy as np


def _cut(cut_id: str):  # noqa: ANN202
    from lhotse import MonoCut, Recording
    from lhotse.audio import AudioSource

    rec = Recording(id=cut_id, sources=[AudioSource(type="file", channels=[0], source=f"/raw/{cut_id}.wav")],
                    sampling_rate=16000, num_samples=16000, duration=1.0)  # fmt: skip
    return MonoCut(id=cut_id, start=0.0, duration=1.0, channel=0, recording=rec)


def _ids(paths: list[str]) -> list[str]:
    return sorted(f"{hashlib.sha256(p.encode()).hexdigest()[:12]}-{p.replace('/', '__')}" for p in paths)


def fixed_shards(ids: list[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(ids[i : i + size]) for i in range(0, len(ids), size)]


def content_defined(ids: list[str], size: int, folder: Path) -> list[tuple[str, ...]]:
    from tsukasa.corpus.manifests import read_cuts
    from tsukasa.flows.curate import content_shards

    return [tuple(c.id for c in read_cuts(p)) for _, p in content_shards([_cut(i) for i in ids], size, folder)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--shard-size", type=int, default=25)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    paths = [f"chara{rng.integers(40):02d}/voice_{i:06d}.ogg" for i in range(args.files)]
    before = _ids(paths)
    with tempfile.TemporaryDirectory() as tmp:
        base_c = set(content_defined(before, args.shard_size, Path(tmp) / "a"))
        base_f = set(fixed_shards(before, args.shard_size))
        sizes = [len(s) for s in base_c]
        print(f"{args.files} files, shard_size {args.shard_size}: content-defined {len(base_c)} shards "
              f"(mean {np.mean(sizes):.1f} cuts, max {max(sizes)}), fixed {len(base_f)} shards")  # fmt: skip
        print(f"{'files added':>12} {'content-defined: recomputed':>30} {'fixed-size: recomputed':>26} {'ratio':>7}")
        for share in (0.001, 0.01, 0.05):
            added = [f"patch/voice_{i:06d}.ogg" for i in range(max(1, int(args.files * share)))]
            after = _ids(paths + added)
            new_c = [s for s in content_defined(after, args.shard_size, Path(tmp) / f"b{share}") if s not in base_c]
            new_f = [s for s in fixed_shards(after, args.shard_size) if s not in base_f]
            n_c, n_f = len(new_c), len(new_f)
            total_f = len(fixed_shards(after, args.shard_size))
            print(f"{len(added):>12} {n_c:>14} ({100 * n_c / max(len(base_c), 1):5.1f} % of shards) "
                  f"{n_f:>10} ({100 * n_f / total_f:5.1f} %) {n_c / max(n_f, 1):>7.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
