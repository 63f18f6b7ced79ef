"""Push through APNs (HTTP/2, provider JWT) and FCM (HTTP v1, service-account OAuth2), against local fakes of both."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from sora_social.accounts.services import notification_create
from sora_social.notifications import services
from sora_social.notifications.models import PushDevice
from sora_social.notifications.push import providers_reset
from sora_social.notifications.services import notify as notify_services
from tests.accounts.factories import UserFactory
from tests.notifications.fakes import FakeAPNs, FakeFCM, ec_key_pem, rsa_key_pem

IOS_OK, IOS_DEAD, IOS_BAD, IOS_BUSY = ("a1" * 32, "d0" * 32, "b0" * 32, "c0" * 32)
ANDROID_OK, ANDROID_DEAD = ("fcm-token-ok:" + "x" * 40, "fcm-token-gone:" + "y" * 40)


@pytest.fixture
def apns(settings: Any, tmp_path: Any) -> Iterator[FakeAPNs]:
    pem, public = ec_key_pem()
    key_file = tmp_path / "AuthKey_TEST.p8"
    key_file.write_text(pem)
    fake = FakeAPNs(public, "KEY1234567", "TEAM123456", "social.sora.app")
    fake.dead, fake.bad, fake.busy = {IOS_DEAD}, {IOS_BAD}, {IOS_BUSY}
    settings.APNS_URL = fake.start()
    settings.APNS_KEY_FILE, settings.APNS_KEY_ID = str(key_file), fake.key_id
    settings.APNS_TEAM_ID, settings.APNS_TOPIC = fake.team_id, fake.topic
    yield fake
    providers_reset()
    fake.stop()


@pytest.fixture
def fcm(settings: Any, tmp_path: Any) -> Iterator[FakeFCM]:
    pem, public = rsa_key_pem()
    fake = FakeFCM(public, "push@sora-test.iam.gserviceaccount.com", "sora-test")
    fake.dead = {ANDROID_DEAD}
    base = fake.start()
    credentials = tmp_path / "service-account.json"
    credentials.write_text(
        json.dumps({
            "type": "service_account", "project_id": fake.project_id, "client_email": fake.client_email,
            "private_key": pem, "token_uri": f"{base}/token",
        })
    )  # fmt: skip
    settings.FCM_URL, settings.FCM_CREDENTIALS_FILE = base, str(credentials)
    yield fake
    providers_reset()
    fake.stop()


def _note(user: Any, actor: Any) -> Any:
    return notification_create(
        user_id=user.pk,
        kind="like",
        payload={"post_id": "7"},
        actor_id=actor.pk,
        target_type="post",
        target_id=7,
    )


@pytest.mark.django_db
def test_apns_push_over_http2_prunes_dead_tokens_and_hands_back_retries(apns):
    """Every iOS device gets one HTTP/2 request with a valid provider token; 410 and BadDeviceToken are
    pruned, 503 is handed back for a retry, the good one is marked sent."""
    me, fan = UserFactory(), UserFactory(display_name="Ana")
    for token in (IOS_OK, IOS_DEAD, IOS_BAD, IOS_BUSY):
        services.device_register(user_id=me.pk, platform="ios", token=token)
    note = _note(me, fan)
    again = services.notification_push(notification_id=note.id)
    assert sorted(r["token"] for r in apns.received) == sorted([IOS_OK, IOS_DEAD, IOS_BAD, IOS_BUSY])
    body = apns.received[0]["body"]
    assert body["aps"]["alert"] == {"title": "Sora", "body": "Ana liked your post"}
    assert body["kind"] == "like"
    assert body["notification_id"] == str(note.id)
    left = dict(PushDevice.objects.values_list("token", "last_sent_at"))
    assert set(left) == {IOS_OK, IOS_BUSY}
    assert left[IOS_OK] is not None
    assert again == [PushDevice.objects.get(token=IOS_BUSY).pk]
    # The retry goes only to the device that asked for it.
    apns.received.clear()
    services.notification_push(notification_id=note.id, device_ids=again)
    assert [r["token"] for r in apns.received] == [IOS_BUSY]


@pytest.mark.django_db
def test_apns_provider_token_is_reused_and_refreshed_when_expired(apns, monkeypatch):
    """One provider JWT serves many pushes; an ExpiredProviderToken answer mints a new one and retries once."""
    from sora_social.notifications.push import apns as apns_module
    from sora_social.notifications.push import provider_for

    provider = provider_for("ios")
    first = provider.provider_token()
    assert provider.provider_token() == first
    now = time.time()
    monkeypatch.setattr(apns_module.time, "time", lambda: now + apns_module.TOKEN_TTL_S + 1)
    assert provider.provider_token() != first


@pytest.mark.django_db
def test_fcm_push_with_oauth_prunes_unregistered(fcm):
    """FCM gets an OAuth2 token once from the signed assertion, then messages:send per device;
    UNREGISTERED (404) is pruned."""
    me, fan = UserFactory(), UserFactory(display_name="ben")
    services.device_register(user_id=me.pk, platform="android", token=ANDROID_OK)
    services.device_register(user_id=me.pk, platform="android", token=ANDROID_DEAD)
    note = _note(me, fan)
    assert services.notification_push(notification_id=note.id) == []
    assert fcm.tokens_issued == 1
    sent = {m["token"]: m for m in fcm.received}
    assert set(sent) == {ANDROID_OK, ANDROID_DEAD}
    assert sent[ANDROID_OK]["notification"]["body"] == "ben liked your post"
    assert sent[ANDROID_OK]["data"]["kind"] == "like"
    assert list(PushDevice.objects.values_list("token", flat=True)) == [ANDROID_OK]
    services.notification_push(notification_id=_note(me, UserFactory()).id)
    assert fcm.tokens_issued == 1  # the access token is reused


@pytest.mark.django_db
def test_unconfigured_platform_keeps_its_devices_and_sends_nothing(settings):
    """Without provider settings nothing is sent and no device is pruned."""
    providers_reset()
    settings.APNS_KEY_FILE = None
    me = UserFactory()
    services.device_register(user_id=me.pk, platform="ios", token=IOS_OK)
    assert services.notification_push(notification_id=_note(me, UserFactory()).id) == []
    assert PushDevice.objects.count() == 1
    providers_reset()


@pytest.mark.django_db
def test_push_is_enqueued_by_name_on_commit_only_for_members_with_devices(monkeypatch):
    """`notifications.push` is enqueued (by name) only when the member has a device."""
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(notify_services, "enqueue_on_commit", lambda name, **kw: queued.append((name, kw)))
    me, fan = UserFactory(), UserFactory()
    _note(me, fan)
    assert queued == []
    services.device_register(user_id=me.pk, platform="ios", token=IOS_OK)
    note = _note(me, UserFactory())
    assert queued == [("notifications.push", {"notification_id": note.id})]


@pytest.mark.django_db(transaction=True)
def test_a_like_reaches_the_phone_through_the_worker(apns, inprocess_worker, client_for):
    """End to end: a like over the API, the task enqueued on commit, the in-process worker pushes over HTTP/2."""
    from tests.feed.factories import publish

    author, fan = UserFactory(), UserFactory(display_name="Cleo")
    services.device_register(user_id=author.pk, platform="ios", token=IOS_OK)
    post = publish(author)
    assert client_for(fan).post(f"/api/v1/posts/{post.id}/like").status_code == 200
    deadline = time.monotonic() + 30
    while not apns.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["token"] for r in apns.received] == [IOS_OK]
    assert apns.received[0]["body"]["aps"]["alert"]["body"] == "Cleo liked your post"
