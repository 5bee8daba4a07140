"""The booking write path under load: threads of clients each booking a time in full.

One booking is what a client and Stripe do: GET the details form, POST it back with its
CSRF token (the site holds the time and creates a Checkout Session on the Stripe stand-in),
then the client pays and Stripe delivers the signed `checkout.session.completed` webhook
(the site reads the session back from the stand-in and confirms). Every booking is a new
client (own cookies, own address in X-Forwarded-For as behind the proxy, own email) at a
start no other booking of the run takes, for the service with a deposit.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.rehearsal.standin import StripeStandIn
from tests.support.booking_helpers import (
    CLIENT_DETAILS,
    NMT,
    details_url,
    extract_hidden_fields,
    session_id_from,
)
from tests.support.stripe_stub import signed_event

# The demo clinic asks more than the tests' clinic: its pressure question and its consent box
# (clinicsite/demo/content/intake.toml).
DEMO_INTAKE = {"pressure": "Medium", "treatment_consent": "y"}


class Browser:
    """A client on one keep-alive connection; cookies kept by hand because the site's are
    Secure (production) and this is plain HTTP on the loopback."""

    def __init__(self, base: str, address: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.address, self.cookies = address, {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = http.client.HTTPResponse
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.headers, data

    def close(self) -> None:
        self.connection.close()


def free_starts(base: str, days: int, first_day: str, service: str = NMT) -> list[dict]:
    """Starts that no two bookings share and that never overlap for one therapist (each
    start at least an hour and a half after the therapist's previous one)."""
    browser, slots = Browser(base, "198.18.255.254"), []
    day = datetime.fromisoformat(first_day).date()
    for offset in range(0, days, 31):
        query = urlencode(
            {
                "service": service,
                "date": (day + timedelta(offset)).isoformat(),
                "days": min(31, days - offset),
            }
        )
        status, _, body = browser.request("GET", f"/api/availability?{query}")
        assert status == 200, body[:300]
        answer = json.loads(body)
        slots += [{**s, "option_id": answer["option"]["id"]} for s in answer["slots"]]
    browser.close()
    chosen, last = [], {}
    for slot in sorted(slots, key=lambda s: (s["therapist"], s["start"])):
        start = datetime.fromisoformat(slot["start"])
        if slot["therapist"] not in last or start >= last[slot["therapist"]]:
            chosen.append(slot)
            last[slot["therapist"]] = start + timedelta(minutes=90)
    return sorted(chosen, key=lambda s: s["start"])


def book(base: str, stripe: StripeStandIn, slot: dict, number: int) -> dict[str, float]:
    """One full booking; the seconds each step took. Raises when a step is refused."""
    browser = Browser(base, f"198.18.{number // 250}.{number % 250 + 1}")
    try:
        url = details_url(
            NMT, slot["option_id"], slot["location"], slot["therapist"], slot["start"]
        )
        times, started = {}, time.perf_counter()
        status, _, page = browser.request("GET", url)
        assert status == 200, f"details form: {status}"
        times["form"] = time.perf_counter() - started
        fields = {
            **extract_hidden_fields(page.decode()),
            **CLIENT_DETAILS,
            **DEMO_INTAKE,
            "email": f"load{number}@example.net",
        }
        started = time.perf_counter()
        status, headers, body = browser.request(
            "POST",
            "/book/details",
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 303, f"details POST: {status} {body[:200]!r}"
        times["hold"] = time.perf_counter() - started
        paid = stripe.complete_session(session_id_from(headers["Location"]))
        payload, signature = signed_event(
            "checkout.session.completed", paid, secret=stripe.webhook_secret
        )
        started = time.perf_counter()
        hook = Browser(base, "127.0.0.1")  # Stripe is another client
        status, _, body = hook.request(
            "POST",
            "/stripe/webhook",
            payload,
            {"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        hook.close()
        assert status == 200, f"webhook: {status} {body[:200]!r}"
        times["webhook"] = time.perf_counter() - started
        return times
    finally:
        browser.close()


def load(base: str, stripe: StripeStandIn, slots: list[dict], threads: int) -> dict:
    """Book every slot from `threads` threads; bookings per second and each step's median."""
    lock, timings, failures = threading.Lock(), [], []
    queue = list(enumerate(slots))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                number, slot = queue.pop(0)
            try:
                done = book(base, stripe, slot, number)
            except (AssertionError, OSError, http.client.HTTPException) as exc:
                with lock:
                    failures.append(str(exc))
                continue
            with lock:
                timings.append(done)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    medians = {
        step: statistics.median(t[step] for t in timings) * 1000 if timings else 0.0
        for step in ("form", "hold", "webhook")
    }
    return {
        "bookings": len(timings),
        "failures": failures,
        "seconds": elapsed,
        "per_second": len(timings) / elapsed,
        "median_ms": medians,
    }
