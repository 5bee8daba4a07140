"""Running wrk (`apt-get install -y wrk`) and reading its report."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bad: int  # non-2xx/3xx answers and socket errors: a figure with these is not a page's


def available() -> bool:
    return shutil.which("wrk") is not None


def run(url: str, seconds: int = 10, gzip: bool = False) -> Result:
    """`wrk -t2 -c16 -d<seconds>s --latency --timeout 30s url`, with `Accept-Encoding: gzip`
    if asked. wrk's own timeout (2 s) would drop the slow pages' answers from the latencies
    and count them as errors; 30 s is gunicorn's worker timeout."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    if gzip:
        command += ["-H", "Accept-Encoding: gzip"]
    done = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    )
    if done.returncode:
        raise RuntimeError(f"wrk on {url} failed ({done.returncode}): {done.stderr}{done.stdout}")
    result = parse(done.stdout)
    # wrk stops sending at the end, but the server still works through the requests it
    # had taken: up to one per connection, 16 on 2 x 4 threads, so two rounds of at most
    # the p99 latency each. Let it finish before the next page is timed.
    time.sleep(max(1.0, 2 * result.p99_ms / 1000))
    return result


def parse(report: str) -> Result:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", report, re.M).groups()
        return float(value) * UNITS[unit]

    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", report, re.M).group(1))
    bad = sum(
        int(n)
        for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", report)
        + re.findall(r"(?:connect|read|write|timeout) (\d+)", report)
    )
    return Result(rate, latency("50"), latency("99"), bad)
