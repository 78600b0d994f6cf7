"""Locust journeys of CEIS's roles, driven by `bench/load_test.py` (which starts gunicorn).

Each simulated user logs in through the real login form (CSRF token from the page), fetches
the page's static files once (as a browser with an empty cache would), then repeats its role's
journeys, thinking between pages. Only GET requests after the login: the journeys read, they
never change the database (the login itself records a journal entry and a session).

The objects to visit (cohorts and register days, participants, follow-ups, sessions and weeks,
sites, names to search) come from the JSON file named by CEIS_LOAD_POOLS, written by
`load_test.py` from the database under test: every URL is one the user may see, in the bench
year. CEIS_LOAD_THINK multiplies the think times (1 = the values below).

Requests are named by URL pattern ("/unisvers/promotions/[id]/"), so Locust's statistics are
per endpoint. A request fails on any status other than 200 and on a redirect to the login page.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

POOLS = json.loads(open(os.environ["CEIS_LOAD_POOLS"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = POOLS["password"]
THINK = float(os.environ.get("CEIS_LOAD_THINK", "1"))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATIC_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
LOGIN_NAME = "/connexion/ (POST, puis accueil)"


# Every request as (start time, name, milliseconds, error or ""), written to CEIS_LOAD_SAMPLES
# when Locust stops: load_test.py computes exact percentiles from them, for the whole run and for
# the steady state after the last login.
SAMPLES = []


@events.request.add_listener
def _record(name, response_time, exception, start_time=None, **_kwargs):
    start = start_time if start_time is not None else time.time() - response_time / 1000
    SAMPLES.append((start, name, response_time, str(exception) if exception else ""))


@events.quitting.add_listener
def _dump(**_kwargs):
    path = os.environ.get("CEIS_LOAD_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(SAMPLES, f)


def think(low: float, high: float):
    return between(low * THINK, high * THINK)


class CeisUser(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        self.pool = POOLS["roles"][self.username]
        with self.client.get(
            "/connexion/", name="/connexion/ (formulaire)", catch_response=True
        ) as login_page:
            match = CSRF_RE.search(login_page.text or "")
            if not match:
                login_page.failure(f"pas de jeton CSRF ({login_page.status_code})")
                return
        with self.client.post(
            "/connexion/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": self.host + "/connexion/"},
            name=LOGIN_NAME,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/connexion/" in response.url:
                response.failure(f"connexion refusée ({response.status_code})")
                return
            static = sorted(set(STATIC_RE.findall(response.text)))
        for url in static:
            self.client.get(url, name="/static/[fichier]")

    def page(self, url: str, name: str):
        """GET one page; anything but a 200 that stays on the page is a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/connexion/" in response.url:
                response.failure("renvoyé vers la connexion")
            return response

    def pick(self, key: str):
        values = self.pool.get(key) or []
        return random.choice(values) if values else None


class SocialWorker(CeisUser):
    """Travailleur social: to-do, cohorts, the register of a day, a participant, a follow-up."""

    username = "travailleur"
    weight = 16
    wait_time = think(2, 6)

    @task(3)
    def daily_round(self):
        self.page("/", "/ (accueil, à faire)")
        self.wait()
        self.page("/unisvers/", "/unisvers/ (promotions)")
        self.wait()
        cohort = self.pick("cohorts")
        if cohort:
            self.page(f"/unisvers/promotions/{cohort}/", "/unisvers/promotions/[id]/")
            self.wait()
        day = self.pick("register_days")
        if day:
            self.page(
                f"/unisvers/promotions/{day[0]}/registre/{day[1]}/",
                "/unisvers/promotions/[id]/registre/[jour]/",
            )

    @task(2)
    def participant_file(self):
        person = self.pick("participants")
        if person:
            self.page(f"/unisvers/participants/{person}/", "/unisvers/participants/[id]/")
            self.wait()
        followup = self.pick("followups")
        if followup:
            self.page(f"/unisvers/suivis/{followup}/modifier/", "/unisvers/suivis/[id]/modifier/")

    @task(1)
    def register_of_a_cohort(self):
        day = self.pick("register_days")
        if day:
            self.page(f"/unisvers/promotions/{day[0]}/", "/unisvers/promotions/[id]/")
            self.wait()
            self.page(
                f"/unisvers/promotions/{day[0]}/registre/{day[1]}/",
                "/unisvers/promotions/[id]/registre/[jour]/",
            )


class Mediator(CeisUser):
    """Médiateur numérique: the week's sessions, a session and its check-in, helps."""

    username = "mediateur"
    weight = 12
    wait_time = think(2, 6)

    @task(3)
    def sessions(self):
        week = self.pick("weeks")
        self.page(f"/villages/seances/?semaine={week}", "/villages/seances/?semaine=")
        self.wait()
        session = self.pick("sessions")
        if session:
            self.page(f"/villages/seances/{session}/", "/villages/seances/[id]/")
            self.wait()
            self.page(f"/villages/seances/{session}/pointage/", "/villages/seances/[id]/pointage/")

    @task(2)
    def helps(self):
        self.page("/villages/accompagnements/", "/villages/accompagnements/")
        self.wait()
        self.page("/villages/accompagnements/nouveau/", "/villages/accompagnements/nouveau/")


class Volunteer(CeisUser):
    """Volontaire: the free-access counter, the sessions and their check-in."""

    username = "volontaire"
    weight = 5
    wait_time = think(3, 8)

    @task(3)
    def counter(self):
        self.page("/villages/accueil-libre/", "/villages/accueil-libre/")

    @task(1)
    def checkin(self):
        week = self.pick("weeks")
        self.page(f"/villages/seances/?semaine={week}", "/villages/seances/?semaine=")
        self.wait()
        session = self.pick("sessions")
        if session:
            self.page(f"/villages/seances/{session}/pointage/", "/villages/seances/[id]/pointage/")


QUARTERS = [("01-01", "03-31"), ("04-01", "06-30"), ("07-01", "09-30"), ("10-01", "12-31")]


class Manager(CeisUser):
    """Manager: the dashboard for a period (all sites, or one site and a quarter), the bilans."""

    username = "manager"
    weight = 5
    wait_time = think(5, 15)

    @task(2)
    def dashboard_year(self):
        year = POOLS["year"]
        self.page(
            f"/bilans/?preset=custom&date_from={year}-01-01&date_to={year}-12-31",
            "/bilans/?période=année (tous les sites)",
        )

    @task(2)
    def dashboard_site_quarter(self):
        year, quarter, site = POOLS["year"], random.randint(0, 3), self.pick("sites")
        start, end = [
            ("01-01", "03-31"),
            ("04-01", "06-30"),
            ("07-01", "09-30"),
            ("10-01", "12-31"),
        ][quarter]
        self.page(
            f"/bilans/?preset=custom&date_from={year}-{start}&date_to={year}-{end}&site={site}",
            "/bilans/?période=trimestre&site=",
        )

    @task(1)
    def documents(self):
        self.page("/bilans/documents/", "/bilans/documents/")


class Admin(CeisUser):
    """Administrateur, now and then: the persons list, a search, the header's quick search."""

    username = "admin"
    weight = 2
    wait_time = think(3, 10)

    @task(1)
    def persons(self):
        self.page("/personnes/", "/personnes/")
        self.wait()
        name = self.pick("names")
        self.page(f"/personnes/?q={name}", "/personnes/?q=")

    @task(1)
    def quick_search(self):
        name = self.pick("names")
        self.page(f"/personnes/recherche/?q={name[:4]}", "/personnes/recherche/?q=")
