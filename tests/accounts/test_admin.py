"""The moderators' admin: member page with chain, subtree and risk; actions dry-run first;
root codes and waitlist waves."""

from __future__ import annotations

import pytest
from django.core import mail

from sora_social.accounts import services
from sora_social.accounts.models import AccountAction, InviteCode, User, WaitlistEntry
from tests.accounts.factories import UserFactory, make_member, staff_with

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
        "/admin/accounts/invitecode/issue-root/",
        {"count": 3, "note": "launch", "reason": "launch partners", "apply": "1"},
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
        "/admin/accounts/waitlistentry/admit/",
        {"region": "fr", "count": 2, "reason": "FR opens", "preview": "1"},
    )
    assert "2 waiting in FR" in dry.content.decode()
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/admin/accounts/waitlistentry/admit/",
            {"region": "fr", "count": 2, "reason": "FR opens", "apply": "1"},
        )
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


ISSUE = "/admin/accounts/invitecode/issue-root/"
ADMIT = "/admin/accounts/waitlistentry/admit/"


def test_issuing_root_codes_needs_issue_invites(client):
    """Staff without `issue_invites` get 403 on the issue page, see no link, and mint nothing."""
    client.force_login(staff_with("accounts.view_invitecode"))
    assert client.get(ISSUE).status_code == 403
    response = client.post(ISSUE, {"count": 5, "reason": "why not", "apply": "1"})
    assert response.status_code == 403
    assert not InviteCode.objects.exists()
    assert "issue-root" not in client.get("/admin/accounts/invitecode/").content.decode()


def test_issuing_root_codes_needs_a_reason_and_audits_it(client):
    """No reason, no codes; with one, the audit row names the actor, the reason and the codes."""
    staff = staff_with("accounts.view_invitecode", "accounts.issue_invites")
    client.force_login(staff)
    blank = client.post(ISSUE, {"count": 2, "reason": "", "apply": "1"})
    assert blank.status_code == 200
    assert "This field is required" in blank.content.decode()
    assert not InviteCode.objects.exists()
    client.post(ISSUE, {"count": 2, "note": "press", "reason": "press preview", "apply": "1"})
    codes = InviteCode.objects.filter(owner=None)
    assert codes.count() == 2
    action = AccountAction.objects.get(kind="root_codes_issue")
    assert (action.actor_id, action.reason, action.affected) == (staff.pk, "press preview", 2)
    assert sorted(action.details["code_ids"]) == sorted(str(c.id) for c in codes)


def test_root_code_issuance_has_a_per_action_cap(client, settings):
    """One admin issuance may not mint more than INVITE_ADMIN_MAX_PER_ACTION codes."""
    settings.INVITE_ADMIN_MAX_PER_ACTION = 100
    client.force_login(staff_with("accounts.issue_invites"))
    response = client.post(ISSUE, {"count": 10_000, "reason": "mass launch", "apply": "1"}, follow=True)
    assert "At most 100 at once" in response.content.decode()
    assert not InviteCode.objects.exists()


def test_root_code_issuance_has_a_daily_cap_per_staff_member(client, settings):
    """Past INVITE_ADMIN_DAILY_CAP in 24 hours (codes and waves together) a staff member mints nothing more."""
    settings.INVITE_ADMIN_MAX_PER_ACTION = 100
    settings.INVITE_ADMIN_DAILY_CAP = 150
    client.force_login(staff_with("accounts.issue_invites", "accounts.open_waitlist_wave"))
    client.post(ISSUE, {"count": 100, "reason": "batch 1", "apply": "1"})
    assert InviteCode.objects.count() == 100
    refused = client.post(ISSUE, {"count": 60, "reason": "batch 2", "apply": "1"}, follow=True)
    assert "Daily cap reached" in refused.content.decode()
    assert InviteCode.objects.count() == 100
    for i in range(60):
        services.waitlist_join(email=f"w{i}@example.test", region="FR")
    client.post(ADMIT, {"region": "FR", "count": 60, "reason": "FR wave", "apply": "1"})
    assert WaitlistEntry.objects.filter(admitted_at__isnull=False).count() == 0
    client.post(ISSUE, {"count": 50, "reason": "batch 3", "apply": "1"})
    assert InviteCode.objects.count() == 150
    # Another staff member has their own allowance; the operator command is not capped.
    client.force_login(staff_with("accounts.issue_invites", username="second"))
    client.post(ISSUE, {"count": 10, "reason": "other desk", "apply": "1"})
    assert InviteCode.objects.count() == 160
    from django.core.management import call_command

    call_command("invites", "create", "--count", "300")
    assert InviteCode.objects.count() == 460


def test_waitlist_wave_needs_open_waitlist_wave_and_a_reason(client, django_capture_on_commit_callbacks):
    """Without `open_waitlist_wave`: 403 and nobody admitted; with it, the reason is audited."""
    for i in range(3):
        services.waitlist_join(email=f"de{i}@example.test", region="DE")
    client.force_login(staff_with("accounts.view_waitlistentry", "accounts.issue_invites", username="a"))
    assert client.post(ADMIT, {"region": "DE", "count": 2, "reason": "x", "apply": "1"}).status_code == 403
    assert "admit_selected_regions" not in client.get("/admin/accounts/waitlistentry/").content.decode()
    assert not WaitlistEntry.objects.filter(admitted_at__isnull=False).exists()

    staff = staff_with("accounts.view_waitlistentry", "accounts.open_waitlist_wave", username="b")
    client.force_login(staff)
    client.post(ADMIT, {"region": "DE", "count": 2, "reason": "", "apply": "1"})
    assert not WaitlistEntry.objects.filter(admitted_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADMIT, {"region": "DE", "count": 2, "reason": "DE launch", "apply": "1"})
    assert WaitlistEntry.objects.filter(admitted_at__isnull=False).count() == 2
    action = AccountAction.objects.get(kind="waitlist_admit", dry_run=False)
    assert action.actor_id == staff.pk
    assert action.affected == 2
    assert action.reason.startswith("DE launch")


def test_waitlist_wave_has_a_per_action_cap(client, settings):
    """One wave admits at most WAITLIST_WAVE_MAX people."""
    settings.WAITLIST_WAVE_MAX = 2
    for i in range(3):
        services.waitlist_join(email=f"it{i}@example.test", region="IT")
    client.force_login(staff_with("accounts.open_waitlist_wave"))
    response = client.post(ADMIT, {"region": "IT", "count": 3, "reason": "IT", "apply": "1"}, follow=True)
    assert "At most 2 at once" in response.content.decode()
    assert not WaitlistEntry.objects.filter(admitted_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuances_by_one_member_cannot_pass_the_daily_cap(settings):
    """Eight parallel issuances of 100 codes against a cap of 250: exactly two succeed."""
    import threading

    from sora_social.common.errors import RateLimited
    from tests.concurrency import run_at_once

    settings.INVITE_ADMIN_MAX_PER_ACTION = 100
    settings.INVITE_ADMIN_DAILY_CAP = 250
    staff = staff_with("accounts.issue_invites")
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            services.invite_root_codes_create(count=100, actor=staff, reason=f"batch {i}")
            outcome = "issued"
        except RateLimited:
            outcome = "capped"
        with lock:
            outcomes.append(outcome)

    run_at_once(attempt, 8)
    assert sorted(outcomes) == ["capped"] * 6 + ["issued"] * 2
    assert InviteCode.objects.count() == 200


def test_delete_account_action_needs_delete_permission_and_a_reason(
    client, django_capture_on_commit_callbacks
):
    """Only staff holding `accounts.delete_user` see the deletion action; it asks for a reason,
    deletes the account like the member would (tombstone, tokens refused) and audits the staff actor."""
    member = make_member()
    base = {"action": "delete_account_erase_content_and_files", "_selected_action": [member.pk]}
    changer = staff_with("accounts.view_user", "accounts.change_user")
    client.force_login(changer)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "delete_account_erase_content_and_files" not in listing
    client.post("/admin/accounts/user/", {**base, "reason": "request by email", "apply": "1"})
    assert User.objects.get(pk=member.pk).deleted_at is None

    deleter = staff_with("accounts.view_user", "accounts.change_user", "accounts.delete_user")
    client.force_login(deleter)
    assert "delete_account_erase_content_and_files" in client.get("/admin/accounts/user/").content.decode()
    blank = client.post("/admin/accounts/user/", {**base, "reason": "", "apply": "1"})
    assert blank.status_code == 200
    assert User.objects.get(pk=member.pk).deleted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/accounts/user/", {**base, "reason": "request by email", "apply": "1"})
    assert done.status_code == 302
    row = User.objects.get(pk=member.pk)
    assert row.deleted_at is not None
    assert row.username == f"deleted-{member.pk}"
    action = AccountAction.objects.get(kind="account_delete", target_id=member.pk)
    assert (action.actor_id, action.reason) == (deleter.pk, "request by email")


def test_admin_delete_page_deletes_the_account_not_the_row(admin_client):
    """The admin's delete page goes through account deletion (tombstone kept, audited); there
    is no bulk hard delete of members."""
    member = make_member()
    assert "delete_selected" not in admin_client.get("/admin/accounts/user/").content.decode()
    res = admin_client.post(f"/admin/accounts/user/{member.pk}/delete/", {"post": "yes"})
    assert res.status_code == 302
    row = User.objects.get(pk=member.pk)
    assert row.deleted_at is not None
    assert AccountAction.objects.filter(kind="account_delete", target_id=member.pk).exists()
