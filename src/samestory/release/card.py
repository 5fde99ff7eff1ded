"""The dataset card: hand-written prose in `dataset_card.md` plus sections generated from the schema and
the data between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` markers, and the YAML front
matter (`configs:`, `dataset_info`) that lets `load_dataset(<release dir>, <config>)` find each config.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import yaml

from samestory.annotate import agreement, changelog, independent

from samestory.schema import features

from samestory import schema
from samestory.release.rows import SPLIT, data_path
from samestory.core.errors import Problem, SameStoryError
from samestory.schema import CONFIGS, DEFAULT_CONFIG, Field

MARKER = re.compile(r"<!-- generated:(?P<name>[a-z_]+) -->\n(?P<body>.*?)<!-- /generated:(?P=name) -->",
                    re.DOTALL)

FRONT_MATTER = {
    "pretty_name": "SameStory",
    "language": ["en"],
    "license": "other",
    "license_name": "cc-by-4.0-annotations-texts-remain-publishers",
    "multilinguality": "monolingual",
    "size_categories": ["n<1K"],
    "source_datasets": ["original"],
    "task_categories": ["token-classification", "text-classification"],
    "task_ids": ["named-entity-recognition", "entity-linking-classification", "multi-label-classification",
                 "sentiment-classification"],
    "tags": ["media-bias", "framing", "stance", "persuasion-techniques", "news", "cross-outlet"],
}
"""Hub metadata of the release README (the licence is explained in the card's Licensing section)."""


def languages(stats: dict | None) -> dict[str, int]:
    """Language code → number of documents, over every story of the release (from the data)."""
    out: dict[str, int] = {}
    for s in (stats or {}).get("stories", []):
        for code, n in s.get("languages", {}).items():
            out[code] = out.get(code, 0) + n
    return dict(sorted(out.items()))


def front_matter(stats: dict | None = None) -> str:
    """YAML header: Hub metadata (languages and multilinguality from the data when `stats` is given), one
    `configs` entry per config (documents is the default) and the features of each config in
    `dataset_info`, all derived from schema.py."""
    configs, infos = [], []
    for name in CONFIGS:
        entry = {"config_name": name, "data_files": [{"split": SPLIT, "path": data_path(name)}]}
        if name == DEFAULT_CONFIG:
            entry["default"] = True
        configs.append(entry)
        infos.append({"config_name": name, "features": features.yaml_features(name)})
    meta = dict(FRONT_MATTER, configs=configs, dataset_info=infos)
    langs = languages(stats)
    if langs:
        translations = sum(s.get("translations", 0) for s in stats["stories"])
        meta["language"] = list(langs)
        multi = "monolingual" if len(langs) == 1 else "multilingual"
        meta["multilinguality"] = [multi, "translation"] if translations else multi
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100) + "---\n"


# --- generated sections --------------------------------------------------------------------------------

def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _type(f: Field) -> str:
    if f.dtype == "label":
        inner = f"ClassLabel ({len(f.labels)}: {', '.join(f.labels)})" if len(f.labels) <= 8 else \
            f"ClassLabel ({len(f.labels)} names, see Label sets)"
    elif f.dtype == "struct":
        inner = "span struct" if f.is_span else "struct"
    else:
        inner = f.dtype
    return f"list of {inner}" if f.many else inner


def section_configs(ctx) -> str:
    lines = ["| Config | Rows | Built from | Description |", "|---|---:|---|---|"]
    for name, cfg in CONFIGS.items():
        default = " (default)" if name == DEFAULT_CONFIG else ""
        lines.append(f"| `{name}`{default} | {ctx['stats']['rows'][name]} | {cfg.source} | {_cell(cfg.description)} |")
    return "\n".join(lines)


def section_fields(ctx) -> str:
    out = []
    for name, cfg in CONFIGS.items():
        out += [f"#### `{name}`", "", f"{cfg.description} Key: {', '.join(f'`{k}`' for k in cfg.key)}.", "",
                "| Field | Type | Nullable | Description |", "|---|---|---|---|"]
        for path, f in schema.walk(cfg.fields):
            ref = f" Refers to a {f.ref} id." if f.ref else ""
            out.append(f"| `{path}` | {_cell(_type(f))} | {'yes' if f.nullable else 'no'} | {_cell(f.doc)}{ref} |")
        out.append("")
    return "\n".join(out).rstrip()


def section_labels(ctx) -> str:
    uses: dict[tuple, list[str]] = {}
    for name, cfg in CONFIGS.items():
        for path, f in schema.walk(cfg.fields):
            if f.dtype == "label":
                uses.setdefault(f.labels, []).append(f"`{name}.{path}`")
    lines = ["| Used by | Names (ClassLabel ids in order from 0) |", "|---|---|"]
    for labels, where in uses.items():
        lines.append(f"| {', '.join(where)} | {_cell(', '.join(labels))} |")
    lines += ["", "Entity roles (SemEval-2025 Task 10) under each main role:", ""]
    lines += [f"- {main}: {', '.join(fine)}" for main, fine in schema.FINE_ROLES.items()]
    return "\n".join(lines)


def section_stats(ctx) -> str:
    st = ctx["stats"]
    n_docs = st["rows"]["documents"]
    lines = []
    if st["docs"] is not None:
        lines += ["| Document | Outlet | Title | Machine-translated | Characters | Paragraphs | Sentences | Tokens |",
                  "|---|---|---|---|---:|---:|---:|---:|"]
        for d in st["docs"]:
            title = d["title"] if d["title"] is not None else "–"
            outlet = d["outlet"] if d["outlet"] is not None else "unknown"
            lines.append(f"| `{d['doc_id']}` | {_cell(outlet)} | {_cell(title)} | "
                         f"{'yes' if d['machine_translated'] else 'no'} | {d['characters']} | {d['paragraphs']} | "
                         f"{d['sentences']} | {d['tokens']} |")
        total = lambda key: sum(d[key] for d in st["docs"])  # noqa: E731
        lines.append(f"| **total ({n_docs})** | | | {total('machine_translated')} | {total('characters')} | "
                     f"{total('paragraphs')} | {total('sentences')} | {total('tokens')} |")
    else:
        lines += ["| Story | Documents | Machine-translated | Characters | Paragraphs | Sentences |",
                  "|---|---:|---:|---:|---:|---:|"]
        for s in st["stories"]:
            lines.append(f"| `{s['story_id']}` | {s['documents']} | {s['machine_translated']} | "
                         f"{s['characters']} | {s['paragraphs']} | {s['sentences']} |")
    lines += ["", "| Layer | Documents annotated | Items |", "|---|---:|---:|"]
    for name in schema.LAYERS:
        lines.append(f"| `{name}` | {st['rows'][name]} of {n_docs} | {st['items'][name]} |")
    for name in schema.INVENTORIES:
        lines.append(f"| `{name}` (inventory) | – | {st['rows'][name]} |")
    used = {k: c for k, c in st["labels"].items() if c}
    lines += ["", "Label counts (labels that occur):", ""]
    if not used:
        lines.append("No labelled items yet: the gold layers are not annotated in this version.")
    else:
        lines += ["| Field | Label | Count |", "|---|---|---:|"]
        for path, c in used.items():
            for label, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"| `{path}` | {_cell(label)} | {n} |")
    return "\n".join(lines)


def section_agreement(ctx) -> str:
    out = []
    for story in ctx["stats"]["story_ids"]:
        path = Path(ctx["annotations_dir"]) / story / "agreement.json"
        if path.exists():
            try:
                from samestory.core.guard import read_json

                report = read_json(path, "agreement report")  # bounded: depth and size
                body = agreement.report_markdown(report).rstrip()
            except (ValueError, KeyError, TypeError) as exc:
                raise SameStoryError(f"{path}: cannot read the agreement report",
                                     [Problem(str(path), f"unreadable agreement report: {exc}")])
            out += [f"Story `{story}`:", "", body]
        else:
            out.append(f"Story `{story}`: not yet measured (no `annotations/{story}/agreement.json`).")
    return "\n\n".join(out) if out else "Not yet measured."


def section_independent(ctx) -> str:
    """Independent agreement (a blind pass against fixed gold snapshots), kept apart from the passes'
    consistency figures above it."""
    out = []
    for story in ctx["stats"]["story_ids"]:
        path = Path(ctx["annotations_dir"]) / story / independent.REPORT_FILE
        if path.exists():
            try:
                body = independent.report_markdown(json.loads(path.read_text(encoding="utf-8"))).rstrip()
            except (ValueError, KeyError, TypeError, StopIteration) as exc:
                raise SameStoryError(f"{path}: cannot read the independent-agreement report",
                                     [Problem(str(path), f"unreadable independent-agreement report: {exc}")])
            out += [f"Story `{story}`:", "", body]
        else:
            out.append(f"Story `{story}`: no independent annotation yet (no `annotations/{story}/"
                       f"{independent.REPORT_FILE}`).")
    return "\n\n".join(out) if out else "No independent annotation yet."


def section_version(ctx) -> str:
    return (f"Dataset version **{ctx['version']}**; schema version {schema.SCHEMA_VERSION}. "
            f"Load a fixed version from the Hub with `revision=\"v{ctx['version']}\"`.")


def section_history(ctx) -> str:
    text = changelog.strip_block(ctx.get("changelog") or "")
    body = re.sub(r"\A#\s[^\n]*\n+", "", text.strip() + "\n")  # drop the file's own title
    body = re.sub(r"^(#+)", lambda m: "#" * min(len(m.group(1)) + 2, 6), body, flags=re.MULTILINE)
    return body.strip() or "No releases yet."


def section_metadata(ctx) -> str:
    st = ctx["stats"]["stories"]
    n = sum(s["documents"] for s in st)
    total = lambda key: sum(s[key] for s in st)  # noqa: E731
    return (f"- Of the {n} documents, the outlet is known (shown by the page itself) for "
            f"{total('outlet_known')}, the byline for {total('byline_known')}; {total('machine_translated')} "
            f"read(s) as machine translation.\n- {len(st)} stor{'y' if len(st) == 1 else 'ies'} (events).")


LANGUAGE_NAMES = {"en": "English", "uk": "Ukrainian", "ru": "Russian", "be": "Belarusian", "zh": "Chinese",
                  "id": "Indonesian", "it": "Italian", "de": "German", "fr": "French", "es": "Spanish",
                  "tr": "Turkish", "pl": "Polish", "ar": "Arabic"}


def section_languages(ctx) -> str:
    """Languages of the documents, machine translations and linked translations, counted from the data."""
    st = ctx["stats"]["stories"]
    langs = languages(ctx["stats"])
    if not langs:
        return "No documents yet."
    lines = ["| Language | Documents |", "|---|---:|"]
    lines += [f"| {LANGUAGE_NAMES.get(code, code)} (`{code}`) | {n} |" for code, n in langs.items()]
    mt = [(d, lang) for s in st for d, lang in s.get("machine_translated_ids", [])]
    lines.append("")
    lines.append(f"{'Monolingual' if len(langs) == 1 else 'Multilingual'}: {len(langs)} language(s) over "
                 f"{sum(langs.values())} documents.")
    for d, lang in mt:
        lines.append(f"`{d}` reads as a machine translation into {LANGUAGE_NAMES.get(lang, lang)}, with its errors "
                     "kept as they are; see its `notes` field.")
    n_tr = sum(s.get("translations", 0) for s in st)
    if n_tr:
        lines.append(f"{n_tr} document(s) are translations of another document of their story (`translation_of`).")
    return "\n".join(lines)


def section_span(ctx) -> str:
    return schema.SPAN_CONVENTION


SECTIONS: dict[str, Callable[[dict], str]] = {
    "version": section_version, "configs": section_configs, "fields": section_fields,
    "labels": section_labels, "stats": section_stats, "agreement": section_agreement,
    "independent": section_independent,
    "history": section_history, "span": section_span, "metadata": section_metadata,
    "languages": section_languages,
}


def render(template: str, ctx: dict, file: str = "dataset_card.md") -> str:
    """The card with every generated section replaced; unknown or missing markers are errors."""
    found = [m.group("name") for m in MARKER.finditer(template)]
    problems = [Problem(file, "unknown generated section", field=n, expected=", ".join(SECTIONS), found=n)
                for n in found if n not in SECTIONS]
    problems += [Problem(file, "generated section missing", field=n, expected=f"<!-- generated:{n} -->",
                         found="nothing") for n in SECTIONS if n not in found]
    if problems:
        raise SameStoryError(f"{file}: generated sections do not match", problems)
    return MARKER.sub(lambda m: f"<!-- generated:{m.group('name')} -->\n"
                      f"{SECTIONS[m.group('name')](ctx).rstrip()}\n<!-- /generated:{m.group('name')} -->",
                      template)
