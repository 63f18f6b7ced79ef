"""The public-figures and rights-holder registries: loaded by a data migration, edited in the admin, read by the selectors."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from moderation import selectors
from moderation.models import PublicFigureEntry, RightsHolderEntry
from moderation.selectors import registries
from tests.moderation.factories import StaffFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "moderation" / "data"
migration = importlib.import_module("moderation.migrations.0003_load_shipped_registries")


def _file(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def _shipped(shipped_registries):
    """Every test here reads the shipped rows."""


@pytest.fixture
def superuser_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


@pytest.fixture
def fresh_snapshots():
    registries.forget_snapshots()
    yield
    registries.forget_snapshots()


def _aliases(rows: list[dict], slug: str) -> list[str]:
    return next(row["aliases"] for row in rows if row["slug"] == slug)


def test_the_migration_loaded_both_shipped_files():
    """The data migration is applied and its load holds every figure and rights-holder row of the files, with aliases."""
    assert (
        MigrationRecorder(connection)
        .migration_qs.filter(app="moderation", name="0003_load_shipped_registries")
        .exists()
    )
    figures, rights = _file("public_figures.jsonl"), _file("rights_holders.jsonl")
    assert (
        PublicFigureEntry.objects.filter(slug__in=[r["slug"] for r in figures]).count()
        == len(figures)
        >= 1500
    )
    assert (
        RightsHolderEntry.objects.filter(slug__in=[r["slug"] for r in rights]).count() == len(rights) >= 500
    )
    assert PublicFigureEntry.objects.exclude(aliases=[]).count() >= 500
    assert RightsHolderEntry.objects.exclude(aliases=[]).count() >= 400
    obama = PublicFigureEntry.objects.get(slug="barack-obama")
    assert "Obama" in obama.aliases
    assert obama.kind == "head_of_state"
    assert obama.country == "US"
    assert RightsHolderEntry.objects.get(slug="mickey-mouse").choice == "block"
    assert RightsHolderEntry.objects.filter(kind="franchise").count() > 100


def test_the_load_is_idempotent_and_its_reverse_keeps_edited_rows():
    """Running the load again changes nothing; the reverse removes only loaded rows left as they came."""
    figures = PublicFigureEntry.objects.count()
    migration.load(django_apps, None)
    assert PublicFigureEntry.objects.count() == figures
    RightsHolderEntry.objects.create(
        slug="captain-comet", name="Captain Comet", rights_holder="Starlight Studios"
    )
    edited = PublicFigureEntry.objects.get(slug="barack-obama")
    edited.aliases = [*edited.aliases, "Barry O"]
    edited.save()
    RightsHolderEntry.objects.filter(slug="minnie-mouse").update(choice="label")

    migration.unload(django_apps, None)

    assert set(PublicFigureEntry.objects.values_list("slug", flat=True)) == {"barack-obama"}
    assert set(RightsHolderEntry.objects.values_list("slug", flat=True)) == {"captain-comet", "minnie-mouse"}
    migration.load(django_apps, None)
    assert PublicFigureEntry.objects.count() == figures
    assert (
        RightsHolderEntry.objects.get(slug="minnie-mouse").choice == "label"
    )  # a moderator's choice survives


def test_the_selectors_return_active_rows_in_the_file_format(fresh_snapshots):
    """Rows carry the JSONL fields (rights holders add choice and label_text); deactivated rows are left out."""
    figures = selectors.public_figure_rows()
    assert set(figures[0]) == {"slug", "name", "aliases", "kind", "country"}
    assert {"barack-obama", "taylor-swift"} <= {row["slug"] for row in figures}
    rights = selectors.rights_holder_rows()
    assert set(rights[0]) == set(_file("rights_holders.jsonl")[0]) | {"choice", "label_text"}

    figure = PublicFigureEntry.objects.get(slug="taylor-swift")
    figure.active = False
    figure.save()
    mickey = RightsHolderEntry.objects.get(slug="mickey-mouse")
    mickey.active = False
    mickey.save()

    assert "taylor-swift" not in {row["slug"] for row in selectors.public_figure_rows()}
    assert "mickey-mouse" not in {row["slug"] for row in selectors.rights_holder_rows()}


def test_a_committed_edit_reaches_a_warm_cache_and_the_steady_state_makes_no_query(
    superuser_client, fresh_snapshots, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """An alias added in the admin is in the selector's rows on the next call, with no restart; then no query."""
    before = selectors.public_figure_rows()
    with django_assert_num_queries(0):
        assert selectors.public_figure_rows() is before  # the same list while nothing changed
    assert "Barry O" not in _aliases(before, "barack-obama")

    figure = PublicFigureEntry.objects.get(slug="barack-obama")
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            f"/admin/moderation/publicfigureentry/{figure.pk}/change/",
            {
                "slug": figure.slug,
                "name": figure.name,
                "aliases": "\n".join([*figure.aliases, "", "Barry O", "barry o"]),
                "kind": figure.kind,
                "country": "us",
                "active": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    figure.refresh_from_db()
    assert figure.aliases[-1] == "Barry O"
    assert figure.aliases.count("Barry O") == 1
    assert figure.country == "US"

    assert "Barry O" in _aliases(selectors.public_figure_rows(), "barack-obama")
    with django_assert_num_queries(0):
        selectors.public_figure_rows()


def test_an_uncommitted_write_is_read_fresh_and_not_kept(fresh_snapshots, django_assert_num_queries):
    """Inside the writing transaction the selector reads the new rows each time and caches none of them."""
    selectors.rights_holder_rows()
    RightsHolderEntry.objects.create(slug="zzyzx", name="Zzyzx", rights_holder="Nobody", aliases=["zz"])
    with django_assert_num_queries(1):
        assert "zzyzx" in {row["slug"] for row in selectors.rights_holder_rows()}
    with django_assert_num_queries(1):
        selectors.rights_holder_rows()


def test_the_admin_lists_searches_and_filters_both_registries(superuser_client):
    """Changelists render; search finds a row by an alias; filters by kind, country and active work."""
    body = superuser_client.get("/admin/moderation/publicfigureentry/?q=Bibi").content.decode()
    assert "Benjamin Netanyahu" in body
    body = superuser_client.get(
        "/admin/moderation/publicfigureentry/?kind=athlete&country=US"
    ).content.decode()
    assert "LeBron James" in body
    assert "Barack Obama" not in body
    body = superuser_client.get("/admin/moderation/rightsholderentry/?q=Topolino").content.decode()
    assert "Mickey Mouse" in body
    assert "Donald Duck" not in body
    body = superuser_client.get(
        "/admin/moderation/rightsholderentry/?kind=franchise&active__exact=1"
    ).content.decode()
    assert "Mickey Mouse" not in body
    figure = PublicFigureEntry.objects.get(slug="barack-obama")
    page = superuser_client.get(f"/admin/moderation/publicfigureentry/{figure.pk}/change/").content.decode()
    assert "Obama\n" in page or "Obama</textarea>" in page  # aliases as lines, not JSON
    assert superuser_client.get("/admin/moderation/rightsholderentry/add/").status_code == 200


def test_the_deactivate_action_switches_rows_off(superuser_client, fresh_snapshots):
    """The bulk action saves each row, so the selectors drop it."""
    ids = list(
        RightsHolderEntry.objects.filter(slug__in=["mickey-mouse", "donald-duck"]).values_list(
            "pk", flat=True
        )
    )
    response = superuser_client.post(
        "/admin/moderation/rightsholderentry/",
        {"action": "deactivate", "_selected_action": ids},
    )
    assert response.status_code == 302
    slugs = {row["slug"] for row in selectors.rights_holder_rows()}
    assert not {"mickey-mouse", "donald-duck"} & slugs
