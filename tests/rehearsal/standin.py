"""Stripe as the rehearsal meets it: the API stub of tests/support/stripe_stub.py on one
port, a hosted checkout page on another origin (another port), and webhooks delivered the
way Stripe delivers them.

    with StripeStandIn(webhook_secret=WEBHOOK_SECRET) as stripe_:
        stripe_.site_url = "http://127.0.0.1:8123"      # where /stripe/webhook is
        stripe_.url            # API base for the app (STRIPE_API_BASE)
        stripe_.checkout_origin  # the hosted page's origin (STRIPE_CHECKOUT_ORIGIN)
        stripe_.plan = WebhookPlan(delay=1.0, failures=1, duplicates=1)
        ... the browser presses Pay on the hosted page ...
        stripe_.wait_idle()    # every webhook delivered (or given up)
        stripe_.deliveries     # what the site answered, attempt by attempt

The hosted page (GET /c/pay/<session id>) shows "Test payment", the amount and a Pay button;
a "Back" link leads to the session's cancel_url. Pressing Pay completes the session, answers
303 to its success_url and sends the events in a background thread, following `plan`:

- `delay`: seconds before the first delivery (Stripe is never instant);
- `failures`: the first N attempts of each event carry a signature made with another secret,
  so the site answers 400, and the stand-in retries with backoff as Stripe retries any
  non-2xx answer;
- `duplicates`: each event is delivered this many extra times after it was accepted (Stripe
  promises at-least-once delivery), re-signed with a fresh timestamp like a real retry;
- `async_payment`: the payment settles later, so `checkout.session.completed` says
  payment_status "unpaid" and `checkout.session.async_payment_succeeded` follows;
- `reverse`: the events of one payment arrive in the opposite order from the one they
  happened in (Stripe does not guarantee order).

Every behaviour is off unless a test asks for it, and nothing is random. `expire()` ends an
open session as Stripe does at its expires_at and sends `checkout.session.expired`; a session
expired through the API (the site does that when a held booking is cancelled) sends it too.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.stripe_stub import WEBHOOK_SECRET, StripeStub, sign, signed_event

WRONG_SECRET = "whsec_not_the_site_secret_at_all"


@dataclass
class WebhookPlan:
    delay: float = 0.3
    failures: int = 0
    duplicates: int = 0
    async_payment: bool = False
    reverse: bool = False
    backoff: float = 0.3  # seconds before the first retry; doubles each time
    max_attempts: int = 6


@dataclass
class Delivery:
    event_id: str
    type: str
    session_id: str
    attempt: int  # 1 for the first delivery of the event, counting duplicates on
    status: int  # the site's HTTP status, 0 when it could not be reached
    answer: dict[str, Any] = field(default_factory=dict)


class StripeStandIn(StripeStub):
    """The API stub plus a hosted checkout page on its own origin and a webhook sender."""

    def __init__(self, webhook_secret: str = WEBHOOK_SECRET) -> None:
        super().__init__()
        self.webhook_secret = webhook_secret
        self.site_url = ""
        self.plan = WebhookPlan()
        self.deliveries: list[Delivery] = []
        self.checkout_origin = ""
        self._checkout_server: ThreadingHTTPServer | None = None
        self._checkout_thread: threading.Thread | None = None
        self._busy = 0
        self._idle = threading.Condition()

    # -- lifecycle --

    def start(self) -> StripeStandIn:
        super().start()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _CheckoutPage)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._checkout_server = server
        host, port = server.server_address[:2]
        self.checkout_origin = f"http://{host}:{port}"
        self.checkout_url = self.checkout_origin + "/c/pay/{id}"
        self._checkout_thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._checkout_thread.start()
        return self

    def stop(self) -> None:
        self.wait_idle(timeout=15)
        server, self._checkout_server = self._checkout_server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            if self._checkout_thread is not None:
                self._checkout_thread.join(timeout=5)
        super().stop()

    # -- what the hosted page and tests do --

    def pay(self, session_id: str) -> str:
        """The client pays on the hosted page: complete the session, send its events in the
        background and return where the browser goes next (the success_url)."""
        plan = self.plan
        paid = self.complete_session(session_id)
        if paid["mode"] == "subscription":
            # The first invoice's event before the checkout's: Stripe promises no order.
            invoice = self.invoices[paid["invoice"]]
            events = [("invoice.paid", invoice), ("checkout.session.completed", paid)]
            self._send(session_id, events, plan)
            return paid["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        intent = self.payment_intents[paid["payment_intent"]]
        events = [("payment_intent.succeeded", intent)]
        if plan.async_payment:
            events.insert(0, ("checkout.session.completed", {**paid, "payment_status": "unpaid"}))
            events.append(("checkout.session.async_payment_succeeded", paid))
        else:
            events.append(("checkout.session.completed", paid))
        self._send(session_id, events, plan)
        return paid["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def expire(self, session_id: str) -> None:
        """Expire an open session as Stripe does at its expires_at, and tell the site."""
        expired = self.expire_session(session_id)
        self._send(session_id, [("checkout.session.expired", expired)], self.plan)

    def _expire(self, session_id: str) -> dict[str, Any]:
        # Expired through the API (the site cancelling a hold): Stripe sends the event too.
        expired = super()._expire(session_id)
        self._send(session_id, [("checkout.session.expired", expired)], self.plan)
        return expired

    def deliveries_for(self, session_id: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.session_id == session_id]

    def wait_idle(self, timeout: float = 30) -> None:
        """Block until every scheduled webhook was delivered or given up."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout=timeout):
                raise AssertionError(f"webhooks still being delivered after {timeout} s")

    # -- webhook delivery --

    def _send(self, session_id: str, events: list[tuple[str, dict]], plan: WebhookPlan) -> None:
        if not self.site_url:
            return  # not connected to a site (unit use of the stub)
        ordered = list(reversed(events)) if plan.reverse else list(events)
        with self._idle:
            self._busy += 1
        threading.Thread(
            target=self._deliver_all, args=(session_id, ordered, plan), daemon=True
        ).start()

    def _deliver_all(self, session_id: str, events: list[tuple[str, dict]], plan: WebhookPlan):
        try:
            time.sleep(plan.delay)
            for event_type, obj in events:
                body, header = signed_event(event_type, obj, secret=self.webhook_secret)
                event_id = json.loads(body)["id"]
                for attempt in range(1, plan.max_attempts + 1):
                    if attempt <= plan.failures:
                        header = sign(body, secret=WRONG_SECRET)
                    elif attempt > 1:
                        header = sign(body, secret=self.webhook_secret)
                    status = self._post(session_id, event_id, event_type, attempt, body, header)
                    if 200 <= status < 300:
                        break
                    time.sleep(plan.backoff * 2 ** (attempt - 1))
                for extra in range(plan.duplicates):
                    header = sign(body, secret=self.webhook_secret)
                    self._post(session_id, event_id, event_type, attempt + 1 + extra, body, header)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _post(self, session_id, event_id, event_type, attempt, body: bytes, header: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (http to the local site)
            self.site_url + "/stripe/webhook",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": header,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        answer: dict[str, Any] = {}
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except OSError:
            status, raw = 0, b""
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {"raw": raw[:200].decode("utf-8", "replace")}
        with self._lock:
            self.deliveries.append(
                Delivery(event_id, event_type, session_id, attempt, status, answer)
            )
        return status


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test payment</title><link rel="icon" href="data:,">
<style>
body {{ font-family: sans-serif; margin: 0; background: #f6f9fc; color: #1a1f36; }}
main {{ max-width: 26rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
  border-radius: 8px; box-shadow: 0 2px 8px rgba(0,0,0,.1); }}
.amount {{ font-size: 2rem; margin: .5rem 0; }}
button {{ width: 100%; padding: .8rem; font-size: 1.1rem; background: #635bff; color: #fff;
  border: 0; border-radius: 6px; }}
.note {{ color: #697386; font-size: .9rem; }}
</style></head>
<body><main>
<p class="note">Stripe stand-in · test payment · no card is charged</p>
{content}
</main></body></html>
"""


class _CheckoutPage(BaseHTTPRequestHandler):
    """The hosted checkout, on the stand-in's own origin."""

    server_version = "StripeCheckoutStandIn/1.0"
    protocol_version = "HTTP/1.0"

    @property
    def standin(self) -> StripeStandIn:
        return self.server.standin  # type: ignore[attr-defined]

    def _session_id(self) -> str | None:
        path = urlsplit(self.path).path
        return path[len("/c/pay/") :] if path.startswith("/c/pay/") else None

    def do_GET(self) -> None:  # noqa: N802
        session_id = self._session_id()
        session = self.standin.sessions.get(session_id or "")
        if session is None:
            self._page(404, "<h1>Not found</h1>")
            return
        self._page(200, _checkout_content(session))

    def do_POST(self) -> None:  # noqa: N802
        session_id = self._session_id() or ""
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        session = self.standin.sessions.get(session_id)
        if session is None:
            self._page(404, "<h1>Not found</h1>")
            return
        if session["status"] != "open" or form.get("action") != ["pay"]:
            self._page(409, _checkout_content(session))
            return
        target = self.standin.pay(session_id)
        self.send_response(303)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, status: int, content: str) -> None:
        data = PAGE.format(content=content).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _checkout_content(session: dict[str, Any]) -> str:
    esc = html.escape
    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    if session.get("mode") == "subscription":
        amount += " a month"
    back = esc(session.get("cancel_url") or "", quote=True)
    back_link = f'<p><a href="{back}">← Back to the clinic (cancel)</a></p>' if back else ""
    if session["status"] != "open":
        state = "paid" if session["payment_status"] == "paid" else session["status"]
        return f"<h1>This checkout is {esc(state)}</h1>{back_link}"
    return (
        "<h1>Test payment</h1>"
        f'<p class="amount">{esc(amount)}</p>'
        f"<p>{esc(session.get('customer_email') or '')}</p>"
        f'<form method="post" action="/c/pay/{esc(session["id"], quote=True)}">'
        '<input type="hidden" name="action" value="pay">'
        f'<button type="submit">Pay {esc(amount)}</button></form>'
        f"{back_link}"
    )
