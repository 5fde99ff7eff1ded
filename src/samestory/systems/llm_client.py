"""The LLM system's HTTP client: an OpenAI-compatible chat-completions endpoint, with an on-disk cache,
retries with exponential backoff (timeouts, connection errors, 429, 5xx) and thread-safe use. The only
network code of the llm system."""
from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from samestory.core.jsonl import atomic_write_text


class RequestFailed(RuntimeError):
    """No usable HTTP answer after every retry."""


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
