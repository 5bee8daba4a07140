"""Demo and development: each text becomes `sms-<reference>.txt` in the outbox folder,
beside the `.eml` files, so someone trying the demo can read what a client would get."""

from __future__ import annotations

import os
import re
from pathlib import Path

from clinicsite.sms.gateway import SmsConfigError, SmsResult

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class FakeSmsGateway:
    def __init__(self, directory: str, sender: str = "") -> None:
        if not directory:
            raise SmsConfigError("MAIL_FILE_DIR is empty (the fake SMS gateway writes there)")
        self.directory = Path(directory)
        self.sender = sender or "+15005550006"

    def send(self, to: str, body: str, reference: str) -> SmsResult:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"sms-{SAFE.sub('-', reference)}.txt"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(f"From: {self.sender}\nTo: {to}\n\n{body}\n", encoding="utf-8")
        os.replace(partial, path)  # readers never see half a file
        return SmsResult(provider_id=path.name)
