import json

import pytest

from .servers import API_KEY, BrevoServer, SmtpServer


@pytest.fixture
def brevo(settings):
    """A local server answering as Brevo's SMS API, and the Brevo backend pointed at it."""
    with BrevoServer() as server:
        settings.CEIS_SMS_BACKEND = "messaging.sms.BrevoSmsBackend"
        settings.CEIS_BREVO_SMS_URL = server.url
        settings.CEIS_BREVO_API_KEY = API_KEY
        settings.CEIS_SMS_SENDER = "CCAS"
        settings.CEIS_SMS_TIMEOUT = 0.5
        settings.CEIS_BREVO_WEBHOOK_URL = ""
        yield server


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) and Django's SMTP backend pointed at it."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture
def sms_file(settings, tmp_path):
    """The file backend writing under a fresh folder; returns a reader of the SMS written."""
    settings.CEIS_SMS_BACKEND = "messaging.sms.FileSmsBackend"
    settings.CEIS_SMS_DIR = tmp_path / "sms"

    def read() -> list[dict]:
        lines = []
        for path in sorted((tmp_path / "sms").glob("sms-*.jsonl")):
            lines += [json.loads(line) for line in path.read_text().splitlines()]
        return lines

    return read
