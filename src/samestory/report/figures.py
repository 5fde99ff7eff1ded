"""Matplotlib figures of the story report; deterministic PNG bytes (no timestamps, no software tag)."""
from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from samestory.schema import FRAMES, PORTRAYALS, STANCE_LABELS  # noqa: E402

PORTRAYAL_COLORS = {"positive": "#4caf50", "neutral": "#bdbdbd", "negative": "#e53935"}
STANCE_COLORS = {"favor": "#4caf50", "neutral": "#bdbdbd", "against": "#e53935"}
FRAME_COLORS = {f: plt.get_cmap("tab20")(i) for i, f in enumerate(FRAMES)}
assert set(PORTRAYAL_COLORS) == set(PORTRAYALS) and set(STANCE_COLORS) == set(STANCE_LABELS)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def fact_coverage_png(rows: list[dict], doc_ids: list[str], labels: dict[str, str]) -> bytes:
    """Facts (rows, most reported first) × documents: dark = reported, light = omitted."""
    fig, ax = plt.subplots(figsize=(2 + 1.1 * len(doc_ids), 0.9 + 0.3 * len(rows)))
    grid = [[1 if r["cells"][d]["reported"] else 0 for d in doc_ids] for r in rows]
    ax.imshow(grid, cmap=ListedColormap(["#eeeeee", "#1565c0"]), aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(len(doc_ids)), [labels[d] for d in doc_ids], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [textwrap.shorten(f"{r['fact_id']}: {r['statement']}", 70) for r in rows],
                  fontsize=7)
    ax.set_title("Fact coverage (blue = reported, grey = omitted)")
    ax.tick_params(length=0)
    return _png(fig)


def grid_png(title: str, row_names: list[str], doc_ids: list[str], labels: dict[str, str],
             cell: "callable", colors: dict[str, str]) -> bytes:
    """A rows × documents grid; cell(row_index, doc_id) → (category or None, text)."""
    fig, ax = plt.subplots(figsize=(2.5 + 1.5 * len(doc_ids), 0.9 + 0.45 * len(row_names)))
    ax.set_xlim(-0.5, len(doc_ids) - 0.5)
    ax.set_ylim(len(row_names) - 0.5, -0.5)
    for i in range(len(row_names)):
        for j, d in enumerate(doc_ids):
            cat, text = cell(i, d)
            ax.add_patch(plt.Rectangle((j - 0.48, i - 0.45), 0.96, 0.9, color=colors.get(cat, "#ffffff"),
                                       ec="#999999", lw=0.5))
            ax.text(j, i, textwrap.fill(text, 16), ha="center", va="center", fontsize=6.5)
    ax.set_xticks(range(len(doc_ids)), [labels[d] for d in doc_ids], rotation=30, ha="right")
    ax.set_yticks(range(len(row_names)), row_names, fontsize=8)
    ax.set_title(title)
    ax.legend(handles=[Patch(color=c, label=k) for k, c in colors.items()], loc="upper left",
              bbox_to_anchor=(1.01, 1), fontsize=7)
    ax.tick_params(length=0)
    return _png(fig)


def frame_strips_png(frames: dict[str, dict], doc_ids: list[str], labels: dict[str, str]) -> bytes:
    """One strip per document: each paragraph coloured by its primary frame (white = none)."""
    docs = [d for d in doc_ids if d in frames]
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.5 * len(docs)))
    used = set()
    for i, d in enumerate(docs):
        strip = frames[d]["strip"]
        for j, f in enumerate(strip):
            ax.add_patch(plt.Rectangle((j / len(strip), i - 0.35), 1 / len(strip), 0.7,
                                       color=FRAME_COLORS.get(f, "#ffffff"), ec="white", lw=0.8))
            used.add(f)
    ax.set_xlim(0, 1)
    ax.set_ylim(len(docs) - 0.5, -0.5)
    ax.set_yticks(range(len(docs)), [labels[d] for d in docs])
    ax.set_xticks([])
    ax.set_title("Paragraph frames, in reading order")
    ax.legend(handles=[Patch(color=FRAME_COLORS[f], label=f) for f in FRAMES if f in used],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return _png(fig)
