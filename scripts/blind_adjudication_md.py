"""Render adjudication/disagreements_v1.1.jsonl (blind pass D vs the v1.1 gold) as a readable table.

Usage: python scripts/blind_adjudication_md.py annotations/<story>/adjudication/disagreements_v1.1.jsonl
Writes the .md next to it; deterministic (rows in file order, grouped by layer in schema order).
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from samestory import schema
from samestory.core.jsonl import atomic_write_text, read_jsonl


def _v(x) -> str:
    return json.dumps(x, ensure_ascii=False).replace("|", "\\|")


def render(rows: list[dict]) -> str:
    counts: dict[str, Counter] = {}
    for r in rows:
        counts.setdefault(r["layer"], Counter())["changed" if r["gold_changed"] else "kept"] += 1
    layers = [la for la in schema.LAYERS if la in counts]
    out = ["# Adjudication of blind pass D against the v1.1 gold", "",
           "Every value on which pass D (`passes/annotator_d/`) and the v1.1 gold before this adjudication "
           "(`independent/gold_v1.1_before_d/`) differ, decided by reading the text against codebook v1.1. "
           "`decision` is the value the gold now holds; *changed* means the gold took a value it did not hold "
           "(D's, or for one fact evidence span neither's). Each changed field is also a line of "
           "`changes/labels_v1.1.jsonl` and of the CHANGELOG.", "",
           "| Layer | Disagreements | Gold changed | Gold kept |", "|---|---:|---:|---:|"]
    for la in layers:
        c = counts[la]
        out.append(f"| {la} | {c['changed'] + c['kept']} | {c['changed']} | {c['kept']} |")
    total = Counter()
    for c in counts.values():
        total.update(c)
    out.append(f"| **all** | {total['changed'] + total['kept']} | {total['changed']} | {total['kept']} |")
    for la in layers:
        out += ["", f"## {la}", "", "| Document | Where | Gold v1.1 | D | Decision | Reason |", "|---|---|---|---|---|---|"]
        for r in rows:
            if r["layer"] != la:
                continue
            mark = " (**changed**)" if r["gold_changed"] else ""
            out.append(f"| `{r['doc_id'][:3]}` | {r['where'].replace('|', '/')} | {_v(r['values']['gold_v1.1'])} | "
                       f"{_v(r['values']['annotator_d'])} | {_v(r['decision'])}{mark} | {r['reason'].replace('|', '/')} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    rows = [r for _, r in read_jsonl(path)]
    atomic_write_text(path.with_suffix(".md"), render(rows))
    print(f"wrote {path.with_suffix('.md')}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
