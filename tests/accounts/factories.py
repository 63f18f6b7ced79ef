"""Factories for accounts."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password(PASSWORD)


ADULT_BIRTHDATE = "1990-05-17"
_names = itertools.count(1)


def make_member(inviter=None, *, username=None, birthdate=None, region="US", ip="203.0.113.7"):
    """A member who joined the way members do: by redeeming a code (the inviter's, or a root code)."""
    import datetime as dt

    from sora_social.accounts import services
    from sora_social.accounts.models import InviteCode

    if inviter is None:
        code = services.invite_root_codes_create(count=1, actor=None, note="test")[0]
    else:
        code = InviteCode.objects.filter(owner=inviter, state=InviteCode.State.AVAILABLE).first()
        assert code is not None, f"{inviter} has no code left"
    name = username or f"m{next(_names)}"
    result = services.user_signup(
        invite_code=code.code,
        username=name,
        email=f"{name}@example.test",
        password=PASSWORD,
        birthdate=birthdate or dt.date.fromisoformat(ADULT_BIRTHDATE),
        region=region,
        ip=ip,
    )
    assert result.user is not None
    return result.user


def make_chain(length, inviter=None):
    """`length` members, each invited by the previous one."""
    members = []
    for _ in range(length):
        inviter = make_member(inviter)
        members.append(inviter)
    return members


def staff_with(*perms: str, **kw):
    """A staff member (not a superuser) holding exactly `perms` ("app_label.codename")."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True, **kw)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached permissions


def link_parent(teen, parent=None):
    """An active parental link: the parent starts it, the teen accepts, the parent confirms with the
    code from the confirmation e-mail (as members do)."""
    import re

    from django.core import mail
    from django.test import TestCase

    from sora_social.accounts import services

    parent = parent or make_member()
    link = services.parental_link_start(parent=parent)
    # The e-mail goes out on commit (the test's transaction never commits).
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.parental_link_accept(teen=teen, code=link.code)
    sent = [m for m in mail.outbox if parent.email in m.to]
    token = re.search(r"confirmation code: (\S+)", sent[-1].body).group(1)
    return services.parental_link_confirm(parent=parent, token=token)


def annotate_users(users, expression):
    """`expression` (an Exists or other annotation over `OuterRef("pk")`) evaluated for each of
    `users` inside one query over them: {pk: value}."""
    rows = get_user_model().objects.filter(pk__in=[u.pk for u in users]).annotate(value=expression)
    return dict(rows.values_list("pk", "value"))


def born_years_ago(years: int) -> dt.date:
    """The birthdate of someone who turns `years` today."""
    today = dt.date.today()
    return today.replace(year=today.year - years)
