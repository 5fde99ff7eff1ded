"""The story report as one self-contained HTML page: figures inline as data URIs, no network."""
from __future__ import annotations

import base64
from html import escape
from typing import NamedTuple

from samestory.report.data import (StoryData, doc_label, empty_reason, entity_table, fact_coverage, frames,
                                   loaded_words, naming_choices, portrayal, side_casting, stance, summary,
                                   technique_segments)
from samestory.report.figures import FRAME_COLORS, PORTRAYAL_COLORS, STANCE_COLORS

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}
th{background:#f4f4f4}
td.rep{background:#1565c0;color:#fff;text-align:center}
td.rep a{color:#fff}
td.omit{background:#eee;color:#999;text-align:center}
mark{background:#ffe082;border-bottom:2px solid #ff6f00;cursor:help}
.doc{border:1px solid #ddd;padding:.5rem 1rem;margin:1rem 0}
.doc p{line-height:1.5}
.strip{display:flex;height:18px;margin:.2rem 0}
.strip span{flex:1;border-right:1px solid #fff}
img{max-width:100%}
.muted{color:#777}
.machine{background:#fff3e0;border:1px solid #ff9800;color:#e65100;font-size:.75rem;padding:.1rem .4rem;
border-radius:.3rem;margin-left:.5rem;vertical-align:middle}
"""


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _anchor(doc_id: str, sentence_id: str) -> str:
    return f"s-{doc_id}-{sentence_id}"


def _origin(data: StoryData, *parts: str) -> str:
    """A line under a section heading: where its labels come from, with a badge when not gold."""
    src = data.origin(*parts)
    if src is None:
        return ""
    badge = "<span class='machine'>machine-proposed, not gold</span>" if data.machine(*parts) else ""
    return f"<p class='muted'>Source: {escape(src)}{badge}</p>"


def _empty(data: StoryData, section: str) -> str:
    return f"<p class='muted'>{escape(empty_reason(data, section))}</p>"


def _figure(figures: dict[str, bytes], name: str, alt: str) -> list[str]:
    """The section's figure, when one was drawn."""
    return [_img(figures[name], alt)] if name in figures else []


def _table(header: str, rows) -> list[str]:
    """A table as page lines: the header row's cells, then one line per row."""
    return [f"<table><tr>{header}</tr>", *rows, "</table>"]


def _cells(ids: list[str], cell_of, render) -> str:
    """One cell per document column: `render(value)`, or a muted dash where the document has no value."""
    return "".join(render(c) if c else "<td class='muted'>—</td>" for c in map(cell_of, ids))


def _fact_cell(c: dict, doc_id: str) -> str:
    if not c["reported"]:
        return "<td class='omit'>omitted</td>"
    link = (f"<a href='#{_anchor(doc_id, c['sentence_id'])}' title='{escape(c['evidence'] or '')}'>"
            "reported</a>") if c["sentence_id"] else "reported"
    return f"<td class='rep'>{link}</td>"


def _portrayal_cell(c: dict) -> str:
    roles = ", ".join(c["fine_roles"]) or c["main_role"]
    return (f"<td style='background:{PORTRAYAL_COLORS[c['portrayal']]}'>"
            f"{escape(c['portrayal'])}<br><small>{escape(roles)}</small></td>")


def _side_cell(c: dict, names: dict[str, str]) -> str:
    s = c["side"]
    roles = f"{s['main_role']}: {', '.join(s['fine_roles'])}" if s["fine_roles"] else s["main_role"] or "—"
    by = ", ".join(names.get(e, e) for e in s["portrayal_by"])
    warn = "".join(f"<br><i>{escape(x)}</i>" for x in s["conflicts"])
    return (f"<td style='background:{PORTRAYAL_COLORS.get(s['portrayal'], '#fff')}'>"
            f"<b>{escape(s['portrayal'] or '—')}</b><br><small>{escape(roles)}; via "
            f"{escape(by or '—')}{warn}</small></td>")


def _member_of(side: dict, doc_id: str, entity_id: str) -> dict | None:
    """An entity's own label in a side's cell of one document."""
    return next((x for x in (side["cells"].get(doc_id) or {}).get("entities", []) if x["entity_id"] == entity_id), None)


def _member_cell(it: dict) -> str:
    roles = ", ".join(it["fine_roles"] or ()) or it["main_role"] or "—"
    return f"<td>{escape(it['portrayal'] or '—')}<br><small>{escape(roles)}</small></td>"


def _naming_cell(r: dict, d: str) -> str:
    forms, lab = r["forms"].get(d, {}), r["labels"].get(d, {})
    txt = ", ".join(f"{escape(k)} ×{v}" for k, v in sorted(forms.items()))
    if lab:
        txt += "<br><i>labelled: " + ", ".join(escape(k) for k in sorted(lab)) + "</i>"
    return f"<td>{txt or '—'}</td>"


class _Page(NamedTuple):
    """What every section's body draws from: the story, its figures, the document columns and their header."""

    data: StoryData
    figures: dict[str, bytes]
    ids: list[str]
    labels: dict[str, str]
    head: str


def _section(pg: _Page, heading: tuple[int, str, str], sources: tuple[str, ...], rows, body, *,
             empty: str | None = None, one_line: bool = False) -> list[str]:
    """A section's skeleton: heading (level, id, title), where its labels come from, then `body(pg, rows)`,
    or, without rows, why it is empty (`empty_reason` of the section's id unless `empty` is given)."""
    level, key, title = heading
    h, origin = f"<h{level} id='{key}'>{title}</h{level}>", _origin(pg.data, *sources)
    return [*([h + origin] if one_line else [h, origin]),
            *(body(pg, rows) if rows else [empty or _empty(pg.data, key)])]


def _summary(pg: _Page, sents: list[str]) -> list[str]:
    return ["<ul>" + "".join(f"<li>{escape(s)}</li>" for s in sents) + "</ul>"]


def _facts(pg: _Page, rows: list[dict]) -> list[str]:
    return ["<p>Facts sorted by how many articles report them. Leaving facts out is informational "
            "bias; click a cell to read the evidence sentence.</p>",
            *_figure(pg.figures, "fact_coverage", "fact coverage matrix"),
            *_table(f"<th>fact</th><th>statement</th><th>kind</th><th>#</th>{pg.head}", (
                f"<tr><td>{escape(r['fact_id'])}</td><td>{escape(r['statement'])}</td><td>{escape(r['kind'])}</td>"
                f"<td>{r['count']}</td>{''.join(_fact_cell(r['cells'][d], d) for d in pg.ids)}</tr>" for r in rows))]


def _entities(pg: _Page, rows: list[dict]) -> list[str]:
    return _table(f"<th>entity</th><th>type</th><th>names seen</th><th>#docs</th>{pg.head}", (
        f"<tr><th>{escape(r['name'])}</th><td>{escape(r['type'])}</td>"
        f"<td>{escape(', '.join(r['aliases'][:6]))}</td><td>{r['documents'] if r['documents'] is not None else '?'}"
        "</td>" + "".join(f"<td>{r['counts'][d] or '—'}</td>" if r["counts"] is not None else "<td>?</td>"
                          for d in pg.ids) + "</tr>" for r in rows))


def _portrayal(pg: _Page, rows: list[dict]) -> list[str]:
    return [*_figure(pg.figures, "portrayal", "portrayal matrix"), *_table(f"<th>entity</th>{pg.head}", (
        f"<tr><th>{escape(r['name'])}</th>{_cells(pg.ids, r['cells'].get, _portrayal_cell)}</tr>" for r in rows))]


def _sides(pg: _Page, rows: list[dict]) -> list[str]:
    names = {e["entity_id"]: e["name"] for e in pg.data.inventories.get("entities", [])}
    lines = []
    for r in rows:
        lines.append(f"<tr><th>{escape(r['name'])} (side)</th>"
                     f"{_cells(pg.ids, r['cells'].get, lambda c: _side_cell(c, names))}</tr>")
        for e in [r["entity_id"], *(m["entity_id"] for m in r["members"])]:
            member = _cells(pg.ids, lambda d, e=e: _member_of(r, d, e), _member_cell)
            lines.append(f"<tr><td>&nbsp;&nbsp;{escape(names.get(e, e))}</td>{member}</tr>")
    return ["<p>Entities that speak for another (<code>speaks_for</code>: a capital, seat or state "
            "institution) are read with it as one side. Each entity keeps its own label (rows below the "
            "side); the side's casting is the marked one (negative or positive over neutral, a role over "
            "none), carried by the entities named; different marked values give <i>mixed</i> and are "
            "listed, never picked silently.</p>", *_table(f"<th>side / entity</th>{pg.head}", lines)]


def _stance(pg: _Page, rows: list[dict]) -> list[str]:
    return [*_figure(pg.figures, "stance", "stance per target"), *_table(f"<th>target</th>{pg.head}", (
        f"<tr><th title='{escape(r['definition'])}'>{escape(r['name'])}</th>"
        + "".join(f"<td style='background:{STANCE_COLORS.get(v, '#fff')}'>{escape(v or '—')}</td>"
                  for v in (r["labels"][d] for d in pg.ids)) + "</tr>" for r in rows))]


def _frames(pg: _Page, fr: dict[str, dict]) -> list[str]:
    lines = []
    for d in (d for d in pg.ids if d in fr):
        f = fr[d]
        names = ", ".join(f"<b>{escape(x)}</b>" if x == f["primary_frame"] else escape(x) for x in f["frames"])
        strip = "".join(
            f"<span title='{escape(x or 'none')}' style='background:"
            f"{_css_color(FRAME_COLORS.get(x))}'></span>" for x in f["strip"])
        lines.append(f"<tr><th>{escape(pg.labels[d])}</th><td>{names}</td>"
                     f"<td style='min-width:300px'><div class='strip'>{strip}</div></td></tr>")
    return [*_figure(pg.figures, "frames", "paragraph frame strips"),
            *_table("<th>document</th><th>frames (primary in bold)</th><th>paragraphs</th>", lines)]


def _naming(pg: _Page, rows: list[dict]) -> list[str]:
    return _table(f"<th>entity</th>{pg.head}", (
        f"<tr><th>{escape(r['name'])}</th>{''.join(_naming_cell(r, d) for d in pg.ids)}</tr>" for r in rows))


def _loaded(pg: _Page, rows: list[dict]) -> list[str]:
    return _table("<th>document</th><th>#</th><th>words marked as loaded language or name calling</th>", (
        f"<tr><th>{escape(pg.labels[r['doc_id']])}</th><td>{r['total']}</td><td>"
        + (", ".join(f"{escape(w['text'])} ×{w['count']}" for w in r["words"]) or "—") + "</td></tr>"
        for r in rows))


def render(data: StoryData, figures: dict[str, bytes], meta: dict) -> str:
    """The whole page; every string that comes from data is escaped."""
    docs = data.documents
    ids = data.doc_ids()
    labels = {d["doc_id"]: doc_label(d) for d in docs}
    pg = _Page(data, figures, ids, labels, "".join(f"<th>{escape(labels[d])}</th>" for d in ids))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">",
        f"<title>{escape(data.story['title'])} — SameStory report</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(data.story['title'])}</h1>",
        f"<p class='muted'>Story <code>{escape(data.story['story_id'])}</code>, "
        f"{escape(', '.join(str(v) for v in (data.story['event_date'], data.story.get('place')) if v))}. "
        "Source of labels: "
        f"<b>{escape(data.source)}</b>"
        + ("<span class='machine'>includes machine-proposed labels</span>"
           if data.machine(*data.layer_sources, *data.inventory_sources) else "")
        + f". {escape(meta.get('stamp', ''))}</p>",
        *(f"<p class='muted'>Note: {escape(n)}</p>" for n in data.notes),
        "<h2 id='documents'>Documents</h2><table><tr><th>column</th><th>doc_id</th><th>title</th><th>outlet</th>"
        "<th>byline</th><th>language</th><th>published</th><th>URL</th><th>translation of</th>"
        "<th>machine translated</th></tr>",
    ]
    for d in docs:
        cells = [escape(str(v) if v is not None else "—") for v in (
            labels[d["doc_id"]], d["doc_id"], d["title"], d["outlet"], d["byline"], d["language"], d["published"])]
        url = d.get("url")
        cells.append(f"<code>{escape(url)}</code>" if url else "—")  # shown, not linked: the page stays offline
        tr = d.get("translation_of")
        cells.append(escape(labels.get(tr, tr)) if tr else "—")
        cells.append("yes" if d["machine_translated"] else "no")
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</table>")

    parts += _section(pg, (2, "summary", "Summary"), (*data.layer_sources, *data.inventory_sources), summary(data),
                      _summary, empty="<p class='muted'>No labels to summarise.</p>")
    parts += _section(pg, (2, "facts", "Fact coverage"), ("fact_inventory", "facts"), fact_coverage(data), _facts)
    parts += _section(pg, (2, "entities", "Entities"), ("entities", "mentions"), entity_table(data), _entities)
    parts += _section(pg, (2, "portrayal", "Portrayal"), ("entities", "entity_frames"), portrayal(data), _portrayal)
    parts += _section(pg, (3, "sides", "Sides (actor groups)"), ("entities", "entity_frames"), side_casting(data),
                      _sides)
    parts += _section(pg, (2, "stance", "Stance"), ("stance_targets", "stance"), stance(data), _stance)
    parts += _section(pg, (2, "frames", "Frames"), ("frames",), frames(data), _frames)
    parts.append("<h2 id='words'>Words</h2>")
    parts += _section(pg, (3, "naming", "Naming choices"), ("entities", "mentions"), naming_choices(data), _naming,
                      one_line=True)
    parts += _section(pg, (3, "loaded", "Loaded words"), ("bias_spans",), loaded_words(data), _loaded, one_line=True)
    spans_layer = data.layers.get("bias_spans", {})
    parts.append("<h3>Persuasion techniques in the text</h3><p>Highlighted spans use a persuasion technique "
                 "(hover for the technique).</p>")
    for d in docs:
        parts.append(f"<div class='doc'><h4>{escape(labels[d['doc_id']])}: "
                     f"{escape(d['title'] or d['doc_id'])}</h4>{_text_html(d, spans_layer.get(d['doc_id'], {}).get('spans', []))}</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _css_color(rgba) -> str:
    if rgba is None:
        return "#ffffff"
    r, g, b = (int(255 * x) for x in rgba[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_html(doc: dict, spans: list[dict]) -> str:
    """Paragraphs of the document, sentences anchored, technique spans as <mark title=…>."""
    segs = technique_segments(doc, spans)
    text = doc["text"]
    out = []
    for p in doc["paragraphs"]:
        html = []
        sents = [s for s in doc["sentences"] if s["paragraph_id"] == p["id"]]
        for s in sents:
            inner = []
            for a, b, techs in segs:
                a2, b2 = max(a, s["start"]), min(b, s["end"])
                if a2 >= b2:
                    continue
                piece = escape(text[a2:b2])
                inner.append(f"<mark title='{escape(', '.join(techs))}'>{piece}</mark>" if techs else piece)
            html.append(f"<span id='{_anchor(doc['doc_id'], s['id'])}'>{''.join(inner)}</span>")
        out.append("<p>" + " ".join(html) + "</p>")
    return "".join(out)
