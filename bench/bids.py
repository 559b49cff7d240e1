"""Benchmark: bid throughput and latency on PostgreSQL behind gunicorn, 64 bidders on one
auction and on 100 auctions, then a check that no bid was lost. Prints figures; passes or
fails nothing (a lost bid is printed as LOST and the exit status is 1).

Each bidder is a real member logged in through the log-in form, with its own keep-alive
connection, bidding the way the auction page does (htmx posts), direct and proxy mixed. With
JavaScript (``--flow page``, the default) the page shows the confirmation itself and posts
the confirmed bid at once, with the state its bid box showed (version, leading); without it
(``--flow server``) the confirmation is a post of its own, then the confirmed post carries
the hidden fields the confirmation returned. When the server asks again (the bidder's
leading state changed), the answer is the new state and the bidder confirms again. That is
one bid attempt. The bidders share what the answers tell them
of each auction's price, as the page's live panel shows everyone.

Two phases per scenario, each on auctions of its own:

- closed loop: every bidder makes attempts back to back, as fast as the server answers. It
  shows the most the server takes; its latency is queueing by construction (64 bidders in
  flight: mean latency = 64 / throughput).
- open loop: bid attempts arrive on a schedule at a fixed offered rate (``--rate``, and each
  of ``--rates``), Poisson arrivals by default, each handed to whichever bidder is free. An
  attempt's latency counts from its scheduled time, so the wait for a free bidder is in it
  (no coordinated omission). Attempts still waiting when the run ends were never sent; they
  are counted at the wait they had reached (a lower bound, shown with >=).

Each phase prints the CPU time (from /proc/<pid>/stat, and os.times() for this process) of
gunicorn (master and workers), of the PostgreSQL backends connected to the bench database,
of all PostgreSQL processes (those backends, the WAL writer, checkpointer and any other
database's backends: other work on the machine lands here) and of the load generator, per
bid post, and how busy the whole machine was (/proc/stat).

    make bench-bids
    .venv/bin/python bench/bids.py --seconds 5 --bidders 32 --rates 25,50,100
"""
import argparse
import html
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browse_search import free_port, serve, show as show_baseline, wait  # noqa: E402
from bench.loadgen import CSRF_RE, run as load  # noqa: E402

BIN = Path(sys.executable).parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "bench-bidder-2569"
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'([\w-]+)="([^"]*)"')
LEAST_RE = re.compile(r"at least ฿([\d,]+)")
PRICE_RE = re.compile(r"Current price: ฿([\d,]+)")
BAHT = 100


class Browser:
    """One member's keep-alive connection with its cookies."""

    def __init__(self, port, flow="page"):
        self.port = port
        self.flow = flow  # "page": confirmed in the page (JavaScript); "server": no JavaScript
        self.shown = {}  # auction id: the version and leading state its bid box showed
        self.cookies = {"lang": "en"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, form=None, htmx=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, text

    def login(self, email, form_page):
        _, page = self.request("GET", "/login")
        token = CSRF_RE.search(page).group(1)
        status, _ = self.request("POST", "/login", {"csrf_token": token, "email": email,
                                                    "password": PASSWORD})
        assert status == 302, f"log-in of {email} failed ({status})"
        _, page = self.request("GET", form_page)
        self.token = CSRF_RE.search(page).group(1)


def baht(text):
    return int(text.replace(",", "")) * BAHT


def hidden_fields(text):
    """The hidden inputs of the confirmation's form, name to value: what the page posts
    with "Place my bid" (version, confirmed, and whatever else the server adds)."""
    fields = {}
    for tag in INPUT_RE.findall(text):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def new_out():
    return dict(latency=[], accepted_latency=[], attempts=[], outcomes=Counter(), accepted=[],
                errors=0, late=0, unstarted=[], answered=[], accepted_at=[], done_at=[])


def bid_attempt(browser, member_id, auctions, rng, least, out):
    """One bid attempt the way the auction page does it (htmx posts). With JavaScript
    (``browser.flow == "page"``, what members' browsers do) the page confirms in place and
    posts the bid at once, with the state its bid box showed (``version``, ``leading``);
    without it (``"server"``) the first post is the server's confirmation step. When the
    server asks again (the auction moved on meanwhile), confirm again, up to three times.
    Records every confirmed post's latency and outcome and an accepted bid (auction, bidder,
    amount, proxy). ``least``: what each auction needs as far as the bidders know, shared by
    all of them (the page's live panel shows everyone the current price) and raised from
    every answer."""
    from app.blueprints.auctions.engine import increment

    auction = rng.choice(auctions)
    amount = least[auction] + rng.randint(0, 12) * increment(least[auction], BAHT)
    proxy = rng.random() < 0.5
    form = {"csrf_token": browser.token, "amount": str(amount // BAHT),
            "mode": "proxy" if proxy else "direct"}
    in_page = browser.flow == "page"
    if in_page:
        form.update(browser.shown.get(auction, {"version": "0", "leading": "0"}),
                    confirmed="yes")
    for attempt in range(4):
        started = time.perf_counter()
        try:
            status, text = browser.request("POST", f"/auctions/{auction}/bid", form,
                                           htmx=True)
        except (OSError, http.client.HTTPException):
            out["errors"] += 1
            return
        ended = time.perf_counter()
        elapsed = ended - started
        out["answered"].append(ended)
        confirming = status == 200 and "bid-box--confirm" in text
        if attempt == 0 and not in_page:
            out["outcomes"]["confirmation step" if confirming else
                           "refused at the confirmation step" if status == 422 else
                           f"HTTP {status} at the confirmation step"] += 1
            if not confirming and status != 422:
                return
        else:
            kind = ("stale (confirm again)" if confirming else
                    {200: "accepted", 422: "refused"}.get(status, f"HTTP {status}"))
            out["outcomes"][kind] += 1
            out["latency"].append(elapsed)
        if in_page and not confirming:
            # The bid box that came back is what the page shows next time.
            shown = {k: v for k, v in hidden_fields(text).items() if k in ("version", "leading")}
            if shown:
                browser.shown[auction] = shown
        if status == 200 and not confirming:
            out["accepted"].append((auction, member_id, amount, proxy))
            out["accepted_latency"].append(elapsed)
            out["accepted_at"].append(ended)
            least[auction] = max(least[auction], amount + increment(amount, BAHT))
            return
        if status == 422:
            found = LEAST_RE.search(text)
            least[auction] = max(least[auction], baht(found.group(1)) if found else
                                 amount + increment(amount, BAHT))
            return
        if status != 200:
            return
        form.update(hidden_fields(text) or dict(
            confirmed="yes", version=VERSION_RE.search(text).group(1)))
        price = PRICE_RE.search(text)
        if price:
            least[auction] = max(least[auction], baht(price.group(1)))


def closed_loop(browsers, members, auctions, seconds, seed):
    """Every bidder in its own thread makes attempts back to back for ``seconds``."""
    stop = threading.Event()
    outs = [new_out() for _ in browsers]
    least = {a: 100 * BAHT for a in auctions}

    def bidder(browser, member_id, rng, out):
        while not stop.is_set():
            began = time.perf_counter()
            bid_attempt(browser, member_id, auctions, rng, least, out)
            out["done_at"].append(time.perf_counter())
            out["attempts"].append(out["done_at"][-1] - began)

    threads = [threading.Thread(target=bidder, args=(b, m, random.Random(seed + i), out))
               for i, (b, m, out) in enumerate(zip(browsers, members, outs, strict=True))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    ended = time.perf_counter()
    return pool(outs, ended - began, ended)


def schedule(rate, seconds, arrivals, rng):
    """Arrival times (seconds from the start) of bid attempts at ``rate`` a second."""
    times, t = [], 0.0
    while True:
        t += rng.expovariate(rate) if arrivals == "poisson" else 1 / rate
        if t >= seconds:
            return times
        times.append(t)


def open_loop(browsers, members, auctions, seconds, rate, arrivals, seed):
    """Bid attempts arrive at ``rate`` a second for ``seconds``; each goes to whichever
    bidder is free (a free bidder takes the next attempt and waits for its time). Latency of
    an attempt counts from its scheduled time. Attempts not started when the time is up
    stay unsent and are recorded with the wait they had reached. Rates count what was
    answered within the ``seconds``."""
    times = schedule(rate, seconds, arrivals, random.Random(seed))
    outs = [new_out() for _ in browsers]
    lock = threading.Lock()
    cursor = [0]
    began = time.perf_counter() + 0.05
    deadline = began + seconds
    least = {a: 100 * BAHT for a in auctions}

    def bidder(browser, member_id, rng, out):
        while True:
            with lock:
                n = cursor[0]
                if n >= len(times):
                    return
                due = began + times[n]
                now = time.perf_counter()
                if now >= deadline:
                    # Time is up: the rest of the schedule is never sent.
                    out["unstarted"] += [now - (began + t) for t in times[n:]]
                    cursor[0] = len(times)
                    return
                cursor[0] = n + 1
            if due > now:
                time.sleep(due - now)
            elif now - due > 0.001:
                out["late"] += 1  # no bidder was free at its time
            bid_attempt(browser, member_id, auctions, rng, least, out)
            out["done_at"].append(time.perf_counter())
            out["attempts"].append(out["done_at"][-1] - due)

    threads = [threading.Thread(target=bidder, args=(b, m, random.Random(seed + i), out))
               for i, (b, m, out) in enumerate(zip(browsers, members, outs, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = pool(outs, time.perf_counter() - began, deadline, seconds)
    figures.update(rate=rate, offered=len(times))
    return figures


def pct(values, p):
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else 0.0


def pool(outs, elapsed, until, window=None):
    """The bidders' figures pooled; latencies sorted, in seconds. ``per_second``: attempts
    done, bids accepted and bid posts answered by ``until``, over ``window`` seconds (the
    whole ``elapsed`` by default)."""
    def merged(key):
        return sorted(x for out in outs for x in out[key])

    window = window or elapsed
    per_second = {key: sum(t <= until for out in outs for t in out[source]) / window
                  for key, source in (("attempts", "done_at"), ("bids", "accepted_at"),
                                      ("posts", "answered"))}
    unstarted = merged("unstarted")
    return dict(elapsed=elapsed, window=window, per_second=per_second,
                latency=merged("latency"),
                accepted_latency=merged("accepted_latency"), attempts=merged("attempts"),
                attempts_all=sorted(merged("attempts") + unstarted), unstarted=len(unstarted),
                outcomes=sum((out["outcomes"] for out in outs), Counter()),
                accepted=[a for out in outs for a in out["accepted"]],
                errors=sum(out["errors"] for out in outs),
                late=sum(out["late"] for out in outs))


TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "pg_bench", "pg_all")


def cpu_snapshot(server_pid, database):
    """CPU seconds so far, by process: gunicorn (the master ``server_pid`` and its
    children), PostgreSQL backends connected to ``database``, every postgres process; the
    postmaster's reaped children (``postgres_reaped``), this process (the load generator)
    and the whole machine (``machine``: busy seconds from /proc/stat)."""
    snap = {group: {} for group in GROUPS}
    snap["postgres_reaped"] = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
            cmdline = b""
            if comm == b"postgres":
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ")
        except OSError:
            continue  # ended meanwhile
        pid = int(entry)
        fields = stat[stat.rindex(b")") + 2:].split()
        ppid, seconds = int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK
        if pid == server_pid or ppid == server_pid:
            snap["gunicorn"][pid] = seconds
        if comm == b"postgres":
            snap["pg_all"][pid] = seconds
            if not cmdline.startswith(b"postgres:"):  # the postmaster
                snap["postgres_reaped"] += (int(fields[13]) + int(fields[14])) / TICK
            elif f" {database} ".encode() in cmdline:
                snap["pg_bench"][pid] = seconds
    times = os.times()
    snap["loadgen"] = times.user + times.system
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    snap["machine"] = (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK  # less idle and iowait
    return snap


class CpuWatch:
    """CPU time used during a phase. Processes that end during it (PostgreSQL backends of
    connections the server closes) count up to their last sample (every 0.25 s) for
    gunicorn and the bench database; for all postgres processes exactly, through the time
    of the postmaster's reaped children."""

    def __init__(self, server_pid, database):
        self.args = (server_pid, database)
        self.before = cpu_snapshot(*self.args)
        self.seen = {group: dict(self.before[group]) for group in GROUPS}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self):
        while not self.stop.wait(0.25):
            self.note(cpu_snapshot(*self.args))

    def note(self, snap):
        for group in GROUPS:
            self.seen[group].update(snap[group])

    def used(self):
        """CPU seconds by group, and the bench database's backends opened and closed."""
        self.stop.set()
        self.thread.join()
        after = cpu_snapshot(*self.args)
        self.note(after)
        before, used = self.before, {}
        for group in ("gunicorn", "pg_bench"):
            used[group] = sum(v - before[group].get(pid, 0.0)
                              for pid, v in self.seen[group].items())
        ended = set(before["pg_all"]) - set(after["pg_all"])
        used["pg_all"] = (sum(v - before["pg_all"].get(pid, 0.0)
                              for pid, v in after["pg_all"].items())
                          + after["postgres_reaped"] - before["postgres_reaped"]
                          - sum(before["pg_all"][pid] for pid in ended))
        used["loadgen"] = after["loadgen"] - before["loadgen"]
        used["machine"] = after["machine"] - before["machine"]
        used["opened"] = len(set(self.seen["pg_bench"]) - set(before["pg_bench"]))
        used["closed"] = len(set(self.seen["pg_bench"]) - set(after["pg_bench"]))
        return used


def cpu_line(used, posts, elapsed):
    def per_post(group):
        return used[group] * 1000 / posts if posts else 0.0

    ours = used["gunicorn"] + used["pg_all"] + used["loadgen"]
    capacity = os.cpu_count() * elapsed
    return (f"  CPU ms per bid post: gunicorn {per_post('gunicorn'):.2f}; PostgreSQL backends "
            f"of the bench database {per_post('pg_bench'):.2f} ({used['opened']} connections "
            f"opened, {used['closed']} closed); all postgres processes "
            f"{per_post('pg_all'):.2f}; load generator {per_post('loadgen'):.2f}\n"
            f"  CPU busy: {used['machine'] / capacity * 100:.0f}% of {os.cpu_count()} cores, "
            f"of which gunicorn + all postgres + load generator "
            f"{ours / capacity * 100:.0f}%")


def verify(app, auctions, accepted):
    """Nothing lost: the members' rows are exactly the accepted bids, and replaying them in
    sequence order through the engine gives each auction's final state. Returns problems."""
    from sqlalchemy import select

    from app.blueprints.auctions import engine
    from app.extensions import db
    from app.models import Auction, Bid

    problems = []
    with app.app_context():
        for auction_id in auctions:
            auction = db.session.get(Auction, auction_id)
            rows = db.session.scalars(select(Bid).where(Bid.auction_id == auction_id)
                                      .order_by(Bid.sequence)).all()
            mine = [a for a in accepted if a[0] == auction_id]
            own = [row for row in rows if row.kind != "auto"]
            if [row.sequence for row in rows] != list(range(1, len(rows) + 1)):
                problems.append(f"auction {auction_id}: sequence has gaps or repeats")
            if Counter((a[1], a[2]) for a in mine) != Counter(
                    (row.bidder_id, row.max_satang) for row in own):
                problems.append(f"auction {auction_id}: {len(mine)} accepted responses but "
                                f"{len(own)} bid rows by the bidders")
                continue
            proxy = {(a[1], a[2]): a[3] for a in mine}
            state = engine.State(starting_price=auction.starting_price_satang,
                                 seller_increment=auction.min_increment_satang,
                                 price=auction.starting_price_satang)
            lines = []
            try:
                for row in own:
                    outcome = engine.place(state, row.bidder_id, row.max_satang,
                                           proxy=proxy[(row.bidder_id, row.max_satang)])
                    state = outcome.state
                    lines += [(x.bidder, x.amount, x.kind) for x in outcome.lines]
            except engine.BidRefused as error:
                problems.append(f"auction {auction_id}: replay refused a taken bid ({error})")
                continue
            if lines != [(row.bidder_id, row.amount_satang, row.kind) for row in rows]:
                problems.append(f"auction {auction_id}: history differs from the replay")
            final = (auction.current_price_satang, auction.leader_id, auction.leader_max_satang,
                     auction.bid_count)
            if final != (state.price, state.leader, state.leader_max, state.bid_count):
                problems.append(f"auction {auction_id}: final state {final} != replay")
        db.session.remove()
    return problems


def show(title, figures, auctions, used):
    bids = figures["outcomes"]["accepted"]
    rate = figures["per_second"]
    confirmed = figures["latency"]
    accepted_latency = figures["accepted_latency"]
    print(f"\n{title}: {figures['elapsed']:.1f} s, {len(auctions)} auction(s)")
    print(f"  accepted bids      {bids:>7}   {rate['bids']:>7.1f} bids/s   "
          f"p50 {pct(accepted_latency, 50):.1f} ms   p99 {pct(accepted_latency, 99):.1f} ms")
    print(f"  confirmed posts    {len(confirmed):>7}   "
          f"{len(confirmed) / figures['elapsed']:>7.1f} /s   p50 {pct(confirmed, 50):.1f} ms   "
          f"p95 {pct(confirmed, 95):.1f} ms   p99 {pct(confirmed, 99):.1f} ms")
    attempts = figures["attempts"]
    print(f"  bid attempts       {len(attempts):>7}   {rate['attempts']:>7.1f} /s   "
          f"p50 {pct(attempts, 50):.1f} ms   p95 {pct(attempts, 95):.1f} ms   "
          f"p99 {pct(attempts, 99):.1f} ms")
    posts = sum(figures["outcomes"].values())
    print(f"  all bid posts      {posts:>7}   {rate['posts']:>7.1f} /s "
          f"(confirmation steps included)")
    for kind, count in sorted(figures["outcomes"].items()):
        print(f"    {kind:<34} {count:>7}")
    if figures["errors"]:
        print(f"    {'connection errors':<34} {figures['errors']:>7}")
    print(cpu_line(used, posts, figures["elapsed"]))


def show_open(title, figures, auctions, used, arrivals):
    offered, done = figures["offered"], len(figures["attempts"])
    rate = figures["per_second"]
    posts = sum(figures["outcomes"].values())
    bound = ">=" if figures["unstarted"] else ""
    every, confirmed = figures["attempts_all"], figures["latency"]
    print(f"\n{title}, open loop at {figures['rate']:g} attempts/s ({arrivals} arrivals): "
          f"{figures['window']:g} s (last answer at {figures['elapsed']:.1f} s), "
          f"{len(auctions)} auction(s)")
    print(f"  bid attempts       offered {offered} ({offered / figures['window']:.1f} /s), "
          f"achieved {rate['attempts']:.1f} /s; done {done}, started late (no bidder free) "
          f"{figures['late']}, never sent {figures['unstarted']}")
    print(f"  whole attempts     p50 {bound}{pct(every, 50):.1f} ms   "
          f"p95 {bound}{pct(every, 95):.1f} ms   p99 {bound}{pct(every, 99):.1f} ms   "
          f"(from the scheduled time{'; unsent ones at their wait so far' if bound else ''})")
    print(f"  confirmed posts    {len(confirmed):>7}   p50 {pct(confirmed, 50):.1f} ms   "
          f"p95 {pct(confirmed, 95):.1f} ms   p99 {pct(confirmed, 99):.1f} ms")
    print(f"  accepted bids      {figures['outcomes']['accepted']:>7}   {rate['bids']:>7.1f} "
          f"bids/s;  all bid posts {posts} ({rate['posts']:.1f} /s): "
          + ", ".join(f"{kind} {count}" for kind, count in sorted(figures["outcomes"].items()))
          + (f", connection errors {figures['errors']}" if figures["errors"] else ""))
    print(cpu_line(used, posts, figures["elapsed"]))


def sweep_line(figures, used, lost):
    rate = figures["per_second"]
    posts = sum(figures["outcomes"].values())
    bound = ">=" if figures["unstarted"] else ""
    every, confirmed = figures["attempts_all"], figures["latency"]

    def ms(values, p, prefix=""):
        return f"{prefix}{pct(values, p):.0f}"

    def per_post(group):
        return f"{used[group] * 1000 / posts:.1f}" if posts else "-"

    busy = used["machine"] / (os.cpu_count() * figures["elapsed"]) * 100
    return (f"  {figures['rate']:>7g} {rate['attempts']:>8.1f} {rate['bids']:>7.1f} "
            f"{rate['posts']:>7.1f}   "
            f"{ms(confirmed, 50):>5} {ms(confirmed, 95):>6} {ms(confirmed, 99):>6}   "
            f"{ms(every, 50, bound):>7} {ms(every, 95, bound):>7} {ms(every, 99, bound):>7}   "
            f"{figures['late']:>5} {figures['unstarted']:>6} {figures['errors']:>4}   "
            f"{per_post('gunicorn'):>5} {per_post('pg_bench'):>5} {per_post('pg_all'):>6} "
            f"{per_post('loadgen'):>5} {busy:>5.0f}%  {'LOST' if lost else 'none'}")


SWEEP_HEAD = ("  offered achieved  bids/s posts/s   confirmed post ms      whole attempt ms      "
              "  late unsent errs   CPU ms per bid post        machine lost\n"
              "   att./s   att./s                   p50    p95    p99       p50     p95     p99"
              "                       gunic pg-db pg-all loadg   busy")


def check(app, auctions, figures):
    problems = verify(app, auctions, figures["accepted"])
    for problem in problems:
        print(f"  LOST: {problem}")
    if not problems:
        print(f"  verified: {len(figures['accepted'])} accepted responses == bid rows "
              f"written by the bidders; final price, leader and maximum equal the "
              f"engine's replay")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--bidders", type=int, default=64)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--threads", default="8")
    parser.add_argument("--worker-class", default="app.live.gunicorn_worker.LiveStreamWorker",
                        help="gunicorn worker (the production default; gthread for the plain "
                             "threaded worker)")
    parser.add_argument("--rate", type=float, default=300.0,
                        help="offered bid attempts a second in the open-loop phase")
    parser.add_argument("--rates", default="",
                        help="more offered rates for the open-loop phase, e.g. 50,100,200: "
                             "one line per rate in the summary")
    parser.add_argument("--arrivals", choices=("poisson", "even"), default="poisson")
    parser.add_argument("--flow", choices=("page", "server"), default="page",
                        help="page: the bid is confirmed in the page and posted once (a "
                             "browser with JavaScript); server: the confirmation step is a "
                             "post of its own (without JavaScript)")
    parser.add_argument("--no-closed", action="store_true",
                        help="skip the closed-loop phase")
    args = parser.parse_args()
    rates = sorted({args.rate, *(float(r) for r in args.rates.split(",") if r.strip())})

    import psycopg

    name = f"talat_bench_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="talat-bench-bids-"))
    url = f"{SERVER}/{name}"
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(work / "instance"), "FLASK_APP": "wsgi",
           "DATABASE_URL": url, "RATELIMIT_ENABLED": "0", "REDIS_URL": "",
           "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST_KIB": "8192",
           "UPLOAD_DIR": str(work / "uploads"), "BASELINE_DB": str(work / "baseline.sqlite3")}
    admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    server = baseline = None
    # Each phase bids on auctions of its own (one, then 100), so every phase starts alike.
    phases = (0 if args.no_closed else 1) + len(rates)
    try:
        print(f"Migrating {name} ...", flush=True)
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.environ.update(env)
        from app import create_app
        from app.blueprints.accounts.services import register_member
        from app.blueprints.auctions import lifecycle
        from app.config import Config
        from app.database import utcnow
        from app.extensions import db
        from app.models import Category

        app = create_app(Config())
        with app.app_context():
            now = utcnow()
            members = [register_member(email=f"bidder{n}@bench.example",
                                       display_name=f"Bidder {n}", password=PASSWORD,
                                       birth_date=date(1990, 1, 1), now=now)
                       for n in range(args.bidders + 1)]
            db.session.commit()
            seller, member_ids = members[0], [m.id for m in members[1:]]
            category = db.session.scalar(db.select(Category.id).where(
                Category.slug == "phra-somdet"))
            auction_ids = [lifecycle.create_auction(seller, dict(
                title=f"พระสมเด็จ องค์ที่ {n}", category_id=category, duration_days=7,
                starting_price_satang=100 * BAHT, min_increment_satang=BAHT), now=now).id
                for n in range(101 * phases)]
            db.session.commit()
            db.session.remove()
        blocks = [auction_ids[n:n + 101] for n in range(0, len(auction_ids), 101)]

        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", args.workers, "-k", args.worker_class, "--threads",
             args.threads, "--keep-alive", "30", "-b", f"127.0.0.1:{port}",
             "--access-logfile", "/dev/null",
             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        wait(f"http://127.0.0.1:{port}/healthz")
        sys.path.insert(0, str(ROOT / "bench"))
        from baseline_app import prepare

        prepare(env["BASELINE_DB"])
        baseline_port = free_port()
        baseline = serve("baseline_app:app", env, baseline_port, ROOT / "bench",
                         worker_class="sync")
        wait(f"http://127.0.0.1:{baseline_port}/")
        browsers = [Browser(port, args.flow) for _ in member_ids]
        for n, browser in enumerate(browsers, start=1):
            browser.login(f"bidder{n}@bench.example", f"/auctions/{auction_ids[0]}")
        print(f"{os.cpu_count()} cores; {args.bidders} bidders logged in; gunicorn "
              f"{args.workers} workers x {args.threads} threads ({args.worker_class}); PostgreSQL; "
              f"confirmation {'in the page' if args.flow == 'page' else 'step on the server'}; "
              f"{args.seconds:g} s per phase; open loop at "
              f"{', '.join(f'{r:g}' for r in rates)} bid attempts/s ({args.arrivals})\n")
        # The machine's speed right now: the minimal Flask page the other benchmarks use.
        show_baseline("baseline: 12 rows from SQLite", load(
            f"http://127.0.0.1:{baseline_port}/", threads=8, seconds=3))
        baseline.terminate()
        baseline.wait(timeout=20)
        baseline = None

        def measure(phase, *phase_args):
            watch = CpuWatch(server.pid, name)
            figures = phase(browsers, member_ids, *phase_args)
            return figures, watch.used()

        lost, sweeps = [], {}
        for title, one, seed in (("One auction", True, 1), ("100 auctions", False, 1000)):
            left = iter(blocks)
            if not args.no_closed:
                block = next(left)
                auctions = block[:1] if one else block[1:]
                figures, used = measure(closed_loop, auctions, args.seconds, seed)
                show(f"{title}, closed loop", figures, auctions, used)
                lost += check(app, auctions, figures)
            for rate in rates:
                block = next(left)
                auctions = block[:1] if one else block[1:]
                figures, used = measure(open_loop, auctions, args.seconds, rate,
                                        args.arrivals, seed + int(rate))
                show_open(title, figures, auctions, used, args.arrivals)
                problems = check(app, auctions, figures)
                lost += problems
                sweeps.setdefault(title, []).append(sweep_line(figures, used, problems))
        print(f"\nOpen loop, {args.bidders} bidders, {args.arrivals} arrivals, "
              f"{args.seconds:g} s per rate (>= : attempts never sent counted at their wait "
              f"so far)")
        for title, lines in sweeps.items():
            print(f"\n{title}\n{SWEEP_HEAD}")
            print("\n".join(lines))
        print("\ntarget: at least 300 bids/s, p99 under 150 ms (load generator on the same "
              "machine)")
        return 1 if lost else 0
    finally:
        for process in (server, baseline):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
