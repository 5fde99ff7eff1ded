"""Render a ranked board as Markdown, one self-contained HTML page and a matplotlib chart.

Every string that comes from a results file is escaped (HTML: `html.escape`; Markdown: `|`, `<`, `>`,
`&`, backticks and newlines), so a system called `<script>…` shows up as text.
"""
from __future__ import annotations

import html
import io
from pathlib import Path

from samestory.core.jsonl import atomic_write_bytes, atomic_write_text
from samestory.leaderboard import Board, Entry, Score

SUBMIT_STEPS = (
    "Write one prediction file per layer (`<config>.jsonl`, the record layout of the gold layer; "
    "JSON Schemas: `samestory schemas`) for the documents of the current release.",
    "Declare the system in `DIR/system.json`: name, version, description, url, parameters, tasks, languages "
    "and every resource it used, each with `derived_from_test` (true for anything built from the test "
    "documents or their gold).",
    "Score them: `samestory evaluate --predictions DIR --system-json DIR/system.json "
    "--out leaderboard/results/NAME.json`.",
    "Check the file: `samestory leaderboard --check leaderboard/results/NAME.json`.",
    "Open a pull request that adds only that results file; CI re-renders the board with `samestory leaderboard`.",
)
SUBMIT_DOC = "docs/leaderboard.md"



def _resource_facts(r, short_hash: bool) -> str:
    """What a declared resource states of version, sha256 (its first 12 digits when short), licence and
    source, comma-separated; the Markdown board and the HTML page show the same facts."""
    sha = (f"{r.sha256[:12]}…" if short_hash else r.sha256) if r.sha256 else ""
    return ", ".join(x for x in (f"version {r.version}" if r.version else "", f"sha256 {sha}" if sha else "",
                                 f"licence {r.license}" if r.license else "",
                                 f"source {r.source}" if r.source else "") if x)

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


RANKING_NOTE = (
    "Each task cell: the task's main score, its 95% bootstrap interval and the system's rank on that task among "
    "the ranked systems scored on it. **Rank** is the overall rank among ranked systems scored on the same task "
    "set (by the mean main score over those tasks; **coverage** says which set), so a system is never ranked "
    "against one that attempted other tasks. A system ranks below another only when the paired bootstrap over "
    "documents (as `samestory compare`, {resamples} resamples) separates them at p < {alpha}; otherwise they "
    "share the rank, marked `=`. With five documents, most differences cannot be told apart.")
INFORMED_NOTE = (
    "These systems used a resource derived from the test documents or their gold (for example an alias list "
    "compiled from these articles, or label counts of the other test documents), as declared in their "
    "`system.json`. Their scores are shown for reference and are not comparable with the ranked systems: they "
    "are never ranked.")


def _rank_text(rank: int | None, tied: bool) -> str:
    return "—" if rank is None else f"{rank}{'=' if tied else ''}"


def coverage_text(board: Board, e: Entry) -> str:
    """`3/10 · set A`: how many board tasks the system was scored on, and which task set it is ranked in."""
    tag = f" · set {chr(65 + board.task_sets.index(e.coverage))}" if e.coverage in board.task_sets else ""
    return f"{len(e.coverage)}/{len(board.tasks)}{tag}"


def informed_by(e: Entry) -> list[str]:
    """Names of the resources that make a system test-informed."""
    return [r.name for r in e.declared.resources if r.derived_from_test]


def _md_table(board: Board, entries: list[Entry], ranked: bool) -> list[str]:
    head = ["rank", "system", "version", "coverage", "mean (its tasks)"] + [
        f"{t} ({board.task_meta[t]['main_score']})" for t in board.tasks]
    if not ranked:
        head[0], head[4] = "", "mean (its tasks)"
        head.insert(4, "test-informed by")
    lines = ["| " + " | ".join(md_escape(h) for h in head) + " |",
             "|" + "|".join(["---:", ":---", ":---", ":---"] + ([":---"] if not ranked else []) + ["---:"]
                            + ["---:"] * len(board.tasks)) + "|"]
    for e in entries:
        cells = []
        for t in board.tasks:
            c = fmt_score(e.main(t))
            if ranked and t in e.task_ranks:
                c += f" #{_rank_text(e.task_ranks[t], t in e.tied)}"
            cells.append(c)
        row = [_rank_text(e.rank, "overall" in e.tied) if ranked else "unranked", md_escape(e.name),
               md_escape(e.system.get("version") or ""), coverage_text(board, e) if ranked else
               f"{len(e.coverage)}/{len(board.tasks)}"]
        if not ranked:
            row.append(md_escape("; ".join(informed_by(e))))
        row += [fmt(e.mean_scored)] + cells
        lines.append("| " + " | ".join(row) + " |")
    return lines


def markdown(board: Board) -> str:
    """LEADERBOARD.md: ranked clean systems, then test-informed systems apart and unranked, then provenance."""
    from samestory.leaderboard import ALPHA, TIE_RESAMPLES

    lines = ["# SameStory leaderboard", "", *_header_lines(board), "",
             RANKING_NOTE.format(resamples=TIE_RESAMPLES, alpha=ALPHA) + " — = not scored.", ""]
    if board.task_sets:
        lines += ["Task sets: " + "; ".join(f"**{chr(65 + i)}** = {', '.join(ts)}"
                                           for i, ts in enumerate(board.task_sets)) + ".", ""]
    lines += ["## Ranked systems", ""]
    lines += _md_table(board, board.clean, True) if board.clean else ["No clean system yet."]
    if board.informed:
        lines += ["", "## Test-informed systems (not ranked)", "", INFORMED_NOTE, ""]
        lines += _md_table(board, board.informed, False)
    lines += ["", "## Systems", ""]
    for e in board.entries:
        desc = md_escape(e.system.get("description") or "")
        url = e.system.get("url")
        link = f" ({md_escape(url)})" if url else ""
        mark = " **[test-informed]**" if e.test_informed else ""
        langs = e.declared.languages
        lang = f" Languages: {md_escape(', '.join(langs))}." if langs is not None else ""
        lines.append(f"- **{md_escape(e.name)}** {md_escape(e.system.get('version') or '')}{mark}{link}: {desc}{lang} "
                     f"Scored {md_escape(e.data.get('date'))}; results file `{md_escape(e.path.name)}`.")
        for r in e.declared.resources:
            extra = _resource_facts(r, short_hash=True)
            lines.append(f"  - {'**derived from the test documents**: ' if r.derived_from_test else ''}"
                         f"{md_escape(r.name)} ({md_escape(r.kind)}{'; ' + md_escape(extra) if extra else ''}): "
                         f"{md_escape(r.description)}")
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
.trank{color:#225;font-size:.8em} .mark{background:#fde2c8;color:#7a3300;border-radius:3px;padding:0 .3rem;
font-size:.8em;white-space:nowrap} .warn{color:#7a3300} #informed{opacity:.85}
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


def _board_table(board: Board, entries: list[Entry], ranked: bool, table_id: str) -> list[str]:
    """The main table (ranked) or the test-informed table (unranked, with the mark and its reason)."""
    first = ('<th data-col="rank">rank</th>' if ranked else '<th class="name" data-col="mark">mark</th>')
    out = [f'<table class="sortable" id="{table_id}"><thead><tr>', first,
           '<th class="name" data-col="system">system</th><th class="name" data-col="version">version</th>'
           '<th class="name" data-col="coverage">coverage</th>'
           + ("" if ranked else '<th class="name" data-col="informed_by">test-informed by</th>')
           + '<th data-col="mean_scored">mean (its tasks)</th>']
    for t in board.tasks:
        out.append(f'<th data-col="{esc(t)}" title="{esc(board.task_meta[t]["main_score"])}">{esc(t)}'
                   f'<br><span class="ci">{esc(board.task_meta[t]["main_score"])}</span></th>')
    out.append("</tr></thead><tbody>")
    for e in entries:
        if ranked:
            lead = (f'<td data-sort="{e.rank}">{esc(_rank_text(e.rank, "overall" in e.tied))}</td>')
        else:
            lead = '<td class="name"><span class="mark" title="derived from the test set">test-informed</span></td>'
        cells = []
        for t in board.tasks:
            c = _cell(e.main(t))
            if ranked and t in e.task_ranks:
                c = c[:-5] + (f'<br><span class="trank" title="rank on {esc(t)}">'
                              f'#{esc(_rank_text(e.task_ranks[t], t in e.tied))}</span></td>')
            cells.append(c)
        out.append(f'<tr data-test-informed="{str(e.test_informed).lower()}">{lead}<td class="name">{esc(e.name)}</td>'
                   f'<td class="name">{esc(e.system.get("version") or "")}</td>'
                   f'<td class="name" data-sort="{len(e.coverage)}">{esc(coverage_text(board, e))}</td>'
                   + ("" if ranked else f'<td class="name">{esc("; ".join(informed_by(e)))}</td>')
                   + _num_cell(e.mean_scored) + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


def per_document(board: Board, e: Entry, task: str) -> dict[str, float | None] | None:
    """doc_id → the task's main score from that document's counts alone (None: undefined), or None when the
    results file has no usable per-document counts for the task."""
    import numpy as np

    from samestory.eval.registry import TASKS

    block = e.data["tasks"].get(task)
    if task not in TASKS or not block or list(block.get("count_keys") or []) != list(TASKS[task].keys):
        return None
    out = {}
    for doc, row in sorted((block.get("per_document") or {}).items()):
        v = float(np.asarray(TASKS[task].metric_values(np.asarray(row, dtype=float).reshape(1, -1))[
            TASKS[task].meta.main_score]).reshape(-1)[0])
        out[doc] = None if np.isnan(v) else v
    return out or None


def _per_document_section(board: Board) -> list[str]:
    out = ['<h2 id="per-document">Per-document scores</h2>',
           "<p>Each task's main score computed from one document's counts alone (the counts every results file "
           "holds per document), so you can see whether a system does worse on one outlet, the machine-translated "
           "article or the tabloid. One document is a small sample: read these as a profile, not a ranking.</p>"]
    for t in board.tasks:
        rows = [(e, per_document(board, e, t)) for e in board.entries if t in e.data["tasks"]]
        rows = [(e, r) for e, r in rows if r]
        if not rows:
            continue
        docs = sorted({d for _, r in rows for d in r})
        out.append(f'<h3 id="per-document-{esc(t)}">{esc(t)} <span class="ci">'
                   f'{esc(board.task_meta[t]["main_score"])}</span></h3>')
        out.append(f'<table class="sortable per-doc" data-task="{esc(t)}"><thead><tr>'
                   '<th class="name">system</th><th class="name">mark</th>'
                   + "".join(f'<th title="{esc(d)}">{esc(board.doc_labels.get(d, d))}</th>' for d in docs)
                   + "</tr></thead><tbody>")
        for e, r in rows:
            mark = '<span class="mark">test-informed</span>' if e.test_informed else ""
            out.append(f'<tr data-test-informed="{str(e.test_informed).lower()}"><td class="name">{esc(e.name)}</td>'
                       f'<td class="name">{mark}</td>' + "".join(_num_cell(r.get(d)) if d in r else
                                                                '<td data-sort="-1">—</td>' for d in docs) + "</tr>")
        out.append("</tbody></table>")
    return out


def page(board: Board) -> str:
    """index.html: ranked table, test-informed table, per-task details, per-document scores, systems, submit."""
    from samestory.leaderboard import ALPHA, TIE_RESAMPLES

    st = board.stamps
    note = RANKING_NOTE.format(resamples=TIE_RESAMPLES, alpha=ALPHA)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>SameStory leaderboard</title>", f"<style>{CSS}</style></head><body>",
           "<h1>SameStory leaderboard</h1>",
           f'<p class="meta" id="stamps">Dataset version <b>{esc(st["dataset_version"])}</b>, gold sha256 '
           f'<code>{esc(st["gold_sha256"])}</code>; schema {esc(st["schema_version"])}, scorer '
           f'{esc(st["scorer_version"])}, results format {esc(st["format_version"])}.</p>',
           f"<p>{_md_inline(note)} — = not scored. Click a column header to sort.</p>"]
    if board.task_sets:
        out.append('<p class="meta" id="task-sets">Task sets: ' + "; ".join(
            f"<b>{chr(65 + i)}</b> = {esc(', '.join(ts))}" for i, ts in enumerate(board.task_sets)) + ".</p>")
    out.append('<h2 id="ranked">Ranked systems</h2>')
    out += _board_table(board, board.clean, True, "board")
    if board.informed:
        out.append('<h2 id="test-informed">Test-informed systems (not ranked)</h2>')
        out.append(f'<p class="warn">{_md_inline(INFORMED_NOTE)}</p>')
        out += _board_table(board, board.informed, False, "informed")

    out.append("<h2>Per-task details</h2>")
    for t in board.tasks:
        meta = board.task_meta[t]
        scored = [e for e in board.entries if t in e.data["tasks"]]
        out.append(f'<h3 id="task-{esc(t)}">{esc(t)}</h3><p class="meta">Main score <b>{esc(meta["main_score"])}</b> '
                   f'({"higher" if meta["higher_is_better"] else "lower"} is better).</p>')
        out.append(f'<table class="sortable detail" data-task="{esc(t)}"><thead><tr>'
                   '<th class="name">system</th><th class="name">rank</th><th>documents</th>'
                   + "".join(f'<th title="{esc(meta["descriptions"].get(m))}">{esc(m)}</th>' for m in meta["metrics"])
                   + "</tr></thead><tbody>")
        for e in scored:
            block = e.data["tasks"][t]
            cells = []
            for m in meta["metrics"]:
                v = block["metrics"].get(m)
                cells.append(_cell(Score(v["value"], v["ci_low"], v["ci_high"]) if v else None))
            rank = ('<span class="mark">test-informed</span>' if e.test_informed else
                    esc(_rank_text(e.task_ranks.get(t), t in e.tied)))
            out.append(f'<tr data-test-informed="{str(e.test_informed).lower()}"><td class="name">{esc(e.name)}</td>'
                       f'<td class="name">{rank}</td><td data-sort="{int(block["n_documents"])}">'
                       f'{int(block["n_documents"])}</td>' + "".join(cells) + "</tr>")
        out.append("</tbody></table>")

    out += _per_document_section(board)

    out.append('<h2 id="systems">Systems</h2><ul>')
    for e in board.entries:
        url = e.system.get("url")
        link = f' (<a href="{esc(url)}">{esc(url)}</a>)' if url and str(url).startswith(("https://", "http://")) else (
            f" ({esc(url)})" if url else "")
        params = e.system.get("parameters") or {}
        ptxt = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        mark = ' <span class="mark">test-informed</span>' if e.test_informed else ""
        langs = e.declared.languages
        out.append(f"<li><b>{esc(e.name)}</b> {esc(e.system.get('version') or '')}{mark}{link}: "
                   f"{esc(e.system.get('description') or '')} <span class=\"meta\">Languages: "
                   f"{esc(', '.join(langs) if langs is not None else 'any')}; parameters: {esc(ptxt or 'none')}; "
                   f"scored {esc(e.data.get('date'))}; file <code>{esc(e.path.name)}</code>.</span><ul class=\"res\">")
        for r in e.declared.resources:
            extra = _resource_facts(r, short_hash=False)
            flag = '<b class="warn">derived from the test documents</b>: ' if r.derived_from_test else ""
            out.append(f"<li>{flag}{esc(r.name)} <span class=\"meta\">({esc(r.kind)}"
                       f"{'; ' + esc(extra) if extra else ''})</span>: {esc(r.description)}</li>")
        out.append("</ul></li>")
    out.append("</ul>")

    out.append('<h2 id="submit">How to submit</h2><ol>')
    out += [f"<li>{_code_spans(s)}</li>" for s in SUBMIT_STEPS]
    out.append(f"</ol><p>Details: <code>{esc(SUBMIT_DOC)}</code> in the repository.</p>")
    out.append(f"<script>{JS}</script></body></html>")
    return "\n".join(out) + "\n"


def _md_inline(s: str) -> str:
    """A fixed note with **bold** and `code` as HTML (escaped first)."""
    parts = _code_spans(s).split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))


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
               label=_legend_label(e.name) + (" (test-informed)" if e.test_informed else ""),
               hatch="//" if e.test_informed else None)
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
