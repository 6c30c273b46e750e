"""Demo data for the registry: real Norfolk schools and census figures, grouped into illustrative clusters."""

from django.conf import settings

from .importers import census_import, links_import, spine_import
from .services import demo_clusters_build

DATA = settings.BASE_DIR / "data"
NORFOLK = 926


def load(context) -> None:
    out = context.stdout
    out.write(spine_import(path=DATA / "dfe-school-census-2019" / "england_spine_2017-18_norfolk.csv", la_code=NORFOLK).summary())
    out.write(census_import(path=DATA / "dfe-school-census-2019" / "norfolk_census_2018-19.csv", la_code=NORFOLK,
                            add_missing_schools=True).summary())
    out.write(links_import(path=DATA / "gias-norfolk" / "gias_links_norfolk_20250422.csv").summary())
    clusters = demo_clusters_build(la_code=NORFOLK, academic_year=2018)
    out.write(f"{len(clusters)} illustrative clusters for AY 2018/19.")
    context.clusters = sorted(clusters, key=lambda c: c.name)
