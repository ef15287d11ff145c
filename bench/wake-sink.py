#!/usr/bin/env python3
"""Stands where `whatsorder sender` listens (OUTBOX_SOCKET) and swallows wake-ups, so a benchmark can measure the
webhook handler alone: replies stay in the outbox, nobody delivers them.

    bench/wake-sink.py SOCKET [DATABASE]

With DATABASE it also keeps a connection to it open, as the sender does: otherwise a CGI process that happens to
be the last one to close the database checkpoints the WAL and deletes it on the way out (stack-notes §5).
"""
import os
import socket
import sqlite3
import sys

path = sys.argv[1]
if len(sys.argv) > 2:
    holder = sqlite3.connect(sys.argv[2])
    holder.execute("SELECT count(*) FROM sqlite_master").fetchall()
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sink.bind(path)
while True:
    sink.recv(64)
