from .access import AccessLog, CardConflict
from .imports import ImportBatch
from .organizations import BranchType, Organization, OrganizationKind, Weekday, WeekOfMonth
from .people import (
    BRANCH_MINIMUM,
    COMMITTEE_MINIMUM,
    LeaveReason,
    Member,
    MemberStatus,
    Position,
    PositionKind,
    Sex,
)
from .residence import OPEN_STATUSES, LinkCategory, LinkStatus, ResidenceLink
from .roles import Role, RoleKind

__all__ = [
    "BRANCH_MINIMUM",
    "COMMITTEE_MINIMUM",
    "AccessLog",
    "BranchType",
    "CardConflict",
    "ImportBatch",
    "LeaveReason",
    "LinkCategory",
    "LinkStatus",
    "Member",
    "OPEN_STATUSES",
    "MemberStatus",
    "Organization",
    "OrganizationKind",
    "Position",
    "ResidenceLink",
    "PositionKind",
    "Role",
    "RoleKind",
    "Sex",
    "WeekOfMonth",
    "Weekday",
]
