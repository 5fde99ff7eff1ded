"""Label-prior baselines for every classification task: `majority`, `stratified`, `uniform-first`, `uniform-random`.

There is no training split. `majority` (most frequent label) and `stratified` (labels drawn in proportion)
use a leave-one-document-out prior: for each document, the gold labels of every *other* document. The
predicted document's gold is never counted, but the others are test documents, so both are declared
test-informed. `prior_from=DIR` counts a disjoint gold folder instead (refused if it holds a predicted
document). `uniform-first` and `uniform-random` read no labels at all: the first label in schema order,
or a uniform draw — the clean floors.
"""
from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from samestory import schema
from samestory.systems import System, progress, register
from samestory.systems.resources import (ENTITY_TABLE, FACT_INVENTORY, LABEL_SET, STANCE_TARGETS, Resources,
                                           framed_entities, resource)
from samestory.core.errors import Problem, SameStoryError
from samestory.annotate import store

BOOL_ORDER = (False, True)
"""Order of `facts.reported` values when priors tie (so the uniform majority says "not reported")."""

NO_FINE_ROLE = "-"
"""How an empty fine-role list is counted in the prior (one option besides each single fine role)."""


def _labels(config: str, *path: str) -> tuple:
    """The label set of a (nested) field of a config, looked up by name in schema.py."""
    fields = schema.CONFIGS[config].fields
    for name in path:
        f = next(x for x in fields if x.name == name)
        fields = f.children
    return f.labels


def domains() -> dict[str, tuple]:
    """Label domain of every classified field, in schema order (which breaks ties), from schema.py."""
    out = {
        "entity_frames.main_role": _labels("entity_frames", "entities", "main_role"),
        "entity_frames.portrayal": _labels("entity_frames", "entities", "portrayal"),
        "stance.label": _labels("stance", "stances", "label"),
        "frames.primary_frame": _labels("frames", "primary_frame"),
        "frames.paragraph_frame": _labels("frames", "paragraphs", "frame"),
        "bias_sentences.label": _labels("bias_sentences", "sentences", "label"),
        "bias_sentences.opinion": _labels("bias_sentences", "sentences", "opinion"),
        "facts.reported": BOOL_ORDER,
    }
    for main, fines in schema.FINE_ROLES.items():
        out[f"entity_frames.fine_roles|{main}"] = (NO_FINE_ROLE, *fines)
    return out


class Prior:
    """Label counts per classified field; uniform (one pseudo-count per label) unless counted from data."""

    def __init__(self, counts: dict[str, Counter] | None = None, source: str = "uniform"):
        self.domains = domains()
        self.counts = {k: Counter({lab: 1 for lab in d}) for k, d in self.domains.items()}
        if counts:
            for k, cnt in counts.items():
                if sum(cnt.values()):
                    self.counts[k] = Counter({lab: cnt.get(lab, 0) for lab in self.domains[k]})
        self.source = source

    def majority(self, key: str):
        d = self.domains[key]
        return max(d, key=lambda lab: (self.counts[key][lab], -d.index(lab)))

    def sample(self, key: str, rng: random.Random):
        d = self.domains[key]
        return rng.choices(d, weights=[self.counts[key][lab] for lab in d])[0]


CONFIGS = ("entity_frames", "stance", "frames", "bias_sentences", "facts")


def _count_record(config: str, rec: dict, counts: dict[str, Counter]) -> None:
    """Add the labels of one gold record to `counts` (one Counter per classified field)."""
    for item in rec.get("entities") or [] if config == "entity_frames" else []:
        counts["entity_frames.main_role"][item["main_role"]] += 1
        counts["entity_frames.portrayal"][item["portrayal"]] += 1
        if item["main_role"] in schema.FINE_ROLES:
            for role in item["fine_roles"] or [NO_FINE_ROLE]:
                counts[f"entity_frames.fine_roles|{item['main_role']}"][role] += 1
    for item in rec.get("stances") or [] if config == "stance" else []:
        counts["stance.label"][item["label"]] += 1
    if config == "frames":
        counts["frames.primary_frame"][rec["primary_frame"]] += 1
        for item in rec.get("paragraphs") or []:
            if item.get("frame") is not None:
                counts["frames.paragraph_frame"][item["frame"]] += 1
    for item in rec.get("sentences") or [] if config == "bias_sentences" else []:
        counts["bias_sentences.label"][item["label"]] += 1
        counts["bias_sentences.opinion"][item["opinion"]] += 1
    for item in rec.get("facts") or [] if config == "facts" else []:
        counts["facts.reported"][bool(item["reported"])] += 1


def counts_per_document(gold_dirs: list[Path], where: dict | None = None) -> dict[str, dict[str, Counter]]:
    """doc_id → label counts of its gold records in `<dir>/<layer>.jsonl` of each folder (`where` collects
    each document's (file, line) occurrences, for error messages)."""
    out: dict[str, dict[str, Counter]] = {}
    for gold_dir in gold_dirs:
        for config, f in store.layer_files(gold_dir, CONFIGS).items():
            for line, rec in store.read_rows(f):
                doc = rec.get("doc_id")
                if not isinstance(doc, str):
                    raise SameStoryError(f"{f}:{line}: record without doc_id",
                                         [Problem(str(f), "missing doc_id", line=line, field="doc_id")])
                _count_record(config, rec, out.setdefault(doc, {k: Counter() for k in domains()}))
                if where is not None:
                    where.setdefault(doc, []).append((f, line))
    return out


def _total(per_doc: dict[str, dict[str, Counter]], leave_out: str | None = None) -> dict[str, Counter]:
    total: dict[str, Counter] = {k: Counter() for k in domains()}
    for doc, counts in per_doc.items():
        if doc != leave_out:
            for k, c in counts.items():
                total[k].update(c)
    return total


def prior_from_gold(gold_dir: Path, predicted_doc_ids: set[str]) -> Prior:
    """Count labels in `<gold_dir>/<layer>.jsonl`; a document that is also being predicted is an error."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise SameStoryError(f"{gold_dir}: prior directory not found", [Problem(str(gold_dir), "not a directory")])
    where: dict[str, list] = {}
    per_doc = counts_per_document([gold_dir], where)
    overlap = sorted(set(per_doc) & set(predicted_doc_ids))
    if overlap:
        raise SameStoryError(f"{gold_dir}: the prior shares documents with the predicted ones",
                             [Problem(str(f), "document is also being predicted: a prior from it would read the "
                                      "gold of the test documents", line=line, field="doc_id", found=d)
                              for d in overlap for f, line in sorted(where[d])])
    return Prior(_total(per_doc), source=str(gold_dir))


LOO = "leave-one-document-out"
"""Default prior: for each document, the label counts of the gold of every *other* document of the corpus."""


def loo_priors(resources: Resources, documents: list[dict]) -> dict[str, Prior]:
    """doc_id → prior counted on the gold of every other document (all stories under the annotations
    folder); the predicted document's own gold is never counted."""
    root = resources.root
    if resources.release is not None:  # a release's gold layers: the same counts, read from its tables
        per_doc: dict[str, dict[str, Counter]] = {}
        for config in CONFIGS:
            for rec in resources.release.rows(config):
                _count_record(config, rec, per_doc.setdefault(rec["doc_id"], {k: Counter() for k in domains()}))
        return {d["doc_id"]: Prior(_total(per_doc, leave_out=d["doc_id"]), source=LOO) for d in documents}
    dirs = store.gold_dirs(root) if root else []
    if not dirs:
        raise SameStoryError(f"{root}: no gold folder to count a leave-one-document-out prior from",
                             [Problem(str(root), "no */gold/ folder", expected="annotations/<story>/gold/")])
    per_doc = counts_per_document(dirs)
    return {d["doc_id"]: Prior(_total(per_doc, leave_out=d["doc_id"]), source=LOO) for d in documents}


def _priors(documents: list[dict], resources: Resources, params: dict) -> dict[str, Prior]:
    """The prior of each predicted document: uniform, from a disjoint gold folder, or leave-one-out."""
    if "prior_from" not in params:
        return {d["doc_id"]: Prior() for d in documents}
    if params["prior_from"] in (None, LOO):
        return loo_priors(resources, documents)
    prior = prior_from_gold(Path(params["prior_from"]), {d["doc_id"] for d in documents})
    return {d["doc_id"]: prior for d in documents}


def _predict(documents: list[dict], resources: Resources, params: dict, mode: str,
             configs=None) -> dict[str, list[dict]]:
    priors = _priors(documents, resources, params)
    configs = configs or CONFIGS
    out: dict[str, list[dict]] = {c: [] for c in CONFIGS}
    for doc in progress(documents, mode):
        prior = priors[doc["doc_id"]]

        def pick(key: str, unit: str, prior=prior):
            if mode == "majority":
                return prior.majority(key)
            return prior.sample(key, random.Random(f"{params['seed']}|{doc['doc_id']}|{key}|{unit}"))

        items = []
        for e in framed_entities(doc, resources) if "entity_frames" in configs else []:
            main = pick("entity_frames.main_role", e["entity_id"])
            fine = pick(f"entity_frames.fine_roles|{main}", e["entity_id"]) if main in schema.FINE_ROLES else None
            items.append({"entity_id": e["entity_id"], "main_role": main,
                          "fine_roles": [] if fine in (None, NO_FINE_ROLE) else [fine],
                          "portrayal": pick("entity_frames.portrayal", e["entity_id"]), "evidence": []})
        out["entity_frames"].append({"doc_id": doc["doc_id"], "entities": items})

        out["stance"].append({"doc_id": doc["doc_id"], "stances": [
            {"target": t["target_id"], "label": pick("stance.label", t["target_id"]), "note": None}
            for t in (resources.require("targets", doc["story_id"]) if "stance" in configs else [])]})

        paras = [{"paragraph_id": p["id"], "frame": pick("frames.paragraph_frame", p["id"])}
                 for p in doc["paragraphs"]]
        primary = pick("frames.primary_frame", "doc")
        frames = sorted({primary, *(p["frame"] for p in paras)}, key=schema.FRAMES.index)
        out["frames"].append({"doc_id": doc["doc_id"], "frames": frames, "primary_frame": primary,
                              "paragraphs": paras})

        out["bias_sentences"].append({"doc_id": doc["doc_id"], "sentences": [
            {"sentence_id": s["id"], "label": pick("bias_sentences.label", s["id"]),
             "opinion": pick("bias_sentences.opinion", s["id"])} for s in doc["sentences"]]})

        facts = []
        for f in resources.require("facts", doc["story_id"]) if "facts" in configs else []:
            reported = pick("facts.reported", f["fact_id"])
            evidence = []
            if reported and doc["sentences"]:
                # no basis for evidence: majority points at the lead sentence, stratified at a random one
                s = (doc["sentences"][0] if mode == "majority" else
                     random.Random(f"{params['seed']}|{doc['doc_id']}|{f['fact_id']}|evidence").choice(doc["sentences"]))
                evidence = [{"start": s["start"], "end": s["end"], "text": doc["text"][s["start"]:s["end"]]}]
            facts.append({"fact_id": f["fact_id"], "reported": reported, "evidence": evidence})
        out["facts"].append({"doc_id": doc["doc_id"], "facts": facts})
    return {c: out[c] for c in configs}


def _predictor(mode: str):
    """A system's predict function drawing labels from the priors by `mode` (majority or stratified)."""
    return lambda docs, res, params, configs=None: _predict(docs, res, params, mode, configs)


CLASSIFICATION_TASKS = ("entity_roles", "entity_portrayal", "stance", "frames", "bias_sentences", "facts")


def _inventory_resources(params: dict) -> list[dict]:
    """What every prior system reads besides a label prior: the story inventories and the schema's label sets."""
    return [ENTITY_TABLE, FACT_INVENTORY, STANCE_TARGETS, LABEL_SET]


def _prior_resources(params: dict) -> list[dict]:
    inventories = _inventory_resources(params)
    if params.get("prior_from") in (None, LOO):
        return inventories + [resource(
            "leave-one-document-out label prior", "label_prior",
            "Label counts of the gold of every other document of the corpus (all stories); the predicted "
            "document's own gold is never counted, but the other documents are test documents of this "
            "release, so the prior is derived from the test gold.", derived_from_test=True,
            source="annotations/*/gold/")]
    return inventories + [resource(
        "label prior from a disjoint gold folder", "label_prior",
        "Label counts of the gold layer files in prior_from; a document that is also being predicted is refused.",
        source=str(params["prior_from"]))]


def _register_prior(name: str, version: str, how: str, description: str, **declared) -> None:
    """A label-prior system: every classification task, each label picked by `how` (majority or stratified)."""
    register(System(name=name, version=version, description=description, tasks=CLASSIFICATION_TASKS,
                    predict=_predictor(how), **declared))


_register_prior(
    "majority", "2.0.0", "majority",
    "Most frequent label of a leave-one-document-out prior: for each document, the label counts of the gold of "
    "every other document (ties broken by schema order). The prior never includes the predicted document but "
    "reads the other test documents' gold: test-informed. --param prior_from=DIR counts a disjoint gold folder "
    "instead.",
    defaults={"prior_from": LOO}, resources=_prior_resources)
_register_prior(
    "stratified", "2.0.0", "stratified",
    "Labels drawn at random (seeded, per document and item) from the leave-one-document-out prior of majority: "
    "test-informed, as majority.",
    defaults={"prior_from": LOO, "seed": 13}, resources=_prior_resources)
_register_prior(
    "uniform-first", "1.0.0", "majority",
    "The first label of each schema label set (a uniform prior, ties broken by schema order): an arbitrary floor "
    "that reads nothing but the schema and the inventories.",
    resources=_inventory_resources)
_register_prior(
    "uniform-random", "1.0.0", "stratified",
    "Labels drawn uniformly at random (seeded) from each schema label set: the chance floor.",
    defaults={"seed": 13}, resources=_inventory_resources)
