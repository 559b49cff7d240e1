"""Stopping a gunicorn the tests started (browser tests' live server, the live hub's tests).

Start it with ``start_new_session=True``: :func:`stop_gunicorn` then stops the master and every
worker of its session. A worker can hang in gunicorn's quick stop (seen: its SIGINT handler
waiting on a lock its own thread held), and the master gives up on it only after the graceful
timeout (20 s); killing the master alone left that worker running, still listening, after the
whole test run (found: two such processes after one `make test`)."""
import os
import signal
import subprocess


def stop_gunicorn(server, timeout=5):
    """Quick-stop ``server`` (a ``Popen`` of gunicorn's master, started in a session of its
    own), then kill whatever of its session is left."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()
