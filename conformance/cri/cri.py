# SPDX-License-Identifier: Apache-2.0
"""A small CRI v1 client for brig's tests: gRPC over containerd's socket.

The messages come from cri.proto (this directory), compiled with protoc into
a directory of the caller's (CRI_GEN, default: a temp dir) the first time.
Requests and responses are plain dicts with the proto field names; the gRPC
calls are made with grpc's generic unary_unary (no generated stubs needed).

Also the client side of the streaming exec: the URL that Exec returns is
served by containerd's streaming server, which speaks the Kubernetes
websocket channel protocol (v4.channel.k8s.io): one byte of channel, then
the data (0 stdin, 1 stdout, 2 stderr, 3 the status as JSON).

As a command: cri.py SOCKET METHOD [JSON-REQUEST] prints the response as JSON.
"""
import base64
import importlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import urllib.parse

import grpc
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))

IMAGE_METHODS = {"PullImage"}


def _load_pb2():
    gen = os.environ.get("CRI_GEN") or os.path.join(tempfile.gettempdir(), "brig-cri-gen-%d" % os.getuid())
    os.makedirs(gen, exist_ok=True)
    target = os.path.join(gen, "cri_pb2.py")
    src = os.path.join(HERE, "cri.proto")
    if not os.path.exists(target) or os.path.getmtime(target) < os.path.getmtime(src):
        subprocess.run(["protoc", "-I", HERE, "--python_out=" + gen, src], check=True)
    if gen not in sys.path:
        sys.path.insert(0, gen)
    return importlib.import_module("cri_pb2")


pb = _load_pb2()


class CRIError(Exception):
    def __init__(self, method, code, details):
        super().__init__("%s: %s: %s" % (method, code, details))
        self.method, self.code, self.details = method, code, details


class Client:
    def __init__(self, sock, timeout=60):
        self.channel = grpc.insecure_channel("unix://" + sock)
        self.timeout = timeout

    def call(self, method, request=None, timeout=None):
        """Calls METHOD with the dict REQUEST; returns the response as a dict."""
        service = "ImageService" if method in IMAGE_METHODS else "RuntimeService"
        req_type = getattr(pb, method + "Request")
        resp_type = getattr(pb, method + "Response")
        req = json_format.ParseDict(request or {}, req_type())
        stub = self.channel.unary_unary(
            "/runtime.v1.%s/%s" % (service, method),
            request_serializer=req_type.SerializeToString,
            response_deserializer=resp_type.FromString,
        )
        try:
            resp = stub(req, timeout=timeout or self.timeout)
        except grpc.RpcError as e:
            raise CRIError(method, e.code().name, e.details()) from None
        return json_format.MessageToDict(resp, preserving_proto_field_name=True)

    def close(self):
        self.channel.close()


# ---- the streaming exec: a minimal websocket client ------------------------


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return buf


def _send_frame(s, opcode, payload):
    mask = os.urandom(4)
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _recv_frame(s):
    b0, b1 = _recv_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", _recv_exact(s, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", _recv_exact(s, 8))[0]
    mask = _recv_exact(s, 4) if b1 & 0x80 else None
    data = _recv_exact(s, n)
    if mask:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return b0 & 0x0F, data


def stream_exec(url, stdin=None, timeout=30):
    """Runs the exec behind URL (from Exec); sends STDIN (bytes) on channel 0
    when given. Returns (stdout, stderr, exit_code, status_dict)."""
    u = urllib.parse.urlparse(url)
    s = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        path = u.path + ("?" + u.query if u.query else "")
        s.sendall(
            (
                "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n" % (path, u.netloc, key)
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(1)
            if not chunk:
                raise EOFError("no websocket handshake: %r" % head)
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("websocket upgrade refused: %r" % head.split(b"\r\n")[0])
        if stdin is not None:
            _send_frame(s, 0x2, b"\x00" + stdin)
        out, err, status = b"", b"", None
        while True:
            try:
                op, data = _recv_frame(s)
            except EOFError:
                break
            if op == 0x8:  # close
                break
            if op == 0x9:  # ping
                _send_frame(s, 0xA, data)
                continue
            if op not in (0x1, 0x2) or not data:
                continue
            ch, payload = data[0], data[1:]
            if ch == 1:
                out += payload
            elif ch == 2:
                err += payload
            elif ch == 3 and payload:
                status = json.loads(payload)
    finally:
        s.close()
    code = None
    if status is not None:
        if status.get("status") == "Success":
            code = 0
        else:
            for cause in (status.get("details") or {}).get("causes") or []:
                if cause.get("reason") == "ExitCode":
                    code = int(cause.get("message"))
    return out, err, code, status


def main(argv):
    if len(argv) < 3:
        print("usage: cri.py SOCKET METHOD [JSON-REQUEST]", file=sys.stderr)
        return 2
    c = Client(argv[1])
    try:
        print(json.dumps(c.call(argv[2], json.loads(argv[3]) if len(argv) > 3 else {}), indent=1))
    except CRIError as e:
        print("cri.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
