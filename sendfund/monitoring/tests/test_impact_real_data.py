"""Impact before and after an award, from the real DfE files in data/ (the January 2019 census, the January 2023
school census and SEN files, and the 2018-19 absence and KS4 results), checked on the rendered pages against
figures worked out by hand from those files.

The funded cluster is Cromer Academy with Roydon Primary School, first funded in AY 2020/21; the one comparable
unfunded cluster is Hobart High School with Blofield Primary School. The raw figures, file by file:

    URN     school                 2018/19 (england_census_2018-19.csv; abs; ks4)        2022/23 (spc; sen)
                                   NOR  TSENELK TSENELSE NUMFSM PERCTOT PPERSABS10 ATT8 P8   pupils FSM SENsup EHC
    137431  Cromer Academy         587   67      18       68     6.1     14.6      45  0.2   692   156   56   21
    120848  Roydon Primary School  254   27       3       21     4.4      8.9      -    -    259    47   34    5
    139311  Hobart High School     666   86      17       57     5.3     13.0     45.6 -0.16 658   109   75   12
    120788  Blofield Primary       221   14       1        5     3.3      2.1      -    -    214    16   18    2
"""

import datetime as dt
import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.casework.models import Case
from sendfund.registry.census import census_import
from sendfund.registry.models import ClusterMembership, Phase, School
from sendfund.registry.services import cluster_create, membership_set
from sendfund.registry.setup import CENSUS_FILES, OUTCOME_FILES

pytestmark = pytest.mark.django_db

SCHOOLS = [(137431, 5401, "Cromer Academy", Phase.SECONDARY, "funded"),
           (120848, 2138, "Roydon Primary School", Phase.PRIMARY, "funded"),
           (139311, 4006, "Hobart High School", Phase.SECONDARY, "comparable"),
           (120788, 2017, "Blofield Primary School", Phase.PRIMARY, "comparable")]


def _rows(response, table_id) -> dict[str, list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', response.content.decode(), re.S).group(0)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = cells[1:]
    return out


@pytest.fixture
def real_clusters(world):
    """The world's made-up schools leave their clusters; four real Norfolk schools form the funded cluster (the
    world's, whose award is dated AY 2020/21) and an unfunded one, in both census years; the shipped files load."""
    Case.objects.filter(cluster=world.cluster, accepted_at__isnull=False).update(
        accepted_at=timezone.make_aware(dt.datetime(2021, 1, 15, 12)))
    ClusterMembership.objects.all().delete()
    comparable = cluster_create(name="Hobart High School cluster", host_name="H", host_email="h@hobart.example")
    for urn, estab, name, phase, which in SCHOOLS:
        school = School.objects.create(urn=urn, la_code=926, estab=estab, name=name, phase=phase, town="Norfolk",
                                       postcode="NR1 1AA")
        for year in (2018, 2022):
            membership_set(school=school, cluster=world.cluster if which == "funded" else comparable,
                           academic_year=year)
    for year, files in [*CENSUS_FILES, *OUTCOME_FILES]:
        for path in files:
            census_import(path=path, la_code=926, academic_year=year, skip_unknown_schools=True)
    return world.cluster, comparable


def test_before_and_after_from_the_real_2019_and_2023_files(real_clusters, client_for):
    funded, comparable = real_clusters
    officer_page = client_for(Role.LA_OFFICER).get(reverse("monitoring:impact", kwargs={"cluster_pk": funded.pk}))
    cluster_page = client_for(Role.CLUSTER_HOST).get(reverse("monitoring:apply-impact", kwargs={"cluster_pk": funded.pk}))
    for page in (officer_page, cluster_page):  # no count of 1 to 4 here, so both read the same
        _check(page)


def _check(page):
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())))
    assert ("First award accepted in AY 2020/21. Before: AY 2018/19. Latest: AY 2022/23. Compared with 1 unfunded "
            "cluster of similar size and need (Hobart High School cluster).") in text
    rows = _rows(page, "before-after")
    # Funded 2018/19: 587 + 254 = 841 pupils; 2022/23: 692 + 259 = 951. Comparable: 666 + 221 = 887; 658 + 214 = 872.
    # SEN support: (67 + 27)/841 = 11.18% -> (56 + 34)/951 = 9.46%: 11.2 -> 9.5, -1.7;
    #              comparable (86 + 14)/887 = 11.27% -> (75 + 18)/872 = 10.67%: 11.3 -> 10.7, -0.6; difference -1.1.
    assert rows["Pupils on SEN support (% of pupils)"] == ["11.2", "9.5", "-1.7", "-0.6", "-1.1"]
    # EHC plans: (18 + 3)/841 = 2.50% -> (21 + 5)/951 = 2.73%: +0.2; comparable 18/887 = 2.03% -> 14/872 = 1.61%:
    # 2.0 -> 1.6, -0.4; difference 0.6.
    assert rows["Pupils with an EHC plan (% of pupils)"] == ["2.5", "2.7", "0.2", "-0.4", "0.6"]
    # FSM: (68 + 21)/841 = 10.58% -> (156 + 47)/951 = 21.35%: +10.7; comparable 62/887 = 6.99% -> 125/872 = 14.33%:
    # 7.0 -> 14.3, +7.3; difference 3.4.
    assert rows["Pupils eligible for free school meals (FSM) (% of pupils)"] == ["10.6", "21.3", "10.7", "7.3", "3.4"]
    # Absence 2018-19, weighted by pupils: (6.1 x 587 + 4.4 x 254)/841 = 4698.3/841 = 5.59; persistent absence
    # (14.6 x 587 + 8.9 x 254)/841 = 10830.8/841 = 12.88. KS4: Cromer Academy is the one school with results.
    # None is published for 2022/23, so there is no change to show.
    assert rows["Overall absence (% of sessions missed)"] == ["5.6", "–", "–", "–", "–"]
    assert rows["Persistent absentees (% of pupils missing 10% or more)"] == ["12.9", "–", "–", "–", "–"]
    assert rows["Attainment 8 (average score) (mean)"] == ["45.00", "–", "–", "–", "–"]
    assert rows["Progress 8 (adjusted score) (mean)"] == ["0.20", "–", "–", "–", "–"]
    said = re.search(r"Not loaded for AY 2022/23, so there is no change to show yet: ([^.]*)\.", text).group(1)
    assert said == ("Pupils eligible for FSM in the last 6 years (Ever-6), Overall absence (% of sessions missed), "
                    "Persistent absentees (% of pupils missing 10% or more), Attainment 8 (average score), "
                    "Progress 8 (adjusted score)"), said
    years = _rows(page, "years")
    assert years["AY 2018/19"][0] == "841"
    assert years["AY 2022/23"][0] == "951"
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(
        r"<th[^>]*>(.*?)</th>", re.search(r'<table[^>]*id="years".*?</thead>', page.content.decode(), re.S).group(0))]
    cell = dict(zip(headings[1:], years["AY 2018/19"], strict=True))
    assert cell["Pupils on SEN support"] == "94 (11.2%)"
    assert cell["Overall absence (% of sessions missed)"] == "5.6%"
    assert dict(zip(headings[1:], years["AY 2022/23"], strict=True))["Pupils on SEN support"] == "90 (9.5%)"


def test_a_share_resting_on_1_to_4_pupils_is_shown_only_to_the_officer(world, client_for):
    # Blofield Primary School alone had 1 pupil with an EHC plan in 2018/19 and 2 in 2022/23: the officer sees
    # the counts and shares, anyone else does not.
    blofield = School.objects.create(urn=120788, la_code=926, estab=2017, name="Blofield Primary School",
                                     phase=Phase.PRIMARY, town="Norfolk", postcode="NR1 1AA")
    tiny = cluster_create(name="Blofield cluster", host_name="B", host_email="b@blofield.example")
    for year in (2018, 2022):
        membership_set(school=blofield, cluster=tiny, academic_year=year)
    for year, files in CENSUS_FILES:
        for path in files:
            census_import(path=path, la_code=926, academic_year=year, skip_unknown_schools=True)
    url = reverse("monitoring:impact", kwargs={"cluster_pk": tiny.pk})
    officer = client_for(Role.LA_OFFICER).get(url)
    specialist = client_for(Role.EDUCATION_SPECIALIST).get(url)
    assert _rows(officer, "years")["AY 2018/19"][0] == "221"
    officer_text = officer.content.decode()
    assert "1 (0.5%)" in officer_text  # 1/221 = 0.45%
    specialist_text = htmllib.unescape(specialist.content.decode())
    assert "1 (0.5%)" not in specialist_text and "fewer than 5" in specialist_text
    assert _rows(officer, "years")["AY 2022/23"][0] == "214"
    assert "2 (0.9%)" in officer_text and "2 (0.9%)" not in specialist_text  # 2/214 = 0.93%
