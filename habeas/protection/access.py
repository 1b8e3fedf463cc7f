"""Who may see and do what with a person at risk: the one door of every page.

A person at risk exists only for the members of their team. Anyone else gets a
404, the same whether the record exists or not, and a refusal of something that
exists is written to the audit log (an informer probing ids leaves a trace) —
the shape of habeas/cases/access.py, for a record more dangerous than a case:
it names someone before anything has happened to them.

Administrators manage every team without being on it, and then see the code
name and the team, never the emergency file, the plan's addresses or the
check-ins (Need.TEAM). Read-only members, and viewers whatever role they hold on
the team, read and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from habeas.accounts.models import User
from habeas.audit.services import audit_record

from .models import AtRisk, AtRiskMember


class Need(Enum):
    """What a page does with a person at risk, and so who may open it."""

    READ = "read"  # any member of the team, read-only ones included
    EDIT = "edit"  # a lead or member who may write: others get the outsiders' 404
    TEAM = "team"  # the leads, and administrators, who need not be on the team


CHANGING_ROLES = frozenset({AtRiskMember.Role.LEAD, AtRiskMember.Role.MEMBER})


def manages_every_team(user: User) -> bool:
    return user.role == User.Role.ADMINISTRATOR


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


@dataclass(frozen=True)
class AtRiskAccess:
    """A person at risk and the caller's place on their team (None: not on it, which
    only an administrator managing the team can be), and what that place allows."""

    at_risk: AtRisk
    member: AtRiskMember | None
    user: User

    @property
    def may_read(self) -> bool:
        """The emergency file, the plan, the check-ins: the team only."""
        return self.member is not None

    @property
    def can_edit(self) -> bool:
        return (
            self.member is not None
            and self.member.role in CHANGING_ROLES
            and bool(self.user.may_write)
        )

    @property
    def is_lead(self) -> bool:
        return (
            self.can_edit and self.member is not None and self.member.role == AtRiskMember.Role.LEAD
        )

    @property
    def may_manage_team(self) -> bool:
        return self.is_lead or manages_every_team(self.user)

    def allows(self, need: Need) -> bool:
        if need is Need.EDIT:
            return self.can_edit
        if need is Need.TEAM:
            return self.may_manage_team
        return self.may_read


def at_risk_access(*, user: User, public_id: UUID, need: Need = Need.READ) -> AtRiskAccess:
    """The person at risk `public_id` and `user`'s place on their team, if `need`
    allows it; otherwise the 404 of a missing record, audited when it exists. One
    query: the record joined to the caller's own membership."""
    at_risk = None
    if _signed_in(user):
        mine = FilteredRelation("members", condition=Q(members__user=user))
        rows = AtRisk.objects.annotate(mine=mine).select_related("mine")  # type: ignore[misc]
        at_risk = rows.filter(public_id=public_id).first()
    access = None
    if at_risk is not None:
        access = AtRiskAccess(at_risk=at_risk, member=getattr(at_risk, "mine", None), user=user)
    if access is None or not access.allows(need):
        raise deny(user=user, public_id=public_id, exists=at_risk is not None)
    return access


def deny(*, user: User, public_id: UUID, exists: bool | None = None) -> Http404:
    """Record a refused access to a person at risk who exists, and return the 404
    to raise: the same 404 as for nobody."""
    if exists is None:
        exists = AtRisk.objects.filter(public_id=public_id).exists()
    if exists:
        audit_record(
            action="access.denied",
            actor=user if _signed_in(user) else None,
            detail={"model": AtRisk._meta.label_lower, "id": str(public_id)},
        )
    return Http404()


def at_risk_visible_to(user: User) -> QuerySet[AtRisk]:
    """The people at risk whose team `user` is on (administrators included only
    where they are on it: managing a team is done from its page, by id)."""
    if not _signed_in(user):
        return AtRisk.objects.none()
    return AtRisk.objects.filter(
        Exists(AtRiskMember.objects.filter(at_risk=OuterRef("pk"), user=user))
    )
