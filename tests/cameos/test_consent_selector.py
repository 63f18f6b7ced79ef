"""The consent selector: "may user U cast cameo C now?" in one indexed query."""

from __future__ import annotations

import pytest

from cameos import selectors, services
from cameos.models import Audience, Cameo, CameoState
from cameos.selectors import consent
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db


def test_owner_may_cast_own_verified_cameo():
    """The owner may always cast their own verified cameo, whatever the audience."""
    cameo = CameoFactory(audience=Audience.ONLY_ME)
    assert selectors.may_cast(user_id=cameo.owner_id, cameo_id=cameo.pk)


def test_unverified_cameo_is_castable_by_nobody():
    """A cameo still processing (or rejected) cannot be cast, even by its owner."""
    for state in (CameoState.PROCESSING, CameoState.REJECTED, CameoState.AWAITING_RECORDING):
        cameo = CameoFactory(state=state, audience=Audience.EVERYONE)
        assert not selectors.may_cast(user_id=cameo.owner_id, cameo_id=cameo.pk)
        cameo.delete()


def test_only_me_refuses_even_granted_users():
    """`only_me` shuts out everyone else, including people holding a grant."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    friend = UserFactory()
    services.cameo_grant(cameo=cameo, user_id=friend.pk)
    assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
    services.cameo_update(cameo=cameo, audience=Audience.ONLY_ME)
    assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)


@pytest.mark.parametrize(
    ("audience", "owner_acts", "member_admitted"),
    [
        pytest.param(Audience.APPROVED, services.cameo_grant, True, id="approved_needs_a_grant"),
        pytest.param(Audience.EVERYONE, services.cameo_revoke, False, id="everyone_but_revoked"),
    ],
)
def test_audience_with_a_grant_or_revocation(audience, owner_acts, member_admitted):
    """`approved` lets in exactly the members the owner granted; `everyone` admits any member
    except one the owner revoked."""
    cameo = CameoFactory(audience=audience)
    member, other = UserFactory(), UserFactory()
    owner_acts(cameo=cameo, user_id=member.pk)
    assert selectors.may_cast(user_id=member.pk, cameo_id=cameo.pk) is member_admitted
    assert selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk) is not member_admitted


def test_grant_after_revocation_restores_access():
    """A new grant lifts an earlier revocation."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    friend = UserFactory()
    services.cameo_revoke(cameo=cameo, user_id=friend.pk)
    assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
    services.cameo_grant(cameo=cameo, user_id=friend.pk)
    assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)


def test_may_cast_is_one_query(django_assert_num_queries):
    """The check is a single query, with or without the row lock."""
    cameo = CameoFactory(audience=Audience.EVERYONE)
    other = UserFactory()
    with django_assert_num_queries(1):
        assert selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk)
    with django_assert_num_queries(1):
        assert selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk, lock=True)


def test_usable_cameo_ids_answers_a_whole_cast_in_one_query(django_assert_num_queries):
    """A cast of several cameos is checked in one query and returns exactly the usable ones."""
    caster = UserFactory()
    open_ = CameoFactory(audience=Audience.EVERYONE)
    granted = CameoFactory(audience=Audience.APPROVED)
    services.cameo_grant(cameo=granted, user_id=caster.pk)
    closed = CameoFactory(audience=Audience.APPROVED)
    private = CameoFactory(audience=Audience.ONLY_ME)
    own = CameoFactory(owner=caster, audience=Audience.ONLY_ME)
    ids = [open_.pk, granted.pk, closed.pk, private.pk, own.pk, 999]
    with django_assert_num_queries(1):
        usable = selectors.usable_cameo_ids(user_id=caster.pk, cameo_ids=ids)
    assert usable == {open_.pk, granted.pk, own.pk}


def test_consent_query_uses_indexes():
    """The plan of the consent query reads the cameo by primary key and every subquery through an index."""
    from django.db import connection

    cameo = CameoFactory(audience=Audience.APPROVED)
    other = UserFactory()
    qs = Cameo.objects.filter(pk=cameo.pk, state=CameoState.VERIFIED).filter(consent._castable(other.pk))
    sql, params = qs.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cameos_cameo_pkey" in plan
    # With sequential scans priced out, a Seq Scan would mean a table has no usable index.
    assert "Seq Scan" not in plan, plan


def test_mutuals_audience_admits_mutual_followers_only():
    """`mutuals` admits people the owner follows and who follow back; a one-way follower is refused."""
    from sora_social.accounts.services.graph import follow_create

    cameo = CameoFactory(audience=Audience.MUTUALS)
    mutual, fan = UserFactory(), UserFactory()
    follow_create(actor=cameo.owner, target=mutual)
    follow_create(actor=mutual, target=cameo.owner)
    follow_create(actor=fan, target=cameo.owner)
    assert selectors.may_cast(user_id=mutual.pk, cameo_id=cameo.pk)
    assert not selectors.may_cast(user_id=fan.pk, cameo_id=cameo.pk)
    # A grant still works under `mutuals`; a revocation beats the mutual follow.
    services.cameo_grant(cameo=cameo, user_id=fan.pk)
    assert selectors.may_cast(user_id=fan.pk, cameo_id=cameo.pk)
    services.cameo_revoke(cameo=cameo, user_id=mutual.pk)
    assert not selectors.may_cast(user_id=mutual.pk, cameo_id=cameo.pk)


def test_a_block_either_way_shuts_out_and_ends_grants():
    """Blocking (by the owner or by the grantee) ends access, drops the grant, and signals revocation."""
    from cameos import signals
    from cameos.models import CameoAccess
    from sora_social.accounts.services.graph import block_create, block_delete

    heard = []

    def receiver(sender, **kwargs):
        heard.append((kwargs["cameo_id"], kwargs["user_id"]))

    signals.cameo_access_revoked.connect(receiver)
    try:
        cameo = CameoFactory(audience=Audience.EVERYONE)
        friend, other = UserFactory(), UserFactory()
        services.cameo_grant(cameo=cameo, user_id=friend.pk)
        block_create(actor=friend, target=cameo.owner)
        assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
        assert heard == [(cameo.pk, friend.pk)]
        assert not CameoAccess.objects.filter(cameo=cameo, user=friend).exists()
        # After an unblock the `everyone` audience applies again, but the old grant is gone.
        block_delete(actor=friend, target=cameo.owner)
        assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
        block_create(actor=cameo.owner, target=other)
        assert not selectors.may_cast(user_id=other.pk, cameo_id=cameo.pk)
    finally:
        signals.cameo_access_revoked.disconnect(receiver)


def _teen():
    import datetime as dt

    from tests.accounts.factories import make_member

    today = dt.date.today()
    return make_member(birthdate=today.replace(year=today.year - 15))


def test_teen_cameo_starts_only_me_and_parent_cap_applies_at_check_time():
    """A teen's cameo starts `only_me`; a parent's cap clamps the audience on every check, even after it was set."""
    from sora_social.accounts.services import follow_create
    from sora_social.accounts.services.parental import parental_controls_update
    from sora_social.common.errors import ApplicationError
    from tests.accounts.factories import link_parent, make_member

    teen = _teen()
    assert teen.is_teen
    cameo = services.cameo_create(owner=teen)
    assert cameo.audience == Audience.ONLY_ME
    parent = make_member()
    link = link_parent(teen, parent)
    # Mutuals is as wide as a parent may open a teen's cameo.
    parental_controls_update(link=link, parent=parent, cameo_audience_max="mutuals")
    cameo.state = CameoState.VERIFIED
    cameo.save(update_fields=["state"])
    services.cameo_update(cameo=cameo, audience=Audience.MUTUALS)
    stranger = UserFactory()
    follow_create(actor=stranger, target=teen)
    follow_create(actor=teen, target=stranger)
    assert selectors.may_cast(user_id=stranger.pk, cameo_id=cameo.pk)
    # The parent tightens the control: the stored audience is still "mutuals", the check is not.
    parental_controls_update(link=link, parent=parent, cameo_audience_max="approved")
    assert not selectors.may_cast(user_id=stranger.pk, cameo_id=cameo.pk)
    services.cameo_grant(cameo=cameo, user_id=stranger.pk)
    assert selectors.may_cast(user_id=stranger.pk, cameo_id=cameo.pk)
    with pytest.raises(ApplicationError) as caught:
        services.cameo_update(cameo=cameo, audience=Audience.MUTUALS)
    assert caught.value.code == "audience_restricted"


def test_teen_without_parent_controls_is_capped_at_only_me():
    """With no parental settings a teen's cameo cannot be widened beyond `only_me` nor cast by others."""
    from sora_social.common.errors import ApplicationError

    teen = _teen()
    cameo = CameoFactory(owner=teen, audience=Audience.EVERYONE)
    assert not selectors.may_cast(user_id=UserFactory().pk, cameo_id=cameo.pk)
    assert selectors.may_cast(user_id=teen.pk, cameo_id=cameo.pk)
    with pytest.raises(ApplicationError):
        services.cameo_update(cameo=cameo, audience=Audience.APPROVED)


def test_cameo_rules_for_a_cast(django_assert_num_queries):
    """Generation reads the owners' rules of a whole cast in one query; cameos without rules are left out."""
    ruled = CameoFactory(rules="no political content")
    CameoFactory()
    other = CameoFactory()
    with django_assert_num_queries(1):
        assert selectors.cameo_rules(cameo_ids=[ruled.pk, other.pk]) == {ruled.pk: "no political content"}


def test_suspended_or_banned_owner_cameo_cannot_be_cast():
    """A suspended or banned owner's cameo is castable by nobody, granted members included, and not listed as usable."""
    from django.utils import timezone

    from sora_social.accounts.models import User

    for field in ("suspended_at", "banned_at"):
        cameo = CameoFactory(audience=Audience.EVERYONE)
        friend = UserFactory()
        services.cameo_grant(cameo=cameo, user_id=friend.pk)
        assert selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
        User.objects.filter(pk=cameo.owner_id).update(is_active=False, **{field: timezone.now()})
        assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk)
        assert not selectors.may_cast(user_id=friend.pk, cameo_id=cameo.pk, lock=True)
        assert selectors.usable_cameo_ids(user_id=friend.pk, cameo_ids=[cameo.pk]) == set()
        assert not selectors.cameos_usable_by(user_id=friend.pk).filter(pk=cameo.pk).exists()
