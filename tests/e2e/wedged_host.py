#!/usr/bin/env python3
"""A native host that answers `hello` and then never answers anything else: an agent wedged in
the middle of an inspection. The e2e tests use it to check request timeouts and recovery."""
import json
import struct
import sys

while True:
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        break  # end of input: the browser closed the port
    (n,) = struct.unpack("=I", header)
    msg = json.loads(sys.stdin.buffer.read(n))
    if msg.get("type") == "hello":
        out = json.dumps({"v": 1, "id": msg["id"], "type": "hello_ok", "protocol": 1, "agent_version": "wedged",
                          "capabilities": [], "policy_name": "wedged", "policy_version": 0, "fail_mode": "closed"}).encode()
        sys.stdout.buffer.write(struct.pack("=I", len(out)) + out)
        sys.stdout.buffer.flush()
