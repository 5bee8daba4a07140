"""The repository's gunicorn.conf.py with the access log off, for benchmarks: every other
setting (workers, threads, timeouts, error log) is production's own. Writing a line per
request to a terminal or file would be timed along with the site."""

import runpy
from pathlib import Path

_production = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
globals().update({k: v for k, v in _production.items() if not k.startswith("__")})
accesslog = None
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl):
# the site and hello-world here, and any other gunicorn of the same user, would take it
# from each other. Nothing in a benchmark uses it.
control_socket_disable = True
