"""What gunicorn says at start about settings that serve users badly (ACC-1, ACC-8, AUC-2):
several workers without Redis, and mail delivered inline (the tests' setting)."""
import importlib.util
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


class Log:
    def __init__(self):
        self.warnings = []

    def warning(self, message, *args):
        self.warnings.append(message % args)


class Server:
    def __init__(self):
        self.log = Log()


def warnings_at_start(monkeypatch, **environment):
    for name in ("WEB_CONCURRENCY", "REDIS_URL", "MAIL_DELIVERY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LIVE_MAX_STREAMS", "100")  # (read, not set, by the settings file)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    server = Server()
    conf.when_ready(server)
    return server.log.warnings


@pytest.mark.parametrize("delivery, warned", [("inline", True), ("thread", False), ("", False)])
def test_serving_with_mail_delivered_inline_is_warned_about_acc_1(monkeypatch, delivery,
                                                                   warned):
    said = warnings_at_start(monkeypatch, WEB_CONCURRENCY="2", REDIS_URL="redis://x",
                             MAIL_DELIVERY=delivery)
    assert any("MAIL_DELIVERY=inline" in line for line in said) == warned, said


@pytest.mark.parametrize("workers, redis, warned", [("2", "", True), ("1", "", False),
                                                    ("2", "redis://127.0.0.1:6379/0", False)])
def test_several_workers_without_redis_are_warned_about_acc_8_auc_2(monkeypatch, workers,
                                                                     redis, warned):
    said = warnings_at_start(monkeypatch, WEB_CONCURRENCY=workers, REDIS_URL=redis)
    assert any("without REDIS_URL" in line for line in said) == warned, said
