"""A small closed-loop HTTP load generator: N threads, keep-alive, for a fixed time; and a
log-in through the site's own form for the pages members see."""
import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlencode, urlsplit

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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


def log_in(port, email, password):
    """Log in through the real form; returns the Cookie header of the session."""
    cookies = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    _, page = request("GET", "/login")
    token = CSRF_RE.search(page).group(1)
    status, _ = request("POST", "/login", {"csrf_token": token, "email": email,
                                           "password": password})
    connection.close()
    if status != 302:
        raise SystemExit(f"log-in of {email} failed (HTTP {status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())
