"""A worker runs at most ACTIVE_REQUESTS_PER_WORKER requests at once (app/request_slots.py):
the rest wait without holding one; live streams, slow request bodies and uploads never
hold a slot. Plain WSGI apps in real threads, then the real app through the middleware."""
import io
import threading
import time

from app.request_slots import PREREAD_BYTES, RequestSlots
from tests.conftest import PASSWORD, post_form

WAIT = 5  # seconds a test waits for a thread before failing, never reached when it works


class Gate:
    """A WSGI app that records how many requests are inside it at once; each request stays
    until it is let go (``release``) and answers with the body it read."""

    def __init__(self):
        self.inside = 0
        self.most = 0
        self.entered = threading.Semaphore(0)
        self.leave = threading.Semaphore(0)
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        self.entered.release()
        try:
            assert self.leave.acquire(timeout=WAIT)
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        finally:
            with self.lock:
                self.inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]

    def wait_entered(self, n):
        for _ in range(n):
            assert self.entered.acquire(timeout=WAIT), "a request never reached the app"

    def release(self, n):
        for _ in range(n):
            self.leave.release()


def environ(body=b"", length=None, stream=None):
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "CONTENT_LENGTH":
            str(len(body) if length is None else length),
            "wsgi.input": stream if stream is not None else io.BytesIO(body)}


def call(app, env, results):
    def start_response(status, headers):
        results.append(status)
    results.append(b"".join(app(env, start_response)))


def start(app, env, results):
    thread = threading.Thread(target=call, args=(app, env, results), daemon=True)
    thread.start()
    return thread


def test_no_more_than_the_slots_run_at_once_and_the_rest_wait_their_turn():
    gate = Gate()
    app = RequestSlots(gate, 2)
    results = []
    threads = [start(app, environ(b"amount=%d" % n), results) for n in range(6)]
    gate.wait_entered(2)
    time.sleep(0.2)  # the other four would be inside by now if nothing held them back
    assert gate.inside == 2
    gate.release(6)
    for thread in threads:
        thread.join(WAIT)
    assert gate.most == 2
    bodies = sorted(r for r in results if isinstance(r, bytes))
    assert bodies == sorted(b"amount=%d" % n for n in range(6))  # every body arrived whole


class SlowBody(io.RawIOBase):
    """A request body whose bytes arrive only when the test says so."""

    def __init__(self, data):
        self.data = data
        self.arrived = threading.Event()

    def read(self, size=-1):
        assert self.arrived.wait(WAIT)
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def test_a_client_sending_its_body_slowly_holds_no_slot():
    gate = Gate()
    app = RequestSlots(gate, 1)
    slow_body = SlowBody(b"csrf_token=x&amount=1500")
    slow_results, quick_results = [], []
    slow = start(app, environ(length=len(slow_body.data), stream=slow_body), slow_results)
    time.sleep(0.1)
    quick = start(app, environ(b"amount=2000"), quick_results)
    gate.wait_entered(1)  # the quick request got the only slot while the slow body trickles
    gate.release(1)
    quick.join(WAIT)
    assert quick_results[-1] == b"amount=2000"
    slow_body.arrived.set()
    gate.wait_entered(1)
    gate.release(1)
    slow.join(WAIT)
    assert slow_results[-1] == b"csrf_token=x&amount=1500"


def test_uploads_and_bodies_of_unknown_length_are_not_held_back():
    gate = Gate()
    app = RequestSlots(gate, 1)
    holder = start(app, environ(b"a=1"), [])
    gate.wait_entered(1)  # the only slot is taken
    upload = b"x" * (PREREAD_BYTES + 1)
    upload_results, chunked_results = [], []
    others = [start(app, environ(upload), upload_results)]
    chunked = environ(b"3\r\nabc\r\n0\r\n\r\n", length="")
    chunked["HTTP_TRANSFER_ENCODING"] = "chunked"
    others.append(start(app, chunked, chunked_results))
    gate.wait_entered(2)  # both went in beside the slot holder
    assert gate.inside == 3
    gate.release(3)
    for thread in [holder, *others]:
        thread.join(WAIT)
    assert upload_results == ["200 OK", upload]
    assert chunked_results == ["200 OK", b""]  # (this app reads no chunked body)


def test_a_streamed_answer_lets_go_of_its_slot_when_the_view_returns():
    """A live page's events are produced while the answer is sent: outside the slot."""
    def streaming(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream")])

        def events():
            yield b"event: bid\n\n"
        return events()

    app = RequestSlots(streaming, 1)
    open_streams = [app(environ(), lambda *a: None) for _ in range(3)]  # none consumed yet
    gate = Gate()
    app.wsgi_app = gate
    results = []
    thread = start(app, environ(b"a=1"), results)
    gate.wait_entered(1)  # three open streams, and the one slot is still free
    gate.release(1)
    thread.join(WAIT)
    assert [b"".join(stream) for stream in open_streams] == [b"event: bid\n\n"] * 3


def test_the_site_runs_behind_the_slots_with_forms_intact(make_app, make_member):
    """The real app, limited as in production: a log-in form's body reaches the view."""
    app = make_app(ACTIVE_REQUESTS_PER_WORKER=2)
    assert isinstance(app.wsgi_app, RequestSlots)
    with app.app_context():
        member = make_member()
        client = app.test_client()
        response = post_form(client, "/login", {"email": member.email,
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert not isinstance(make_app().wsgi_app, RequestSlots)  # tests' own default: no limit
