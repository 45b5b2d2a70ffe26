"""A real OpenAI-compatible chat server on 127.0.0.1, with a stand-in model behind it: it answers /v1/chat/completions
as Ollama or vLLM do, so the server engine runs its real code path (HTTP, JSON, retries, the cache) in tests."""

from __future__ import annotations

import json
import re

from loopback import LoopbackServer, QuietHandler


def stand_in_model(prompt: str) -> str:
    """Summaries: the first sentence of each numbered article, cited; translations: a word count in English."""
    if prompt.startswith("Translate this sentence"):
        sentence = prompt.rstrip().rsplit("\n", 1)[-1]
        return f"An English sentence of {len(sentence.split())} words."
    blocks = re.findall(r"^\[(\d+)\] (.+?)(?:[.!؟?](?:\s|$))", prompt, flags=re.MULTILINE)
    return "\n".join(f"{text}. [{number}]" for number, text in blocks[:3])


class ChatServer(LoopbackServer):
    """Serves POST /v1/chat/completions; `requests` counts them; `fail_with` makes it answer that status instead."""

    def __init__(self) -> None:
        self.requests = 0
        self.models: set[str] = set()
        self.fail_with: int | None = None
        server = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server name)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                server.requests += 1
                server.models.add(body["model"])
                if self.path != "/v1/chat/completions" or server.fail_with:
                    self._send(server.fail_with or 404, {"error": {"message": "not found"}})
                    return
                answer = stand_in_model(body["messages"][-1]["content"])
                self._send(200, {"id": "x", "object": "chat.completion", "model": body["model"],
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]})

            def _send(self, status: int, data: dict) -> None:
                self.answer(status, json.dumps(data, ensure_ascii=False).encode(), {"Content-Type": "application/json"})

        super().__init__(Handler)
        self.base_url = self.base + "/v1"
