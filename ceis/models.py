"""What both programmes share: users, sites, neighbourhoods, persons, the access journal."""

import datetime
import secrets
import time
import uuid
from base64 import b32encode
from binascii import unhexlify
from io import BytesIO
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from .bounds import check_birth_date
from .choices import (
    EducationLevel,
    ImportKind,
    ImportStatus,
    ImportStep,
    JournalAction,
    ProfessionalStatus,
    Role,
    Sex,
)
from .fields import EncryptedTextField
from .scoping import SiteScopedQuerySet
from .text import normalize_name, normalize_phone


class Site(models.Model):
    code = models.SlugField("code", max_length=32, unique=True)
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=300, blank=True)

    site_path = "pk"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "site"
        verbose_name_plural = "sites"

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Roles are groups named by `Role` codes; sites scope what they see."""

    sites = models.ManyToManyField(Site, related_name="users", blank=True, verbose_name="sites")

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """Role codes of this user, read once per request object."""
        if not hasattr(self, "_roles_cache"):
            names = set(self.groups.values_list("name", flat=True))
            if self.is_superuser:
                names.add(Role.ADMIN)
            self._roles_cache = frozenset(names & set(Role.values))
        return self._roles_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @cached_property
    def site_list(self) -> list[Site]:
        """The sites this user works on (admins: every site), read once per request."""
        if self.is_ceis_admin:
            return list(Site.objects.all())
        return list(self.sites.all())

    @property
    def is_ceis_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def primary_role(self) -> str | None:
        """The role whose home page this user lands on (the most encompassing one first)."""
        for role in (
            Role.ADMIN,
            Role.MANAGER,
            Role.TRAVAILLEUR_SOCIAL,
            Role.MEDIATEUR_NUMERIQUE,
            Role.VOLONTAIRE,
        ):
            if role in self.roles:
                return role
        return None


class Neighbourhood(models.Model):
    code = models.SlugField("code", max_length=32, unique=True)
    name = models.CharField("nom", max_length=200)
    centre_ville = models.BooleanField("centre-ville", default=False)
    qpv_code = models.CharField(
        "code QPV",
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^QN\w+$", "Un code QPV commence par « QN ».")],
        help_text="Quartier prioritaire de la politique de la ville (format QN…).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "quartier"
        verbose_name_plural = "quartiers"

    def __str__(self):
        return self.name

    @property
    def is_qpv(self) -> bool:
        return bool(self.qpv_code)


class Person(models.Model):
    """One record per human being, shared by both programmes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ref = models.CharField(
        "référence d'échange",
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Identifiant stable dans les paquets de données (ceis.package/1).",
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="persons")
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        "année de naissance",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="Quand seule l'année est connue.",
    )
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    postal_code = models.CharField(
        "code postal",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", "Un code postal compte 5 chiffres.")],
    )
    commune = models.CharField("commune", max_length=150, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name="quartier",
    )
    education_level = models.CharField(
        "niveau d'études", max_length=20, choices=EducationLevel.choices, blank=True
    )
    status = models.CharField(
        "situation professionnelle", max_length=20, choices=ProfessionalStatus.choices, blank=True
    )
    france_travail_id = models.CharField("identifiant France Travail", max_length=20, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)

    # Derived keys for search and duplicate detection, kept in step by `refresh_keys()`.
    name_key = models.CharField(max_length=310, editable=False, db_index=True)
    phone_key = models.CharField(max_length=30, editable=False, blank=True, db_index=True)

    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    site_path = "site"
    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        indexes = [
            models.Index(fields=["site", "last_name", "first_name"]),
            models.Index(fields=["birth_date"]),
            # The persons list of every site (admins), in its order (ceis.pagination adds the
            # primary key); with the site, a deep page is an index-only scan.
            models.Index(
                fields=["last_name", "first_name", "id"],
                include=["site"],
                name="ceis_person_list_idx",
            ),
        ]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"

    def save(self, *args, **kwargs):
        # The derived keys are a cache of the name and phone, never set by hand.
        self.refresh_keys()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("persons:detail", kwargs={"public_id": self.public_id})

    def clean(self):
        super().clean()
        if self.birth_date:
            try:
                check_birth_date(self.birth_date)
            except ValidationError as error:
                raise ValidationError({"birth_date": error.messages}) from None
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValidationError(
                {"birth_year": "L'année ne correspond pas à la date de naissance."}
            )

    def refresh_keys(self):
        """Recompute the search keys; call before `bulk_create`, which skips `save()`."""
        self.name_key = f"{normalize_name(self.last_name)} {normalize_name(self.first_name)}"
        self.phone_key = normalize_phone(self.phone)

    @property
    def known_birth_year(self) -> int | None:
        if self.birth_date:
            return self.birth_date.year
        return self.birth_year

    def age_on(self, day) -> int | None:
        """Whole years at `day`; with a birth year only, the difference of years (indicators.md)."""
        if self.birth_date:
            before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - before_birthday
        if self.birth_year:
            return day.year - self.birth_year
        return None


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal des accès ne peut pas être modifié.")

    def delete(self):
        raise PermissionError("Le journal des accès ne peut pas être supprimé.")

    def _purge(self):
        """Delete for the retention purge only (ceis.services.journal_purge)."""
        return models.QuerySet.delete(self)

    def _anonymise_payloads(self):
        """Empty the details of entries about anonymised records (ceis.retention) only."""
        return models.QuerySet.update(self, payload={})


class JournalEntry(models.Model):
    """Append-only access journal (security.md row 4): who, when, what, which record.

    Never free text: `payload` holds codes and field names, not values.
    """

    at = models.DateTimeField("date (UTC)", default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal_entries",
        editable=False,
    )
    username = models.CharField("identifiant", max_length=150, blank=True, editable=False)
    action = models.CharField("action", max_length=20, choices=JournalAction.choices)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_ref = models.CharField("référence de l'objet", max_length=100, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    payload = models.JSONField("détails", default=dict, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des accès"
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Le journal des accès ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal des accès ne peut pas être supprimé.")


TOTP_ISSUER = "CEIS"


def _new_key() -> str:
    return secrets.token_hex(20)


class TOTPDevice(ThrottlingMixin, Device):
    """An authenticator application (30-second, 6-digit codes)."""

    key = EncryptedTextField("secret", default=_new_key)
    last_t = models.BigIntegerField(
        default=-1, help_text="Dernier pas de temps accepté : un code ne sert qu'une fois."
    )

    class Meta:
        verbose_name = "application d'authentification"
        verbose_name_plural = "applications d'authentification"

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(str(token).strip().replace(" ", ""))
        except ValueError:
            code = None
        verified = False
        if code is not None:
            totp = TOTP(unhexlify(self.key), step=30, t0=0, digits=6, drift=0)
            totp.time = time.time()
            verified = totp.verify(code, tolerance=1, min_t=self.last_t + 1)
            if verified:
                self.last_t = totp.t()
        if verified:
            self.throttle_reset(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified

    def secret_base32(self) -> str:
        return b32encode(unhexlify(self.key)).decode()

    def config_url(self) -> str:
        label = quote(f"{TOTP_ISSUER}:{self.user.get_username()}")
        return f"otpauth://totp/{label}?secret={self.secret_base32()}&issuer={TOTP_ISSUER}&digits=6&period=30"

    def qr_svg(self) -> str:
        import qrcode
        import qrcode.image.svg

        image = qrcode.make(self.config_url(), image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        return buffer.getvalue().decode()


class FormSubmission(models.Model):
    """One submission of a create form, keyed by the token the form carried (security.md row 24).

    A second post of the same token (double click, second tab, retried request) finds this row and
    is sent to the first result instead of creating a second record.
    """

    token = models.UUIDField("jeton", unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="auteur"
    )
    path = models.CharField("adresse", max_length=500)
    result_url = models.CharField("résultat", max_length=500, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaires"

    def __str__(self):
        return f"{self.path} ({self.created_at:%d/%m/%Y %H:%M})"


IMPORT_JOB_TIME_LIMIT = 60 * 60  # seconds: the hard limit of ceis.tasks.import_job_task


class ImportJob(models.Model):
    """One step of a long import run by a Celery task (security.md row 21): a data package or a
    France Travail list of more than CEIS_IMPORT_ASYNC_ROWS rows is checked, then imported, each
    step with its progress (rows done out of the total) and its French error. Seen by its author
    only; the uploaded file sits under MEDIA_ROOT/uploads/ (`upload`), purged with it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type", max_length=20, choices=ImportKind.choices)
    step = models.CharField("étape", max_length=10, choices=ImportStep.choices)
    status = models.CharField(
        "état", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="auteur"
    )
    file_name = models.CharField("fichier", max_length=200)
    upload = models.CharField("fichier déposé", max_length=200)  # relative to uploads/
    params = models.JSONField("paramètres", default=dict, blank=True)
    total = models.PositiveIntegerField("lignes", default=0)
    done = models.PositiveIntegerField("lignes traitées", default=0)
    result = models.JSONField("résultat", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import en tâche de fond"
        verbose_name_plural = "imports en tâche de fond"

    def __str__(self):
        return f"{self.get_kind_display()} « {self.file_name} » ({self.get_step_display()})"

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.PENDING, ImportStatus.RUNNING)

    @property
    def can_retry(self) -> bool:
        """Failed, or still waiting past the task's time limit (its worker or task was lost)."""
        if self.status == ImportStatus.FAILED:
            return True
        limit = datetime.timedelta(seconds=IMPORT_JOB_TIME_LIMIT)
        return self.is_active and self.created_at < timezone.now() - limit
