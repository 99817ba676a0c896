#!/usr/bin/env python3
"""Uploads a file in the offset protocol exactly as the official flowbio client sends it (flowbio-client-dialect.md,
section 6): multipart with filename, expected_file_size, is_last, data, then the blob part last, CHUNK bytes a
request, one request after the other per upload over one kept-alive HTTP/1.1 connection each (no process per chunk:
the figure is the server's), Accept */*, User-Agent flowbio-python/0.9.0, TCP_NODELAY as httpx sets it.

    offset_upload.py TOKEN FILE CHUNK OUT URL [URL...]

Uploads FILE once to each URL (an upload endpoint: http://127.0.0.1:PORT/upload, .../api/upload), all at the same
pace: chunk i of every upload, in an order that turns each chunk, then chunk i + 1. So a machine whose load changes
during the run slows every upload alike, and the sum of each upload's request times compares the endpoints under the
same conditions. Prints, per URL, the seconds its requests took; writes each upload's last answer to OUT.<n>.
Exits 1 at the first answer that is not 200 (printing it)."""
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse


class Upload:
    def __init__(self, url, token, name):
        self.url = urllib.parse.urlsplit(url)
        self.token = token
        self.name = name
        self.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=600)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.boundary = os.urandom(16).hex()
        self.data = ""
        self.seconds = 0.0
        self.answer = b""

    def send(self, i, offset, last, blob):
        b = self.boundary
        fields = [("filename", self.name), ("expected_file_size", str(offset)), ("is_last", "true" if last else "false"), ("data", self.data)]
        head = b"".join(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields)
        head += (f'--{b}\r\nContent-Disposition: form-data; name="blob"; filename="{self.name}"\r\n'
                 'Content-Type: application/octet-stream\r\n\r\n').encode()
        tail = f"\r\n--{b}--\r\n".encode()
        t = time.monotonic()
        c = self.conn
        c.putrequest("POST", self.url.path, skip_accept_encoding=True)
        c.putheader("User-Agent", "flowbio-python/0.9.0")
        c.putheader("Accept", "*/*")
        c.putheader("Accept-Encoding", "gzip, deflate")
        c.putheader("Authorization", "Bearer " + self.token)
        c.putheader("Content-Type", "multipart/form-data; boundary=" + b)
        c.putheader("Content-Length", str(len(head) + len(blob) + len(tail)))
        c.endheaders()
        c.send(head)
        c.send(blob)
        c.send(tail)
        r = c.getresponse()
        body = r.read()
        self.seconds += time.monotonic() - t
        if r.status != 200:
            print(f"chunk {i} to {self.url.path}: HTTP {r.status}: {body[:300].decode(errors='replace')}", file=sys.stderr)
            sys.exit(1)
        answer = json.loads(body)
        self.data = answer.get("data_id") or answer.get("id") or ""
        self.answer = body


def main():
    token, path, chunk, out = sys.argv[1:5]
    urls = sys.argv[5:]
    chunk = int(chunk)
    size = os.path.getsize(path)
    total = max(1, (size + chunk - 1) // chunk)
    uploads = [Upload(u, token, os.path.basename(path)) for u in urls]
    with open(path, "rb") as f:
        for i in range(total):
            blob = f.read(chunk)
            for k in range(len(uploads)):
                uploads[(i + k) % len(uploads)].send(i, i * chunk, i == total - 1, blob)
    for n, u in enumerate(uploads):
        print(f"{u.url.path} {u.seconds:.3f}")
        with open(f"{out}.{n}", "wb") as o:
            o.write(u.answer)


if __name__ == "__main__":
    main()
