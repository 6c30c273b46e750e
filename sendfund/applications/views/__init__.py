"""Application pages: /apply/... for clusters, /manage/applications/... for LA staff (read only). Thin views:
load through the scoping rule, ask a permission function, run the form (`core.forms.run_form`) or call a
service, render. One module a page group; `urls.py` names them through this package."""

from .cluster import dashboard, rounds, start
from .item_lists import item_add, item_edit, item_remove, items
from .la import manage_detail, manage_document, manage_list
from .submit import check, confirmation, request_sign_off, sign_off, withdraw
from .task_list import detail, document, document_remove, section

__all__ = [
    "rounds", "start", "dashboard", "detail", "section", "document", "document_remove", "check",
    "request_sign_off", "withdraw", "sign_off", "confirmation", "items", "item_add", "item_edit", "item_remove",
    "manage_list", "manage_detail", "manage_document",
]
