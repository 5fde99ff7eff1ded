"""The task registry: an explicit list of the tasks declared in `samestory.eval.tasks`, in table order.

A new task is a module in `samestory.eval.tasks` added to this list; nothing registers by being imported.
"""
from __future__ import annotations

from samestory.eval.tasks import (
    bias_sentences, bias_spans, entity_portrayal, entity_roles, facts, frames, linking, ner, quotes, registry, stance,
)

TASKS = registry((ner.NER, linking.LINKING, entity_roles.ENTITY_ROLES, entity_portrayal.ENTITY_PORTRAYAL,
                  stance.STANCE, frames.FRAMES, bias_sentences.BIAS_SENTENCES, bias_spans.BIAS_SPANS, facts.FACTS,
                  quotes.QUOTES))
"""name -> Task; every table, results file and leaderboard column follows this order."""


def task_files() -> dict[str, str]:
    """Prediction file stem -> layer config: a system's `<task>.jsonl` holds records of the task's config."""
    return {n: t.meta.config for n, t in TASKS.items()}


def markdown_table() -> str:
    """The task table of docs/evaluation.md, derived from the registry (a test keeps the docs in step)."""
    rows = ["| task | config (file) | unit | main score | other metrics | direction | reference |",
            "|---|---|---|---|---|---|---|"]
    for t in TASKS.values():
        m = t.meta
        rows.append(f"| `{m.name}` | `{m.config}` | {m.unit} | `{m.main_score}` | "
                    + ", ".join(f"`{x.name}`" for x in m.metrics[1:]) + f" | {m.direction} | {m.reference} |")
    return "\n".join(rows) + "\n"


def markdown_metrics() -> str:
    """Every metric of every task with its definition, derived from the registry."""
    out = []
    for t in TASKS.values():
        out.append(f"**`{t.name}`** (v{t.meta.version}) — {t.meta.description}\n")
        out += [f"- `{m.name}`{' (main)' if m.name == t.meta.main_score else ''}: {m.description}"
                for m in t.meta.metrics]
        out.append("")
    return "\n".join(out)
