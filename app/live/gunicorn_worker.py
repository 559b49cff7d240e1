"""gunicorn's threaded worker, with live streams held by a :class:`StreamHub` instead of a
thread each (``worker_class = "app.live.gunicorn_worker.LiveStreamWorker"``, the default of
gunicorn.conf.py).

Requests are served as by gthread. A live view served here leaves its stream in the environ
(app/live/sse.py); once the view has answered, the worker sends the response's headers,
hands the connection to the hub and lets gunicorn finish the request without a body and
without closing the connection: the thread goes back to serving requests at once."""
import threading

from gunicorn.http.wsgi import Response
from gunicorn.workers.gthread import ThreadWorker

from app.live.hub import HUB_KEY, STREAM_KEY, StreamHub


class LiveStreamWorker(ThreadWorker):
    """gthread, with live streams apart from the request threads."""

    def run(self):
        self.hub = StreamHub(self.tpool.submit)
        self._handed_over = set()
        self._handed_over_lock = threading.Lock()
        super().run()

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = self._serving_streams(self.wsgi)

    def _serving_streams(self, app):
        def serve(environ, start_response):
            response = getattr(start_response, "__self__", None)
            if not isinstance(response, Response):  # not HTTP/1 (HTTP/2): served as usual
                return app(environ, start_response)
            environ[HUB_KEY] = True
            body = app(environ, start_response)
            stream = environ.pop(STREAM_KEY, None)
            if stream is None:
                return body
            if response.status_code != 200:  # the view's stream never got going (an error)
                stream.chunks.close()
                return body
            sock = environ["gunicorn.socket"]
            chunked = response.chunked
            response.send_headers()
            # From here on the hub writes (and frames) the body; gunicorn sends nothing more,
            # and leaves the connection open (see finish_request).
            response.chunked = False
            response.force_close()
            with self._handed_over_lock:
                self._handed_over.add(sock)
            self.hub.adopt(stream, sock, chunked, body)
            return []
        return serve

    def finish_request(self, conn, fs):
        with self._handed_over_lock:
            handed_over = conn.sock in self._handed_over
            self._handed_over.discard(conn.sock)
        if handed_over:
            self.nr_conns -= 1  # the hub has it now (and closes it)
            return
        super().finish_request(conn, fs)
