"""gunicorn's threaded worker, with live streams held by a :class:`StreamHub` instead of a
thread each (``worker_class = "app.live.gunicorn_worker.LiveStreamWorker"``, the default of
gunicorn.conf.py).

Requests are served as by gthread. A live view served here leaves its stream in the environ
(app/live/sse.py); once the view has answered, the worker sends the response's headers,
hands the connection to the hub and lets gunicorn finish the request without a body and
without closing the connection: the thread goes back to serving requests at once."""
import errno
import threading
import time

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
            if type(response) is not Response:  # not HTTP/1 (HTTP/2): served as usual
                return app(environ, start_response)
            environ[HUB_KEY] = True
            body = app(environ, start_response)
            stream = environ.pop(STREAM_KEY, None)
            if stream is None:
                return body
            if response.status_code != 200 or environ.get("REQUEST_METHOD") != "GET":
                stream.chunks.close()  # an error, or HEAD: no stream to keep
                return body
            sock = environ["gunicorn.socket"]
            chunked = response.chunked
            # The connection ends with the stream: the headers say so.
            response.force_close()
            try:
                response.send_headers()
            except BaseException:
                stream.chunks.close()
                body.close()  # gives the stream's slot back
                raise
            # From here on the hub writes (and frames) the body; gunicorn sends nothing more,
            # and leaves the connection open (see finish_request).
            response.chunked = False
            with self._handed_over_lock:
                self._handed_over.add(sock)
            self.hub.adopt(stream, sock, chunked, body)
            return []
        return serve

    def accept(self, listener):
        # Open streams are not counted among gunicorn's connections: should the process run
        # out of file descriptors, wait a moment instead of exiting (which would drop every
        # stream at once, and they would all come back together).
        try:
            super().accept(listener)
        except OSError as error:
            if error.errno not in (errno.EMFILE, errno.ENFILE):
                raise
            now = time.monotonic()
            if now - getattr(self, "_warned_at", 0) > 10:
                self._warned_at = now
                self.log.warning("out of file descriptors: not accepting for a moment "
                                 "(lower LIVE_MAX_STREAMS or raise the open-file limit)")
            time.sleep(0.05)

    def finish_request(self, conn, fs):
        with self._handed_over_lock:
            handed_over = conn.sock in self._handed_over
            self._handed_over.discard(conn.sock)
        if handed_over:
            self.nr_conns -= 1  # the hub has it now (and closes it)
            return
        super().finish_request(conn, fs)
