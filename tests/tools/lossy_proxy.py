#!/usr/bin/python3
"""A TCP proxy that loses things, for the import fault tests.

    lossy_proxy.py UPSTREAM_PORT PORT_FILE CUTS_FILE [SEED]

Listens on 127.0.0.1 (a port of the system's choosing, written to
PORT_FILE), forwards each connection to 127.0.0.1:UPSTREAM_PORT, and cuts
it: after a random 4-60 KiB from the server it forwards only part of the
next chunk (a frame cut in the middle; the answers the server had already
committed are lost) and closes both sides. Every cut is counted in
CUTS_FILE. Runs until killed.
"""
import random
import socket
import sys
import threading

upstream_port = int(sys.argv[1])
port_file, cuts_file = sys.argv[2], sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
lock = threading.Lock()
cuts = 0


def count_cut():
    global cuts
    with lock:
        cuts += 1
        with open(cuts_file, "w") as f:
            f.write("%d\n" % cuts)


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def pump(src, dst, budget, peer):
    """Copy src to dst; with a budget, cut the stream once it is spent."""
    try:
        while True:
            data = src.recv(16384)
            if not data:
                break
            if budget is not None and len(data) >= budget:
                dst.sendall(data[:max(1, budget // 2)])
                count_cut()
                break
            if budget is not None:
                budget -= len(data)
            dst.sendall(data)
    except OSError:
        pass
    close(src, dst, peer)


def serve(client):
    try:
        server = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        client.close()
        return
    with lock:
        budget = rng.randint(4096, 32768)
    threading.Thread(target=pump, args=(client, server, None, client), daemon=True).start()
    threading.Thread(target=pump, args=(server, client, budget, server), daemon=True).start()


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % listener.getsockname()[1])
import os  # noqa: E402  (only for the atomic rename)
os.rename(port_file + ".tmp", port_file)
while True:
    conn, _ = listener.accept()
    serve(conn)
