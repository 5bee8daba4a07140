"""The smallest Flask app, run under the same gunicorn settings as the site: what a page's
requests per second are divided by, so figures from a busy, shared machine compare."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.get("/healthz")
def healthz() -> str:
    return "ok"  # the start-up check the site's server gets too
