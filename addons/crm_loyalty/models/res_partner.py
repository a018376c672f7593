from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


class ResPartner(models.Model):
    _inherit = "res.partner"

    # loyalty figures are for the sales team (core's right to read cards); a customer sees his
    # own on the portal page, which reads them for him
    crm_loyalty_card_ids = fields.One2many(
        "loyalty.card", "partner_id", string="Loyalty Cards", groups="sales_team.group_sale_salesman"
    )
    loyalty_tier_id = fields.Many2one(
        "crm.loyalty.tier",
        string="Loyalty Tier",
        compute="_compute_loyalty_summary",
        store=True,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="Best tier among the customer's loyalty cards.",
    )
    crm_birthday = fields.Date(
        string="Birthday", help="Optional: birthday rewards are sent on this day each year."
    )
    loyalty_points = fields.Float(
        compute="_compute_loyalty_points",
        search="_search_loyalty_points",
        groups="sales_team.group_sale_salesman",
        help="Spendable points on the customer's loyalty-program cards.",
    )

    def _auto_init(self):
        # Installing on a database with many contacts: the tier column is created here instead
        # of an ORM recompute of every contact; only holders of a tiered card are computed
        # (none on a first install, where the cards' tier is new too).
        cr = self.env.cr
        new = not column_exists(cr, "res_partner", "loyalty_tier_id")
        if new:
            create_column(cr, "res_partner", "loyalty_tier_id", "int4")
        res = super()._auto_init()
        if new and column_exists(cr, "loyalty_card", "tier_id"):
            cr.execute(
                "SELECT DISTINCT partner_id FROM loyalty_card WHERE tier_id IS NOT NULL AND partner_id IS NOT NULL"
            )
            holders = self.browse([row[0] for row in cr.fetchall()])
            if holders:
                self.env.add_to_compute(self._fields["loyalty_tier_id"], holders)
        return res

    @api.depends(
        "crm_loyalty_card_ids.tier_id.min_qualifying_points",
        "crm_loyalty_card_ids.active",
        "crm_loyalty_card_ids.program_id.program_type",
    )
    def _compute_loyalty_summary(self):
        for partner in self:
            cards = partner.crm_loyalty_card_ids.filtered(
                lambda c: c.active and c.program_id.program_type == "loyalty"
            )
            tiers = cards.tier_id.sorted("min_qualifying_points")
            partner.loyalty_tier_id = tiers[-1:]

    # not stored: balances change with every order and every expiry, and writing partners
    # each time costs more than summing a few cards when a form or a filter asks for it
    @api.depends("crm_loyalty_card_ids.points", "crm_loyalty_card_ids.active")
    def _compute_loyalty_points(self):
        rows = self.env["loyalty.card"]._read_group(
            [
                ("partner_id", "in", [pid for pid in self.ids if isinstance(pid, int)]),
                ("active", "=", True),
                ("program_id.program_type", "=", "loyalty"),
            ],
            ["partner_id"],
            ["points:sum"],
        )
        points = {partner.id: total for partner, total in rows}
        for partner in self:
            partner.loyalty_points = points.get(partner.id, 0.0)

    def _search_loyalty_points(self, operator, value):
        """Segments and filters on points: one grouped subquery over the cards."""
        ops = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
        if operator not in ops or not isinstance(value, int | float):
            raise UserError(
                _(
                    "Unsupported search on loyalty points: %(operator)s %(value)s",
                    operator=operator,
                    value=value,
                )
            )
        holders = SQL(
            """(SELECT c.partner_id FROM loyalty_card c JOIN loyalty_program p ON p.id = c.program_id
                WHERE c.active AND p.program_type = 'loyalty' AND c.partner_id IS NOT NULL
             GROUP BY c.partner_id"""
        )
        matching = SQL("%s HAVING SUM(c.points) " + ops[operator] + " %s)", holders, value)
        holders = SQL("%s)", holders)
        zero_matches = {
            "=": value == 0, "!=": value != 0, "<": 0 < value, "<=": 0 <= value, ">": 0 > value, ">=": 0 >= value
        }[operator]  # fmt: skip
        if zero_matches:  # customers without a card have 0 points
            return ["|", ("id", "in", matching), ("id", "not in", holders)]
        return [("id", "in", matching)]

    # ------------------------------------------------------------------ privacy

    @api.model
    def _crm_privacy_lookup_fields(self):
        # rewards issued are deleted with the contact: core's lookup skips them
        return [*super()._crm_privacy_lookup_fields(), ("crm.loyalty.trigger.log", "partner_id", "partner")]

    def _crm_anonymized_partner_vals(self):
        return {**super()._crm_anonymized_partner_vals(), "crm_birthday": False}

    def _crm_anonymize_records(self):
        """Rewards issued stay (their keys keep a reward from being issued twice, their points
        are in the ledger) without their text; cards and ledger keep every figure."""
        result = super()._crm_anonymize_records()
        self.env["crm.loyalty.trigger.log"].search([("partner_id", "in", self.ids)]).write(
            {"description": False}
        )
        return result

    def _crm_export_data(self):
        data = super()._crm_export_data()
        customer = self.commercial_partner_id
        contacts = self.with_context(active_test=False).search([("id", "child_of", customer.id)])
        cards = (
            self.env["loyalty.card"]
            .with_context(active_test=False)
            .search([("partner_id", "in", contacts.ids)])
        )
        ledger = self.env["crm.loyalty.ledger"].search([("card_id", "in", cards.ids)], order="date, id")
        data["loyalty"] = {
            "birthday": customer.crm_birthday or False,
            "cards": [
                {
                    "program": card.program_id.name,
                    "code": card.code,
                    "points": card.points,
                    "tier": card.tier_id.name or "",
                    "expiration_date": card.expiration_date or False,
                }
                for card in cards
            ],
            "ledger": [
                {
                    "card": entry.card_id.code,
                    "date": entry.date,
                    "type": entry.entry_type,
                    "description": entry.description,
                    "issued": entry.issued,
                    "used": entry.used,
                    "expiry_date": entry.expiry_date or False,
                }
                for entry in ledger
            ],
        }
        return data
