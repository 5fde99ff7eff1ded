"""`samestory agreement` and `samestory adjudicate`: compare annotation passes, merge them into gold."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from samestory.cli.options import add_check, command
from samestory.annotate import adjudicate, agreement, store, validate

from samestory import schema
from samestory.core.errors import Problem, SameStoryError
from samestory.core.jsonl import atomic_write_text, dumps, read_jsonl, write_jsonl


def register(sub) -> None:
    p = command(sub, "agreement", run_agreement, help="Inter-annotator agreement (alpha, kappa, span F1) over passes.",
                description="Krippendorff's alpha (nominal) and Cohen's kappa per label layer, and "
                            "strict/partial span F1 per annotator pair, overall and per document.")
    p.add_argument("--annotations", type=Path, required=True,
                   help="Folder with one sub-folder per annotator holding <layer>.jsonl files "
                        "(e.g. annotations/istanbul-2025-05-16/passes).")
    p.add_argument("--out", type=Path, required=True, help="JSON report to write.")
    p.add_argument("--markdown", type=Path, help="Markdown table to write (default: --out with .md).")
    p.add_argument("--layers", nargs="+", choices=schema.LAYERS, help="Only these layers (default: all).")
    p.add_argument("--annotators", nargs="+", metavar="NAME",
                   help="Only these annotator folders (default: all), e.g. to keep a blind pass measured "
                        "apart with `samestory independent-agreement`.")

    i = command(sub, "independent-agreement", run_independent,
                help="Agreement of a blind pass with fixed gold snapshots.",
                description="Reads annotations/<story>/independent/spec.json (the blind pass and the gold "
                            "snapshots to compare it with) and writes agreement_independent.json and .md in "
                            "the story folder: Krippendorff's alpha / Cohen's kappa per label measure and "
                            "strict/partial span F1, one column group per snapshot. Deterministic.")
    i.add_argument("--story", type=Path, required=True, help="Story folder, e.g. annotations/istanbul-2025-05-16.")
    add_check(i, "Only check that the committed files are current (exit 1 when stale).")

    a = command(sub, "adjudicate", run_adjudicate, help="Merge passes into a gold candidate; list every disagreement.",
                description="Majority merge of annotation passes into a gold candidate. Every value "
                            "the annotators did not all give is listed in disagreements.jsonl; fill "
                            "its `decision` fields and pass it back with --decisions. Gold is written "
                            "only with --write-gold, only when nothing is unresolved, and an existing "
                            "different gold file is replaced only with --overwrite-gold.")
    a.add_argument("--annotations", type=Path, required=True, help="Folder of annotator passes.")
    a.add_argument("--out", type=Path, help="Folder for candidate/ and disagreements "
                                            "(default: <annotations>/../adjudication).")
    a.add_argument("--decisions", type=Path, help="disagreements.jsonl with `decision` filled in.")
    a.add_argument("--layers", nargs="+", choices=schema.LAYERS, help="Only these layers (default: all).")
    a.add_argument("--annotators", nargs="+", metavar="NAME", help="Only these annotator folders (default: all).")
    a.add_argument("--write-gold", action="store_true", help="Also write the candidate as gold.")
    a.add_argument("--gold", type=Path, help="Gold folder (default: <annotations>/../gold).")
    a.add_argument("--overwrite-gold", action="store_true",
                   help="Allow replacing an existing gold file whose content differs.")


def run_agreement(args) -> int:
    passes = agreement.load_passes(args.annotations, args.layers, args.annotators)
    if len(passes) < 2:
        raise SameStoryError(f"{args.annotations}: agreement needs at least two annotators",
                             [Problem(str(args.annotations), "only one annotator folder", None, None,
                                      ">= 2", ", ".join(passes))])
    report = agreement.agreement_report(passes)
    md_path = args.markdown or args.out.with_suffix(".md")
    atomic_write_text(args.out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(md_path, agreement.report_markdown(report))
    print(f"wrote {args.out} and {md_path}: {len(report['labels'])} label measures, "
          f"{len(report['spans'])} span measures, annotators {', '.join(report['annotators'])}")
    return 0


def run_independent(args) -> int:
    from samestory.annotate import independent

    report = independent.independent_report(args.story)
    out = args.story / independent.REPORT_FILE
    files = {out: independent.render_json(report), out.with_suffix(".md"): independent.report_markdown(report)}
    if args.check:
        stale = [str(p) for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print("stale: " + ", ".join(stale) + "; run `samestory independent-agreement --story "
                  f"{args.story}`", file=sys.stderr)
            return 1
        print(f"{out}: up to date")
        return 0
    for p, text in files.items():
        atomic_write_text(p, text)
    print(f"wrote {out} and {out.with_suffix('.md')}: {report['annotator']} against "
          + ", ".join(c["name"] for c in report["comparisons"]))
    return 0


def _read_decisions(path: Path) -> dict:
    out = {}
    for lineno, rec in read_jsonl(path):
        if "id" not in rec:
            raise SameStoryError(f"{path}:{lineno}: missing id", [Problem(str(path), "missing field", lineno, "id")])
        if rec.get("decision") is not None:
            out[rec["id"]] = rec["decision"]
    return out


def _disagreements_markdown(dis: list[dict]) -> str:
    lines = ["| id | values | candidate | resolved by |", "|---|---|---|---|"]
    for d in dis:
        vals = "; ".join(f"{a}: {json.dumps(v, ensure_ascii=False)}" for a, v in d["values"].items())
        lines.append(f"| {d['id']} | {vals} | {json.dumps(d['candidate'], ensure_ascii=False)} | "
                     f"{d['resolved_by'] or '**open**'} |")
    return "\n".join(lines) + "\n"


def run_adjudicate(args) -> int:
    out = args.out or args.annotations.parent / "adjudication"
    gold = args.gold or store.gold_dir(args.annotations.parent)
    if out.resolve() == gold.resolve() or gold.resolve() in out.resolve().parents:
        raise SameStoryError(f"{out}: the candidate folder must not be the gold folder",
                             [Problem(str(out), "refusing to write candidates into gold", None, "--out")])
    passes = agreement.load_passes(args.annotations, args.layers, args.annotators)
    decisions = _read_decisions(args.decisions) if args.decisions else {}
    candidate, dis = adjudicate.adjudicate(passes, decisions)
    # decisions must give schema-valid values: check the decided candidate when nothing is open
    open_ = adjudicate.unresolved(dis)
    problems = []
    if not open_:
        for layer, rows in candidate.items():
            for i, rec in enumerate(rows, 1):
                problems += validate.check_layer_record(layer, rec, f"candidate/{layer}.jsonl", i)
    if problems:
        raise SameStoryError("the decided candidate does not fit the schema (check the decisions)", problems)
    gold_writes = []
    if args.write_gold:
        if open_:
            raise SameStoryError(
                f"not writing gold: {len(open_)} disagreement(s) without majority or decision",
                [Problem(str(out / "disagreements.jsonl"), "open disagreement", None, d["id"],
                         "a decision", json.dumps(d["values"], ensure_ascii=False)) for d in open_[:20]])
        clash = []
        for layer, rows in candidate.items():
            path = gold / f"{layer}.jsonl"
            data = "".join(dumps(r) + "\n" for r in rows)
            if path.exists():
                if path.read_text(encoding="utf-8") == data:
                    continue
                if not args.overwrite_gold:
                    clash.append(Problem(str(path), "gold exists and differs from the candidate", None, None,
                                         "--overwrite-gold to replace it", "different content"))
                    continue
            gold_writes.append((path, rows))
        if clash:
            raise SameStoryError("not overwriting gold silently", clash)
    for layer, rows in candidate.items():
        write_jsonl(out / "candidate" / f"{layer}.jsonl", rows)
    write_jsonl(out / "disagreements.jsonl", dis)
    atomic_write_text(out / "disagreements.md", _disagreements_markdown(dis))
    for path, rows in gold_writes:
        write_jsonl(path, rows)
        print(f"wrote gold {path}")
    for layer in candidate:
        who = sorted(a for a, p in passes.items() if layer in p)
        if len(who) < 2:
            print(f"note: {layer} has one annotator ({who[0]}); its candidate is that pass, not adjudicated")
    print(f"wrote {out}/candidate ({', '.join(candidate)}); {len(dis)} disagreement(s), "
          f"{len(open_)} open -> {out / 'disagreements.jsonl'}")
    return 0
