from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import COMPLETENESS_FIELDS, DEFAULT_COMPLETENESS_WEIGHTS

WEIGHT_BOUNDS = (0, 100)


class CrmCompletenessWeight(models.Model):
    _name = "crm.completeness.weight"
    _description = "Data Completeness Weight"
    _order = "weight desc, field_name"
    _rec_name = "field_name"

    field_name = fields.Selection(COMPLETENESS_FIELDS, "Field", required=True)
    weight = fields.Integer(required=True, default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("field_name_uniq", "unique(field_name)", "Each field can have only one weight."),
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]

    @api.constrains("weight")
    def _check_weight(self):
        low, high = WEIGHT_BOUNDS
        for record in self:
            if not low <= record.weight <= high:
                raise ValidationError(
                    _(
                        "The completeness weight of %(field)s must be between %(low)s and %(high)s (got %(value)s).",
                        field=record.field_name,
                        low=low,
                        high=high,
                        value=record.weight,
                    )
                )

    @api.model
    def _get_weights(self):
        records = self.search([])
        if not records and not self.search_count([("active", "=", False)]):
            return dict(DEFAULT_COMPLETENESS_WEIGHTS)
        return {r.field_name: r.weight for r in records}

    def _recompute_partners(self):
        self.env["res.partner"]._crm_queue_data_completeness()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._recompute_partners()
        return records

    def write(self, vals):
        res = super().write(vals)
        self._recompute_partners()
        return res

    def unlink(self):
        res = super().unlink()
        self._recompute_partners()
        return res
