"""The demo messages: the week's confirmations to the demo persons with a mobile, written by the
file backend whose path is printed; running it twice sends nothing twice."""

import datetime
import io

import pytest
import time_machine

from appointments import demo as appointments_demo
from ceis.demo import seed_core
from messaging import demo
from messaging.choices import Channel, MessageStatus
from messaging.models import ContactConsent, Message, SiteContact


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 2, 11, tzinfo=datetime.UTC), tick=False)
def test_the_demo_sends_the_weeks_confirmations_through_the_file_backend(sms_file, settings):
    core = seed_core(persons=80)
    appointments_demo.seed(core=core)
    out = io.StringIO()
    demo.seed(core=core, stdout=out)
    messages = Message.objects.all()
    assert messages.exists()
    assert set(messages.values_list("channel", flat=True)) == {Channel.SMS}
    # Every person messaged consented, and has a mobile.
    assert not messages.exclude(person__contact_consents__given=True).exists()
    # Past confirmations delivered, the coming ones sent.
    assert set(messages.values_list("status", flat=True)) <= {
        MessageStatus.REMIS,
        MessageStatus.ENVOYE,
    }
    lines = sms_file()
    assert len(lines) == messages.count()
    assert all(line["body"].startswith("CEIS : rendez-vous (") for line in lines)
    assert SiteContact.objects.get(site=core["sites"]["CEIS"]).phone == "04 67 00 00 00"
    assert f"SMS de démonstration écrits dans {settings.CEIS_SMS_DIR}/sms-AAAA-MM-JJ.jsonl" in (
        out.getvalue()
    )
    count, consents = messages.count(), ContactConsent.objects.count()
    demo.seed(core=core)
    assert Message.objects.count() == count
    assert ContactConsent.objects.count() == consents
    assert len(sms_file()) == count
