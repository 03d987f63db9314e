"""``python -m tsukasa.modeling``: training without the full CLI (for the GPU machine).

The GPU machine that is sometimes lent has PyTorch but no package registry; it gets the
wheels of ``make gpu-bundle`` and an Opus/FLAC Shar export. typer, rich, Prefect and the
text front-end are not needed there, so this entry point uses only argparse and
``tsukasa.modeling``::

    pip install --no-index --no-deps gpu_bundle/wheels/*.whl
    python -m tsukasa.modeling stage1 --data gpu_bundle/shar --config base-24k --bf16 --steps 200 --out runs/gpu
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from tsukasa.errors import TsukasaError


def _config(name: str, bf16: bool):  # noqa: ANN202 - ModelConfig
    from tsukasa.modeling.config import load_config

    cfg = load_config(name)
    if bf16:
        cfg = cfg.model_copy(update={"train": cfg.train.model_copy(update={"mixed_precision": "bf16"})})
    return cfg


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tsukasa.modeling", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("what", choices=["stage1", "aligner", "pitch", "bert"], help="what to train")
    ap.add_argument("--data", required=True, help="Shar folder, cuts manifest or dataset folder")
    ap.add_argument("--config", default="tiny", help="preset (tiny, base-24k, base-48k) or JSON/YAML file")
    ap.add_argument("--steps", type=int, default=100, help="train up to this global step")
    ap.add_argument("--out", required=True, help="checkpoint folder (resumed when it holds last.pt)")
    ap.add_argument("--bf16", action="store_true", help="bf16 mixed precision (CUDA)")
    ap.add_argument("--cpu", action="store_true", help="force CPU")
    ap.add_argument("--log-every", type=int, default=10)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    def on_log(row: dict) -> None:
        if int(row.get("step", 0)) % args.log_every == 0:
            print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True)

    try:
        cfg = _config(args.config, args.bf16)
        if args.what == "stage1":
            from tsukasa.modeling.train_stage1 import train_stage1

            result = train_stage1(args.data, args.out, cfg, steps=args.steps, cpu=args.cpu or None, on_log=on_log)
            print(f"checkpoint {result.checkpoint}; {result.skipped_steps} steps skipped by the NaN guard")
        else:
            from tsukasa.modeling.train_aux import train_aux

            train_aux(args.what, args.data, args.out, cfg, steps=args.steps, cpu=args.cpu or None, on_log=on_log)
    except TsukasaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
