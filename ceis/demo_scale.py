"""Generated data at N× one centre's year, for benchmarks (`seed_demo --scale N`).

One "centre's year" (1×) is the seed bilan's CEIS: about 200 Unis'Vers participants in 11
cohorts, 2,000 persons, 10,000 workshop registrations, 5,000 individual helps (see the apps'
`demo_scale.py` for each figure). At scale N the data is spread over `max(2, round(N))` sites,
each holding an equal share: at 100× there are 100 sites of exactly one centre's year each, so a
site filter selects a realistic 1 %.

Everything is dated inside one calendar year (`--year`) and drawn from seeded generators (one
per app and site, so the result depends only on scale, year and seed: the same rows on SQLite
and PostgreSQL). The tables must be empty; primary keys are given explicitly where other rows
refer to them, and sequences are reset at the end. Small tables go through `bulk_create`; the
big ones through `insert_rows`, which prepares each column as the field would (dates, UUIDs,
JSON, and `encrypt()` for `EncryptedTextField`: notes are stored encrypted as usual) and writes
batches with `COPY` (PostgreSQL) or `executemany` (SQLite). `save()` is never called, so
`Person.refresh_keys()` is called on each generated person. Outside a transaction (not in
tests), `_loading` defers the big tables' indexes and the per-row foreign-key checks, then
builds the indexes and checks every foreign key once, set-wise.

Distributions follow the seed: Unis'Vers participants mostly 35–50 years old, 80 % under 550 €
a month, dropouts about 14 % of exits and 87 % positive exits among completers; Vill@ges
persons 56 % aged 60 or more, 4 in 10 from the centre-ville, three quarters in illectronisme.

Each programme's `demo_scale.py` (gathered by name, ceis.hooks) gives `seed(ctx)`, the models
that must be empty (`EMPTY_MODELS`) and its big tables (`BIG_TABLES`).
"""

import datetime
import io
import json
import math
import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from faker.providers.person.fr_FR import Provider as FrenchNames

from .choices import Role, Sex
from .crypto import encrypt
from .demo import DEMO_PASSWORD, NEIGHBOURHOODS, SITES, USERS
from .fields import EncryptedTextField
from .hooks import app_modules
from .models import Neighbourhood, Person, Site, User

# Bump when the generated data changes: bench/datasets.py rebuilds datasets of another version.
GENERATOR_VERSION = 4

BATCH_SIZE = 2000

FIRST_NAMES_F = tuple(FrenchNames.first_names_female)
FIRST_NAMES_M = tuple(FrenchNames.first_names_male)
LAST_NAMES = tuple(FrenchNames.last_names)
SEXES = [Sex.F.value, Sex.M.value, Sex.X.value, ""]
SEX_WEIGHTS = [50, 44, 2, 4]


class ScaleError(Exception):
    """The database is not empty, or the arguments are out of range."""


@dataclass
class ScaleContext:
    scale: float
    year: int
    seed: int
    sites: list  # [(Site, share of one centre's year)]
    neighbourhoods: dict  # {"centre": [...], "qpv": [...], "other": [...]}
    staff: dict  # {site_id: {role: User}}
    managers: list
    stdout: object = None
    counts: dict = field(default_factory=dict)
    # What one app leaves for the next, e.g. {"unisvers_persons": {site_id: [person ids]}}.
    shared: dict = field(default_factory=dict)
    _next_ids: dict = field(default_factory=dict)
    # The creation time of every generated row (`created_at`, `updated_at`).
    now: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def rng(self, *parts) -> random.Random:
        """A generator seeded by the seed and `parts` (app, site…): stable whatever runs first."""
        return random.Random("-".join(str(p) for p in (self.seed, self.year, *parts)))

    def ids(self, model, count: int) -> range:
        """`count` fresh primary keys for `model` (its table was empty at the start)."""
        start = self._next_ids.get(model, 1)
        self._next_ids[model] = start + count
        return range(start, start + count)

    def count(self, model, rows: int) -> None:
        key = model._meta.db_table
        self.counts[key] = self.counts.get(key, 0) + rows

    def progress(self, label: str, done: int) -> None:
        """One line per tenth of the sites done."""
        step = max(1, len(self.sites) // 10)
        if done % step == 0 or done == len(self.sites):
            rows = sum(self.counts.values())
            self.log(f"    {label} : {done}/{len(self.sites)} sites, {rows:,} lignes")

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)
            if hasattr(self.stdout, "flush"):
                self.stdout.flush()


def uuid_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from `rng` (uuid4() is not reproducible)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def bulk_insert(ctx: ScaleContext, model, rows, batch_size: int = BATCH_SIZE) -> int:
    """Insert an iterable of unsaved instances with `bulk_create` in batches (the small tables)."""
    count = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch, batch_size=batch_size)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch, batch_size=batch_size)
        count += len(batch)
    ctx.count(model, count)
    return count


def _converter(field, vendor: str):
    """value → what the driver takes, as the field's `get_db_prep_save` would give it."""
    if isinstance(field, EncryptedTextField):
        return lambda value: encrypt(value) if value else value
    kind = field.get_internal_type()
    if kind == "JSONField":
        return json.dumps
    if vendor == "sqlite":
        if kind == "DateField":
            return lambda value: None if value is None else value.isoformat()
        if kind == "DateTimeField":
            return lambda value: (
                None if value is None else str(value.astimezone(datetime.UTC).replace(tzinfo=None))
            )
        if kind == "UUIDField":
            return lambda value: None if value is None else value.hex
    elif kind == "UUIDField":
        return lambda value: None if value is None else str(value)
    return None


def _escape_copy(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


BOOLEAN_TEXT = {True: "t", False: "f", None: "\\N"}


def _copy_formatter(field, converter):
    """value → its text in PostgreSQL's COPY format, for one column (chosen once per table)."""
    if field.get_internal_type() == "BooleanField":
        return BOOLEAN_TEXT.__getitem__

    def text(value):
        if converter is not None:
            value = converter(value)
        if value is None:
            return "\\N"
        if not isinstance(value, str):
            return str(value)
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _escape_copy(value)
        return value

    return text


def insert_rows(ctx: ScaleContext, model, rows, chunk: int = 10_000) -> int:
    """The fast path for the big tables: rows are dicts of attnames (`person_id`, `date`…),
    all with the same keys; the other columns take their field's constant default (or now for
    `auto_now` fields). Values are prepared per column as Django would (dates, UUIDs, JSON,
    encrypted text) and written with `COPY` (PostgreSQL) or `executemany` (SQLite), a chunk
    at a time. Model `save()` is not called: callers give derived values themselves."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    meta = model._meta
    columns = list(first)
    fields = [meta.get_field(name) for name in columns]
    extra_columns, extra_values = [], []
    for model_field in meta.concrete_fields:
        if model_field in fields or (model_field.primary_key and "id" not in columns):
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = ctx.now
        elif model_field.has_default() and not callable(model_field.default):
            value = model_field.default
        elif model_field.null:
            value = None
        else:
            raise ScaleError(f"{meta.label}.{model_field.name} manque dans les lignes générées.")
        extra_columns.append(model_field)
        extra_values.append(value)
    all_fields = fields + extra_columns
    vendor = connection.vendor
    converters = [_converter(field, vendor) for field in all_fields]
    constants = [
        converter(value) if converter else value
        for converter, value in zip(converters[len(fields) :], extra_values, strict=True)
    ]
    converted = [(index, c) for index, c in enumerate(converters[: len(fields)]) if c]
    if vendor == "postgresql":
        # One text line per row; constant columns formatted once.
        formatters = [
            (name, _copy_formatter(field, converter))
            for name, field, converter in zip(columns, fields, converters, strict=False)
        ]
        suffix = "".join(
            "\t" + _copy_formatter(field, None)(value)
            for field, value in zip(extra_columns, constants, strict=True)
        )

        def prepared(row):
            return "\t".join([text(row[name]) for name, text in formatters]) + suffix + "\n"

    else:

        def prepared(row):
            values = [row[name] for name in columns]
            for index, converter in converted:
                values[index] = converter(values[index])
            values.extend(constants)
            return values

    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in all_fields)
    count = 0
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        batch = [prepared(first)]
        for row in iterator:
            batch.append(prepared(row))
            if len(batch) >= chunk:
                _write(raw, vendor, meta.db_table, names, len(all_fields), batch)
                count += len(batch)
                batch = []
        if batch:
            _write(raw, vendor, meta.db_table, names, len(all_fields), batch)
            count += len(batch)
    ctx.count(model, count)
    return count


def _write(raw, vendor, table, names, width, batch) -> None:
    if vendor == "postgresql":
        buffer = io.StringIO("".join(batch))
        raw.copy_expert(f'COPY "{table}" ({names}) FROM STDIN', buffer)
    else:
        placeholders = ", ".join(["?"] * width)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})'  # noqa: S608
        raw.executemany(sql, batch)


def split_count(total: int, parts: int) -> list[int]:
    """`total` spread over `parts` as evenly as integers allow."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def scaled(rng: random.Random, value: float) -> int:
    """`value` rounded up or down at random (so that fractions add up over many sites)."""
    whole = math.floor(value)
    return whole + (1 if rng.random() < value - whole else 0)


def pick_neighbourhood(ctx: ScaleContext, rng: random.Random, centre: float, qpv: float):
    """A neighbourhood id: centre-ville with probability `centre`, QPV `qpv`, else elsewhere."""
    draw = rng.random()
    hoods = ctx.neighbourhoods
    if draw < centre:
        return rng.choice(hoods["centre"])
    if draw < centre + qpv:
        return rng.choice(hoods["qpv"])
    return rng.choice(hoods["other"])


def make_person(
    ctx: ScaleContext,
    rng: random.Random,
    *,
    pk: int,
    ref: str,
    site_id: int,
    birth: datetime.date,
    year_only: bool,
    hood_id,
    education: str,
    status: str,
    creator_id,
    france_travail: bool = False,
) -> dict:
    """A person's row for `insert_rows`, search keys included (`Person.refresh_keys`)."""
    sex = rng.choices(SEXES, weights=SEX_WEIGHTS)[0]
    first = rng.choice(FIRST_NAMES_F if sex == Sex.F else FIRST_NAMES_M)
    last = rng.choice(LAST_NAMES)
    if rng.random() < 0.08:
        last = f"{last}-{rng.choice(LAST_NAMES)}"
    phone = ""
    if rng.random() < 0.8:
        phone = "0{} {:02d} {:02d} {:02d} {:02d}".format(
            rng.choice("67"), *(rng.randrange(100) for _ in range(4))
        )
    centre = hood_id in ctx.neighbourhoods["centre_ids"]
    keys = SimpleNamespace(last_name=last, first_name=first, phone=phone)
    Person.refresh_keys(keys)  # bulk inserts skip save(), which computes them
    return {
        "id": pk,
        "public_id": uuid_from(rng),
        "ref": ref,
        "site_id": site_id,
        "last_name": last,
        "first_name": first,
        "birth_date": None if year_only else birth,
        "birth_year": birth.year if year_only else None,
        "sex": sex,
        "postal_code": "34000" if centre else rng.choice(["34070", "34080", "34090"]),
        "commune": "Montpellier",
        "neighbourhood_id": hood_id,
        "education_level": education,
        "status": status,
        "france_travail_id": f"{rng.randrange(10**6, 10**7)}X" if france_travail else "",
        "phone": phone,
        "email": "",
        "name_key": keys.name_key,
        "phone_key": keys.phone_key,
        "created_by_id": creator_id,
    }


def ensure_empty() -> None:
    programmes = [model for module in app_modules("demo_scale") for model in module.EMPTY_MODELS]
    for model in (Person, *programmes):
        if model.objects.exists():
            raise ScaleError(
                f"La table {model._meta.db_table} n'est pas vide : --scale demande une base "
                "vide (migrate sur une base neuve)."
            )


def _site_codes(count: int) -> list[tuple[str, str, str]]:
    sites = list(SITES[:count])
    for index in range(len(sites) + 1, count + 1):
        sites.append(
            (
                f"SITE-{index:03d}",
                f"Centre social n° {index}",
                f"{index} avenue de la Solidarité, 34000 Montpellier",
            )
        )
    return sites


def _seed_core(ctx_args: dict) -> ScaleContext:
    scale = ctx_args["scale"]
    site_count = max(2, round(scale))
    share = scale / site_count
    sites = []
    for code, name, address in _site_codes(site_count):
        site, _ = Site.objects.update_or_create(
            code=code, defaults={"name": name, "address": address}
        )
        sites.append((site, share))
    hoods = {"centre": [], "qpv": [], "other": []}
    for code, name, centre_ville, qpv in NEIGHBOURHOODS:
        hood, _ = Neighbourhood.objects.update_or_create(
            code=code, defaults={"name": name, "centre_ville": centre_ville, "qpv_code": qpv}
        )
        group = "centre" if centre_ville else "qpv" if qpv else "other"
        hoods[group].append(hood.pk)
    hoods["centre_ids"] = frozenset(hoods["centre"])

    # The demo accounts (same usernames and password as `seed_demo`) on the first sites, then
    # one social worker, one mediator and one volunteer per other site.
    password = make_password(DEMO_PASSWORD)
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    by_code = {site.code: site for site, _ in sites}
    staff = {site.pk: {} for site, _ in sites}
    managers = []
    site_links, group_links = [], []
    for username, first, last, role, site_codes, is_staff in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": is_staff,
                "password": password,
                "email": f"{username}@ceis.invalid",
            },
        )
        user.groups.add(groups[role])
        user.sites.add(*(by_code[code] for code in site_codes if code in by_code))
        if role in (Role.MANAGER, Role.ADMIN):
            user.sites.add(*by_code.values())
            managers.append(user)
        for code in site_codes:
            if code in by_code:
                staff[by_code[code].pk].setdefault(role, user)
    new_users = []
    roles = (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR_NUMERIQUE, Role.VOLONTAIRE)
    names = {
        Role.TRAVAILLEUR_SOCIAL: "travailleur",
        Role.MEDIATEUR_NUMERIQUE: "mediateur",
        Role.VOLONTAIRE: "volontaire",
    }
    rng = random.Random(f"{ctx_args['seed']}-users")
    for index, (site, _) in enumerate(sites, start=1):
        for role in roles:
            if role in staff[site.pk]:
                continue
            username = f"{names[role]}-{index:03d}"
            user = User(
                username=username,
                first_name=rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                last_name=rng.choice(LAST_NAMES),
                email=f"{username}@ceis.invalid",
                password=password,
            )
            new_users.append((site, role, user))
    User.objects.bulk_create([user for _, _, user in new_users], batch_size=500)
    created = {
        u.username: u for u in User.objects.filter(username__in=[u.username for *_, u in new_users])
    }
    for site, role, user in new_users:
        user = created[user.username]
        staff[site.pk][role] = user
        site_links.append(User.sites.through(user_id=user.pk, site_id=site.pk))
        group_links.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
    User.sites.through.objects.bulk_create(site_links, batch_size=1000)
    User.groups.through.objects.bulk_create(group_links, batch_size=1000)
    return ScaleContext(
        scale=scale,
        year=ctx_args["year"],
        seed=ctx_args["seed"],
        sites=sites,
        neighbourhoods=hoods,
        staff=staff,
        managers=managers,
        stdout=ctx_args.get("stdout"),
    )


def _reset_sequences() -> None:
    from django.apps import apps

    models = [
        model
        for label in ("ceis", "unisvers", "villages")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextmanager
def _loading(ctx: ScaleContext):
    """Loading mode, when no transaction is open (not in tests):

    - PostgreSQL: no wait for the WAL flush at each site's commit; and if the role is a
      superuser (the benchmark server), no per-row foreign-key triggers
      (`session_replication_role = replica`: their checks at each commit took as long as the
      COPY itself);
    - SQLite: `synchronous = OFF`, a 256 MiB page cache, foreign keys off during the load;
    - both: the big tables' indexes other than primary keys and unique constraints are dropped
      and built once at the end, then every foreign key is checked once, set-wise.

    Generated data only: a crash means generating again, not recovering."""
    vendor = connection.vendor
    fast = not connection.in_atomic_block
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            fast = fast and cursor.fetchone()[0]
            if fast:
                cursor.execute("SET session_replication_role = replica")
        elif fast:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB: indexes of random UUIDs
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute("PRAGMA foreign_keys = OFF")
    deferred_indexes = _drop_secondary_indexes() if fast else []
    try:
        yield
    finally:
        if fast:
            with connection.cursor() as cursor:
                if vendor == "postgresql":
                    cursor.execute("SET session_replication_role = DEFAULT")
                else:
                    cursor.execute("PRAGMA foreign_keys = ON")
            started = time.perf_counter()
            _create_indexes(deferred_indexes)
            ctx.log(
                f"  {len(deferred_indexes)} index construits après chargement : "
                f"{time.perf_counter() - started:.1f} s"
            )
    if fast:
        started = time.perf_counter()
        checked = _check_foreign_keys()
        ctx.log(
            f"  {checked} clés étrangères vérifiées après chargement : "
            f"{time.perf_counter() - started:.1f} s"
        )


def _check_foreign_keys() -> int:
    """Every foreign key of the generated apps points to an existing row (one anti-join per
    key); raises `ScaleError` otherwise. Returns the number of keys checked."""
    from django.apps import apps

    checked = 0
    with connection.cursor() as cursor:
        for label in ("ceis", "unisvers", "villages"):
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                for fk in model._meta.concrete_fields:
                    if not (fk.many_to_one or fk.one_to_one) or not fk.db_constraint:
                        continue
                    target = fk.target_field
                    child, column = model._meta.db_table, fk.column
                    parent, key = target.model._meta.db_table, target.column
                    missing = f'SELECT 1 FROM "{parent}" p WHERE p."{key}" = c."{column}"'  # noqa: S608
                    cursor.execute(
                        f'SELECT COUNT(*) FROM "{child}" c '  # noqa: S608 (model names)
                        f'WHERE c."{column}" IS NOT NULL AND NOT EXISTS ({missing})'
                    )
                    orphans = cursor.fetchone()[0]
                    if orphans:
                        raise ScaleError(f"{orphans} lignes de {child}.{column} sans {parent}.")
                    checked += 1
    return checked


def _big_tables() -> list[str]:
    return ["ceis_person", *(t for module in app_modules("demo_scale") for t in module.BIG_TABLES)]


def _drop_secondary_indexes() -> list[str]:
    """Drop the big tables' indexes other than those of primary keys and unique constraints
    (PostgreSQL; on SQLite, the unique constraints of `Meta.constraints` are plain unique
    indexes and go too: building them again checks uniqueness) and return their definitions."""
    big_tables = _big_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass
                  )
                """,
                [big_tables],
            )
        else:
            placeholders = ", ".join(["%s"] * len(big_tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                f"AND sql IS NOT NULL AND tbl_name IN ({placeholders})",
                big_tables,
            )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)


def seed_scale(*, scale: float, year: int, seed: int = 2019, stdout=None) -> dict:
    """Generate `scale` × one centre's `year` into an empty database; return counts per table
    and `seconds`. Raises `ScaleError` when the database already holds persons or programmes."""
    if not 0 < scale <= 1000:
        raise ScaleError("--scale doit être compris entre 0 (exclu) et 1000.")
    started = time.perf_counter()
    ensure_empty()
    with transaction.atomic():
        ctx = _seed_core({"scale": scale, "year": year, "seed": seed, "stdout": stdout})
    ctx.log(
        f"Échelle {scale:g} × : {len(ctx.sites)} sites, année {year}, graine {seed} "
        f"(générateur v{GENERATOR_VERSION})."
    )
    with _loading(ctx):
        for module in app_modules("demo_scale"):
            app_started = time.perf_counter()
            module.seed(ctx)
            app = module.__name__.partition(".")[0]
            ctx.log(f"  {app} : {time.perf_counter() - app_started:.1f} s")
    _reset_sequences()
    ctx.counts["seconds"] = round(time.perf_counter() - started, 1)
    return ctx.counts
