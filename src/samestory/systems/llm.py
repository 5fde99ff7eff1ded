"""`llm`: any OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp server, Ollama, hosted APIs).

One prompt per layer quotes the codebook section (annotations/guidelines.md) and the schema's labels and
asks for JSON; surface strings in the answer are located in the clean text here (models count characters
badly). Requests are cached on disk (a rerun costs nothing), retried with exponential backoff on
timeouts, connection errors, 429 and 5xx, and run `concurrency` at a time. An answer that is not valid
JSON of the asked shape is logged and that document is left out of the layer (scored as empty).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from samestory.core import paths

from samestory import schema
from samestory.systems import ERRORS_KEY, PARAMS_KEY, System, register
from samestory.systems.resources import FRAMED_TYPES, Resources
from samestory.core.errors import Problem, SameStoryError
from samestory.layers.entity_frames import allowed_fine_roles
from samestory.layers.mentions import name_clashes
from samestory.core.jsonl import atomic_write_text

GUIDELINES = paths.ANNOTATIONS / "guidelines.md"
CONFIGS = schema.LAYERS


class InvalidOutput(ValueError):
    """The model answered, but not with JSON of the requested shape."""


class RequestFailed(RuntimeError):
    """No usable HTTP answer after every retry."""


# --- the HTTP client ------------------------------------------------------------------------------

@dataclass
class Endpoint:
    base_url: str
    model: str
    api_key: str | None
    timeout: float = 120.0
    max_retries: int = 4
    backoff: float = 1.0
    temperature: float = 0.0
    max_tokens: int = 4096
    json_mode: bool = False
    cache_dir: Path | None = None


class ChatClient:
    """POST /chat/completions with retries, backoff and an on-disk cache keyed by the full request."""

    RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
    MAX_RETRY_AFTER = 60.0
    """A server's Retry-After (seconds) is honoured up to this long."""

    def __init__(self, ep: Endpoint):
        import httpx

        self.ep = ep
        headers = {"Content-Type": "application/json"}
        if ep.api_key:
            headers["Authorization"] = f"Bearer {ep.api_key}"
        self.http = httpx.Client(timeout=httpx.Timeout(ep.timeout), headers=headers)
        self.url = ep.base_url.rstrip("/") + "/chat/completions"
        self.requests = 0
        self._lock = threading.Lock()

    def close(self):
        self.http.close()

    def body(self, messages: list[dict]) -> dict:
        body = {"model": self.ep.model, "messages": messages, "temperature": self.ep.temperature,
                "max_tokens": self.ep.max_tokens}
        if self.ep.json_mode:
            body["response_format"] = {"type": "json_object"}
        return body

    def cache_path(self, body: dict) -> Path | None:
        if not self.ep.cache_dir:
            return None
        key = hashlib.sha256(json.dumps({"base_url": self.ep.base_url, **body}, sort_keys=True,
                                        ensure_ascii=False).encode("utf-8")).hexdigest()
        return Path(self.ep.cache_dir) / key[:2] / f"{key}.json"

    def complete(self, messages: list[dict]) -> tuple[str, bool]:
        """(assistant content, came from cache)."""
        import httpx

        body = self.body(messages)
        cache = self.cache_path(body)
        if cache and cache.exists():
            return json.loads(cache.read_text(encoding="utf-8"))["content"], True
        last, retry_after = "no attempt", 0.0
        for attempt in range(self.ep.max_retries + 1):
            if attempt:
                delay = self.ep.backoff * 2 ** (attempt - 1) * (1 + random.random() * 0.25)
                time.sleep(max(delay, min(retry_after, self.MAX_RETRY_AFTER)))
                retry_after = 0.0
            with self._lock:
                self.requests += 1
            try:
                r = self.http.post(self.url, json=body)
            except httpx.TimeoutException as exc:
                last = f"timeout after {self.ep.timeout}s ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                last = f"connection error: {exc}"
                continue
            if r.status_code in self.RETRY_STATUS:
                last = f"HTTP {r.status_code}: {r.text[:200]}"
                try:
                    retry_after = float(r.headers.get("retry-after", 0))
                except ValueError:
                    retry_after = 0.0
                continue
            if r.status_code >= 400:
                raise RequestFailed(f"HTTP {r.status_code} from {self.url}: {r.text[:300]}")
            try:
                content = r.json()["choices"][0]["message"]["content"]
                if not isinstance(content, str):
                    raise TypeError("content is not a string")
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                last = f"malformed response body ({type(exc).__name__}: {exc}): {r.text[:200]}"
                continue
            if cache:
                atomic_write_text(cache, json.dumps({"request": body, "content": content}, ensure_ascii=False))
            return content, False
        raise RequestFailed(f"{self.url}: gave up after {self.ep.max_retries + 1} attempt(s): {last}")


# --- prompts --------------------------------------------------------------------------------------

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


# --- parsing answers into records -------------------------------------------------------------------

def parse_json(content: str) -> dict:
    """The JSON object of an answer (a ```json fence around it is tolerated), else InvalidOutput."""
    s = content.strip()
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", s, flags=re.S)
    if fence:
        s = fence.group(1)
    from samestory.core.errors import SameStoryError
    from samestory.core.guard import loads

    try:
        obj = loads(s, "answer")  # bounded: a model's answer nested 100,000 deep is invalid output, not a crash
    except SameStoryError as exc:
        raise InvalidOutput(f"not JSON: {exc.problems[0].message if exc.problems else exc}")
    if not isinstance(obj, dict):
        raise InvalidOutput(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _get(obj: dict, key: str, typ):
    if not isinstance(obj.get(key), typ):
        raise InvalidOutput(f"field {key!r} missing or not a {typ.__name__ if isinstance(typ, type) else typ}")
    return obj[key]


def _keyed(obj: dict, key: str, id_field: str) -> dict:
    """A {id: answer} mapping; a list of objects carrying `id_field` is accepted as well."""
    v = obj.get(key)
    if isinstance(v, list) and all(isinstance(x, dict) and isinstance(x.get(id_field), str) for x in v):
        return {x[id_field]: x.get("frame", x) if key == "paragraphs" else x for x in v}
    if not isinstance(v, dict):
        raise InvalidOutput(f"field {key!r} missing or not an object keyed by {id_field}")
    return v


def _label(value, labels, where: str, nullable=False):
    if nullable and (value is None or (isinstance(value, str) and value.strip().lower() in NULLS)):
        return None
    if value not in labels:
        raise InvalidOutput(f"{where}: {value!r} is not one of {', '.join(map(str, labels))}")
    return value


class Locator:
    """Finds answer strings in the text, left to right, each occurrence used once."""

    def __init__(self, text: str):
        self.text, self.pos, self.used = text, 0, set()

    def find(self, s: str, where: str) -> tuple[int, int]:
        if not isinstance(s, str) or not s.strip():
            raise InvalidOutput(f"{where}: empty or non-string text")
        s = s.strip()
        for start in (self.pos, 0):
            i = self.text.find(s, start)
            while i >= 0 and (i, i + len(s)) in self.used:
                i = self.text.find(s, i + 1)
            if i >= 0:
                self.used.add((i, i + len(s)))
                self.pos = i + len(s)
                return i, i + len(s)
        raise InvalidOutput(f"{where}: {s[:60]!r} does not occur in the document")


NULLS = ("", "null", "none", "nil", "n/a")
"""Spellings of "no entity" that models use instead of JSON null."""


def _entity(value, ids: set, where: str):
    if value is None or (isinstance(value, str) and value.strip().lower() in NULLS):
        return None
    if value not in ids:
        raise InvalidOutput(f"{where}: unknown entity id {value!r}")
    return value


def to_record(config: str, obj: dict, doc: dict, res: Resources) -> dict:
    """Turn a parsed answer into a record with the gold layer's layout; any mismatch is InvalidOutput."""
    text, story, doc_id = doc["text"], doc["story_id"], doc["doc_id"]
    if config == "mentions":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        loc, items = Locator(text), []
        for i, m in enumerate(_get(obj, "mentions", list)):
            where = f"mentions[{i}]"
            if not isinstance(m, dict):
                raise InvalidOutput(f"{where}: not an object")
            a, b = loc.find(m.get("text"), where)
            items.append({"start": a, "end": b, "text": text[a:b], "type": _label(m.get("type"), schema.ENTITY_TYPES, where),
                          "kind": _label(m.get("kind", "NAM"), schema.MENTION_KINDS, where),
                          "entity_id": _entity(m.get("entity_id"), ids, where)})
        items.sort(key=lambda m: (m["start"], -m["end"]))
        dropped = {i for i, _ in name_clashes(items)}  # names never overlap (codebook): keep the first
        kept = [m for i, m in enumerate(items) if i not in dropped]
        return {"doc_id": doc_id, "mentions": [{"id": schema.CONFIGS["mentions"].item_id(i), **m} for i, m in enumerate(kept, 1)]}
    if config == "entity_frames":
        allowed = {e["entity_id"] for e in res.require("entities", story) if e["type"] in FRAMED_TYPES}
        items, seen = [], set()
        for i, e in enumerate(_get(obj, "entities", list)):
            where = f"entities[{i}]"
            if not isinstance(e, dict):
                raise InvalidOutput(f"{where}: not an object")
            eid = _entity(e.get("entity_id"), allowed, where)
            if eid is None or eid in seen:
                raise InvalidOutput(f"{where}: missing or repeated entity_id {eid!r}")
            seen.add(eid)
            main = _label(e.get("main_role"), schema.MAIN_ROLES, where + ".main_role")
            fine = e.get("fine_roles") or []
            if not isinstance(fine, list):
                raise InvalidOutput(f"{where}.fine_roles: not a list")
            fine = [_label(f, allowed_fine_roles(main), where + ".fine_roles") for f in dict.fromkeys(fine)]
            items.append({"entity_id": eid, "main_role": main, "fine_roles": fine,
                          "portrayal": _label(e.get("portrayal"), schema.PORTRAYALS, where + ".portrayal"),
                          "evidence": []})
        return {"doc_id": doc_id, "entities": items}
    if config == "stance":
        targets = [t["target_id"] for t in res.require("targets", story)]
        got = {}
        for i, s in enumerate(_get(obj, "stances", list)):
            if not isinstance(s, dict):
                raise InvalidOutput(f"stances[{i}]: not an object")
            t = _label(s.get("target"), targets, f"stances[{i}].target")
            note = s.get("note")
            got[t] = {"target": t, "label": _label(s.get("label"), schema.STANCE_LABELS, f"stances[{i}].label"),
                      "note": note if isinstance(note, str) else None}
        missing = [t for t in targets if t not in got]
        if missing:
            raise InvalidOutput(f"stances: no answer for target(s) {', '.join(missing)}")
        return {"doc_id": doc_id, "stances": [got[t] for t in targets]}
    if config == "frames":
        frames = [_label(f, schema.FRAMES, "frames") for f in dict.fromkeys(_get(obj, "frames", list))]
        primary = _label(obj.get("primary_frame"), schema.FRAMES, "primary_frame")
        if primary not in frames:
            raise InvalidOutput("primary_frame is not among frames")
        paras = _keyed(obj, "paragraphs", "paragraph_id")
        out = []
        for p in doc["paragraphs"]:
            if p["id"] not in paras:
                raise InvalidOutput(f"paragraphs: no frame for {p['id']}")
            out.append({"paragraph_id": p["id"], "frame": _label(paras[p["id"]], schema.FRAMES,
                                                                   f"paragraphs.{p['id']}", nullable=True)})
        return {"doc_id": doc_id, "frames": frames, "primary_frame": primary, "paragraphs": out}
    if config == "bias_sentences":
        sents = _keyed(obj, "sentences", "sentence_id")
        out = []
        for s in doc["sentences"]:
            v = sents.get(s["id"])
            if not isinstance(v, dict):
                raise InvalidOutput(f"sentences: no answer for {s['id']}")
            out.append({"sentence_id": s["id"], "label": _label(v.get("label"), schema.BIAS_LABELS, f"sentences.{s['id']}.label"),
                        "opinion": _label(v.get("opinion"), schema.OPINION_LABELS, f"sentences.{s['id']}.opinion")})
        return {"doc_id": doc_id, "sentences": out}
    if config == "bias_spans":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        loc, items = Locator(text), []
        for i, s in enumerate(_get(obj, "spans", list)):
            where = f"spans[{i}]"
            if not isinstance(s, dict):
                raise InvalidOutput(f"{where}: not an object")
            a, b = loc.find(s.get("text"), where)
            items.append({"start": a, "end": b, "text": text[a:b],
                          "technique": _label(s.get("technique"), schema.TECHNIQUES, where + ".technique"),
                          "target_entity_id": _entity(s.get("target_entity_id"), ids, where),
                          "polarity": _label(s.get("polarity"), schema.PORTRAYALS, where + ".polarity", nullable=True)})
        items.sort(key=lambda s: (s["start"], -s["end"]))
        return {"doc_id": doc_id, "spans": [{"id": f"b{i}", **s} for i, s in enumerate(items, 1)]}
    if config == "facts":
        answers = _keyed(obj, "facts", "fact_id")
        out = []
        for f in res.require("facts", story):
            v = answers.get(f["fact_id"])
            if not isinstance(v, dict) or not isinstance(v.get("reported"), bool):
                raise InvalidOutput(f"facts.{f['fact_id']}: missing or without a boolean 'reported'")
            evidence = []
            if v["reported"]:
                loc = Locator(text)
                for j, e in enumerate(v.get("evidence") or []):
                    a, b = loc.find(e, f"facts.{f['fact_id']}.evidence[{j}]")
                    evidence.append({"start": a, "end": b, "text": text[a:b]})
            out.append({"fact_id": f["fact_id"], "reported": v["reported"], "evidence": evidence})
        return {"doc_id": doc_id, "facts": out}
    if config == "quotes":
        ids = {e["entity_id"] for e in res.require("entities", story)}
        loc, items = Locator(text), []
        for i, q in enumerate(_get(obj, "quotes", list)):
            where = f"quotes[{i}]"
            if not isinstance(q, dict):
                raise InvalidOutput(f"{where}: not an object")
            a, b = loc.find(q.get("text"), where)
            items.append({"start": a, "end": b, "text": text[a:b],
                          "speaker_entity_id": _entity(q.get("speaker_entity_id"), ids, where)})
        items.sort(key=lambda q: (q["start"], -q["end"]))
        return {"doc_id": doc_id, "quotes": [{"id": f"q{i}", **q} for i, q in enumerate(items, 1)]}
    raise ValueError(f"unknown config {config}")


# --- the system -----------------------------------------------------------------------------------

def endpoint(params: dict) -> Endpoint:
    """Endpoint settings from parameters, falling back to the environment; a missing URL or model is an error."""
    base_url = params.get("base_url") or os.environ.get("SAMESTORY_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
    model = params.get("model") or os.environ.get("SAMESTORY_LLM_MODEL")
    key_env = params.get("api_key_env") or "SAMESTORY_LLM_API_KEY"
    api_key = os.environ.get(key_env) or os.environ.get("OPENAI_API_KEY")
    missing = [Problem("llm", "not set", field=f, expected=hint) for f, v, hint in (
        ("base_url", base_url, "--base-url or $SAMESTORY_LLM_BASE_URL"),
        ("model", model, "--model or $SAMESTORY_LLM_MODEL")) if not v]
    if missing:
        raise SameStoryError("the llm system needs an endpoint and a model", missing)
    if params.get("concurrency", 1) < 1:
        raise SameStoryError("concurrency must be at least 1",
                             [Problem("llm", "bad value", field="concurrency", found=str(params["concurrency"]))])
    return Endpoint(base_url=base_url, model=model, api_key=api_key, timeout=float(params["timeout"]),
                    max_retries=int(params["max_retries"]), backoff=float(params["backoff"]),
                    temperature=float(params["temperature"]), max_tokens=int(params["max_tokens"]),
                    json_mode=bool(params["json_mode"]),
                    cache_dir=Path(params["cache"]) if params.get("cache") else None)


def predict(documents: list[dict], resources: Resources, params: dict, configs=CONFIGS) -> dict[str, list[dict]]:
    from tqdm import tqdm

    ep = endpoint(params)
    guidelines = Path(params.get("guidelines") or resources.codebook or GUIDELINES)
    jobs = [(doc, c) for c in configs for doc in documents]
    prompts = {(d["doc_id"], c): messages_for(c, d, resources, guidelines) for d, c in jobs}
    out = {c: [] for c in configs}
    errors = []
    client = ChatClient(ep)
    try:
        with ThreadPoolExecutor(max_workers=int(params["concurrency"])) as pool:
            futures = {pool.submit(client.complete, prompts[(d["doc_id"], c)]): (d, c) for d, c in jobs}
            for fut in tqdm(as_completed(futures), total=len(futures), desc=f"llm {ep.model}", unit="req",
                            disable=None):
                doc, config = futures[fut]
                try:
                    content, _cached = fut.result()
                except Exception as exc:  # noqa: BLE001 - one failed request never stops the run
                    errors.append({"doc_id": doc["doc_id"], "config": config, "kind": "request",
                                   "error": str(exc) if isinstance(exc, RequestFailed) else f"{type(exc).__name__}: {exc}"})
                    continue
                try:
                    out[config].append(to_record(config, parse_json(content), doc, resources))
                except (InvalidOutput, TypeError, AttributeError, KeyError) as exc:  # odd shapes are invalid output
                    errors.append({"doc_id": doc["doc_id"], "config": config, "kind": "invalid_output",
                                   "error": str(exc) if isinstance(exc, InvalidOutput) else f"{type(exc).__name__}: {exc}",
                                   "content": content[:2000]})
    finally:
        client.close()
    out[ERRORS_KEY] = sorted(errors, key=lambda e: (e["config"], e["doc_id"]))
    out[PARAMS_KEY] = {"base_url": ep.base_url, "model": ep.model}
    return out


def _resources(params: dict) -> list[dict]:
    from samestory.systems.resources import (ENTITY_ALIASES, ENTITY_TABLE, FACT_INVENTORY, STANCE_TARGETS,
                                               resource)

    return [resource(f"chat model {params.get('model') or '(unset)'}", "model",
                     f"The model served at {params.get('base_url') or '(unset)'}; its training data is not known "
                     "to this system, so contamination by these public articles cannot be ruled out.",
                     source=params.get("base_url")),
            resource("codebook sections", "prompt", "Each layer's section of annotations/guidelines.md and the "
                     "schema's labels, quoted in the prompt; the codebook's examples and adjudication rules quote "
                     "these articles.", derived_from_test=True, source="annotations/guidelines.md"),
            ENTITY_TABLE, ENTITY_ALIASES, FACT_INVENTORY, STANCE_TARGETS]


register(System(
    name="llm", version="1.0.0",
    description="A chat model behind an OpenAI-compatible endpoint, prompted per layer with the codebook "
                "section and asked for JSON; strings in the answer are located in the text.",
    tasks=("ner", "linking", "entity_roles", "entity_portrayal", "stance", "frames", "bias_sentences",
           "bias_spans", "facts", "quotes"),
    predict=predict,
    defaults={"base_url": None, "model": None, "api_key_env": "SAMESTORY_LLM_API_KEY", "concurrency": 4,
              "timeout": 120.0, "max_retries": 4, "backoff": 1.0, "temperature": 0.0, "max_tokens": 4096,
              "json_mode": False, "cache": str(paths.ROOT / ".cache" / "llm"), "guidelines": None},
    resources=_resources))
