"""How much of a story's hand-made inventories `samestory story propose` recovers, with them hidden.

    .venv/bin/python benchmarks/bench_propose.py [--story istanbul-2025-05-16] [--fact-threshold 0.55]

A scratch copy of the corpus and of the story's annotations with its three inventories emptied (and its
gold removed) is made in a temporary folder; the real CLI proposes into it; the proposals are compared
with the real gold:

- entities: a gold entity is recovered when a proposed entity shares a name or alias with it (compared
  by the proposer's clustering key: accents, case, punctuation, Kyiv/Kiev-type variants); also counted:
  recovered with the right type, and proposed entities that match no gold entity;
- facts: a proposed fact matches a gold fact when its supporting sentences overlap that fact's gold evidence
  (strict: at least half of them; lenient: at least one). The headline figure pairs each proposal with at
  most one gold fact (best assignment, scipy's linear_sum_assignment); many-to-many shares are printed too.
  Proposals only cover facts reported by two or more documents, so shares are also given for that subset.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from samestory.core.jsonl import read_jsonl  # noqa: E402
from samestory.systems.proposals import name_key  # noqa: E402
from samestory.schema import INVENTORIES  # noqa: E402


def rows(path: Path) -> list[dict]:
    return [r for _, r in read_jsonl(path)] if path.exists() else []


def entity_scores(gold: list[dict], proposed: list[dict]) -> dict:
    gkeys = [{name_key(a) for a in [g["name"], *g["aliases"]]} for g in gold]
    pkeys = [{name_key(a) for a in [p["name"], *p["aliases"]]} for p in proposed]
    found = [any(gk & pk for pk in pkeys) for gk in gkeys]
    typed = [any(gk & pk and p["type"] == g["type"] for pk, p in zip(pkeys, proposed)) for gk, g in zip(gkeys, gold)]
    matched = [any(pk & gk for gk in gkeys) for pk in pkeys]
    missed = [g["name"] for g, f in zip(gold, found) if not f]
    return {"gold": len(gold), "recovered": sum(found), "recovered_with_type": sum(typed),
            "proposed": len(proposed), "proposed_matching_gold": sum(matched), "missed": missed}


def fact_scores(gold_facts: list[dict], gold_layer: list[dict], proposed: list[dict]) -> dict:
    evidence: dict[str, list[tuple[str, int, int]]] = {f["fact_id"]: [] for f in gold_facts}
    docs_of: dict[str, set[str]] = {f["fact_id"]: set() for f in gold_facts}
    for rec in gold_layer:
        for item in rec["facts"]:
            if item["reported"] and item["fact_id"] in evidence:
                docs_of[item["fact_id"]].add(rec["doc_id"])
                evidence[item["fact_id"]] += [(rec["doc_id"], e["start"], e["end"]) for e in item["evidence"]]

    def overlaps(s, ev):
        return any(d == s["doc_id"] and a < s["end"] and s["start"] < b for d, a, b in ev)

    import numpy as np
    from scipy.optimize import linear_sum_assignment

    strict, lenient = set(), set()
    fids = list(evidence)
    hitm = np.zeros((len(proposed), len(fids)))
    for n, p in enumerate(proposed):
        for j, fid in enumerate(fids):
            hits = sum(overlaps(s, evidence[fid]) for s in p["support"])
            if hits:
                lenient.add(fid)
            if hits and hits * 2 >= len(p["support"]):
                strict.add(fid)
                hitm[n, j] = hits
    r, c = linear_sum_assignment(-hitm) if len(proposed) and fids else ([], [])
    one_to_one = {fids[j] for i, j in zip(r, c) if hitm[i, j] > 0}
    shared = {fid for fid, d in docs_of.items() if len(d) >= 2}
    useful = sum(any(overlaps(s, ev) for ev in evidence.values() for s in p["support"]) for p in proposed)
    return {"gold": len(gold_facts), "gold_shared_by_2plus_docs": len(shared), "recovered_strict": len(strict),
            "recovered_one_to_one": len(one_to_one), "recovered_one_to_one_of_shared": len(one_to_one & shared),
            "recovered_lenient": len(lenient), "recovered_strict_of_shared": len(strict & shared),
            "recovered_lenient_of_shared": len(lenient & shared), "proposed": len(proposed),
            "proposed_overlapping_some_gold_fact": useful}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--story", default="istanbul-2025-05-16")
    ap.add_argument("--fact-threshold", type=float, default=None)
    ap.add_argument("--keep", type=Path, help="also copy the proposals here")
    args = ap.parse_args()
    gold_dir = ROOT / "annotations" / args.story
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "corpus", tmp / "corpus")
        ann = tmp / "annotations" / args.story
        (ann / "gold").mkdir(parents=True)
        for name in INVENTORIES:  # hidden: empty inventories, no gold layers
            (ann / f"{name}.jsonl").write_text("")
        cmd = [sys.executable, "-m", "samestory.cli", "story", "propose", args.story, "--corpus", str(tmp / "corpus"),
               "--annotations", str(tmp / "annotations")]
        if args.fact_threshold is not None:
            cmd += ["--fact-threshold", str(args.fact_threshold)]
        t = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"),
                                                                        "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
        secs = time.perf_counter() - t
        if run.returncode:
            raise SystemExit(run.stderr)
        out = ann / "proposals"
        manifest = json.loads((out / "manifest.json").read_text())
        ents = entity_scores(rows(gold_dir / "entities.jsonl"), rows(out / "entities.jsonl"))
        facts = fact_scores(rows(gold_dir / "fact_inventory.jsonl"), rows(gold_dir / "gold" / "facts.jsonl"),
                            rows(out / "fact_inventory.jsonl"))
        if args.keep:
            shutil.copytree(out, args.keep, dirs_exist_ok=True)
    e, f = ents, facts
    print(f"story {args.story}: NER {manifest['ner']['tool']} {manifest['ner'].get('model') or ''}, sentence "
          f"similarity {manifest['embeddings']['tool']}, fact threshold {manifest['fact_threshold']}, {secs:.1f} s")
    print(f"entities: {e['recovered']}/{e['gold']} gold recovered ({e['recovered'] / e['gold']:.0%}), "
          f"{e['recovered_with_type']} with the gold type; {e['proposed_matching_gold']}/{e['proposed']} proposals "
          f"match a gold entity")
    print(f"  missed: {', '.join(e['missed']) or 'none'}")
    print(f"facts, one proposal per gold fact (strict overlap, best assignment): {f['recovered_one_to_one']}/"
          f"{f['gold']} ({f['recovered_one_to_one'] / f['gold']:.0%}); of the {f['gold_shared_by_2plus_docs']} "
          f"reported by 2+ documents: {f['recovered_one_to_one_of_shared']} "
          f"({f['recovered_one_to_one_of_shared'] / max(f['gold_shared_by_2plus_docs'], 1):.0%})")
    print(f"facts, any proposal (many-to-many): strict {f['recovered_strict']}/{f['gold']} ({f['recovered_strict'] / f['gold']:.0%}), lenient "
          f"{f['recovered_lenient']}/{f['gold']} ({f['recovered_lenient'] / f['gold']:.0%}); of the "
          f"{f['gold_shared_by_2plus_docs']} facts reported by 2+ documents: strict {f['recovered_strict_of_shared']} "
          f"({f['recovered_strict_of_shared'] / max(f['gold_shared_by_2plus_docs'], 1):.0%}), lenient "
          f"{f['recovered_lenient_of_shared']} ({f['recovered_lenient_of_shared'] / max(f['gold_shared_by_2plus_docs'], 1):.0%})")
    print(f"  {f['proposed_overlapping_some_gold_fact']}/{f['proposed']} proposed facts overlap some gold fact's evidence")
    return 0


if __name__ == "__main__":
    sys.exit(main())
