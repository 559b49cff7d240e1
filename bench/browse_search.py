"""Benchmark: the browse page (24 listings with thumbnails) and Thai search, served by gunicorn
with 100,000 listings, against a minimal Flask page reading 12 rows from SQLite, measured in
the same run. Prints figures; passes or fails nothing.

    make bench                         # 100,000 listings, 10 s per page
    .venv/bin/python bench/browse_search.py --listings 20000 --seconds 5
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import log_in, run  # noqa: E402

BIN = Path(sys.executable).parent
DEMO_MEMBER, DEMO_PASSWORD = "member@talat.example", "amulet-lover-2569"  # (flask demo load)
SEARCHES = ["สมเด็จ", "หลวงปู่ทวด", "วัดระฆัง พิมพ์ใหญ่", "Nike", "เหรียญ"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url, server=None, timeout=60):
    """Until ``url`` answers 200; stop at once if the ``server`` process has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def serve(app, env, port, cwd, workers="2", worker_class="gthread"):
    command = [str(BIN / "gunicorn"), "-w", workers, "-k", worker_class, "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def show(name, figures):
    print(f"{name:<34} {figures['rps']:>8.1f} req/s   p50 {figures['p50_ms']:>6.1f} ms   "
          f"p95 {figures['p95_ms']:>6.1f} ms   p99 {figures['p99_ms']:>6.1f} ms   "
          f"({figures['requests']} requests, {figures['errors']} errors)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="talat-bench-"))
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(work / "instance"), "FLASK_APP": "wsgi",
           "DATABASE_URL": f"sqlite:///{work}/talat.sqlite3", "RATELIMIT_ENABLED": "0",
           "BASELINE_DB": str(work / "baseline.sqlite3")}
    flask = str(BIN / "flask")
    print(f"Preparing {args.listings} listings in {work} ...", flush=True)
    for step in (["db", "upgrade"], ["demo", "load"],
                 ["demo", "listings", "--count", str(args.listings)]):
        subprocess.run([flask, *step], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["BASELINE_DB"] = env["BASELINE_DB"]
    from baseline_app import prepare

    prepare(env["BASELINE_DB"])

    talat_port, fresh_port, baseline_port = free_port(), free_port(), free_port()
    fresh_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    servers = [serve("wsgi:app", env, talat_port, ROOT),
               serve("wsgi:app", fresh_env, fresh_port, ROOT),
               serve("baseline_app:app", env, baseline_port, ROOT / "bench", worker_class="sync")]
    try:
        talat, fresh = f"http://127.0.0.1:{talat_port}", f"http://127.0.0.1:{fresh_port}"
        baseline = f"http://127.0.0.1:{baseline_port}"
        for url in (f"{talat}/healthz", f"{fresh}/healthz", f"{baseline}/"):
            wait(url)
        print(f"{os.cpu_count()} cores; {args.threads} client threads; {args.seconds:.0f} s each; "
              f"2 gunicorn workers each\n")
        base = run(f"{baseline}/", threads=args.threads, seconds=args.seconds)
        show("baseline: 12 rows from SQLite", base)
        browse = run(f"{talat}/search", threads=args.threads, seconds=args.seconds)
        show("browse, visitor (page cache)", browse)
        uncached = run(f"{fresh}/search", threads=args.threads, seconds=args.seconds)
        show("browse, rendered every time", uncached)
        # A member's pages are never cached: the demo member (who owns a shop) browsing.
        member = {"Cookie": log_in(fresh_port, DEMO_MEMBER, DEMO_PASSWORD)}
        members = run(f"{fresh}/search", threads=args.threads, seconds=args.seconds,
                      headers=member)
        show("browse, logged-in member", members)
        from urllib.parse import quote

        for term in SEARCHES:
            figures = run(f"{fresh}/search?q={quote(term)}", threads=args.threads,
                          seconds=args.seconds / 2)
            show(f"search, rendered: {term}", figures)
        for threads in (1, 2):
            figures = run(f"{fresh}/search?q={quote(SEARCHES[0])}", threads=threads,
                          seconds=args.seconds / 2)
            show(f"search, {threads} client(s): {SEARCHES[0]}", figures)
        print(f"\nbrowse / baseline throughput: {browse['rps'] / base['rps']:.2f} with the "
              f"visitors' page cache, {uncached['rps'] / base['rps']:.2f} rendered every time, "
              f"{members['rps'] / base['rps']:.2f} for a member (target: at least 0.50)")
        print("search target: p95 under 150 ms")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
