#!/usr/bin/python3
"""notify_listen SOCKET OUT: play systemd's side of sd_notify for a test.

Binds a unix datagram socket at SOCKET and appends every message it
receives to OUT, one field per line with a '--' line after each message,
until killed. Prints 'ready' on stdout once bound.
"""
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
print("ready", flush=True)
while True:
    data = sock.recv(4096)
    with open(out, "a", encoding="utf-8") as f:
        f.write(data.decode("utf-8", "replace").rstrip("\n") + "\n--\n")
