"""gunicorn settings; every value can be overridden from the environment (see README).

Live auction pages keep a server-sent-events stream open (app/live, AUC-2). Under gthread
workers each open stream holds one thread of its worker for as long as the page is open, so:

- ``GUNICORN_THREADS`` (default 32) is the number of requests, streams included, that one
  worker serves at once. A waiting stream costs little (a blocked thread, tens of KB of memory,
  no database connection), so threads are cheap; CPU is not, and it is shared by all of them.
- ``LIVE_MAX_STREAMS`` caps the open streams per worker; above it ``/auctions/<id>/live``
  answers 204 at once and the page polls its panel every 3 s instead. The default leaves a
  quarter of the threads (at least 4) for ordinary requests, so a crowd watching one auction
  can never starve page loads and bids. ``-1`` lifts the cap (only if threads suffice).
- For about 1,000 watchers on 2 workers: ``GUNICORN_THREADS=790 LIVE_MAX_STREAMS=758`` (a
  worker may take more than half of the connections; idle threads are never started) with
  ``REDIS_URL`` set so every worker hears every bid: p95 163 ms, 267 MB RSS measured; see
  bench/README.md (``make bench-fanout``).
"""
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let one worker hold live (SSE) streams without blocking other requests.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# Open connections per worker, streams included (gunicorn's default is 1000).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS",
                                        str(max(1000, threads + 100))))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The workers (forked from this process) read the cap from the environment (app/live). A sync
# worker would be blocked by a single stream, so it serves none and pages poll.
if worker_class == "gthread":
    os.environ.setdefault("LIVE_MAX_STREAMS", str(max(0, threads - max(4, threads // 4))))
elif worker_class == "sync":
    os.environ.setdefault("LIVE_MAX_STREAMS", "0")
