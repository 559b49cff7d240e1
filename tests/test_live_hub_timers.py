"""The stream hub's timers (AUC-2): a stream woken by events again and again, long before its
timeout, leaves no pile of stale timers behind (each would hold the stream until then)."""
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from app.live.bus import LocalHub
from app.live.hub import StreamHub, Wait


class _Stream:
    """What the hub asks of a stream: it waits on its subscription for a minute, each time."""

    def __init__(self, subscription, sock):
        self.subscription_to_wait_on, self.sock = subscription, sock
        self.subscription = self.body = None
        self.chunked = False
        self.steps = 0

    def advance(self):
        self.steps += 1
        self.subscription_to_wait_on.get(timeout=0)  # take the event, as a live view does
        return "", Wait(self.subscription_to_wait_on, 60)

    def send(self, text):
        pass

    def close(self, gone):
        self.sock.close()


def _until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_a_stream_woken_by_many_events_leaves_no_pile_of_timers_auc_2():
    pool = ThreadPoolExecutor(2)
    hub = StreamHub(pool.submit)
    bus = LocalHub()
    pages, kept, streams = [], [], []
    for _ in range(3):
        ours, theirs = socket.socketpair()
        pages.append(theirs)
        subscription = bus.subscribe("auction:1")
        stream = _Stream(subscription, ours)
        streams.append(stream)
        hub.adopt(stream, ours, False, None)
    _until(lambda: len(hub._parked) == 3)
    for n in range(400):
        before = sum(s.steps for s in streams)
        for stream in streams:  # an event for each page, as the bus hands it on
            stream.subscription_to_wait_on.put({"version": n})
        _until(lambda before=before: sum(s.steps for s in streams) >= before + 3
               and len(hub._parked) == 3)
        kept.append(len(hub._timers))
    assert max(kept) <= 2 * 3 + 64 + 1, max(kept)
    # The current waits still time out and still wake on events.
    assert sorted(ticket for _, ticket, _ in hub._timers if ticket in hub._parked.values()) == \
        sorted(hub._parked.values())
    for page in pages:
        page.close()
    pool.shutdown(wait=False)
