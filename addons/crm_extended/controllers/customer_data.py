from odoo import http
from odoo.http import content_disposition, request


class CustomerDataExport(http.Controller):
    @http.route("/crm_extended/customer_data/<int:partner_id>", type="http", auth="user", methods=["GET"])
    def customer_data(self, partner_id):
        """The file of res.partner.action_export_customer_data, made on request with the
        caller's rights (the model checks them); nothing is stored."""
        partner = request.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise request.not_found()
        filename, content = partner._crm_export_json()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Disposition", content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )
