"""The SMS provider's inbound webhook (/sms/webhook): a client's reply, checked with the
Twilio SDK's own validator against TWILIO_AUTH_TOKEN and the public address (SITE_URL,
never the Host a request claims). STOP and START are recorded (`optouts.py`); Twilio
itself answers those keywords, so the reply is empty."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from clinicsite.clinic import get_clinic
from clinicsite.extensions import csrf, db, limiter
from clinicsite.phones import phone_key
from clinicsite.sms.optouts import handle_inbound

bp = Blueprint("sms", __name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.post("/sms/webhook")
@csrf.exempt  # Twilio cannot send our CSRF token; its signature protects this endpoint
@limiter.exempt
def sms_webhook():
    token = current_app.config.get("TWILIO_AUTH_TOKEN") or ""
    if not token:
        abort(404)  # texts are not set up: nothing here to talk to
    url = current_app.config["SITE_URL"] + request.full_path.rstrip("?")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(token).validate(url, request.form, signature):
        abort(403)
    number = phone_key(request.form.get("From", ""), get_clinic().country)
    if number is not None:
        handle_inbound(number, request.form.get("Body", ""))
        db.session.commit()
    return Response(EMPTY_TWIML, mimetype="text/xml")
