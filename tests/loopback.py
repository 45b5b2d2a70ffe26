"""What the tests' HTTP servers share: a threaded server on a loopback address, started and stopped with `with`,
and a quiet HTTP/1.1 handler that can send a whole answer."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no request log on stderr, and `answer` to send a status, headers and a body at once."""

    protocol_version = "HTTP/1.1"

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """Send the status, the headers and Content-Length, then the body (a client that gave up is no error)."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a size cap, a timeout)
            pass

    def log_message(self, *args: object) -> None:
        pass


class LoopbackServer:
    """A ThreadingHTTPServer for `handler` on a free port of a 127.x.x.x address, serving while inside `with`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], address: str = "127.0.0.1"):
        assert address.startswith("127."), "tests serve on loopback only"
        self.httpd = ThreadingHTTPServer((address, 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{address}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
