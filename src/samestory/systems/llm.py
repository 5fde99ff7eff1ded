"""`llm`: any OpenAI-compatible chat-completions endpoint (vLLM, llama.cpp server, Ollama, hosted APIs).

One prompt per layer quotes the codebook section (annotations/guidelines.md) and the schema's labels and
asks for JSON; surface strings in the answer are located in the clean text here (models count characters
badly). Requests are cached on disk (a rerun costs nothing), retried with exponential backoff on
timeouts, connection errors, 429 and 5xx, and run `concurrency` at a time. An answer that is not valid
JSON of the asked shape is logged and that document is left out of the layer (scored as empty).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from samestory import schema
from samestory.core import paths
from samestory.core.errors import Problem, SameStoryError
from samestory.systems import ERRORS_KEY, PARAMS_KEY, System, register
from samestory.systems.llm_client import ChatClient, Endpoint, RequestFailed
from samestory.systems.llm_parse import InvalidOutput, parse_json, to_record
from samestory.systems.llm_prompts import GUIDELINES, codebook_section, messages_for
from samestory.systems.resources import Resources

__all__ = ["ChatClient", "Endpoint", "RequestFailed", "InvalidOutput", "parse_json", "to_record", "GUIDELINES",
           "codebook_section", "messages_for", "endpoint", "predict"]
"""The system here; client, prompts and parsing in llm_client, llm_prompts and llm_parse (re-exported)."""

CONFIGS = schema.LAYERS


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
