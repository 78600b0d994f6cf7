import factory
from django.utils import timezone

from ceis.tests.factories import PersonFactory

from ..choices import Channel, MessageStatus, TemplateCode
from ..models import ContactConsent, Message


class ContactConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactConsent

    person = factory.SubFactory(PersonFactory)
    channel = Channel.SMS
    given = True
    date = factory.LazyFunction(timezone.localdate)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    person = factory.SubFactory(PersonFactory)
    site = factory.SelfAttribute("person.site")
    channel = Channel.SMS
    template = TemplateCode.APPOINTMENT_CONFIRMATION
    body = "CEIS : rendez-vous le mardi 1er décembre à 14h30."
    to = "+33612345678"
    status = MessageStatus.EN_ATTENTE

    class Params:
        sent = factory.Trait(
            status=MessageStatus.ENVOYE, sent_at=factory.LazyFunction(timezone.now)
        )
        failed = factory.Trait(status=MessageStatus.ECHEC, failure_reason="Brevo 400 : refusé")


def consenting(person, *channels):
    for channel in channels:
        ContactConsentFactory(person=person, channel=channel)
    return person
