#!/usr/bin/env python3
"""Stands where `whatsorder sender` listens (OUTBOX_SOCKET) and swallows wake-ups, so a benchmark can measure the
webhook handler alone: replies stay in the outbox, nobody delivers them."""
import os
import socket
import sys

path = sys.argv[1]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sink.bind(path)
while True:
    sink.recv(64)
