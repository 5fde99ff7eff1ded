"""The LLM system's prompts: one per layer, quoting the layer's codebook section and the schema's labels and
asking for JSON of a stated shape."""
from __future__ import annotations

import json
import re
from pathlib import Path

from samestory import schema
from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError
from samestory.systems.resources import FRAMED_TYPES, Resources

GUIDELINES = paths.ANNOTATIONS / "guidelines.md"


def codebook_section(config: str, guidelines: Path = GUIDELINES) -> str:
    """The codebook section of a layer (`## N. Layer `config``), quoted verbatim in its prompt."""
    if not Path(guidelines).exists():
        raise SameStoryError(f"{guidelines}: codebook not found",
                             [Problem(str(guidelines), "file not found; run in a checkout, use a release that ships "
                                      "guidelines.md (--dataset), or pass --param guidelines=PATH")])
    text = Path(guidelines).read_text(encoding="utf-8")
    m = re.search(rf"^## \d+\. Layer `{re.escape(config)}`.*?(?=^## |\Z)", text, flags=re.S | re.M)
    if not m:
        raise SameStoryError(f"{guidelines}: no section for layer {config}",
                             [Problem(str(guidelines), "missing section", expected=f"## N. Layer `{config}`")])
    return m.group(0).strip()


def _labels(name: str, labels) -> str:
    return f"{name}: " + ", ".join(json.dumps(x) for x in labels)


def _entity_lines(entities: list[dict], types=None) -> str:
    return "\n".join(f"- {e['entity_id']} ({e['type']}): {e['name']}; aliases: {', '.join(e.get('aliases', []))}"
                     for e in entities if types is None or e["type"] in types)


def _numbered(doc: dict, units: str) -> str:
    return "\n".join(f"{u['id']}: {doc['text'][u['start']:u['end']]}" for u in doc[units])


ANSWER_SHAPES = {
    "mentions": '{"mentions": [{"text": "<exact surface string>", "type": "<type>", "kind": "NAM|NOM", '
                '"entity_id": "<entity id or null>"}]}  (in order of appearance; repeat a string for each occurrence)',
    "entity_frames": '{"entities": [{"entity_id": "<id>", "main_role": "<main role>", "fine_roles": ["<fine role>"], '
                     '"portrayal": "<portrayal>"}]}  (one item per listed entity the document mentions)',
    "stance": '{"stances": [{"target": "<target id>", "label": "<stance>", "note": "<short cue>"}]}  '
              '(one item per target)',
    "frames": '{"frames": ["<frame>"], "primary_frame": "<frame>", "paragraphs": {"p1": "<frame>", ...}}  '
              '(every paragraph id)',
    "bias_sentences": '{"sentences": {"s1": {"label": "<bias label>", "opinion": "<opinion label>"}, ...}}  '
                      '(every sentence id)',
    "bias_spans": '{"spans": [{"text": "<exact minimal phrase>", "technique": "<technique>", '
                  '"target_entity_id": "<entity id or null>", "polarity": "<polarity or null>"}]}',
    "facts": '{"facts": {"<fact id>": {"reported": true|false, "evidence": ["<exact clause from the text>"]}, ...}}  '
             '(every fact id)',
    "quotes": '{"quotes": [{"text": "<exact text between the quotation marks>", '
              '"speaker_entity_id": "<entity id or null>"}]}  (in order of appearance)',
}


def messages_for(config: str, doc: dict, res: Resources, guidelines: Path = GUIDELINES) -> list[dict]:
    """The chat messages for one document and layer."""
    story = doc["story_id"]
    parts = [f"TASK: {config}", "Codebook section (follow it exactly):", codebook_section(config, guidelines), ""]
    body = ["Document text:", doc["text"]]
    if config == "mentions":
        parts += [_labels("types", schema.ENTITY_TYPES), _labels("kinds", schema.MENTION_KINDS),
                  "Entity table:", _entity_lines(res.require("entities", story))]
    elif config == "entity_frames":
        parts += [_labels("main roles", schema.MAIN_ROLES),
                  "fine roles by main role: " + json.dumps(schema.FINE_ROLES),
                  _labels("portrayals", schema.PORTRAYALS),
                  "Entities (PER/ORG/GPE of the entity table):",
                  _entity_lines(res.require("entities", story), FRAMED_TYPES)]
    elif config == "stance":
        parts += [_labels("stances", schema.STANCE_LABELS), "Targets:"] + [
            f"- {t['target_id']} ({t['name']}): {t['definition']}" for t in res.require("targets", story)]
    elif config == "frames":
        parts += [_labels("frames", schema.FRAMES)]
        body = ["Paragraphs:", _numbered(doc, "paragraphs")]
    elif config == "bias_sentences":
        parts += [_labels("bias labels", schema.BIAS_LABELS), _labels("opinion labels", schema.OPINION_LABELS)]
        body = ["Sentences:", _numbered(doc, "sentences")]
    elif config == "bias_spans":
        parts += [_labels("techniques", schema.TECHNIQUES), _labels("polarities", schema.PORTRAYALS),
                  "Entity table:", _entity_lines(res.require("entities", story))]
    elif config == "facts":
        parts += ["Fact inventory:"] + [f"- {f['fact_id']}: {f['statement']}" for f in res.require("facts", story)]
    elif config == "quotes":
        parts += ["Entity table:", _entity_lines(res.require("entities", story))]
    system = ("You annotate news articles for the SameStory benchmark. Answer with one JSON object only, "
              "no prose, no code fences.")
    user = "\n".join(parts + ["", "Answer shape:", ANSWER_SHAPES[config], ""] + body)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
