"""The links between a ticket, its returns and its credit notes are set by our code paths only."""

from odoo import _
from odoo.exceptions import AccessError

# Put in the context by our own code paths only (JSON cannot carry it): they alone may set the
# links between a ticket, its returns and its credit notes.
_TRUSTED = object()
_TRUSTED_KEY = "crm_service_erp_bridge_trusted"
LINK_FIELDS = {
    "stock.picking": ("crm_ticket_id",),
    "account.move": ("crm_ticket_id", "crm_return_picking_id"),
}


def _trusted(env):
    return env.context.get(_TRUSTED_KEY) is _TRUSTED


def _check_link_vals(records, vals_list):
    """Refuse the ticket links in a caller's values: only our code paths set them."""
    if records.env.su or _trusted(records.env):
        return
    for vals in vals_list:
        fnames = [fname for fname in LINK_FIELDS[records._name] if fname in vals]
        if fnames:
            raise AccessError(
                _(
                    "%(fields)s can only be set by the return flow of a service ticket.",
                    fields=", ".join(records._fields[fname].string for fname in fnames),
                )
            )
