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
from .roles import Role, RoleKind

__all__ = [
    "BRANCH_MINIMUM",
    "COMMITTEE_MINIMUM",
    "AccessLog",
    "BranchType",
    "CardConflict",
    "ImportBatch",
    "LeaveReason",
    "Member",
    "MemberStatus",
    "Organization",
    "OrganizationKind",
    "Position",
    "PositionKind",
    "Role",
    "RoleKind",
    "Sex",
    "WeekOfMonth",
    "Weekday",
]
