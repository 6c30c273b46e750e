"""A stand-in for GOV.UK Notify's API on 127.0.0.1, for tests: the real client talks HTTP to it.

It checks the client's signed token (HS256 with the key's secret, issuer the service id), records
every email sent, and answers the reference search. `drop_after_accepting` makes it record the next
email and then fail the request, as a connection lost after Notify accepted would.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"sendfund_test-{SERVICE_ID}-{SECRET}"


class FakeNotify:
    def __init__(self):
        self.sent: list[dict] = []
        self.searches: list[str] = []
        self.drop_after_accepting = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _authorised(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                except jwt.InvalidTokenError:
                    return False
                return claims.get("iss") == SERVICE_ID

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                if self.path != "/v2/notifications/email":
                    return self._answer(404, {"errors": [{"error": "NotFound", "message": self.path}]})
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                record = {"id": str(uuid.uuid4()), **payload}
                with fake.lock:
                    fake.sent.append(record)
                    drop = fake.drop_after_accepting > 0
                    fake.drop_after_accepting -= drop
                if drop:
                    return self._answer(500, {"errors": [{"error": "Exception", "message": "Internal server error"}]})
                return self._answer(201, {"id": record["id"], "reference": payload.get("reference"),
                                          "content": {"subject": "", "body": ""},
                                          "template": {"id": payload["template_id"], "version": 1, "uri": ""}})

            def do_GET(self):  # noqa: N802
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                url = urlparse(self.path)
                if url.path != "/v2/notifications":
                    return self._answer(404, {"errors": [{"error": "NotFound", "message": url.path}]})
                reference = parse_qs(url.query).get("reference", [""])[0]
                with fake.lock:
                    fake.searches.append(reference)
                    found = [{"id": r["id"], "reference": r.get("reference"), "status": "delivered",
                              "email_address": r["email_address"]} for r in fake.sent if r.get("reference") == reference]
                return self._answer(200, {"notifications": found, "links": {}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def template_id(name: str) -> str:
    """The template id the tests give each email by name (the environment would give real ones)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sendfund-template:{name}"))


@pytest.fixture
def fake_notify(settings):
    """Email goes through GOV.UK Notify, here the fake on loopback; every email name has its own template."""
    with FakeNotify() as fake:
        settings.SENDFUND_EMAIL_DELIVERY = "notify"
        settings.SENDFUND_NOTIFY_API_KEY = API_KEY
        settings.SENDFUND_NOTIFY_BASE_URL = fake.base_url
        settings.SENDFUND_NOTIFY_TEMPLATES = KnownTemplates()
        yield fake


class KnownTemplates(dict):
    """Every name has a template id (and no "default"), so a test sees which name each email used."""

    def get(self, name, default=None):
        return None if name == "default" else template_id(name)
