"""The stream hub: every open live stream of a gunicorn worker held by one thread (AUC-2).

Under gunicorn's threaded worker a streamed response keeps its thread until it ends, so a
worker could keep only as many pages live as it had threads, and a thousand watchers needed
hundreds of threads, which then all competed for the processor with the bids of a rush. With
the worker of app/live/gunicorn_worker.py, a live stream is handed here once its headers are
sent. While it waits for an event it holds no thread: the hub watches its bus subscription,
its next timer and its socket (a closed page). When it has something to do, one step of it
(its generator run up to its next :class:`Wait`, in a copy of its request's context) runs on
the worker's request threads like any short request, and the hub takes it back.
"""
import heapq
import itertools
import logging
import selectors
import socket
import ssl
import threading
import time
from functools import partial

from flask import g

#: Set in a request's environ by the worker: live streams may be handed to its hub.
HUB_KEY = "talat.stream_hub"
#: Where a live view leaves its :class:`HubStream` for the worker to hand over.
STREAM_KEY = "talat.live_stream"

#: Bytes the kernel may hold for one page (Linux doubles it; an update is 2-3 KB): a page
#: further behind than that is dropped and reconnects (catching up by version), so a thousand
#: stalled pages cannot pin megabytes each.
SEND_BUFFER = 16 * 1024

log = logging.getLogger(__name__)


class Wait:
    """What a stream yields between events: go on after ``timeout`` seconds, or as soon as
    ``subscription`` has an event, whichever comes first."""

    __slots__ = ("subscription", "timeout")

    def __init__(self, subscription, timeout):
        self.subscription, self.timeout = subscription, timeout


class HubStream:
    """A live stream the worker hands to its hub: the generator, the request it answers (a
    copy of its context is pushed for each step, with the member it was opened for)."""

    def __init__(self, chunks, context, user):
        self.chunks, self.context, self.user = chunks, context, user
        self.sock = self.body = self.subscription = None
        self.chunked = False

    def advance(self):
        """Run the stream to its next wait: ``(text to send, Wait or None when it ended)``."""
        sent = []
        with self.context.copy():
            if self.user is not None:
                g._login_user = self.user  # as when the request began: no second look-up
            for chunk in self.chunks:
                if isinstance(chunk, Wait):
                    return "".join(sent), chunk
                sent.append(chunk)
        return "".join(sent), None

    def send(self, text):
        """Write ``text`` at once or not at all: the socket does not block, and a page that
        cannot take an event now (its connection's buffer full, tens of KB not read) is gone
        (OSError); the browser comes back and catches up by version."""
        data = text.encode()
        if self.chunked:
            data = b"%X\r\n%s\r\n" % (len(data), data)
        self.sock.sendall(data)

    def close(self, gone):
        """End the stream: its generator (which lets go of its subscription), the response
        (which gives back its slot), then the connection."""
        try:
            with self.context.copy():
                self.chunks.close()
        except Exception:  # noqa: BLE001 (a stream's clean-up never stops the others)
            log.exception("closing a live stream")
        try:
            self.body.close()
        except Exception:  # noqa: BLE001
            log.exception("closing a live response")
        if not gone and self.chunked:
            try:
                self.sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass
        try:
            self.sock.close()
        except OSError:
            pass


class StreamHub:
    """One worker's waiting streams. ``submit(function, *args)`` runs a step on the
    worker's request threads."""

    def __init__(self, submit):
        self._submit = submit
        self._selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ, None)
        self._lock = threading.Lock()
        self._arriving = []  # (stream, Wait) to park
        self._fired = set()  # parked streams whose subscription has an event
        self._timers = []  # heap of (when, ticket, stream)
        self._parked = {}  # stream -> ticket of its current wait
        self._tickets = itertools.count()
        self._thread = threading.Thread(target=self._run, name="talat-stream-hub", daemon=True)
        self._thread.start()

    def adopt(self, stream, sock, chunked, body):
        """Take ``stream`` over: its headers are sent on ``sock``; ``body`` is the response
        to close when it ends."""
        sock.setblocking(False)  # no request thread ever waits for a page (see HubStream.send)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        except OSError:
            pass
        stream.sock, stream.chunked, stream.body = sock, chunked, body
        self._run_step(stream)

    # -- on the request threads

    def _run_step(self, stream):
        try:
            self._submit(self._step, stream)
        except RuntimeError:  # the worker is stopping: its pool takes no more work
            self._end(stream, gone=True)

    def _step(self, stream):
        try:
            text, wait = stream.advance()
            if text:
                stream.send(text)
        except OSError:
            self._end(stream, gone=True)
            return
        except Exception:  # noqa: BLE001 (one stream's failure ends that stream only)
            log.exception("live stream failed")
            self._end(stream, gone=False)
            return
        if wait is None:
            self._end(stream, gone=False)
            return
        with self._lock:
            self._arriving.append((stream, wait))
        self._wake()

    def _end(self, stream, gone):
        stream.close(gone)  # (the stream's slot, counted by StreamSlots, goes back here)

    # -- on the hub's thread

    def _wake(self):
        try:
            self._wake_out.send(b"x")
        except BlockingIOError:  # already full of wake-ups: the hub will look anyway
            pass

    def _fire(self, stream):
        with self._lock:
            self._fired.add(stream)
        self._wake()

    def _run(self):
        while True:
            try:
                self._turn()
            except Exception:  # noqa: BLE001 (the hub must outlive any one stream)
                log.exception("stream hub")
                time.sleep(0.1)

    def _turn(self):
        timeout = None
        if self._timers:
            timeout = max(0.0, self._timers[0][0] - time.monotonic())
        due = []
        for key, _ in self._selector.select(timeout):
            if key.data is None:
                try:
                    while self._wake_in.recv(4096):
                        pass
                except BlockingIOError:
                    pass
            elif _gone(key.fileobj):
                due.append((key.data, True))
        with self._lock:
            arriving, self._arriving = self._arriving, []
            fired, self._fired = self._fired, set()
        now = time.monotonic()
        for stream, wait in arriving:
            try:
                self._park(stream, wait, now, fired)
            except Exception:  # noqa: BLE001 (that stream ends; the others go on)
                log.exception("parking a live stream")
                self._unpark(stream)
                self._submit_end(stream)
        due.extend((stream, False) for stream in fired if stream in self._parked)
        while self._timers and self._timers[0][0] <= now:
            _, ticket, stream = heapq.heappop(self._timers)
            if self._parked.get(stream) == ticket:
                due.append((stream, False))
        for stream, gone in due:
            if self._unpark(stream):
                if gone:
                    self._submit_end(stream)
                else:
                    self._run_step(stream)

    def _park(self, stream, wait, now, fired):
        ticket = next(self._tickets)
        self._parked[stream] = ticket  # first: _unpark undoes whatever follows
        stream.subscription = wait.subscription
        heapq.heappush(self._timers, (now + wait.timeout, ticket, stream))
        if len(self._timers) > 2 * len(self._parked) + 64:
            self._drop_stale_timers()
        self._selector.register(stream.sock, selectors.EVENT_READ, stream)
        # Told of later events first, then asked about earlier ones: none falls in between.
        wait.subscription.notify = partial(self._fire, stream)
        if wait.subscription.pending():
            fired.add(stream)

    def _drop_stale_timers(self):
        """Keep only the timers of current waits. A stream woken by an event before its
        timeout leaves its timer behind; in a bidding rush a thousand streams would leave
        thousands a second (each holding its stream) until their timeouts."""
        self._timers = [timer for timer in self._timers if self._parked.get(timer[2]) == timer[1]]
        heapq.heapify(self._timers)

    def _unpark(self, stream):
        """Take ``stream`` out of waiting; False if it was not waiting (already taken)."""
        if self._parked.pop(stream, None) is None:
            return False
        if stream.subscription is not None:
            stream.subscription.notify = None
        try:
            self._selector.unregister(stream.sock)
        except (KeyError, ValueError, OSError):
            pass
        return True

    def _submit_end(self, stream):
        try:
            self._submit(self._end, stream, True)
        except RuntimeError:
            self._end(stream, gone=True)


def _gone(sock):
    """Whether the page behind a waiting stream's (non-blocking) socket went away: a browser
    sends nothing more on an event stream, so what it does send is read and dropped."""
    try:
        data = sock.recv(4096)
    except (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
        return False
    except (OSError, ValueError):
        return True
    return not data
