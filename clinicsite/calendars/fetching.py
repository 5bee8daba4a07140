"""One careful HTTP GET of a calendar's address.

A feed is a stranger's server: every step is bounded. Connecting and each read have a
timeout and the whole download a deadline (a server trickling a byte a second cannot hold
the sync), the body a size limit (checked as it arrives, not trusted from Content-Length),
redirects a count, and each hop must be http(s) as the address had to be. In production
the host must not be on a private network (no asking our own machines through a feed).
The validators of the last answer (ETag, Last-Modified) are sent back, so an unchanged
feed answers 304 and costs nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

from clinicsite.calendars.addresses import BadAddress, normalise

USER_AGENT = "clinicsite-calendar-sync/1 (+busy times for online booking)"


class FetchError(Exception):
    """The feed could not be read; the message says why, in words for staff."""


@dataclass(frozen=True)
class Limits:
    connect_seconds: float = 5.0
    read_seconds: float = 10.0
    total_seconds: float = 30.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 3
    allow_http: bool = False  # http:// only for a local test server
    allow_private: bool = False  # hosts on loopback or private networks

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        return cls(
            connect_seconds=float(config.get("CALENDAR_CONNECT_TIMEOUT", cls.connect_seconds)),
            read_seconds=float(config.get("CALENDAR_READ_TIMEOUT", cls.read_seconds)),
            total_seconds=float(config.get("CALENDAR_TOTAL_TIMEOUT", cls.total_seconds)),
            max_bytes=int(config.get("CALENDAR_MAX_BYTES", cls.max_bytes)),
            allow_http=bool(config.get("CALENDAR_ALLOW_HTTP", False)),
            allow_private=bool(config.get("CALENDAR_ALLOW_PRIVATE_HOSTS", False)),
        )


@dataclass(frozen=True)
class Fetched:
    """A feed's answer: `body` None when unchanged since the validators sent (304)."""

    body: bytes | None
    etag: str = ""
    last_modified: str = ""


def fetch(url: str, limits: Limits, etag: str = "", last_modified: str = "") -> Fetched:
    """GET `url` within `limits`, following at most `limits.max_redirects` redirects.
    Raises FetchError with a message for staff."""
    deadline = time.monotonic() + limits.total_seconds
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    pool = urllib3.PoolManager(retries=False)
    try:
        for _ in range(limits.max_redirects + 1):
            _check_hop(url, limits)
            response = _get(pool, url, headers, limits)
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError("The calendar's server redirected nowhere.")
                    url = urljoin(url, location)
                    continue
                return _answer(response, limits, deadline)
            finally:
                response.release_conn()
        raise FetchError(
            f"The calendar's address redirected more than {limits.max_redirects} times."
        )
    finally:
        pool.clear()


def _get(pool: urllib3.PoolManager, url: str, headers: dict, limits: Limits):
    timeout = urllib3.Timeout(connect=limits.connect_seconds, read=limits.read_seconds)
    try:
        return pool.request(
            "GET", url, headers=headers, timeout=timeout, redirect=False, preload_content=False
        )
    except urllib3.exceptions.NewConnectionError as error:  # a ConnectTimeoutError too
        reason = _reason(error)
        raise FetchError(f"The calendar's server could not be reached ({reason}).") from None
    except urllib3.exceptions.ConnectTimeoutError:
        raise FetchError("The calendar's server did not answer in time.") from None
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError("The calendar's server took too long to answer.") from None
    except urllib3.exceptions.HTTPError as error:
        reason = _reason(error)
        raise FetchError(f"The calendar's server could not be reached ({reason}).") from None


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    text = str(reason).split(": ", 1)[-1]
    return text[:150]


def _check_hop(url: str, limits: Limits) -> None:
    """Each address on the way is checked like the one typed in, and where it resolves."""
    try:
        normalise(url, limits.allow_http)
    except BadAddress as bad:
        message = f"The calendar's server sent us to an address we do not follow: {bad}"
        raise FetchError(message) from None
    if limits.allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise FetchError(f"The calendar's host ({host}) was not found.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError(f"The calendar's host ({host}) is on a private network.")


def _answer(response, limits: Limits, deadline: float) -> Fetched:
    etag = response.headers.get("ETag", "")[:500]
    last_modified = response.headers.get("Last-Modified", "")[:100]
    if response.status == 304:
        return Fetched(None, etag, last_modified)
    if response.status != 200:
        raise FetchError(f"The calendar's server answered with an error (HTTP {response.status}).")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_big(limits)
    body = bytearray()
    try:
        # read1 returns what has arrived, so the deadline is checked as a slow server
        # trickles (stream() would wait for a whole chunk first).
        while chunk := response.read1(64 * 1024, decode_content=True):
            body += chunk
            if len(body) > limits.max_bytes:
                raise _too_big(limits)
            if time.monotonic() > deadline:
                raise FetchError("The calendar took too long to download.")
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError("The calendar's server took too long to answer.") from None
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"The calendar's download broke off ({_reason(error)}).") from None
    return Fetched(bytes(body), etag, last_modified)


def _too_big(limits: Limits) -> FetchError:
    megabytes = limits.max_bytes / (1024 * 1024)
    return FetchError(f"The calendar is larger than {megabytes:g} MB; we do not read it.")
