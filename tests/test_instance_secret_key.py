"""The development secret key kept in the instance folder (``app/config.py``), found when the
browser tests started gunicorn on a fresh folder: its two workers, starting together, each
found no key file; one read the other's file while still empty and served every page with
"the session is unavailable because no secret key was set" (a 500 on the log-in page), and a
worker could also keep a key the other then overwrote (each worker signing with its own)."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import config

REPO_ROOT = Path(__file__).resolve().parents[1]
READ_KEY = """
import sys, time
start = float(sys.argv[1])
from app.config import _secret_key
while time.time() < start:
    pass
print(_secret_key("development"))
"""


def test_processes_starting_together_on_a_new_instance_folder_share_one_whole_key(tmp_path):
    """Eight processes read the key at the same moment from a folder with none: each gets
    the same non-empty key, the one the file holds (before, they often got different ones,
    or an empty one)."""
    env = {**os.environ, "TALAT_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("SECRET_KEY", None)
    env.pop("TALAT_ENV", None)
    start = time.time() + 3
    processes = [subprocess.Popen([sys.executable, "-c", READ_KEY, str(start)], cwd=REPO_ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(8)]
    keys = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        keys.append(out.strip())
    stored = (tmp_path / "instance" / "secret_key").read_text().strip()
    assert len(stored) == 64 and set(keys) == {stored}
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["secret_key"]
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_empty_key_file_is_named_instead_of_serving_without_a_key(tmp_path, monkeypatch):
    """A key file left empty (a crash while it was written) stops the start with a message
    naming the file, instead of pages failing one by one."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(config.ConfigError, match="secret_key is empty"):
        config._secret_key("development")


def test_a_key_another_process_made_meanwhile_is_the_one_kept(tmp_path, monkeypatch):
    """The race, step by step: this process finds no key file; another makes one at that
    moment; this one then keeps and returns the other's key (it overwrote it before, so the
    two processes signed sessions with different keys)."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    key_file = tmp_path / "secret_key"
    real_exists = Path.exists

    def looked_before_the_other_made_it(path):
        if path == key_file and not real_exists(path):
            key_file.write_text("a" * 64)  # the other process's key, just written
            return False
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", looked_before_the_other_made_it)
    assert config._secret_key("development") == "a" * 64
    assert key_file.read_text() == "a" * 64
