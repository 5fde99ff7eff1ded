"""Render a ranked board as Markdown, one self-contained HTML page and a matplotlib chart.

Every string that comes from a results file is escaped (HTML: `html.escape`; Markdown: `|`, `<`, `>`,
`&`, backticks and newlines), so a system called `<script>…` shows up as text.
"""
from __future__ import annotations

import html
import io
from pathlib import Path

from samestory.jsonl import atomic_write_bytes, atomic_write_text
from samestory.leaderboard import Board, Entry, Score

SUBMIT_STEPS = (
    "Write one prediction file per layer (`<config>.jsonl`, the record layout of the gold layer; "
    "JSON Schemas: `samestory schemas`) for the documents of the current release.",
    "Score them: `samestory evaluate --predictions DIR --system NAME --system-version V "
    "--description TEXT --url URL --out leaderboard/results/NAME.json`.",
    "Check the file: `samestory leaderboard --check leaderboard/results/NAME.json`.",
    "Open a pull request that adds only that results file; CI re-renders the board with `samestory leaderboard`.",
)
SUBMIT_DOC = "docs/leaderboard.md"


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def fmt_score(s: Score | None) -> str:
    if s is None:
        return "—"
    if s.value is None:
        return "n/a"
    return f"{s.value:.3f} [{fmt(s.low)}, {fmt(s.high)}]"


def md_escape(s) -> str:
    s = "" if s is None else str(s)
    s = html.escape(s, quote=False).replace("|", "\\|").replace("`", "\\`").replace("*", "\\*")
    s = s.replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")
    return " ".join(s.split())


def _header_lines(board: Board) -> list[str]:
    st = board.stamps
    return [f"Dataset version **{md_escape(st['dataset_version'])}**, gold sha256 `{st['gold_sha256']}`"
            if all(c in "0123456789abcdef" for c in str(st["gold_sha256"])) else
            f"Dataset version **{md_escape(st['dataset_version'])}**, gold sha256 {md_escape(st['gold_sha256'])}",
            f"Schema {md_escape(st['schema_version'])}, scorer {md_escape(st['scorer_version'])}, "
            f"results format {md_escape(st['format_version'])}."]


def markdown(board: Board) -> str:
    """LEADERBOARD.md: one row per system, main score and 95% interval per task, averages, sorted."""
    lines = ["# SameStory leaderboard", "", *_header_lines(board), "",
             "Each cell: the task's main score with its 95% bootstrap interval; — = not scored. "
             "**Mean (all)** averages the main scores over every task on the board, counting a task the "
             "system was not scored on as 0; rows are sorted by it. **Mean (scored)** averages only the tasks "
             "the system was scored on.", ""]
    head = ["#", "system", "version", "mean (all)", "mean (scored)"] + [
        f"{t} ({board.task_meta[t]['main_score']})" for t in board.tasks]
    lines.append("| " + " | ".join(md_escape(h) for h in head) + " |")
    lines.append("|" + "|".join(["---:", ":---", ":---", "---:", "---:"] + ["---:"] * len(board.tasks)) + "|")
    for e in board.entries:
        row = [str(e.rank), md_escape(e.name), md_escape(e.system.get("version") or ""), fmt(e.mean_all),
               fmt(e.mean_scored)] + [fmt_score(e.main(t)) for t in board.tasks]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "## Systems", ""]
    for e in board.entries:
        desc = md_escape(e.system.get("description") or "")
        url = e.system.get("url")
        link = f" ({md_escape(url)})" if url else ""
        lines.append(f"- **{md_escape(e.name)}** {md_escape(e.system.get('version') or '')}{link}: {desc} "
                     f"Scored {md_escape(e.data.get('date'))}; results file `{md_escape(e.path.name)}`.")
    lines += ["", "## How to submit", ""] + [f"{i}. {s}" for i, s in enumerate(SUBMIT_STEPS, 1)] + [
        "", f"Details: [{SUBMIT_DOC}](../{SUBMIT_DOC}).", ""]
    return "\n".join(lines)


# --- HTML -----------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
color:#1b1b1b;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right;vertical-align:top}
td.name,th.name{text-align:left} th{background:#f3f3f3;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
.ci{color:#666;font-size:.8em;white-space:nowrap} .meta{color:#444} code{background:#f6f6f6;padding:0 .2rem}
"""

JS = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('thead th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('thead th').forEach(function (o) { o.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[col];
        var v = cell.getAttribute('data-sort');
        if (v === null) { v = cell.textContent; }
        var n = parseFloat(v);
        return (v !== '' && !isNaN(n) && isFinite(v)) ? [0, n] : [1, v.toLowerCase()];
      };
      rows.sort(function (a, b) {
        var ka = key(a), kb = key(b), r;
        if (ka[0] !== kb[0]) { return ka[0] - kb[0]; }
        r = ka[1] < kb[1] ? -1 : (ka[1] > kb[1] ? 1 : 0);
        return asc ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def esc(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _cell(s: Score | None) -> str:
    if s is None:
        return '<td data-sort="-1">—</td>'
    if s.value is None:
        return '<td data-sort="-1">n/a</td>'
    return (f'<td data-sort="{s.value:.6f}">{s.value:.3f}'
            f'<br><span class="ci">[{fmt(s.low)}, {fmt(s.high)}]</span></td>')


def _num_cell(x: float | None) -> str:
    return f'<td data-sort="{-1 if x is None else f"{x:.6f}"}">{fmt(x)}</td>'


def page(board: Board) -> str:
    """index.html: the ranked table (sortable by any column), per-task detail tables, how to submit."""
    st = board.stamps
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>SameStory leaderboard</title>", f"<style>{CSS}</style></head><body>",
           "<h1>SameStory leaderboard</h1>",
           f'<p class="meta" id="stamps">Dataset version <b>{esc(st["dataset_version"])}</b>, gold sha256 '
           f'<code>{esc(st["gold_sha256"])}</code>; schema {esc(st["schema_version"])}, scorer '
           f'{esc(st["scorer_version"])}, results format {esc(st["format_version"])}.</p>',
           "<p>Each cell: the task's main score with its 95% bootstrap interval (— = not scored). "
           "<b>Mean (all)</b> averages the main scores over every task on the board, counting a task the "
           "system was not scored on as 0; <b>mean (scored)</b> only over the tasks it was scored on. "
           "Click a column header to sort.</p>",
           '<table class="sortable" id="board"><thead><tr>',
           '<th data-col="rank">#</th><th class="name" data-col="system">system</th>'
           '<th class="name" data-col="version">version</th><th data-col="mean_all">mean (all)</th>'
           '<th data-col="mean_scored">mean (scored)</th>']
    for t in board.tasks:
        out.append(f'<th data-col="{esc(t)}" title="{esc(board.task_meta[t]["main_score"])}">{esc(t)}'
                   f'<br><span class="ci">{esc(board.task_meta[t]["main_score"])}</span></th>')
    out.append("</tr></thead><tbody>")
    for e in board.entries:
        out.append(f'<tr><td data-sort="{e.rank}">{e.rank}</td><td class="name">{esc(e.name)}</td>'
                   f'<td class="name">{esc(e.system.get("version") or "")}</td>'
                   + _num_cell(e.mean_all) + _num_cell(e.mean_scored)
                   + "".join(_cell(e.main(t)) for t in board.tasks) + "</tr>")
    out.append("</tbody></table>")

    out.append("<h2>Per-task details</h2>")
    for t in board.tasks:
        meta = board.task_meta[t]
        scored = [e for e in board.entries if t in e.data["tasks"]]
        out.append(f'<h3 id="task-{esc(t)}">{esc(t)}</h3><p class="meta">Main score <b>{esc(meta["main_score"])}</b> '
                   f'({"higher" if meta["higher_is_better"] else "lower"} is better).</p>')
        out.append(f'<table class="sortable detail" data-task="{esc(t)}"><thead><tr>'
                   '<th class="name">system</th><th>documents</th>'
                   + "".join(f'<th title="{esc(meta["descriptions"].get(m))}">{esc(m)}</th>' for m in meta["metrics"])
                   + "</tr></thead><tbody>")
        for e in scored:
            block = e.data["tasks"][t]
            cells = []
            for m in meta["metrics"]:
                v = block["metrics"].get(m)
                cells.append(_cell(Score(v["value"], v["ci_low"], v["ci_high"]) if v else None))
            out.append(f'<tr><td class="name">{esc(e.name)}</td><td data-sort="{int(block["n_documents"])}">'
                       f'{int(block["n_documents"])}</td>' + "".join(cells) + "</tr>")
        out.append("</tbody></table>")

    out.append("<h2>Systems</h2><ul>")
    for e in board.entries:
        url = e.system.get("url")
        link = f' (<a href="{esc(url)}">{esc(url)}</a>)' if url and str(url).startswith(("https://", "http://")) else (
            f" ({esc(url)})" if url else "")
        params = e.system.get("parameters") or {}
        ptxt = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        out.append(f"<li><b>{esc(e.name)}</b> {esc(e.system.get('version') or '')}{link}: "
                   f"{esc(e.system.get('description') or '')} <span class=\"meta\">Parameters: {esc(ptxt or 'none')}; "
                   f"scored {esc(e.data.get('date'))}; file <code>{esc(e.path.name)}</code>.</span></li>")
    out.append("</ul>")

    out.append('<h2 id="submit">How to submit</h2><ol>')
    out += [f"<li>{_code_spans(s)}</li>" for s in SUBMIT_STEPS]
    out.append(f"</ol><p>Details: <code>{esc(SUBMIT_DOC)}</code> in the repository.</p>")
    out.append(f"<script>{JS}</script></body></html>")
    return "\n".join(out) + "\n"


def _code_spans(s: str) -> str:
    """Escape a fixed instruction and turn its `code` spans into <code> elements."""
    parts = esc(s).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


# --- chart ----------------------------------------------------------------------------------------

def chart_png(board: Board) -> bytes:
    """Grouped bars: main score per task and system, with the 95% interval as error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    tasks, entries = board.tasks, board.entries
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(tasks) + 2), 4.5), dpi=110)
    width = 0.8 / max(1, len(entries))
    x = np.arange(len(tasks))
    for i, e in enumerate(entries):
        vals, lo, hi = [], [], []
        for t in tasks:
            s = e.main(t)
            v = s.value if s and s.value is not None else np.nan
            vals.append(v)
            lo.append(v - s.low if s and s.low is not None and s.value is not None else 0)
            hi.append(s.high - v if s and s.high is not None and s.value is not None else 0)
        ax.bar(x + (i - (len(entries) - 1) / 2) * width, vals, width, yerr=[lo, hi], capsize=2,
               label=_legend_label(e.name))
    ax.set_xticks(x)
    ax.set_xticklabels([f"{t}\n({board.task_meta[t]['main_score']})" for t in tasks], rotation=30,
                       ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("main score (95% CI)")
    ax.set_title(f"SameStory {board.stamps['dataset_version']} — gold {str(board.stamps['gold_sha256'])[:12]}",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _legend_label(name: str) -> str:
    """Plain text for matplotlib: `$` would start mathtext, a leading `_` would hide the entry."""
    label = name[:40].replace("$", r"\$")
    return " " + label if label.startswith("_") else label


def write_all(board: Board, out_dir: Path) -> list[Path]:
    """LEADERBOARD.md, index.html and scores.png in out_dir, each written atomically."""
    out_dir = Path(out_dir)
    md, page_html, png = markdown(board), page(board), chart_png(board)
    targets = [out_dir / "LEADERBOARD.md", out_dir / "index.html", out_dir / "scores.png"]
    atomic_write_text(targets[0], md)
    atomic_write_text(targets[1], page_html)
    atomic_write_bytes(targets[2], png)
    return targets


__all__ = ["markdown", "page", "chart_png", "write_all", "Entry"]
