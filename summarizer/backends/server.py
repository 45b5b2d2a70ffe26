"""A model behind an OpenAI-compatible chat server (Ollama, llama.cpp's server, vLLM, LM Studio): /chat/completions."""

from __future__ import annotations

import os
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

from summarizer.backends.base import Backend
from summarizer.errors import ModelMissingError
from summarizer.registry import Manifest
from summarizer.settings import Settings

API_KEY_ENV = "SUMMARIZER_API_KEY"  # the default variable a server's key is read from (never stored)
RETRY_STATUSES = {429, 500, 502, 503, 504}
CONCURRENT = 4  # requests in flight at once: servers batch them (vLLM) or queue them (Ollama)


class ServerBackend(Backend):
    """Each input is one chat request with one user message; greedy (temperature 0), so reruns agree as far as the
    server's own arithmetic allows."""

    engine = "openai"

    def __init__(self, manifest: Manifest, settings: Settings):
        super().__init__(manifest, None)
        server = manifest.server
        self.base_url = str(server["base_url"]).rstrip("/")
        self.model = str(server["model"])
        self.timeout = float(server.get("timeout", 300))  # a long summary on a CPU server takes minutes
        self.retries = int(server.get("retries", 2))
        self.key_env = str(server.get("api_key_env", API_KEY_ENV))
        self.offline = settings.offline

    def count_tokens(self, text: str) -> int:
        # The server's tokenizer is not ours to run: an estimate that errs long (Arabic runs 2.5-4 characters a token
        # in the Qwen, Llama 3 and Aya tokenizers), so an input the estimate lets through fits.
        return len(text) // 2 + 1

    def generate_batch(self, texts: list[str], params: dict) -> list[str]:
        import httpx

        if self.offline and not self._loopback():
            raise ModelMissingError(f"{self.base_url} is not on this machine and the run is offline", "drop --offline, or use a server on 127.0.0.1")
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        with httpx.Client(timeout=httpx.Timeout(self.timeout, connect=10.0), trust_env=False) as client:
            with ThreadPoolExecutor(max_workers=min(CONCURRENT, len(texts))) as pool:
                return list(pool.map(lambda text: self._one(client, headers, text, params), texts))

    def _one(self, client, headers: dict, text: str, params: dict) -> str:
        import httpx

        body = {"model": self.model, "messages": [{"role": "user", "content": text}], "temperature": 0,
                "max_tokens": self.new_tokens(params, 0), "stream": False}
        url = f"{self.base_url}/chat/completions"
        for attempt in range(self.retries + 1):
            try:
                response = client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"no answer from {url} ({type(exc).__name__}: {str(exc)[:120]})"
            else:
                if response.status_code == 200:
                    return _content(response, url)
                problem = f"{url} answered HTTP {response.status_code}: {response.text[:200].strip()}"
                if response.status_code not in RETRY_STATUSES:
                    break
            if attempt < self.retries:
                time.sleep(2.0 * 2**attempt)
        raise ModelMissingError(problem, f"start the server (say, ollama serve; ollama pull {self.model}) or check base_url and model")

    def _loopback(self) -> bool:
        from urllib.parse import urlsplit

        host = urlsplit(self.base_url).hostname or ""
        return host in ("localhost", "::1") or host.startswith("127.")

    def describe(self) -> str:
        return f"an OpenAI-compatible server at {self.base_url} (model {self.model})"


def _content(response, url: str) -> str:
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelMissingError(f"{url} answered, but not as an OpenAI chat completion ({type(exc).__name__})", "check that base_url ends in /v1") from exc
    return str(content or "").strip()


def load(manifest: Manifest, model_dir: Path, converted_dir: Path | None, settings: Settings) -> ServerBackend:
    """The server model a manifest names (nothing is loaded here: the server holds the model; no folders are read)."""
    return ServerBackend(manifest, settings)
