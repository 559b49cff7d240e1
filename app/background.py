"""One background thread per worker process that handles queued items in batches.

Used where doing the work inside each request would cost every request a transaction of its
own: the traffic log (ACC-6) and e-mail delivery (ACC-7). Items are handed over with
the worker's ``add``; the thread wakes every ``interval`` seconds (or at once when woken)
and passes everything that gathered to the ``handle`` function it was given.
"""
import logging
import os
import threading

log = logging.getLogger(__name__)


class BatchWorker:
    """Pending items of one process and the thread that hands them to ``handle(items)``
    (which raises to have them kept for the next round)."""

    #: Past this many pending items the oldest are dropped (logged), so an outage of what
    #: ``handle`` talks to cannot exhaust memory.
    max_pending = 50_000

    def __init__(self, name, interval, handle):
        self.name = name
        self.interval = interval
        self.handle = handle
        self._items = []
        self._lock = threading.Lock()  # guards the pending list
        self._flushing = threading.Lock()  # one hand-over and handling at a time
        self._wake = threading.Event()
        self._pid = None
        self._thread = None

    def add(self, item, wake=False):
        """Queue ``item``; never blocks on the work itself. ``wake``: handle it now rather
        than at the next interval."""
        with self._lock:
            self._items.append(item)
            excess = len(self._items) - self.max_pending
            if excess > 0:
                del self._items[:excess]
                log.error("%s: %d unhandled items dropped", self.name, excess)
            self._start_if_needed()
        if wake:
            self._wake.set()

    def _start_if_needed(self):
        # Started lazily in the process that serves requests: a thread started before
        # gunicorn forks its workers would not exist in them.
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def flush(self):
        """Handle every pending item now; a flush already under way (the thread's, say) is
        waited for, so whoever calls this may rely on everything added before being handled.
        Returns how many were handled by this call."""
        with self._flushing:
            with self._lock:
                items, self._items = self._items, []
            if not items:
                return 0
            try:
                self.handle(items)
            except Exception:
                log.exception("%s: %d items not handled; retrying later", self.name,
                              len(items))
                with self._lock:
                    self._items[:0] = items
                    excess = len(self._items) - self.max_pending
                    if excess > 0:
                        del self._items[:excess]
                        log.error("%s: %d unhandled items dropped", self.name, excess)
                return 0
            return len(items)
