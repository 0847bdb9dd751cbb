#!/usr/bin/env python3
"""The server's resident memory (VmRSS) through bursts, and after them.

   bench/memory_after_burst.py [--bin PATH/TO/sisyphus] [--readers N] [--requests N]
                               [--log-capacity N]

Starts `sisyphus serve` (the default scenario: 64 MiB at /file) and prints its RSS:
  1. after start;
  2. while N readers (default 2,000) each asked for /file and stopped reading after a few
     KiB (a 4 KiB receive buffer, nothing read), and after they closed;
  3. after a burst of the same number of hostile clients (a malformed request each, all at
     once), after they closed;
  4. after M requests (default 200,000; HEAD, on 8 keep-alive connections) have filled the
     request log, and after POST /v1/reset emptied it.
"After" is 2 s after the last connection closed. Not part of scripts/bench: it measures
memory, not speed, and a reader burst needs N file descriptors (ulimit -n).
"""
import argparse
import json
import os
import pathlib
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def rss_mib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def stats(admin):
    with urllib.request.urlopen(f"http://127.0.0.1:{admin}/v1/stats", timeout=10) as r:
        return json.load(r)


def wait_open(admin, n, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if stats(admin)["connections_open"] == n:
            return
        time.sleep(0.1)
    raise RuntimeError(f"connections_open never reached {n}: {stats(admin)}")


def connect(port, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    return s


def requests_on_one_connection(port, n):
    s = connect(port)
    req = b"HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n"
    buf = b""
    for _ in range(n):
        s.sendall(req)
        while b"\r\n\r\n" not in buf:
            buf += s.recv(65536)
        buf = buf[buf.index(b"\r\n\r\n") + 4:]
    s.close()


def main():
    here = pathlib.Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=str(here / "build/release/app/sisyphus"))
    p.add_argument("--readers", type=int, default=2000)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--log-capacity", type=int)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < a.readers + 100:
        sys.exit(f"ulimit -n {hard} is below --readers {a.readers} + 100")

    work = tempfile.mkdtemp()
    port_file = os.path.join(work, "ports.json")
    args = [a.bin, "serve", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
            "--port-file", port_file]
    if a.log_capacity is not None:
        args += ["--log-capacity", str(a.log_capacity)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        ports = json.load(open(port_file))
        port, admin = ports["port"], ports["admin_port"]
        pid = server.pid
        print(f"binary: {a.bin}")
        print(f"after start:                      {rss_mib(pid):8.1f} MiB")

        readers = []
        for _ in range(a.readers):
            s = connect(port, 4096)
            s.sendall(b"GET /file HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(s)
        wait_open(admin, a.readers)
        time.sleep(2)
        print(f"{a.readers} stopped readers:           {rss_mib(pid):8.1f} MiB")
        for s in readers:
            s.close()
        wait_open(admin, 0)
        time.sleep(2)
        print(f"  after they closed:              {rss_mib(pid):8.1f} MiB")

        hostile = []
        for i in range(a.readers):
            s = connect(port)
            # Alternately a head too large (431) and a malformed request line (400).
            s.sendall(b"GET /file HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n" if i % 2 else
                      b"GET /file HTTP/9.9 nonsense\r\n\r\n")
            hostile.append(s)
        for s in hostile:
            s.close()
        wait_open(admin, 0)
        time.sleep(2)
        print(f"after {a.readers} hostile clients:     {rss_mib(pid):8.1f} MiB")

        threads = [threading.Thread(target=requests_on_one_connection, args=(port, a.requests // 8))
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_open(admin, 0)
        time.sleep(2)
        st = stats(admin)
        print(f"after {st['requests']} requests:          {rss_mib(pid):8.1f} MiB "
              f"(log dropped: {st.get('dropped', 'n/a')})")
        urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{admin}/v1/reset", method="POST"), timeout=10).read()
        time.sleep(2)
        print(f"  after POST /v1/reset:           {rss_mib(pid):8.1f} MiB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
