"""Running wrk (`apt-get install -y wrk`) and reading its report."""

from __future__ import annotations

import re
import shutil
import subprocess
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
    """`wrk -t2 -c16 -d<seconds>s --latency url`, with `Accept-Encoding: gzip` if asked."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if gzip:
        command += ["-H", "Accept-Encoding: gzip"]
    done = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return parse(done.stdout)


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
