#!/usr/bin/env python3
"""The per-process cost of a piped CGI request: `whatsapp-webhook` run once per message with the body on stdin
and the CGI variables in its environment, exactly as the README's pasted command does, timed from spawn to exit.

    bench/piped.py CONFIG BODIES FIRST RUNS

BODIES is a make-bodies.py file; lines FIRST.. are used, one new message per run. `/bin/true` is spawned the same
way in between (same environment, same pipes), so the process-creation cost of this machine is in the same run.
Prints one line: `piped RESULT runs=N median_ms=… p90_ms=… true_ms=…`.
"""
import os
import statistics
import subprocess
import sys
import time

config, bodies_path, first, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "cgi-bin", "whatsapp-webhook")
lines = []
with open(bodies_path) as handle:
    for index, line in enumerate(handle):
        if index >= first:
            lines.append(line.rstrip("\n").split("\t", 1))
        if len(lines) == runs:
            break


def spawn(program, signature, body):
    env = {
        "PATH": "/usr/bin:/bin",
        "WHATSORDER_CONFIG": config,
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "HTTP_X_HUB_SIGNATURE_256": signature,
    }
    started = time.perf_counter()
    result = subprocess.run([program], input=body, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, result.stdout


handler, true = [], []
for signature, body in lines:
    data = body.encode()
    elapsed, output = spawn(binary, signature, data)
    if not output.startswith(b"Status: 200"):
        sys.exit(f"piped: unexpected answer {output[:80]!r}")
    handler.append(elapsed)
    true.append(spawn("/bin/true", signature, data)[0])
handler.sort()
print(f"piped RESULT runs={len(handler)} median_ms={statistics.median(handler):.3f} "
      f"p90_ms={handler[int(len(handler) * 0.9)]:.3f} true_ms={statistics.median(true):.3f}")
