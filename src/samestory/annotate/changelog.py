"""The CHANGELOG's lists of changed gold labels, generated from `annotations/<story>/changes/*.jsonl`
so they cannot drift from the records of each change.

CHANGELOG.md holds hand-written prose plus one generated block between `<!-- label-changes:begin -->`
and `<!-- label-changes:end -->`; `samestory changelog` rewrites the block, `--check` compares.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from samestory import schema
from samestory.annotate import store
from samestory.core.errors import Problem, SameStoryError

BEGIN, END = "<!-- label-changes:begin -->", "<!-- label-changes:end -->"
LABELS, SPLITS, SPLIT_LABELS = "labels_v1.1.jsonl", "fact_inventory_v1.1.jsonl", "facts_split_labels_v1.1.jsonl"
MERGES, SENTENCE_IDS = "bias_sentences_merges_v1.1.jsonl", "sentence_ids_v1.1.jsonl"
DISAGREEMENTS = store.ADJUDICATION.parent / "disagreements_v1.1.jsonl"


def _natural(s: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(s))]


def _short(fact_id: str) -> str:
    return fact_id.split("-")[-1] if re.fullmatch(r"[a-z0-9]+-f\d+", str(fact_id)) else str(fact_id)


def _item(r: dict) -> str:
    """The changed item: its v1.0 id, and its v1.1 id when that differs (a new item has only the latter)."""
    old, new = r.get("item"), r.get("new_item", r.get("item"))
    if old is None or old == new or r.get("field") == "id" or new is None:
        return _short(old if old is not None else new)
    return f"{_short(old)} (v1.1 {_short(new)})"


def show(value) -> str:
    """A label value in one short line: spans as 'text' (technique), lists joined, null as –."""
    if value is None or value == []:
        return "–"
    if isinstance(value, dict) and "text" in value:
        extra = value.get("technique")
        target = value.get("target_entity_id")
        tail = ", ".join(str(x) for x in (extra, target, value.get("polarity")) if x)
        return f"“{value['text']}”" + (f" ({tail})" if tail else "")
    if isinstance(value, list):
        return "; ".join(show(v) for v in value)
    if isinstance(value, str) and len(value) > 90:
        return f"“{value[:87]}…”"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _read(path: Path) -> list[dict]:
    return store.records(path) if path.exists() else []


def story_lines(story_dir: Path) -> list[str]:
    """Markdown lines listing every recorded change of one story's gold in v1.1."""
    ch = story_dir / "changes"
    story = story_dir.name
    out: list[str] = []
    labels = _read(ch / LABELS)
    for i, r in enumerate(labels, 1):
        missing = {"doc_id", "layer", "item", "field", "old", "new", "reason"} - set(r)
        if missing:
            raise SameStoryError(f"{ch / LABELS}:{i}: missing field", [Problem(str(ch / LABELS), "missing field", i,
                                                                              ", ".join(sorted(missing)))])
    layer_rank = {name: n for n, name in enumerate(schema.LAYERS)}
    labels.sort(key=lambda r: (layer_rank.get(r["layer"], 99), r["doc_id"], _natural(_item(r)), r["field"]))
    if labels:
        out += [f"Changed gold labels, story `{story}` ({len(labels)} fields; document, layer, item, field: "
                "old → new — reason; `changes/labels_v1.1.jsonl`):", ""]
        out += [f"- `{r['doc_id']}` {r['layer']} {_item(r)} {r['field']}: {show(r['old'])} → "
                f"{show(r['new'])} — {_one_line(r['reason'])}" for r in labels]
        out.append("")
    splits = _read(ch / SPLITS)
    if splits:
        out += [f"Fact ids split or retired, story `{story}` (`changes/fact_inventory_v1.1.jsonl`; retired ids "
                "are never reused):", ""]
        out += [f"- {_short(r['old_fact_id'])} → {', '.join(_short(x) for x in r['new_fact_ids'])}: "
                f"{_one_line(r['reason'])}" for r in sorted(splits, key=lambda r: _natural(r["old_fact_id"]))]
        out.append("")
    split_labels = _read(ch / SPLIT_LABELS)
    changed = [r for r in split_labels
               if r["old_reported"] != r["new_reported"] or r["old_evidence"] != r["new_evidence"]]
    if split_labels:
        out += [f"Labels of the new facts, story `{story}` ({len(split_labels)} document × fact cells; "
                f"{len(split_labels) - len(changed)} inherit the retired fact's label and evidence unchanged; "
                "the others, retired fact reported/evidence → new fact; "
                "`changes/facts_split_labels_v1.1.jsonl`):", ""]
        changed.sort(key=lambda r: (r["doc_id"], _natural(r["new_fact_id"])))
        out += [f"- `{r['doc_id']}` facts {_short(r['from_fact_id'])} → {_short(r['new_fact_id'])}: reported "
                f"{show(r['old_reported'])} → {show(r['new_reported'])}, evidence {len(r['old_evidence'])} → "
                f"{len(r['new_evidence'])} span(s) — {_one_line(r['reason'])}" for r in changed]
        out.append("")
    merges = [r for r in _read(ch / MERGES) if r.get("annotator") == "gold"]
    ids = _read(ch / SENTENCE_IDS)
    if ids:
        moved = Counter(r["doc_id"] for r in ids if r["old_sentence_id"] != r["new_sentence_id"])
        out += [f"Sentence ids, story `{story}`: {len(ids)} v1.0 sentences → "
                f"{len({(r['doc_id'], r['new_sentence_id']) for r in ids})} v1.1 sentences; ids changed in "
                + ", ".join(f"`{d}` ({n})" for d, n in sorted(moved.items()))
                + " (`changes/sentence_ids_v1.1.jsonl`). Gold labels of merged sentences "
                "(`changes/bias_sentences_merges_v1.1.jsonl`):", ""]
        out += [f"- `{r['doc_id']}` bias_sentences {'+'.join(r['old_sentence_ids'])} → {r['new_sentence_id']}: "
                + ", ".join(f"{x['label']}/{x['opinion']}" for x in r["old_labels"])
                + f" → {r['new_label']}/{r['new_opinion']}" for r in merges]
        out.append("")
    dis = _read(story_dir / DISAGREEMENTS)
    if dis:
        counts: dict[str, Counter] = {}
        for r in dis:
            counts.setdefault(r["layer"], Counter())["changed" if r.get("gold_changed") else "kept"] += 1
        out += [f"Adjudication of the blind pass D against the v1.1 gold, story `{story}` "
                f"(`adjudication/disagreements_v1.1.jsonl`; each gold change is also a line above): "
                + "; ".join(f"{layer} {c['changed']} changed, {c['kept']} kept"
                            for layer, c in sorted(counts.items(), key=lambda kv: layer_rank.get(kv[0], 99))) + ".",
                ""]
    return out


def render_block(annotations_dir: Path) -> str:
    """The generated block for every story that has a changes/ folder (stories in name order)."""
    lines: list[str] = []
    for story_dir in sorted(p for p in Path(annotations_dir).iterdir() if (p / "changes").is_dir()):
        lines += story_lines(story_dir)
    return "\n".join(lines).rstrip() + "\n"


def render(changelog_text: str, annotations_dir: Path, file: str = "CHANGELOG.md") -> str:
    """CHANGELOG text with its generated block replaced; missing or repeated markers are errors."""
    if changelog_text.count(BEGIN) != 1 or changelog_text.count(END) != 1 or \
            changelog_text.index(BEGIN) > changelog_text.index(END):
        raise SameStoryError(f"{file}: generated label-changes block not found",
                             [Problem(file, "markers missing or repeated", expected=f"one {BEGIN} … {END}",
                                      found=f"{changelog_text.count(BEGIN)} begin, {changelog_text.count(END)} end")])
    head, rest = changelog_text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{render_block(annotations_dir)}{END}{tail}"


def strip_block(changelog_text: str) -> str:
    """The CHANGELOG without the generated lists (the card shows the prose and points to the file)."""
    note = "The full list of changed labels is in `CHANGELOG.md` (generated from `annotations/<story>/changes/`)."
    return re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), note, changelog_text, flags=re.DOTALL)

