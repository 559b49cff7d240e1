"""A small closed-loop HTTP load generator: N threads, keep-alive, for a fixed time."""
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def run(url, *, threads=8, seconds=10.0, headers=None):
    """Hit ``url`` from ``threads`` keep-alive clients for ``seconds`` (sending ``headers``,
    e.g. a session cookie or ``HX-Request``, with every request); return figures."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors = [], [0]
    lock = threading.Lock()
    headers = dict(headers or {})
    stop = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    return run_clients(client, threads, latencies, errors)


def run_clients(client, threads, latencies, errors):
    """Run ``client`` in ``threads`` threads (each appends its latencies in seconds to
    ``latencies`` and its failures to ``errors[0]``); return the figures."""
    workers = [threading.Thread(target=client) for _ in range(threads)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"requests": len(latencies), "errors": errors[0],
            "rps": len(latencies) / elapsed if elapsed else 0.0,
            "p50_ms": pct(50) if latencies else 0.0, "p95_ms": pct(95) if latencies else 0.0,
            "p99_ms": pct(99) if latencies else 0.0,
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0}
