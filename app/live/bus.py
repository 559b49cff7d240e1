"""The event bus: services publish small events after commit; open pages' streams wait for
them. In-process without Redis; Redis pub/sub with ``REDIS_URL``, so every gunicorn worker
and host sees every event.

Each process keeps one local hub of subscriptions. With Redis, a single listener thread per
process receives every event and hands it to the local subscribers, so a thousand open pages
cost one Redis connection, not a thousand.
"""
import json
import os
import threading
from collections import defaultdict

PREFIX = "talat:"
#: Dispatched in this process alone when its Redis listener is back after losing its
#: connection: whoever keeps state by the events (the visitors' page cache) drops it.
RECONNECTED = "bus:reconnected"


class Subscription:
    """One waiting stream. Only the latest event matters to a page (it re-renders the current
    state), so events that arrive while the stream is busy are coalesced into the newest."""

    def __init__(self, hub, channel):
        self._hub, self.channel = hub, channel
        self._event = threading.Event()
        self._latest = None
        #: Called (from the publishing thread) after each event, when set: how the stream hub
        #: of a gunicorn worker learns that a stream it holds has something to send.
        self.notify = None

    def put(self, message):
        self._latest = message
        self._event.set()
        notify = self.notify
        if notify is not None:
            notify()

    def pending(self):
        """True when an event is waiting to be taken."""
        return self._event.is_set()

    def wait(self, timeout):
        """Block until an event is waiting or ``timeout`` seconds passed (taking nothing)."""
        return self._event.wait(timeout)

    def get(self, timeout):
        """The newest event since the last call, or None after ``timeout`` seconds."""
        if not self._event.wait(timeout):
            return None
        self._event.clear()
        message, self._latest = self._latest, None
        return message

    def close(self):
        self._hub.unsubscribe(self)


class Listener:
    """A process-wide handler of a channel's events (the visitors' page cache dropping its
    pages): ``callback(message)`` runs for every event, in the thread that delivers it (the
    publisher's in process, the Redis listener's otherwise), so it must be quick."""

    def __init__(self, hub, channel, callback):
        self._hub, self.channel, self.callback = hub, channel, callback

    def put(self, message):
        self.callback(message)

    def close(self):
        self._hub.unsubscribe(self)


class LocalHub:
    """Subscriptions of this process, by channel."""

    def __init__(self):
        self._lock = threading.Lock()
        self._channels = defaultdict(set)

    def subscribe(self, channel, callback=None):
        """A :class:`Subscription` to wait on, or with ``callback`` a :class:`Listener`."""
        subscription = Subscription(self, channel) if callback is None \
            else Listener(self, channel, callback)
        with self._lock:
            self._channels[channel].add(subscription)
        return subscription

    def unsubscribe(self, subscription):
        with self._lock:
            subscribers = self._channels.get(subscription.channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._channels[subscription.channel]

    def dispatch(self, channel, message):
        with self._lock:
            subscribers = list(self._channels.get(channel, ()))
        for subscription in subscribers:
            subscription.put(message)

    def count(self, channel=None):
        with self._lock:
            if channel is not None:
                return len(self._channels.get(channel, ()))
            return sum(len(s) for s in self._channels.values())


class InProcessBus:
    """Events reach the subscribers of this process only: right for one process."""

    cross_process = False

    def __init__(self):
        self.hub = LocalHub()

    def publish(self, channel, payload):
        self.hub.dispatch(channel, payload)

    def subscribe(self, channel):
        return self.hub.subscribe(channel)

    def listen(self, channel, callback):
        """Run ``callback(message)`` for each event on ``channel`` (:class:`Listener`)."""
        return self.hub.subscribe(channel, callback)

    def ensure_listening(self):
        """Nothing to start: events never leave this process."""

    def close(self):
        """Nothing to stop."""


class StreamSlots:
    """A per-process cap on open live streams. Under gthread workers each open stream holds
    a thread; past the cap a page is told to poll instead, so the threads left over keep
    serving ordinary requests. ``limit`` None means no cap."""

    def __init__(self, limit):
        self.limit = limit
        self._lock = threading.Lock()
        self.open = 0

    def acquire(self):
        """Take a slot; False when all are taken."""
        with self._lock:
            if self.limit is not None and self.open >= self.limit:
                return False
            self.open += 1
            return True

    def release(self):
        with self._lock:
            self.open = max(0, self.open - 1)


class RedisBus:
    """Events go through Redis pub/sub to every process that listens.

    Pub/sub ignores Redis database numbers, so channels carry a prefix naming the database
    (``talat:<db>:``): two sites sharing one Redis on different databases never hear each
    other."""

    cross_process = True

    def __init__(self, url, prefix=None):
        import redis

        self._redis = redis.Redis.from_url(url)
        db_number = self._redis.connection_pool.connection_kwargs.get("db", 0)
        self.prefix = prefix or f"{PREFIX}{db_number}:"
        self.hub = LocalHub()
        self._listener = None
        self._pid = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def publish(self, channel, payload):
        self._redis.publish(self.prefix + channel, json.dumps(payload))

    def subscribe(self, channel):
        self._ensure_listener()
        return self.hub.subscribe(channel)

    def listen(self, channel, callback):
        """Run ``callback(message)`` for each event on ``channel`` from any process
        (:class:`Listener`); call :meth:`ensure_listening` again in a forked child."""
        self._ensure_listener()
        return self.hub.subscribe(channel, callback)

    def ensure_listening(self):
        """Start this process's listener if it has none (a forked worker), and return once
        Redis has confirmed the subscription (or after a few seconds without Redis)."""
        self._ensure_listener()

    def close(self):
        """Stop this process's listener (tests; a worker simply exits)."""
        self._stopped.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def _ensure_listener(self):
        with self._lock:
            # A forked worker has no listener thread of its own yet (threads do not survive
            # fork): start one per process.
            if self._listener is not None and self._pid == os.getpid() and \
                    self._listener.is_alive():
                return
            self._pid = os.getpid()
            ready = threading.Event()
            self._listener = threading.Thread(target=self._listen, args=(ready,),
                                              name="talat-live-redis", daemon=True)
            self._listener.start()
        # Wait until Redis confirms the subscription, so no event published after this
        # returns is missed (bounded: without Redis the page polls instead).
        ready.wait(5)

    def _listen(self, ready):
        lost = False
        while not self._stopped.is_set():
            pubsub = self._redis.pubsub()
            try:
                pubsub.psubscribe(self.prefix + "*")
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message.get("type") == "psubscribe":
                        ready.set()
                        if lost:  # events published meanwhile never came
                            lost = False
                            self.hub.dispatch(RECONNECTED, {})
                    elif message.get("type") == "pmessage":
                        channel = message["channel"].decode()[len(self.prefix):]
                        self.hub.dispatch(channel, json.loads(message["data"]))
            except Exception:  # Redis went away: wait and listen again; pages poll meanwhile
                lost = True
                ready.set()
                self._stopped.wait(1)
            finally:
                try:
                    pubsub.close()
                except Exception:  # noqa: BLE001 (closing a broken connection)
                    pass
