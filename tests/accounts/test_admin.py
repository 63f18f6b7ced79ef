"""The moderators' admin: member page with chain, subtree and risk; actions dry-run first;
root codes and waitlist waves."""

from __future__ import annotations

import pytest
from django.core import mail

from sora_social.accounts import services
from sora_social.accounts.models import AccountAction, InviteCode, User, WaitlistEntry
from tests.accounts.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = UserFactory(username="mod", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.moderator = admin
    return client


def test_member_page_shows_chain_subtree_and_risk(staff_client):
    """A member's admin page shows the inviter chain, subtree size and risk score."""
    root = make_member(username="rooty")
    mid = make_member(root, username="middy")
    make_member(mid)
    response = staff_client.get(f"/admin/accounts/user/{mid.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "@rooty" in html
    assert "1 member(s) below" in html
    assert "/100" in html
    below = staff_client.get(f"/admin/accounts/user/?subtree_of={root.pk}")
    assert below.status_code == 200
    assert "middy" in below.content.decode()


def test_subtree_suspend_action_dry_runs_then_applies(staff_client):
    """The admin action shows the count without changing anything, then applies and audits."""
    root = make_member()
    child = make_member(root)
    make_member(child)
    base = {"action": "suspend_subtree_descendants", "_selected_action": [root.pk], "reason": "resale"}
    preview = staff_client.post("/admin/accounts/user/", {**base, "preview": "1"})
    assert preview.status_code == 200
    assert "2 account(s) would be affected" in preview.content.decode()
    assert not User.objects.filter(suspended_at__isnull=False).exists()
    applied = staff_client.post("/admin/accounts/user/", {**base, "apply": "1"})
    assert applied.status_code == 302
    assert User.objects.filter(suspended_at__isnull=False).count() == 2
    kinds = list(
        AccountAction.objects.filter(kind="subtree_suspend")
        .order_by("created_at")
        .values_list("kind", "dry_run", "affected")
    )
    assert kinds == [("subtree_suspend", True, 2), ("subtree_suspend", False, 2)]
    assert AccountAction.objects.filter(actor=staff_client.moderator).count() == 2


def test_reparent_action_takes_new_parent(staff_client):
    """Reparent from the admin moves the member under the named inviter."""
    a, b = make_member(), make_member(username="newboss")
    child = make_member(a)
    base = {"action": "reparent_move_under_another_inviter", "_selected_action": [child.pk], "reason": "x"}
    staff_client.post("/admin/accounts/user/", {**base, "new_parent": "newboss", "preview": "1"})
    staff_client.post("/admin/accounts/user/", {**base, "new_parent": "newboss", "apply": "1"})
    assert User.objects.get(pk=child.pk).inviter_id == b.pk


def test_issue_root_codes_view(staff_client):
    """Staff issue root codes from the admin; they belong to no inviter and are shown once."""
    response = staff_client.post(
        "/admin/accounts/invitecode/issue-root/", {"count": 3, "note": "launch", "apply": "1"}
    )
    assert response.status_code == 200
    codes = InviteCode.objects.filter(owner=None, note="launch")
    assert codes.count() == 3
    for code in codes:
        assert code.display in response.content.decode()
    assert staff_client.get("/admin/accounts/invitecode/").status_code == 200


def test_admit_next_wave_emails_codes(staff_client, django_capture_on_commit_callbacks):
    """Admitting the next 2 from FR issues root codes, marks them admitted and e-mails each."""
    for i in range(3):
        services.waitlist_join(email=f"fr{i}@example.test", region="FR")
    services.waitlist_join(email="de@example.test", region="DE")
    dry = staff_client.post(
        "/admin/accounts/waitlistentry/admit/", {"region": "fr", "count": 2, "preview": "1"}
    )
    assert "2 waiting in FR" in dry.content.decode()
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/admin/accounts/waitlistentry/admit/", {"region": "fr", "count": 2, "apply": "1"})
    admitted = WaitlistEntry.objects.filter(admitted_at__isnull=False).order_by("id")
    assert [e.email for e in admitted] == ["fr0@example.test", "fr1@example.test"]
    assert sorted(m.to[0] for m in mail.outbox) == ["fr0@example.test", "fr1@example.test"]
    assert admitted[0].code.display in mail.outbox[0].body or admitted[0].code.display in mail.outbox[1].body
    assert admitted[0].code.owner_id is None
    assert staff_client.get("/admin/accounts/waitlistentry/").status_code == 200


def test_invites_command_prints_root_codes(capsys):
    """`manage.py invites create --count 3` prints three fresh root codes."""
    from django.core.management import call_command

    call_command("invites", "create", "--count", "3")
    printed = capsys.readouterr().out.split()
    assert len(printed) == 3
    stored = {c.display for c in InviteCode.objects.filter(owner=None)}
    assert set(printed) == stored
