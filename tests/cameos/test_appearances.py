"""Appearances: recorded by generation and feed, listed for the owner, removed set-based with signals."""

from __future__ import annotations

import pytest

from cameos import selectors, services, signals
from cameos.models import Appearance
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cameos.factories import AppearanceFactory, CameoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Collects every cameos signal sent during the test."""
    log: list[tuple[str, dict]] = []

    def make(name):
        def receiver(sender, **kwargs):
            log.append((name, kwargs))

        return receiver

    receivers = {
        "revoked": make("revoked"),
        "removed": make("removed"),
        "deleted": make("deleted"),
    }
    signals.cameo_access_revoked.connect(receivers["revoked"])
    signals.appearance_removed.connect(receivers["removed"])
    signals.cameo_deleted.connect(receivers["deleted"])
    yield log
    signals.cameo_access_revoked.disconnect(receivers["revoked"])
    signals.appearance_removed.disconnect(receivers["removed"])
    signals.cameo_deleted.disconnect(receivers["deleted"])


def test_record_is_idempotent_and_cast_wins():
    """Recording the same video twice keeps one row; a detection of a cast cameo stays `cast` with the closer score."""
    cameo = CameoFactory()
    creator = UserFactory()
    first = services.appearance_record(
        cameo_id=cameo.pk, kind="generation", object_id=7, source="cast", creator_id=creator.pk
    )
    again = services.appearance_record(
        cameo_id=cameo.pk, kind="generation", object_id=7, source="detected", score=0.31
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.source, again.score, again.creator_id) == ("cast", 0.31, creator.pk)
    assert Appearance.objects.filter(cameo=cameo).count() == 1


def test_recording_notifies_the_owner_once():
    """A new appearance by someone else notifies the owner (cast vs detected); repeats do not."""
    cameo = CameoFactory()
    creator = UserFactory()
    services.appearance_record(
        cameo_id=cameo.pk, kind="generation", object_id=1, source="cast", creator_id=creator.pk
    )
    services.appearance_record(
        cameo_id=cameo.pk, kind="generation", object_id=1, source="cast", creator_id=creator.pk
    )
    services.appearance_record(cameo_id=cameo.pk, kind="post", object_id=2, source="detected", score=0.4)
    services.appearance_record(
        cameo_id=cameo.pk, kind="post", object_id=3, source="cast", creator_id=cameo.owner_id
    )
    kinds = list(Notification.objects.filter(user=cameo.owner).order_by("id").values_list("kind", flat=True))
    assert kinds == ["cameo.cast", "cameo.detected"]


def test_record_rejects_unknown_kinds():
    """Only generation/post and cast/detected are accepted."""
    from sora_social.common.errors import ValidationFailed

    cameo = CameoFactory()
    with pytest.raises(ValidationFailed):
        services.appearance_record(cameo_id=cameo.pk, kind="comment", object_id=1, source="cast")


def test_remove_one_appearance_signals_its_object(received):
    """Removing one appearance marks it removed and sends appearance_removed with that object id."""
    cameo = CameoFactory()
    keep = AppearanceFactory(cameo=cameo, kind="post", object_id=11)
    gone = AppearanceFactory(cameo=cameo, kind="post", object_id=12)
    assert services.appearance_remove(cameo=cameo, appearance_id=str(gone.pk)) == 1
    gone.refresh_from_db()
    keep.refresh_from_db()
    assert gone.state == "removed"
    assert gone.removed_at is not None
    assert keep.state == "active"
    assert received == [
        (
            "removed",
            {"cameo_id": cameo.pk, "kind": "post", "object_ids": [12], "signal": signals.appearance_removed},
        )
    ]


def test_remove_unknown_or_foreign_appearance_is_404():
    """An appearance of another cameo (or a malformed id) is not found and changes nothing."""
    from sora_social.common.errors import NotFound

    mine, theirs = CameoFactory(), CameoFactory()
    other = AppearanceFactory(cameo=theirs)
    for bad in (str(other.pk), "nope", "123"):
        with pytest.raises(NotFound):
            services.appearance_remove(cameo=mine, appearance_id=bad)
    other.refresh_from_db()
    assert other.state == "active"


def test_remix_cascade_reported_back_set_based(django_assert_num_queries):
    """Feed reports remixes it removed; their rows for this cameo are marked in one statement."""
    cameo = CameoFactory()
    for object_id in (21, 22, 23):
        AppearanceFactory(cameo=cameo, kind="post", object_id=object_id)
    unrelated = AppearanceFactory(kind="post", object_id=22)
    assert selectors.objects_with_likeness(cameo_id=cameo.pk, kind="post", object_ids=[21, 22, 23, 24]) == {
        21,
        22,
        23,
    }
    with django_assert_num_queries(1):
        count = services.appearances_remove_objects(cameo_id=cameo.pk, kind="post", object_ids=[22, 23, 24])
    assert count == 2
    assert selectors.objects_with_likeness(cameo_id=cameo.pk, kind="post", object_ids=[21, 22, 23]) == {21}
    unrelated.refresh_from_db()
    assert unrelated.state == "active"


def test_revoke_signals_cameo_and_user(received):
    """Revoking a member's access sends cameo_access_revoked with both ids, and denies their pending request."""
    from cameos.models import CameoRequest

    cameo = CameoFactory(audience="everyone")
    pest = UserFactory()
    services.cameo_update(cameo=cameo, audience="approved")
    request = services.cameo_request_create(cameo=cameo, requester=pest)
    services.cameo_revoke(cameo=cameo, user_id=pest.pk)
    assert received == [
        ("revoked", {"cameo_id": cameo.pk, "user_id": pest.pk, "signal": signals.cameo_access_revoked})
    ]
    request.refresh_from_db()
    assert request.state == CameoRequest.State.DENIED


def test_cameos_in_object_lists_active_appearances():
    """Generation and feed can ask which cameos a video carries, and how."""
    a, b = CameoFactory(), CameoFactory()
    AppearanceFactory(cameo=a, kind="generation", object_id=5, source="cast")
    AppearanceFactory(cameo=b, kind="generation", object_id=5, source="detected", state="removed")
    assert selectors.cameos_in_object(kind="generation", object_id=5) == {a.pk: "cast"}


def test_deleting_a_cameo_removes_appearances_in_constant_queries(received):
    """Deleting a cameo costs the same statements for 3 or 60 appearances (every receiver
    included); one signal per kind carries every id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = {}
    for count in (3, 60):
        received.clear()
        cameo = CameoFactory()
        for i in range(count):
            AppearanceFactory(cameo=cameo, kind="post" if i % 3 else "generation", object_id=count * 1000 + i)
        with CaptureQueriesContext(connection) as captured:
            services.cameo_delete(cameo=cameo)
        statements[count] = len(captured)
        removed = {
            kwargs["kind"]: sorted(kwargs["object_ids"]) for name, kwargs in received if name == "removed"
        }
        assert sum(len(ids) for ids in removed.values()) == count
        assert len([r for r in received if r[0] == "removed"]) == 2
        assert not Appearance.objects.filter(cameo_id=cameo.pk).exists()
    assert statements[3] == statements[60], statements
