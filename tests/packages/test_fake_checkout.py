"""`make run` without Stripe: the fake gateway's own page stands in for the hosted checkout
and settles the package through the same code as the webhook."""

from __future__ import annotations

from tests.support.booking_helpers import csrf_from, page_html, text_of
from tests.support.package_helpers import make_package, purchases


def test_the_demo_buys_a_package_on_the_test_payment_page(clinic):
    client = clinic.test_client()
    make_package(clinic)
    token = csrf_from(page_html(client, "/packages/five-60/buy"))
    response = client.post(
        "/packages/five-60/buy",
        data={"csrf_token": token, "name": "Dee Demo", "email": "dee@example.com"},
    )
    assert response.status_code == 303
    pay_page = response.headers["Location"]
    assert pay_page.startswith("/packages/pay/test/")
    assert purchases(clinic)[0]["status"] == "pending"
    html = page_html(client, pay_page)
    assert "no card is charged" in html
    paid = client.post(pay_page, data={"csrf_token": csrf_from(html), "action": "pay"})
    assert paid.status_code == 303
    assert "Your package is ready" in text_of(page_html(client, paid.headers["Location"]))
    assert purchases(clinic)[0]["status"] == "active"


def test_the_test_payment_page_is_not_there_with_a_real_gateway_or_an_unknown_token(clinic):
    client = clinic.test_client()
    assert client.get("/packages/pay/test/nope").status_code == 404
