"""gunicorn settings; every value can be overridden from the environment (see README).

Live auction pages and the moderators' queue keep a server-sent-events stream open (app/live,
AUC-2). The default worker, ``app.live.gunicorn_worker.LiveStreamWorker``, is gunicorn's
threaded worker with those streams held by one hub thread instead of a request thread each
(app/live/hub.py), so:

- ``GUNICORN_THREADS`` (default 8) is the number of requests one worker serves at once; open
  live pages do not count. Few threads answer a bidding rush fastest on two cores (bids' p99
  was 2-3 times higher with 32; bench/README.md).
- ``LIVE_MAX_STREAMS`` (default 2,000 a worker, fewer if the open-file limit is low) caps
  the open streams; above it the live URL answers 204 at once and the page polls its panel
  every 3 s instead.
- ``GUNICORN_WORKER_CLASS=gthread`` brings back a thread per stream: then the cap defaults
  to the threads less a quarter (at least 4 left for requests), and ~1,000 watchers on 2
  workers needed ``GUNICORN_THREADS=790 LIVE_MAX_STREAMS=758``.
- Set ``REDIS_URL`` so every worker hears every bid at once (without it a worker's streams
  look at their auction every second), and drops the pages it keeps for visitors as soon as
  what they may see changes (app/pagecache_clearing.py: without it only the worker that made
  the change drops them; the others show their copy, say of an auction just rated 18+, for
  up to ``PAGE_CACHE_SECONDS``, 5 by default). A warning says so at start.
"""
import os
import resource

#: gthread with live streams held apart from the request threads (app/live/hub.py).
LIVE_WORKER = "app.live.gunicorn_worker.LiveStreamWorker"

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", LIVE_WORKER)
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Open connections per worker, live streams not included (gunicorn's default is 1000).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS",
                                        str(max(1000, threads + 100))))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The workers (forked from this process) read the cap from the environment (app/live). A sync
# worker would be blocked by a single stream, so it serves none and pages poll.
if worker_class == LIVE_WORKER:
    # Every open stream holds a socket: as many open files as the system lets this process
    # have (the workers inherit the limit), and streams within half of them.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    streams = 2000 if soft == resource.RLIM_INFINITY else min(2000, (soft - 100) // 2)
    os.environ.setdefault("LIVE_MAX_STREAMS", str(max(0, streams)))
elif worker_class == "gthread":
    os.environ.setdefault("LIVE_MAX_STREAMS", str(max(0, threads - max(4, threads // 4))))
elif worker_class == "sync":
    os.environ.setdefault("LIVE_MAX_STREAMS", "0")


def when_ready(server):
    """Say at start what several workers without Redis mean: each keeps its own rate-limit
    counts (ACC-8: a client may make the limit once per worker), hears only its own bids on
    open auction pages (others arrive by the once-a-second check) and drops the visitors'
    pages it keeps only when it made the change itself. And what ``MAIL_DELIVERY=inline``
    (the tests' setting) means when serving: every answer that sends mail waits for it, and
    the forgot-password form looks the address up before answering, so its answer takes
    longer for a member's address than for a stranger's (ACC-1)."""
    if (os.environ.get("MAIL_DELIVERY") or "").strip() == "inline":
        server.log.warning(
            "MAIL_DELIVERY=inline: pages that send mail wait for it, and the forgot-password "
            "answer's time tells a member's address from a stranger's. Leave MAIL_DELIVERY "
            "unset (thread) when serving users.")
    if workers > 1 and not os.environ.get("REDIS_URL"):
        cache_seconds = (os.environ.get("PAGE_CACHE_SECONDS") or "5").strip()
        server.log.warning(
            "%d workers without REDIS_URL: rate limits are counted per worker; live auction "
            "pages hear other workers' bids within a second, not at once; a change to what "
            "visitors may see (an 18+ rating, a page hidden after a complaint) reaches the "
            "pages the other workers keep only when they expire (PAGE_CACHE_SECONDS=%s). Set "
            "REDIS_URL in production.", workers, cache_seconds)
