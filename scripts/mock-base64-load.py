#!/usr/bin/env python3
"""Requests per second and p50/p99 for a repeated `ssd-1b` request to a
running mock, raw and with `base64: true`, at concurrency 1 and 64, over
keep-alive connections (one per worker thread). The image is 1024x1024
(`img_width`/`img_height` sent, so that a mock from before the spec's
defaults were applied draws the same size).

    scripts/mock-base64-load.py http://127.0.0.1:PORT [requests]

Loopback only; the figures are in BENCHMARKS.md (§5). The client is
Python, so its own cost (about 0.1 ms a request) is in every figure.
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse

URL = urlparse(sys.argv[1])
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 1000


def body(base64):
    return json.dumps({"prompt": "a lighthouse at dawn", "seed": 0, "img_width": 1024,
                       "img_height": 1024, "base64": base64}).encode()


def worker(payload, count, latencies):
    connection = http.client.HTTPConnection(URL.hostname, URL.port)
    headers = {"x-api-key": "bench-key", "content-type": "application/json"}
    for _ in range(count):
        sent = time.perf_counter()
        connection.request("POST", "/v1/ssd-1b", payload, headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append(time.perf_counter() - sent)


def run(base64, concurrency, total):
    payload = body(base64)
    worker(payload, 3, [])  # warm the cache
    latencies = []
    threads = [threading.Thread(target=worker, args=(payload, total // concurrency, latencies))
               for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda f: latencies[round((len(latencies) - 1) * f)] * 1e3
    print(f"| {'base64' if base64 else 'raw'} | {concurrency} | {len(latencies)} | "
          f"{len(latencies) / elapsed:.0f} | {pick(0.5):.2f} ms | {pick(0.99):.2f} ms |")


print("| answer | concurrency | requests | requests/s | p50 | p99 |")
print("|---|---:|---:|---:|---:|---:|")
for concurrency in (1, 64):
    for base64 in (False, True):
        run(base64, concurrency, COUNT if concurrency == 1 else COUNT * 2)
