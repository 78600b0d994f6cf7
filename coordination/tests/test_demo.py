"""The demo: every site has the seed's partners; orientations of each source, some still waiting
in the demo social worker's to-do list; running it twice creates nothing."""

import datetime
import io

import pytest
import time_machine

from ceis.choices import Role
from ceis.demo import seed_core
from coordination import demo, selectors
from coordination.choices import OrientationSource
from coordination.models import Orientation, Partner
from coordination.seed import SEED_PARTNERS
from unisvers import demo as unisvers_demo
from villages import demo as villages_demo


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 12, 2, 11, tzinfo=datetime.UTC), tick=False)
def test_the_demo_seeds_partners_and_orientations_and_runs_twice_unchanged():
    core = seed_core(persons=40)
    unisvers_demo.seed(core=core)
    villages_demo.seed(core=core)
    out = io.StringIO()
    demo.seed(core=core, stdout=out)
    for site in core["sites"].values():
        names = set(Partner.objects.filter(site=site).values_list("name", flat=True))
        assert names == {name for name, _ in SEED_PARTNERS}
    sources = set(Orientation.objects.values_list("source", flat=True))
    assert sources == set(OrientationSource.values)
    count = Orientation.objects.count()
    assert f"orientations : {count} créées" in out.getvalue()
    assert selectors.pending_for_agent(user=core["users"][Role.TRAVAILLEUR_SOCIAL])
    demo.seed(core=core)
    assert Orientation.objects.count() == count
