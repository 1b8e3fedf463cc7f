"""Who may see and do what on a case: the one access door of every page.

A case, and everything hanging off it, exists only for the members of its team;
anyone else gets a 404, the same whether the case is missing or not theirs, so
that its existence is not revealed, and a refusal of something that exists is
written to the audit log (an informer probing ids leaves a trace).

Pages start with `case_access`, which reads the case and the caller's membership
in one query and answers every question about that membership (`can_edit`,
`is_lead`, `may_see_sources`, `may_manage_team`) from it, so that no page asks
again or words a rule its own way. The queryset rules below (`cases_visible_to`,
`changing_memberships`, `source_grant`) say the same for reads of many records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from django.db.models import (
    Exists,
    FilteredRelation,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404

from habeas.accounts.models import User
from habeas.audit.services import audit_record

from .models import Case, CaseMember, Person


class Need(Enum):
    """What a page does with a case, and so who may open it."""

    READ = "read"  # any member of the team, read-only ones included
    EDIT = "edit"  # a lead or member: read-only members get the 404 of outsiders
    TEAM = "team"  # the case's leads, and administrators, who need not be on it


# The roles that may change a case, its people and their relatives; read-only
# members may not. The one place that says so (`CaseAccess.can_edit`,
# `changing_memberships`).
CHANGING_ROLES = frozenset({CaseMember.Role.LEAD, CaseMember.Role.MEMBER})


def manages_every_team(user: User) -> bool:
    """Administrators manage the team of every case without being on it (and then
    see its reference and team, not its content)."""
    return user.role == User.Role.ADMINISTRATOR


@dataclass(frozen=True)
class CaseAccess:
    """A case and the caller's membership of its team (None: not on it, which only
    an administrator managing the team can be), and what that membership allows."""

    case: Case
    member: CaseMember | None
    user: User

    @property
    def can_edit(self) -> bool:
        return self.member is not None and self.member.role in CHANGING_ROLES

    @property
    def is_lead(self) -> bool:
        return self.member is not None and self.member.role == CaseMember.Role.LEAD

    @property
    def may_see_sources(self) -> bool:
        """Who the case's sources are, and how to reach the relatives recorded on it
        (the source grant, see below)."""
        return self.member is not None and self.member.may_see_sources

    @property
    def may_manage_team(self) -> bool:
        return self.is_lead or manages_every_team(self.user)

    def allows(self, need: Need) -> bool:
        if need is Need.EDIT:
            return self.can_edit
        if need is Need.TEAM:
            return self.may_manage_team
        return self.member is not None  # reading takes a place on the team


def _case_page_prefetch() -> tuple[Prefetch[Any, Any, Any] | str, ...]:
    """What the case pages show of a case read for them: its people and their names,
    its tags and its team."""
    return (
        Prefetch("people", queryset=Person.objects.prefetch_related("names")),
        "tags",
        Prefetch("members", queryset=CaseMember.objects.select_related("user")),
    )


def _signed_in(user: User) -> bool:
    return user.is_authenticated and user.is_active


def case_access(*, user: User, public_id: UUID, need: Need = Need.READ) -> CaseAccess:
    """The case `public_id` and `user`'s membership of its team, if `need` allows
    them; otherwise the 404 of a missing case, audited when the case exists. A case
    read to be shown (Need.READ) comes with its people, tags and team."""
    case = None
    if _signed_in(user):
        # One query: the case, joined to the caller's own membership (`mine`, absent
        # when they are not on the team).
        mine = FilteredRelation("members", condition=Q(members__user=user))
        # (mypy's Django plugin does not know a FilteredRelation can be joined.)
        cases = Case.objects.annotate(mine=mine).select_related("mine")  # type: ignore[misc]
        case = cases.filter(public_id=public_id).first()
    access = None
    if case is not None:
        access = CaseAccess(case=case, member=getattr(case, "mine", None), user=user)
    if access is None or not access.allows(need):
        raise deny(user=user, model=Case, public_id=public_id)
    if need is Need.READ:
        prefetch_related_objects([access.case], *_case_page_prefetch())
    return access


def access_to(*, user: User, case: Case) -> CaseAccess:
    """`user`'s access to a case already read through a selector that checked they
    may see it (an alert's case): one query, for the membership."""
    member = CaseMember.objects.filter(user=user, case=case).first() if _signed_in(user) else None
    return CaseAccess(case=case, member=member, user=user)


def deny(*, user: User, model: type[Model], public_id: UUID) -> Http404:
    """Record a refused access to something that exists (an informer probing ids
    leaves a trace), and return the 404 to raise — the same 404 as for nothing."""
    # Every model with a public id has the default manager `objects`.
    if model.objects.filter(public_id=public_id).exists():  # type: ignore[attr-defined]
        audit_record(
            action="access.denied",
            actor=user,
            detail={"model": model._meta.label_lower, "id": str(public_id)},
        )
    return Http404()


def require_writer(*, user: User, what: str) -> None:
    """Refuse a viewer a page that creates or changes shared records (a new case,
    an actor, an addressee): the same 404 as for any page they may not use, and a
    trace in the audit log."""
    if not user.may_write:
        audit_record(action="access.denied", actor=user, detail={"page": what, "role": user.role})
        raise Http404()


# --- Many cases at once -------------------------------------------------------


def _member_of(user: User, case: str) -> Exists:
    """The rule of who sees a case: a member of its team. `case`: the outer query's
    column holding the case's id."""
    return Exists(CaseMember.objects.filter(case=OuterRef(case), user=user))


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not _signed_in(user):
        return Case.objects.none()
    return Case.objects.filter(_member_of(user, "pk"))


def person_visible_to(user: User) -> Exists | Q:
    """A filter on people: those on a case `user` may see (as cases_visible_to).
    Tested on the link between case and person, without reading the case: at 100,000
    cases the case's row was a third of a name search's SQL, for 1,800 namesakes."""
    if not _signed_in(user):
        return Q(pk__in=[])
    links = Case.people.through.objects.filter(person=OuterRef("pk"))
    return Exists(links.filter(_member_of(user, "case_id")))


# Below this many memberships, lists start from the user's memberships; above it,
# from the list's index, testing membership case by case (see cases_listed_for).
FEW_CASES = 5_000


def cases_listed_for(user: User) -> tuple[QuerySet[Case], int]:
    """The same cases as `cases_visible_to`, in the query shape that lists them fast,
    and how many there are. A caseworker on 30 cases of 100,000 is served from their
    memberships (an index lookup each, then a sort of 30 rows); someone on most cases
    from the list's own index, stopping after one page. One indexed count decides."""
    if not _signed_in(user):
        return Case.objects.none(), 0
    mine = CaseMember.objects.filter(user=user)
    count = mine.count()
    if count <= FEW_CASES:
        return Case.objects.filter(pk__in=mine.values("case_id")), count
    return cases_visible_to(user), count


def sees_at_least(user: User, cases: int) -> bool:
    """Whether `user` may see at least `cases` cases: a count of their memberships that
    stops there (someone on 100,000 cases is not counted to the end)."""
    if not _signed_in(user) or cases <= 0:
        return cases <= 0
    return CaseMember.objects.filter(user=user)[:cases].count() == cases


def changing_memberships(user: User) -> QuerySet[CaseMember]:
    """The memberships through which `user` may change a case, its people and their
    relatives (lead or member, not read-only)."""
    return CaseMember.objects.filter(user=user, role__in=CHANGING_ROLES)


def people_editable_by(user: User) -> QuerySet[Person]:
    """The people `user` may change: those of a case they may change (lead or member)."""
    return Person.objects.filter(
        Exists(changing_memberships(user).filter(case__people=OuterRef("pk")))
    )


def may_edit_person(*, user: User, person: Person) -> bool:
    return people_editable_by(user).filter(pk=person.pk).exists()


# --- The source grant: who may learn who sources are and how to reach relatives ----
#
# "May see who sources are" is held per case (CaseMember.may_see_sources). On a case
# it reveals what was recorded *on that case* and nothing else: its sources' identity,
# contact and notes, and the contacts and notes of the relatives recorded on it
# (Relative.case). Holding it on one case of a person reveals nothing recorded on
# another case of the same person: another team, granted by other leads.
#
# Who a relative is (name, relationship) is known to the team of the case they were
# recorded on; the teams of the person's other cases learn only how many there are.
#
# Who may give it: someone who already holds it on this case or on another case of
# one of its people (so it spreads only from people already trusted with that
# person's sources), and never to themselves (a lead, or an administrator, cannot
# promote their own account; nor open a case for a known person to that end, see
# services.case_create). Taking it away is always allowed to those who manage the team.


def source_grant(user: User) -> QuerySet[CaseMember]:
    """The memberships through which `user` may see who sources are."""
    return CaseMember.objects.filter(user=user, may_see_sources=True)


def source_grant_case_ids(*, user: User) -> frozenset[int]:
    """The cases (internal ids) on which `user` holds the grant, for pages that show
    records of several cases (the history of a person's relatives)."""
    return frozenset(source_grant(user).values_list("case_id", flat=True))


def holds_source_grant_for_person(*, user: User, people: Iterable[Person]) -> bool:
    """Whether `user` holds the grant on some case of one of `people`."""
    return source_grant(user).filter(case__people__in=list(people)).exists()


def may_give_source_grant(*, by: User, to: User | None, case: Case) -> bool:
    """Whether `by` may give "may see who sources are" on `case` to `to` (None: to
    someone, for the team page to say whether it can be given at all)."""
    if to is not None and to.pk == by.pk:
        return False
    return source_grant(by).filter(Q(case=case) | Q(case__people__in=case.people.all())).exists()


def relative_contact_visible(user: User) -> Exists:
    """For a query of relatives: whether `user` may read and change how to reach each
    one and the notes kept on them (the grant on the case they were recorded on)."""
    return Exists(source_grant(user).filter(case=OuterRef("case")))
