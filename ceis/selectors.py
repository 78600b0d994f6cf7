"""Reads of the shared core, always scoped to what the user may see (security.md row 2)."""

import datetime
import re

from django.db.models import Q, QuerySet

from .models import JournalEntry, Neighbourhood, Person
from .pagination import sorted_apart
from .scoping import get_visible_or_404
from .text import normalize_name, normalize_phone

_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_PHONE_LIKE = re.compile(r"[\d\s.+()-]+")


def neighbourhood_list() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.all()


def persons_visible_to(user) -> QuerySet[Person]:
    """Persons of the user's sites (admins: all sites), with what every list shows."""
    return Person.objects.visible_to(user).select_related("site", "neighbourhood")


def person_get(*, public_id, user) -> Person:
    """The person with this UUID if the user may see it; 404 otherwise, never 403."""
    return get_visible_or_404(
        persons_visible_to(user), "Personne introuvable.", public_id=public_id
    )


def _parse_date(term: str) -> datetime.date | None:
    for pattern, order in ((_DATE_FR, (3, 2, 1)), (_DATE_ISO, (1, 2, 3))):
        match = pattern.match(term)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                return datetime.date(year, month, day)
            except ValueError:
                return None
    return None


def person_search(
    qs: QuerySet[Person], query: str, *, names_only: bool = False
) -> QuerySet[Person]:
    """Filter by every term of `query`: a name fragment, a birth date (12/03/1980 or 1980-03-12),
    a birth year, or a phone number (at least 4 digits, spaces ignored). `names_only` (the
    volunteers' search) keeps name fragments and birth years: a phone number or a birth date
    finds nobody, so that a search never tells them more than the name (security.md row 18)."""
    query = (query or "").strip()
    if not query:
        return qs
    if names_only:
        for term in query.split():
            if _YEAR.match(term):
                year = int(term)
                qs = qs.filter(Q(birth_date__year=year) | Q(birth_year=year))
            elif (key := normalize_name(term)) and not any(char.isdigit() for char in term):
                qs = qs.filter(name_key__contains=key)
            else:
                return qs.none()
        return qs
    for kind, value in _search_terms(query):
        if kind == "date":
            qs = qs.filter(birth_date=value)
        elif kind == "phone":
            qs = qs.filter(phone_key__contains=value)
        elif kind == "year":
            qs = qs.filter(Q(birth_date__year=value) | Q(birth_year=value))
        else:
            qs = qs.filter(name_key__contains=value)
    return qs


def _search_terms(query: str) -> list[tuple[str, object]]:
    """How `person_search` reads `query` (not a volunteer's): the whole of it as a birth date
    (`("date", date)`) or a phone number (`("phone", digits)`), else each term as a birth date,
    a birth year (`("year", int)`) or a normalised name fragment (`("name", key)`)."""
    query = (query or "").strip()
    if not query:
        return []
    date = _parse_date(query)
    if date:
        return [("date", date)]
    digits = normalize_phone(query)
    if len(digits) >= 4 and _PHONE_LIKE.fullmatch(query) and not _YEAR.match(query):
        return [("phone", digits)]
    terms = []
    for term in query.split():
        date = _parse_date(term)
        if date:
            terms.append(("date", date))
        elif _YEAR.match(term):
            terms.append(("year", int(term)))
        elif key := normalize_name(term):
            terms.append(("name", key))
    return terms


# A search keeps persons whose names sit together in the alphabetical order: up to this many,
# they are sorted rather than found by walking every name in order (pagination.sorted_apart).
# At 100×, all sites: « Picard », 578 matches, 7 ms sorted against 146 ms walked; « Bernard »,
# 1,722 matches, 14 against 10 ms; « Martin », 3,958 matches (first names too, spread through
# the alphabet), 23 against 8 ms; « ma », 36,943 matches, 113 against 5 ms (docs/performance.md).
SEARCH_SORTED_UP_TO = 2000


def search_sorts_kept(query: str) -> bool:
    """Whether a search's matches are worth sorting apart: when it has a name fragment of at
    least 3 characters, the trigram index finds them; shorter fragments only (« Da C ») leave
    a scan of every person, which the walk in name order stops early."""
    return any(kind == "name" and len(key) >= 3 for kind, key in _search_terms(query))


def search_sorted_up_to(query: str) -> int | None:
    """How many matches of the search `query` at most are sorted apart (the paginator's
    `sort_kept_up_to`), or None when they never are."""
    return SEARCH_SORTED_UP_TO if search_sorts_kept(query) else None


def person_search_first(qs: QuerySet[Person], query: str, size: int) -> list[Person]:
    """The first `size` persons of a search (`person_search(qs, query)`), in the list's order,
    sorted apart when the search keeps few enough of them (`search_sorted_up_to`): a first
    query, unordered and cut just past that number, tells."""
    up_to = search_sorted_up_to(query)
    if up_to is not None:
        kept = qs.order_by().values_list("pk", flat=True)[: up_to + 1]
        if len(kept) <= up_to:
            qs = sorted_apart(qs)
    return list(qs[:size])


def person_duplicates(
    *,
    user,
    last_name: str,
    first_name: str,
    birth_date: datetime.date | None = None,
    birth_year: int | None = None,
    exclude_pk: int | None = None,
) -> list[Person]:
    """Persons that may be the same human being: same normalised last and first names, and a birth
    date or year that does not contradict (an unknown birth date contradicts nothing)."""
    name_key = f"{normalize_name(last_name)} {normalize_name(first_name)}"
    qs = persons_visible_to(user).filter(name_key=name_key)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    year = birth_date.year if birth_date else birth_year
    if birth_date:
        qs = qs.filter(
            Q(birth_date=birth_date)
            | Q(birth_date__isnull=True, birth_year=year)
            | Q(birth_date__isnull=True, birth_year__isnull=True)
        )
    elif year:
        qs = qs.filter(
            Q(birth_date__year=year)
            | Q(birth_year=year)
            | Q(birth_date__isnull=True, birth_year__isnull=True)
        )
    return list(qs[:10])


def person_duplicates_bulk(*, user, candidates: list[tuple], batch: int = 500) -> list:
    """For each (last name, first name, birth date or None) of `candidates`, the first person
    that `person_duplicates` would return, or None: the same rule, applied in Python to the
    persons of the same names, one query per `batch` candidates (lists of thousands of rows)."""
    found = []
    for start in range(0, len(candidates), batch):
        chunk = candidates[start : start + batch]
        keys = [f"{normalize_name(last)} {normalize_name(first)}" for last, first, _ in chunk]
        by_key: dict[str, list[Person]] = {}
        persons = persons_visible_to(user).filter(name_key__in=set(keys))
        for person in persons.order_by(*Person._meta.ordering, "pk"):
            by_key.setdefault(person.name_key, []).append(person)
        for key, (_last, _first, birth_date) in zip(keys, chunk, strict=True):
            match = None
            for person in by_key.get(key, ()):
                unknown = person.birth_date is None and person.birth_year is None
                if (
                    birth_date is None
                    or person.birth_date == birth_date
                    or (person.birth_date is None and person.birth_year == birth_date.year)
                    or unknown
                ):
                    match = person
                    break
            found.append(match)
    return found


def journal_for_object(*, object_type: str, object_ref: str) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(
        object_type=object_type, object_ref=object_ref
    ).select_related("user")
