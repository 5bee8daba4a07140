"""The front desk takes the rest of the price and a tip in a real browser: the form comes
prefilled with what is owed, the summary then adds up to nothing owed, the client's receipt
arrives, and the day's takings count it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.support.mail_helpers import deliver, plain
from tests.support.payment_helpers import make_visit, owed

pytestmark = pytest.mark.browser

VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles
DESK = VISIT + timedelta(hours=1, minutes=5)


def money(minor: int) -> str:
    return f"${minor // 100:,}" + (f".{minor % 100:02d}" if minor % 100 else "")


def test_front_desk_records_the_balance_with_a_tip(
    live_server, page, clinic, monkeypatch, tmp_path
):
    monkeypatch.setattr("clinicsite.clock.now", lambda: DESK)
    appt_id = make_visit(clinic, VISIT, paid_deposit=True, client_name="Bea Balance")
    rest = owed(clinic, appt_id)

    page.goto(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/staff/appointments/{appt_id}")

    summary = page.locator(".payments-summary")
    assert f"Still owed\n{money(rest)}" in summary.inner_text()
    amount = page.get_by_label("Amount paid towards the price")
    assert amount.input_value() == f"{rest // 100}.{rest % 100:02d}"
    page.get_by_label("Tip", exact=True).fill("15")
    page.get_by_label("Method").select_option(label="Cash")
    page.get_by_role("button", name="Record payment").click()

    expect(page.get_by_text("(receipt emailed)")).to_be_visible()
    text = summary.inner_text()
    assert f"Paid at the studio\n{money(rest)}" in text
    assert f"{money(rest)} + $15 tip, cash" in text
    assert "Tips\n$15" in text and "Still owed\n$0" in text
    assert not page.get_by_label("Amount paid towards the price").input_value().strip("0.")
    shoot(page, "balance-1-paid")

    receipts = [m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("Receipt")]
    assert len(receipts) == 1
    body = plain(receipts[0])
    assert f"Paid today: {money(rest)} (Cash)" in body and "Tip: $15" in body
    assert "The visit is paid in full." in body

    page.locator(".staff-nav").get_by_role("link", name="Takings").click()
    assert page.locator("h1").inner_text().startswith("Takings")
    assert "Bea Balance" in page.locator("main").inner_text()
    row = page.get_by_role("row", name="At the studio: cash")
    assert "15.00" in row.inner_text()
    shoot(page, "balance-2-takings")
    assert page.console_errors == []
