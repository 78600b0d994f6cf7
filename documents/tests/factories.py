import factory

from ceis.tests.factories import PersonFactory

from .. import storage
from ..models import DocumentKind, DocumentProgramme, PersonDocument

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class _Upload:
    """What `storage.store` reads: the chunks of an uploaded file."""

    def __init__(self, content: bytes):
        self.content = content

    def chunks(self):
        yield self.content


class PersonDocumentFactory(factory.django.DjangoModelFactory):
    """A document with its file written under CEIS_DOCUMENTS_ROOT (`content`: its bytes)."""

    class Meta:
        model = PersonDocument

    class Params:
        content = PDF_BYTES

    person = factory.SubFactory(PersonFactory)
    programme = DocumentProgramme.UNISVERS
    kind = DocumentKind.CV
    title = "CV à jour"
    file_name = "cv.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    storage_name = factory.LazyAttribute(lambda o: storage.store(_Upload(o.content)))
