"""`make run` without Stripe: the fake gateway's own page stands in for the subscription
checkout and pays the first month through the same granting code as the webhook; cancelling
from /my/ works too (nothing renews in a demo)."""

from __future__ import annotations

from tests.support.booking_helpers import csrf_from, page_html, text_of
from tests.support.membership_helpers import make_plan, membership
from tests.support.my_helpers import signed_in_client


def test_the_demo_joins_a_membership_on_the_test_payment_page(clinic):
    client = clinic.test_client()
    make_plan(clinic)
    token = csrf_from(page_html(client, "/memberships/monthly-60/join"))
    response = client.post(
        "/memberships/monthly-60/join",
        data={"csrf_token": token, "name": "Dee Demo", "email": "dee@example.com"},
    )
    assert response.status_code == 303
    pay_page = response.headers["Location"]
    assert pay_page.startswith("/memberships/pay/test/")
    assert membership(clinic)["status"] == "pending"
    html = page_html(client, pay_page)
    assert "no card is charged" in html
    paid = client.post(pay_page, data={"csrf_token": csrf_from(html), "action": "pay"})
    assert paid.status_code == 303
    page = text_of(page_html(client, paid.headers["Location"]))
    assert "Welcome, you are a member" in page
    assert membership(clinic)["status"] == "active"
    assert membership(clinic)["months"][0]["left"] == 1


def test_the_test_payment_page_is_not_there_for_an_unknown_token(clinic):
    assert clinic.test_client().get("/memberships/pay/test/nope").status_code == 404


def test_a_demo_member_cancels_from_their_page(clinic):
    from clinicsite import clock

    test_the_demo_joins_a_membership_on_the_test_payment_page(clinic)
    browser = signed_in_client(clinic, "dee@example.com", clock.now())
    html = page_html(browser, "/my/")
    token = html.split("/my/membership/")[1].split("/cancel")[0]
    response = browser.post(f"/my/membership/{token}/cancel", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 303
    assert "Your membership is cancelled" in text_of(page_html(browser, "/my/"))
    assert membership(clinic)["cancelling"] is True
