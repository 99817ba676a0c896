#!/usr/bin/env python3
"""Uploads a file through POST /upload in chunks (the reference's chunk protocol), one after the other over one
kept-alive HTTP/1.1 connection, as a real client would: no process per chunk, so the figure is the server's.

    upload_chunks.py BASE_URL TOKEN FILE NAME FILE_ID CHUNK_MIB OUT

Writes the last answer to OUT and each request's seconds, one a line, to OUT.times. Exits 1 at the first
answer that is not 200 (printing it)."""
import http.client
import os
import socket
import sys
import time
import urllib.parse


def main():
    base, token, path, name, file_id, chunk_mib, out = sys.argv[1:8]
    chunk_size = int(chunk_mib) * 1048576
    size = os.path.getsize(path)
    total = max(1, (size + chunk_size - 1) // chunk_size)
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    conn.connect()
    # as requests/urllib3 (what the official client uses) do: without it, the small closing boundary sent after
    # the chunk waits on Nagle's algorithm for the chunk's acknowledgement
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    boundary = "flowbench" + os.urandom(8).hex()
    times = []
    with open(path, "rb") as f:
        for i in range(total):
            data = f.read(chunk_size)
            fields = {"file_id": file_id, "filename": name, "chunk": str(i), "total_chunks": str(total)}
            head = b"".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
            head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="blob"\r\n'
                     'Content-Type: application/octet-stream\r\n\r\n').encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            t = time.monotonic()
            conn.putrequest("POST", url.path.rstrip("/") + "/upload")
            conn.putheader("Authorization", "Bearer " + token)
            conn.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
            conn.putheader("Content-Length", str(len(head) + len(data) + len(tail)))
            conn.endheaders()
            conn.send(head)
            conn.send(data)
            conn.send(tail)
            r = conn.getresponse()
            body = r.read()
            times.append(time.monotonic() - t)
            if r.status != 200:
                print(f"chunk {i} of {name}: HTTP {r.status}: {body[:300].decode(errors='replace')}", file=sys.stderr)
                sys.exit(1)
    with open(out, "wb") as o:
        o.write(body)
    with open(out + ".times", "w") as o:
        o.write("".join(f"{s:.6f}\n" for s in times))


if __name__ == "__main__":
    main()
