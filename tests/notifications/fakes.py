"""Local stand-ins for the push providers we do not run, speaking their real protocols.

- `FakeAPNs`: an HTTP/2 server (h2, cleartext with prior knowledge, as
  httpx speaks to an `http://` URL with HTTP/1.1 off) answering
  `POST /3/device/<token>` like APNs: it checks the provider JWT (ES256
  with the team's key, `kid`, `iss`), the `apns-topic` and `apns-push-type`
  headers, and answers 200 with an `apns-id`, 410 `Unregistered`, 400
  `BadDeviceToken`, or 503 for the tokens it was told to.
- `FakeFCM`: an HTTP/1.1 JSON server with the OAuth2 token endpoint (checks
  the service account's RS256 assertion: `iss`, `aud`, `scope`, the JWT
  bearer grant) and `POST /v1/projects/<project>/messages:send` (checks the
  bearer token), answering 200 `{name}` or 404 with an `UNREGISTERED`
  FcmError detail.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import h2.config
import h2.connection
import h2.events
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def ec_key_pem() -> tuple[str, Any]:
    """A P-256 key as an APNs .p8 file holds it (PKCS#8 PEM), and its public key."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode(), key.public_key()


def rsa_key_pem() -> tuple[str, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode(), key.public_key()


@dataclass
class FakeAPNs:
    public_key: Any
    key_id: str
    team_id: str
    topic: str
    dead: set[str] = field(default_factory=set)
    bad: set[str] = field(default_factory=set)
    busy: set[str] = field(default_factory=set)
    received: list[dict[str, Any]] = field(default_factory=list)

    def start(self) -> str:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def stop(self) -> None:
        self.sock.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        h2conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
        h2conn.initiate_connection()
        conn.sendall(h2conn.data_to_send())
        streams: dict[int, dict[str, Any]] = {}
        with conn:
            while True:
                data = conn.recv(65535)
                if not data:
                    return
                for event in h2conn.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        headers = {
                            k.decode() if isinstance(k, bytes) else k: v.decode()
                            if isinstance(v, bytes)
                            else v
                            for k, v in event.headers
                        }
                        streams[event.stream_id] = {"headers": headers, "body": b""}
                    elif isinstance(event, h2.events.DataReceived):
                        streams[event.stream_id]["body"] += event.data
                        h2conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        self._answer(h2conn, event.stream_id, streams.pop(event.stream_id))
                conn.sendall(h2conn.data_to_send())

    def _answer(self, h2conn: Any, stream_id: int, request: dict[str, Any]) -> None:
        status, body = self._decide(request)
        apns_id = str(uuid.uuid4())
        payload = json.dumps(body).encode() if body else b""
        headers = [(":status", str(status)), ("apns-id", apns_id)]
        if payload:
            headers.append(("content-type", "application/json"))
        h2conn.send_headers(stream_id, headers, end_stream=not payload)
        if payload:
            h2conn.send_data(stream_id, payload, end_stream=True)

    def _decide(self, request: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        headers = request["headers"]
        if headers.get(":method") != "POST" or not headers.get(":path", "").startswith("/3/device/"):
            return 405, {"reason": "MethodNotAllowed"}
        token = headers[":path"].removeprefix("/3/device/")
        auth = headers.get("authorization", "")
        try:
            claims = jwt.decode(auth.removeprefix("bearer "), self.public_key, algorithms=["ES256"])
            kid = jwt.get_unverified_header(auth.removeprefix("bearer "))["kid"]
        except (jwt.PyJWTError, KeyError):
            return 403, {"reason": "InvalidProviderToken"}
        if claims.get("iss") != self.team_id or kid != self.key_id:
            return 403, {"reason": "InvalidProviderToken"}
        if headers.get("apns-topic") != self.topic or headers.get("apns-push-type") != "alert":
            return 400, {"reason": "TopicDisallowed"}
        body = json.loads(request["body"] or b"{}")
        if "aps" not in body:
            return 400, {"reason": "PayloadEmpty"}
        self.received.append({"token": token, "body": body})
        if token in self.dead:
            return 410, {"reason": "Unregistered", "timestamp": 1700000000000}
        if token in self.bad:
            return 400, {"reason": "BadDeviceToken"}
        if token in self.busy:
            return 503, {"reason": "ServiceUnavailable"}
        return 200, None


@dataclass
class FakeFCM:
    public_key: Any
    client_email: str
    project_id: str
    dead: set[str] = field(default_factory=set)
    received: list[dict[str, Any]] = field(default_factory=list)
    tokens_issued: int = 0

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path == "/token":
                    self._reply(*fake.token(raw.decode(), self.server.server_address))
                else:
                    self._reply(*fake.send(self.path, self.headers.get("authorization", ""), raw))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        self.base = f"http://{host}:{port}"
        return self.base

    def stop(self) -> None:
        self.server.shutdown()

    def token(self, form: str, _address: Any) -> tuple[int, dict[str, Any]]:
        fields = {k: v[0] for k, v in parse_qs(form).items()}
        if fields.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type"}
        try:
            claims = jwt.decode(
                fields.get("assertion", ""),
                self.public_key,
                algorithms=["RS256"],
                audience=f"{self.base}/token",
            )
        except jwt.PyJWTError:
            return 400, {"error": "invalid_grant"}
        if (
            claims.get("iss") != self.client_email
            or claims.get("scope") != "https://www.googleapis.com/auth/firebase.messaging"
        ):
            return 400, {"error": "invalid_scope"}
        self.tokens_issued += 1
        return 200, {
            "access_token": f"ya29.fake-{self.tokens_issued}",
            "expires_in": 3599,
            "token_type": "Bearer",
        }

    def send(self, path: str, auth: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if path != f"/v1/projects/{self.project_id}/messages:send":
            return 404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "no such project"}}
        if not auth.startswith("Bearer ya29.fake-"):
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
        message = json.loads(raw)["message"]
        if not all(isinstance(v, str) for v in message.get("data", {}).values()):
            return 400, {
                "error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "data values must be strings"}
            }
        self.received.append(message)
        if message["token"] in self.dead:
            return 404, {
                "error": {
                    "code": 404,
                    "status": "NOT_FOUND",
                    "message": "Requested entity was not found.",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                            "errorCode": "UNREGISTERED",
                        }
                    ],
                }
            }
        return 200, {"name": f"projects/{self.project_id}/messages/{uuid.uuid4()}"}
