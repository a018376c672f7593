from odoo import api, fields, models, tools

from .crm_loyalty_ledger import ENTRY_TYPES, MIRROR_HISTORY, is_trusted


class LoyaltyHistory(models.Model):
    """Core's history lines stay exactly as core writes them (one line per order, updated when
    the order changes, deleted when it is cancelled). The points ledger (crm.loyalty.ledger)
    mirrors them and adds what core does not record; these read-only fields show, on a core
    line, what the ledger made of it."""

    _inherit = "loyalty.history"

    crm_ledger_ids = fields.One2many("crm.loyalty.ledger", "history_id", string="Ledger Entries")
    entry_type = fields.Selection(ENTRY_TYPES, compute="_compute_crm_ledger_figures")
    expiry_date = fields.Date(
        compute="_compute_crm_ledger_figures", help="When the points this line awarded expire."
    )
    remaining_points = fields.Float(
        compute="_compute_crm_ledger_figures",
        help="Points this line awarded that are not used nor expired yet.",
    )

    def init(self):
        # core looks up an order's lines when it is confirmed, changed or cancelled
        tools.create_index(
            self.env.cr,
            "loyalty_history_crm_order_idx",
            self._table,
            ["order_id", "order_model"],
            where="order_id IS NOT NULL",
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if is_trusted(self.env, MIRROR_HISTORY):  # sale.order._add_loyalty_history_lines
            self.env["sale.order"]._crm_mirror_history(lines.sudo())
        return lines

    @api.depends("issued", "used")
    def _compute_crm_ledger_figures(self):
        entries = (
            self.env["crm.loyalty.ledger"]
            .sudo()
            .search_read(
                [("history_id", "in", self.ids), ("issued", ">", 0)],
                ["history_id", "expiry_date", "remaining_points"],
            )
        )
        awards = {}
        for entry in entries:
            awards.setdefault(entry["history_id"][0], []).append(entry)
        for line in self:
            mine = awards.get(line.id, [])
            line.entry_type = "earn" if line.issued or not line.used else "use"
            line.expiry_date = min((e["expiry_date"] for e in mine if e["expiry_date"]), default=False)
            line.remaining_points = sum(e["remaining_points"] for e in mine)
