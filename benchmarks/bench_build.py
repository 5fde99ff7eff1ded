"""Build benchmark: wall time and peak memory of `samestory build` on synthetic corpora of N documents
(every layer annotated), the five-article release, and the floor (pyarrow writing the same tables).

    .venv/bin/python benchmarks/bench_build.py                 # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/bench_build.py 1000 10000 100000

Each measurement runs in a fresh process, so peak RSS (ru_maxrss) belongs to that step alone.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(argv: list[str]) -> dict:
    """Run this script in child mode; return its JSON result line."""
    out = subprocess.run([sys.executable, __file__, "--child", *argv], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child {argv[0]} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_s(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def child_build(corpus: str, annotations: str, out: str) -> dict:
    """The whole build, imports included, as `samestory build` runs it."""
    t = time.perf_counter()
    from samestory.eval.schemas import rendered
    from samestory.release.build import Sources, build_release

    src = Sources(corpus=Path(corpus), annotations=Path(annotations), schemas=rendered())
    res = build_release(src=src, out=Path(out) / "build",
                        releases=Path(out) / "releases", progress=False)
    return {"seconds": round(time.perf_counter() - t, 2), "cpu_s": round(_cpu_s(), 2), "peak_mb": _peak_mb(),
            "rows": res.manifest["rows"]}


def child_floor(release: str, out: str) -> dict:
    """Pyarrow alone writing the release's tables (already in memory) with default options: the floor."""
    import pyarrow.parquet as pq

    tables = {p: pq.read_table(p) for p in sorted(Path(release).glob("data/*/*.parquet"))}
    t = time.perf_counter()
    for i, (p, table) in enumerate(tables.items()):
        pq.write_table(table, Path(out) / f"{i}.parquet")
    return {"seconds": round(time.perf_counter() - t, 3), "peak_mb": _peak_mb()}


def run_size(n: int, work: Path) -> dict:
    sys.path.insert(0, str(HERE))
    from synthetic import generate

    root = work / f"n{n}"
    t = time.perf_counter()
    corpus, ann = generate(n, root)
    gen = time.perf_counter() - t
    build = child(["build", str(corpus), str(ann), str(root / "out")])
    release = next((root / "out" / "build").glob("samestory-v*"))
    floor_dir = root / "floor"
    floor_dir.mkdir()
    floor = child(["floor", str(release), str(floor_dir)])
    size_mb = sum(p.stat().st_size for p in release.rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(root)
    return {"documents": n, "generate_s": round(gen, 1), "build_s": build["seconds"], "cpu_s": build["cpu_s"],
            "peak_mb": build["peak_mb"],
            "floor_s": floor["seconds"], "ratio": round(build["seconds"] / max(floor["seconds"], 1e-3), 1),
            "release_mb": round(size_mb, 1), "ner_rows": build["rows"]["ner_tokens"]}


def run_five(work: Path) -> dict:
    """The five-article release from the checkout, as `samestory build` (a subprocess, wall time)."""
    out = work / "five"
    shutil.rmtree(out, ignore_errors=True)
    t, cpu = time.perf_counter(), _cpu_s(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "samestory.cli", "build", "--out", str(out / "build"),
                    "--releases", str(out / "releases"), "--quiet"], check=True, capture_output=True, cwd=ROOT)
    return {"wall_s": round(time.perf_counter() - t, 2), "cpu_s": round(_cpu_s(resource.RUSAGE_CHILDREN) - cpu, 2)}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *args = sys.argv[2:]
        print(json.dumps({"build": child_build, "floor": child_floor}[kind](*args)))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="corpus sizes (documents)")
    ap.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    ap.add_argument("--skip-five", action="store_true", help="do not time the five-article release")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="samestory-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if not args.skip_five:
        print(f"five-article release: {run_five(work)}", flush=True)
    print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
    print("| Documents | Build wall (s) | Build CPU (s) | Peak RSS (MB) | pyarrow floor (s) | Build / floor | "
          "Release (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = run_size(n, work)
        print(f"| {r['documents']:,} | {r['build_s']} | {r['cpu_s']} | {r['peak_mb']:.0f} | {r['floor_s']} | "
              f"{r['ratio']}x | {r['release_mb']} |", flush=True)


if __name__ == "__main__":
    main()
