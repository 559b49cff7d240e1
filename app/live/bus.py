"""The event bus: services publish small events after commit; open pages' streams wait for
them. In-process without Redis; Redis pub/sub with ``REDIS_URL``, so every gunicorn worker
and host sees every event.

Each process keeps one local hub of subscriptions. With Redis, a single listener thread per
process receives every event and hands it to the local subscribers, so a thousand open pages
cost one Redis connection, not a thousand.
"""
import json
import threading
from collections import defaultdict

PREFIX = "talat:"


class Subscription:
    """One waiting stream. Only the latest event matters to a page (it re-renders the current
    state), so events that arrive while the stream is busy are coalesced into the newest."""

    def __init__(self, hub, channel):
        self._hub, self.channel = hub, channel
        self._event = threading.Event()
        self._latest = None

    def put(self, message):
        self._latest = message
        self._event.set()

    def get(self, timeout):
        """The newest event since the last call, or None after ``timeout`` seconds."""
        if not self._event.wait(timeout):
            return None
        self._event.clear()
        message, self._latest = self._latest, None
        return message

    def close(self):
        self._hub.unsubscribe(self)


class LocalHub:
    """Subscriptions of this process, by channel."""

    def __init__(self):
        self._lock = threading.Lock()
        self._channels = defaultdict(set)

    def subscribe(self, channel):
        subscription = Subscription(self, channel)
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

    def __init__(self):
        self.hub = LocalHub()

    def publish(self, channel, payload):
        self.hub.dispatch(channel, payload)

    def subscribe(self, channel):
        return self.hub.subscribe(channel)


class RedisBus:
    """Events go through Redis pub/sub to every process that listens."""

    def __init__(self, url):
        import redis

        self._redis = redis.Redis.from_url(url)
        self.hub = LocalHub()
        self._listener = None
        self._pid = None
        self._lock = threading.Lock()

    def publish(self, channel, payload):
        self._redis.publish(PREFIX + channel, json.dumps(payload))

    def subscribe(self, channel):
        self._ensure_listener()
        return self.hub.subscribe(channel)

    def _ensure_listener(self):
        import os

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
            ready.wait(5)

    def _listen(self, ready):
        import time

        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(PREFIX + "*")
                ready.set()
                for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"].decode()[len(PREFIX):]
                    self.hub.dispatch(channel, json.loads(message["data"]))
            except Exception:  # Redis went away: wait and listen again; pages poll meanwhile
                ready.set()
                time.sleep(1)
