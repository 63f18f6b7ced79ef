"""The cameos app's state machines: the declarations, every move through the services, and illegal ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from cameos import services
from cameos.models import Cameo, CameoRequest, CameoState, CameoUseApproval
from cameos.states import CAMEO_MACHINE, REQUEST_MACHINE, USE_APPROVAL_MACHINE, DecisionState
from sora_social.common.errors import NotFound
from sora_social.common.states import IllegalTransition
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "CAMEOS.md"

LEGAL_CAMEO_MOVES = sorted(
    (source, target) for source in CameoState.values for target in CAMEO_MACHINE.targets_of(source)
)
ILLEGAL_CAMEO_MOVES = sorted(
    (source, target)
    for source in CameoState.values
    for target in CameoState.values
    if not CAMEO_MACHINE.can_move(source, target)
)


def test_cameo_machine_declares_the_enrolment_table():
    """The enrolment table is exactly the one the product documents; verified and rejected are final."""
    assert LEGAL_CAMEO_MOVES == [
        ("awaiting_recording", "processing"),
        ("processing", "awaiting_recording"),
        ("processing", "rejected"),
        ("processing", "verified"),
    ]
    assert CAMEO_MACHINE.finals == {"verified", "rejected"}


@pytest.mark.parametrize(("source", "target"), LEGAL_CAMEO_MOVES)
def test_every_legal_cameo_move_goes_through_the_service(source, target):
    """`cameo_transition` makes each declared move, stamps the change and writes the given fields."""
    cameo = CameoFactory(state=source, reasons=[])
    before = cameo.state_changed_at
    moved = services.cameo_transition(cameo_id=cameo.pk, to=target, reasons=["undecodable"])
    cameo.refresh_from_db()
    assert moved.state == cameo.state == target
    assert cameo.reasons == ["undecodable"]
    assert cameo.state_changed_at >= before


@pytest.mark.parametrize(("source", "target"), ILLEGAL_CAMEO_MOVES)
def test_illegal_cameo_moves_raise_and_change_nothing(source, target):
    """Any move the table does not declare raises IllegalTransition (409 `illegal_transition`)."""
    cameo = CameoFactory(state=source)
    with pytest.raises(IllegalTransition) as caught:
        services.cameo_transition(cameo_id=cameo.pk, to=target)
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409
    assert caught.value.message == f"A cameo cannot go from {source} to {target}."
    cameo.refresh_from_db()
    assert cameo.state == source


def test_request_and_approval_machines_decide_once():
    """A request or a use approval is pending until the owner approves or denies it, and then final."""
    for machine in (REQUEST_MACHINE, USE_APPROVAL_MACHINE):
        assert machine.targets_of(DecisionState.PENDING) == {"approved", "denied"}
        assert machine.finals == {"approved", "denied"}


def _request() -> CameoRequest:
    cameo = CameoFactory()
    return CameoRequest.objects.create(cameo=cameo, requester=UserFactory())


@pytest.mark.parametrize(("approve", "state"), [(True, "approved"), (False, "denied")])
def test_request_decide_moves_pending_to_decided(approve, state):
    """The owner's decision moves the request out of pending, stamping `decided_at`."""
    request = _request()
    decided = services.cameo_request_decide(
        owner_id=request.cameo.owner_id, request_id=request.pk, approve=approve
    )
    request.refresh_from_db()
    assert decided.state == request.state == state
    assert request.decided_at is not None


def test_revoke_denies_only_pending_requests():
    """The set-based move behind a revocation touches pending requests only (the declared sources)."""
    cameo = CameoFactory()
    member = UserFactory()
    approved = CameoRequest.objects.create(
        cameo=cameo, requester=member, state="approved", decided_at=timezone.now()
    )
    pending = CameoRequest.objects.create(cameo=cameo, requester=member)
    stamp = approved.decided_at
    services.cameo_revoke(cameo=cameo, user_id=member.pk)
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert pending.state == "denied"
    assert pending.decided_at is not None
    assert approved.state == "approved"
    assert approved.decided_at == stamp


def _approval() -> CameoUseApproval:
    cameo = CameoFactory(restrictions=["approval_required"])
    return CameoUseApproval.objects.create(cameo=cameo, requester=UserFactory(), object_id=4242, prompt="x")


@pytest.mark.parametrize(("approve", "state"), [(True, "approved"), (False, "denied")])
def test_use_approval_decide_moves_pending_to_decided(approve, state):
    """The owner's word on one use moves the approval out of pending, stamping `decided_at`."""
    approval = _approval()
    services.use_approval_decide(owner_id=approval.cameo.owner_id, approval_id=approval.pk, approve=approve)
    approval.refresh_from_db()
    assert approval.state == state
    assert approval.decided_at is not None


def _decide_request(owner_id: int, pk: int, approve: bool) -> object:
    return services.cameo_request_decide(owner_id=owner_id, request_id=pk, approve=approve)


def _decide_use(owner_id: int, pk: int, approve: bool) -> object:
    return services.use_approval_decide(owner_id=owner_id, approval_id=pk, approve=approve)


@pytest.mark.parametrize(
    ("make", "decide", "first", "again_url", "code"),
    [
        pytest.param(
            _request, _decide_request, False, "cameo-requests/{}/approve", "request_decided", id="request"
        ),
        pytest.param(_approval, _decide_use, True, "cameo-approvals/{}/deny", "approval_decided", id="use"),
    ],
)
def test_deciding_twice_is_an_illegal_transition(client_for, make, decide, first, again_url, code):
    """A decided request (or use) cannot be decided again: IllegalTransition, answered 409
    `request_decided` (or `approval_decided`); the first decision stands."""
    decided = make()
    owner = decided.cameo.owner
    decide(owner.pk, decided.pk, first)
    with pytest.raises(IllegalTransition) as caught:
        decide(owner.pk, decided.pk, not first)
    assert caught.value.code == code
    response = client_for(owner).post("/api/v1/" + again_url.format(decided.pk))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == code
    decided.refresh_from_db()
    assert decided.state == ("approved" if first else "denied")


def test_someone_elses_request_is_not_found():
    """Only the cameo's owner decides: anyone else gets NotFound, and the request stays pending."""
    request = _request()
    with pytest.raises(NotFound) as caught:
        services.cameo_request_decide(owner_id=UserFactory().pk, request_id=request.pk, approve=True)
    assert caught.value.code == "request_not_found"
    assert CameoRequest.objects.get(pk=request.pk).state == "pending"


@pytest.mark.parametrize(
    "path",
    ["cameos.states.CAMEO_MACHINE", "cameos.states.REQUEST_MACHINE", "cameos.states.USE_APPROVAL_MACHINE"],
)
def test_docs_carry_each_machine_diagram(path):
    """docs/CAMEOS.md carries each machine's Mermaid diagram exactly as the declaration draws it."""
    machine = {
        "cameos.states.CAMEO_MACHINE": CAMEO_MACHINE,
        "cameos.states.REQUEST_MACHINE": REQUEST_MACHINE,
        "cameos.states.USE_APPROVAL_MACHINE": USE_APPROVAL_MACHINE,
    }[path]
    block = re.search(
        rf"<!-- machine: {re.escape(path)} -->\n```mermaid\n(.*?)\n```\n<!-- /machine -->",
        DOC.read_text(),
        re.S,
    )
    assert block is not None, f"no diagram for {path} in docs/CAMEOS.md"
    assert block.group(1) == machine.mermaid()


def test_cameo_state_stays_importable_from_models():
    """Migrations and other code may name `cameos.models.CameoState`; it is the machine's enum."""
    assert CameoState is CAMEO_MACHINE.states
    assert Cameo._meta.get_field("state").choices == CameoState.choices
