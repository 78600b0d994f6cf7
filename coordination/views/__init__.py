from .orientations import (
    orientation_create_from_exit,
    orientation_create_from_followup,
    orientation_create_from_help,
    orientation_detail,
    orientation_sheet,
    orientation_status,
)
from .partners import partner_create, partner_delete, partner_list, partner_update

__all__ = [
    "orientation_create_from_exit",
    "orientation_create_from_followup",
    "orientation_create_from_help",
    "orientation_detail",
    "orientation_sheet",
    "orientation_status",
    "partner_create",
    "partner_delete",
    "partner_list",
    "partner_update",
]
