"""The baseline the benchmarks compare against: a minimal Flask page that reads 12 rows from
SQLite and renders them with a template file (ARCHITECTURE: known traps)."""
import os
import sqlite3

from flask import Flask, g, render_template

DB = os.environ["BASELINE_DB"]
app = Flask(__name__, template_folder="baseline_templates")


def prepare(path):
    """Create the baseline's table with a few hundred rows."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, title TEXT, "
                       "price INTEGER)")
    if not connection.execute("SELECT count(*) FROM items").fetchone()[0]:
        connection.executemany("INSERT INTO items (title, price) VALUES (?, ?)",
                               [(f"พระสมเด็จ รายการที่ {i}", i * 100) for i in range(500)])
    connection.commit()
    connection.close()


def _db():
    if "db" not in g:
        g.db = sqlite3.connect(DB)
    return g.db


@app.teardown_appcontext
def _close(_error):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


@app.route("/")
def index():
    rows = _db().execute("SELECT id, title, price FROM items ORDER BY id DESC LIMIT 12").fetchall()
    return render_template("items.html", rows=rows)
