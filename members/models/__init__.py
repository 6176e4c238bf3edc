from .access import AccessLog, CardConflict
from .accounts import AccountEvent, ResetCode
from .imports import ImportBatch
from .organizations import BranchType, Organization, OrganizationKind, Weekday, WeekOfMonth
from .people import LeaveReason, Member, MemberStatus, Position, PositionKind, Sex
from .roles import Role, RoleKind

__all__ = [
    "AccessLog",
    "AccountEvent",
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
    "ResetCode",
    "Role",
    "RoleKind",
    "Sex",
    "WeekOfMonth",
    "Weekday",
]
