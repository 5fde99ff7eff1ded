"""Rebuild the v1.1 gold of the layers pass D annotated from the gold before that adjudication, pass D
and the decisions of adjudication/disagreements_v1.1.jsonl (what was done once to write the gold).

Usage: python scripts/apply_blind_adjudication.py annotations/<story> --out DIR
Writes DIR/<layer>.jsonl; compare with annotations/<story>/gold/ (`diff -r`). The merge is
`samestory.annotate.adjudicate` with the two as passes; afterwards a changed technique-span extent keeps
the gold span's target and polarity, span ids run in text order, changed fact evidence is in text order,
and an evidence span neither side marked (a decision row whose two values are false) is added.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from samestory.annotate import adjudicate
from samestory.corpus.store import load_documents
from samestory.core.jsonl import read_jsonl, write_jsonl

LAYERS = ["stance", "frames", "bias_sentences", "bias_spans", "entity_frames", "facts"]


def load(folder: Path) -> dict:
    return {la: {r["doc_id"]: r for _, r in read_jsonl(folder / f"{la}.jsonl")} for la in LAYERS}


def rebuild(story: Path, corpus: Path = Path("corpus")) -> dict[str, list[dict]]:
    pre, d = load(story / "independent" / "gold_v1.1_before_d"), load(story / "passes" / "annotator_d")
    rows = [r for _, r in read_jsonl(story / "adjudication" / "disagreements_v1.1.jsonl")]
    extra = [r for r in rows if r["values"] == {"gold_v1.1": False, "annotator_d": False}]
    decisions = {r["id"]: r["decision"] for r in rows if r not in extra}
    cand, dis = adjudicate.adjudicate({"gold": pre, "pass_d": d}, decisions)
    if adjudicate.unresolved(dis):
        raise SystemExit(f"{len(adjudicate.unresolved(dis))} disagreement(s) without a decision")
    new = {la: {r["doc_id"]: r for r in cand[la]} for la in LAYERS}
    docs = {x["doc_id"]: x for x in load_documents(corpus)}
    # post-processing the merge cannot express
    for r in extra:  # an evidence span neither side marked, decided by the adjudicator
        m = re.fullmatch(r"facts\[fact_id=(.+)\]\.evidence contains \((\d+), (\d+)\)", r["where"])
        fid, s, e = m.group(1), int(m.group(2)), int(m.group(3))
        fact = next(f for f in new["facts"][r["doc_id"]]["facts"] if f["fact_id"] == fid)
        fact["evidence"].append({"start": s, "end": e, "text": docs[r["doc_id"]]["text"][s:e]})
    for doc, rec in new["facts"].items():
        old = {f["fact_id"]: f for f in pre["facts"][doc]["facts"]}
        for f in rec["facts"]:
            if f["evidence"] != old[f["fact_id"]]["evidence"]:
                f["evidence"].sort(key=lambda x: (x["start"], -x["end"]))
    # technique spans: a changed extent keeps the gold span's target and polarity; ids in text order
    for doc, rec in new["bias_spans"].items():
        old = pre["bias_spans"][doc]["spans"]
        for sp in rec["spans"]:
            if any((o["start"], o["end"], o["technique"]) == (sp["start"], sp["end"], sp["technique"]) for o in old):
                continue
            over = [o for o in old if o["technique"] == sp["technique"]
                    and min(o["end"], sp["end"]) > max(o["start"], sp["start"])]
            if over:
                sp["target_entity_id"], sp["polarity"] = over[0]["target_entity_id"], over[0]["polarity"]
        rec["spans"].sort(key=lambda x: (x["start"], -x["end"]))
        for n, sp in enumerate(rec["spans"], 1):
            sp["id"] = f"b{n}"
    # entity frames: keep the gold's item order and evidence order (the merge appends)
    for doc, rec in new["entity_frames"].items():
        order = [e["entity_id"] for e in pre["entity_frames"][doc]["entities"]]
        rec["entities"].sort(key=lambda e, order=order: order.index(e["entity_id"]))
    return {la: [new[la][doc] for doc in pre[la]] for la in LAYERS}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("story", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    for la, recs in rebuild(args.story).items():
        write_jsonl(args.out / f"{la}.jsonl", recs)
    print(f"wrote {args.out}/<layer>.jsonl for {', '.join(LAYERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
