import ast

from odoo import api, fields, models

# the filters of the team dashboard's links (action_open_tickets_filtered)
DASHBOARD_FILTERS = ("unassigned", "at_risk", "breached")
# who sees the service figures of a team (the teams themselves are readable by employees)
SERVICE_READERS = "crm_extended.group_crm_service_user,sales_team.group_sale_salesman"


class CrmTicketTeam(models.Model):
    _name = "crm.ticket.team"
    _description = "Service Team"
    _inherit = ["mail.alias.mixin.optional", "mail.thread", "rating.parent.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        tracking=True,
        check_company=True,
        help="Receives the escalation activities of at-risk and breached tickets.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "crm_ticket_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain=[("share", "=", False)],
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        compute="_compute_resource_calendar_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="SLA deadlines are counted in these working hours, holidays excluded.",
    )
    assignment_method = fields.Selection(
        [("manual", "Manual"), ("round_robin", "Round robin")],
        default="manual",
        required=True,
        help="Round robin gives each new unassigned ticket to the next team member.",
    )
    last_assigned_user_id = fields.Many2one("res.users", readonly=True, copy=False, groups=SERVICE_READERS)
    mail_create_partner = fields.Boolean(
        string="Create Contacts from Emails",
        help="A mail to the team's alias from an unknown address creates a contact for the "
        "sender. Off: the ticket keeps the sender's address, and the contact is created when an "
        "agent answers (automatic replies never create contacts nor tickets).",
    )
    survey_url = fields.Char(
        string="Survey Link",
        help="Optional link to a short survey, added to the satisfaction request.",
    )
    sla_ids = fields.One2many("crm.ticket.sla", "team_id", string="SLA Policies")
    ticket_ids = fields.One2many("crm.ticket", "team_id", groups=SERVICE_READERS)

    # dashboard figures (one grouped query for all teams, see _compute_dashboard)
    open_ticket_count = fields.Integer(compute="_compute_dashboard", groups=SERVICE_READERS)
    unassigned_ticket_count = fields.Integer(compute="_compute_dashboard", groups=SERVICE_READERS)
    at_risk_ticket_count = fields.Integer(compute="_compute_dashboard", groups=SERVICE_READERS)
    breached_ticket_count = fields.Integer(compute="_compute_dashboard", groups=SERVICE_READERS)
    sla_compliance = fields.Float(
        string="SLA Compliance (%)", compute="_compute_dashboard", groups=SERVICE_READERS
    )
    median_response_hours = fields.Float(compute="_compute_dashboard", groups=SERVICE_READERS)
    median_resolution_hours = fields.Float(compute="_compute_dashboard", groups=SERVICE_READERS)
    backlog_age_days = fields.Float(
        string="Average Backlog Age (days)", compute="_compute_dashboard", groups=SERVICE_READERS
    )

    @api.depends("company_id")
    def _compute_resource_calendar_id(self):
        """The team's company's working hours, unless the team has its own of that company."""
        for team in self:
            calendar = team.resource_calendar_id
            if not calendar or (calendar.company_id and calendar.company_id != team.company_id):
                team.resource_calendar_id = team.company_id.resource_calendar_id

    def _compute_dashboard(self):
        stats = {}
        if self.ids:
            self.env["crm.ticket"].flush_model()
            self.env.cr.execute(
                """
                SELECT t.team_id,
                       count(*) FILTER (WHERE NOT t.is_closed),
                       count(*) FILTER (WHERE NOT t.is_closed AND t.user_id IS NULL),
                       count(*) FILTER (WHERE NOT t.is_closed AND t.sla_status = 'at_risk'),
                       count(*) FILTER (WHERE NOT t.is_closed AND t.sla_status = 'breached'),
                       100.0 * count(*) FILTER (WHERE t.sla_status = 'met')
                           / NULLIF(count(*) FILTER (WHERE t.sla_status IN ('met', 'failed')), 0),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.first_response_hours)
                           FILTER (WHERE t.first_response_date IS NOT NULL),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.resolution_hours)
                           FILTER (WHERE t.close_date IS NOT NULL),
                       avg(EXTRACT(EPOCH FROM (now() at time zone 'UTC' - t.create_date)) / 86400.0)
                           FILTER (WHERE NOT t.is_closed)
                  FROM crm_ticket t
                 WHERE t.team_id = ANY(%s) AND t.active
              GROUP BY t.team_id
                """,
                [self.ids],
            )
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for team in self:
            row = stats.get(team.id) or (0, 0, 0, 0, None, None, None, None)
            team.open_ticket_count = row[0]
            team.unassigned_ticket_count = row[1]
            team.at_risk_ticket_count = row[2]
            team.breached_ticket_count = row[3]
            team.sla_compliance = row[4] or 0.0
            team.median_response_hours = row[5] or 0.0
            team.median_resolution_hours = row[6] or 0.0
            team.backlog_age_days = row[7] or 0.0

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crm.ticket")
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            values["alias_defaults"] = defaults
        return values

    def _next_assignee(self):
        """Next member in round-robin order, remembered on the team."""
        self.ensure_one()
        members = self.member_ids.filtered("active").sorted("id")
        if not members:
            return self.env["res.users"]
        later = members.filtered(lambda u: u.id > self.last_assigned_user_id.id)
        user = later[:1] or members[:1]
        self.sudo().last_assigned_user_id = user
        return user

    def action_open_tickets(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_crm_ticket")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action

    def action_open_tickets_filtered(self):
        action = self.action_open_tickets()
        key = self.env.context.get("ticket_filter")
        if key in DASHBOARD_FILTERS:
            action["context"] = dict(action["context"], **{f"search_default_{key}": 1})
        return action
