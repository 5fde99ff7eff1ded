"""`samestory lm-eval`: the lm-evaluation-harness task folder, and lm-eval's samples as predictions."""
from __future__ import annotations

from pathlib import Path

from samestory.cli.options import command
from samestory.cli.output import print_written


def _path(args) -> int:
    from samestory.eval.lmeval import FOLDER

    print(FOLDER)
    return 0


def _predictions(args) -> int:
    from samestory.eval.lmeval import LM_TASKS, predictions_from_samples

    written = predictions_from_samples(Path(args.samples), Path(args.out))
    print_written(*written.values())
    tasks = sorted({t.task for t in LM_TASKS.values() if t.config in written})
    print("score them with: samestory evaluate --dataset RELEASE --predictions "
          f"{args.out} " + " ".join(f"--task {t}" for t in tasks))
    return 0


def _write(args) -> int:
    from samestory.eval.lmeval import write_task_folder

    print_written(*write_task_folder(Path(args.out)))
    return 0


def register(sub) -> None:
    p = sub.add_parser("lm-eval", help="lm-evaluation-harness tasks: their folder, and lm-eval samples as predictions",
                       description="The `samestory` task group for lm-evaluation-harness (pip install "
                                   "'samestory[lm-eval]'): lm_eval --include_path \"$(samestory lm-eval path)\" "
                                   "--tasks samestory --metadata '{\"dataset\": \"RELEASE_FOLDER_OR_HUB_ID\"}'. "
                                   "See docs/evaluation.md.")
    s = p.add_subparsers(dest="lm_eval_command", metavar="SUBCOMMAND", required=True)
    command(s, "path", _path, help="print the task folder to pass as lm_eval --include_path")
    b = command(s, "predictions", _predictions,
                help="turn lm_eval --log_samples output into <config>.jsonl prediction files",
                description="Reads samples_samestory_*.jsonl under --samples (lm_eval --output_path with "
                            "--log_samples) and writes the answers as prediction files for samestory evaluate.")
    b.add_argument("--samples", required=True, help="lm_eval --output_path folder (searched recursively)")
    b.add_argument("--out", required=True, help="predictions folder to write")
    c = command(s, "write-tasks", _write, help="regenerate the task folder from samestory.eval.lmeval (developers)")
    c.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "eval" / "lm_eval_tasks"),
                   help="folder (default: the package's lm_eval_tasks/)")
