import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.addons.crm_extended.models.crm_privacy import anonymize_messages, anonymize_past_retention
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.mail import email_normalize, email_split_and_format

from .crm_ticket_sla_engine import WorkClock
from .mail_thread import is_auto_reply_context

_logger = logging.getLogger(__name__)

TICKET_PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("chat", "Chat"),
    ("web", "Website"),
    ("social", "Social media"),
    ("walk_in", "Walk-in"),
]
# the channel a ticket came in by -> the kind of interaction that answers it
TICKET_TO_INTERACTION_CHANNEL = {
    "phone": "call",
    "email": "email",
    "chat": "chat",
    "web": "email",
    "social": "social",
    "walk_in": "visit",
}
SLA_STATUSES = [
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("failed", "Failed"),
]
# share of the allowed (wall-clock) time after which an open ticket is "at risk"
AT_RISK_RATIO = 0.75
# Kept by the SLA engine and the stage flow (create/write below, the cron, the first answer):
# never taken from a caller's values, or the SLA reports would say what the caller wants.
SLA_BOOKKEEPING_FIELDS = frozenset(
    {
        "sla_id",
        "first_response_deadline",
        "sla_deadline",
        "first_response_date",
        "close_date",
        "sla_paused_hours",
        "sla_pause_start",
        "sla_status",
        "sla_escalation",
        "reopen_count",
        "first_response_hours",
        "resolution_hours",
        "sla_success",
    }
)

# the stored values the SLA status is decided from (see sla_status_rule)
SLA_STATUS_INPUTS = (
    "create_date",
    "sla_deadline",
    "first_response_deadline",
    "first_response_date",
    "close_date",
    "is_closed",
    "sla_pause_start",
    "sla_status",
)


def sla_status_rule(now, values):
    """The SLA status of one ticket: the only definition of the rule.

    ``values`` maps SLA_STATUS_INPUTS to the ticket's values (``sla_status`` is the current
    status).  The stored compute applies it to records, the SLA cron to the rows it reads in
    one query: both paths decide with this function and nothing else.
    """
    deadline = values["sla_deadline"]
    if not deadline:
        return False
    response_deadline = values["first_response_deadline"]
    answered = values["first_response_date"]
    response_late = bool(response_deadline and answered and answered > response_deadline)
    if values["is_closed"]:
        close_date = values["close_date"]
        return "met" if close_date and close_date <= deadline and not response_late else "failed"
    if values["sla_pause_start"] and values["sla_status"]:
        return values["sla_status"]  # frozen while waiting on the customer
    created = values["create_date"] or now
    no_answer = bool(response_deadline and not answered)
    if deadline < now or (no_answer and response_deadline < now) or response_late:
        return "breached"
    if created + (deadline - created) * AT_RISK_RATIO <= now or (
        no_answer and created + (response_deadline - created) * AT_RISK_RATIO <= now
    ):
        return "at_risk"
    return "on_track"


class CrmTicket(models.Model):
    _name = "crm.ticket"
    _description = "Service Ticket"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
    ]
    _order = "priority desc, id desc"
    _rec_names_search = ["name", "number"]
    _primary_email = "partner_email"
    _mail_post_access = "read"
    _check_company_auto = True

    number = fields.Char(string="Ticket Number", readonly=True, copy=False, index="trigram", default="/")
    name = fields.Char(string="Subject", required=True, tracking=True)
    active = fields.Boolean(default=True)
    description = fields.Html()
    color = fields.Integer(groups="base.group_user")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True, string="Customer Company"
    )
    partner_name = fields.Char(related="partner_id.name", string="Customer Name")
    partner_email = fields.Char(
        string="Email", compute="_compute_partner_contact", store=True, readonly=False
    )
    partner_phone = fields.Char(
        string="Phone", compute="_compute_partner_contact", store=True, readonly=False
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    ticket_type_id = fields.Many2one("crm.ticket.type", string="Type", tracking=True)
    priority = fields.Selection(TICKET_PRIORITIES, default="1", index=True, tracking=True)
    team_id = fields.Many2one(
        "crm.ticket.team",
        string="Team",
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self._default_team(),
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
    )
    stage_id = fields.Many2one(
        "crm.ticket.stage",
        string="Stage",
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_expand_stage",
        default=lambda self: self._default_stage(),
        ondelete="restrict",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    tag_ids = fields.Many2many(
        "crm.tag", "crm_ticket_tag_rel", "ticket_id", "tag_id", "Tags", groups="base.group_user"
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
        groups="base.group_user",
    )
    interaction_ids = fields.One2many(
        "crm.interaction", "ticket_id", string="Interactions", groups="base.group_user"
    )
    interaction_count = fields.Integer(compute="_compute_interaction_count", groups="base.group_user")

    # SLA: internal figures carry groups="base.group_user" (a portal user reads his ticket's
    # stage, deadline, SLA status and closing date, never the SLA internals)
    sla_id = fields.Many2one(
        "crm.ticket.sla",
        string="SLA Policy",
        compute="_compute_sla_id",
        store=True,
        groups="base.group_user",
    )
    first_response_deadline = fields.Datetime(
        compute="_compute_sla_deadlines", store=True, copy=False, groups="base.group_user"
    )
    sla_deadline = fields.Datetime(
        string="Resolution Deadline",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
        index="btree_not_null",
    )
    first_response_date = fields.Datetime(copy=False, readonly=True, groups="base.group_user")
    close_date = fields.Datetime(copy=False, readonly=True)
    sla_paused_hours = fields.Float(
        string="Paused (working hours)",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Working hours spent in stages that pause the SLA; added to the deadlines.",
    )
    sla_pause_start = fields.Datetime(copy=False, readonly=True, groups="base.group_user")
    sla_status = fields.Selection(
        SLA_STATUSES,
        compute="_compute_sla_status",
        store=True,
        index=True,
        copy=False,
        tracking=True,
    )
    sla_escalation = fields.Selection(
        [("at_risk", "At risk"), ("breached", "Breached")],
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Highest escalation already sent to the team leader.",
    )
    reopen_count = fields.Integer(copy=False, readonly=True, groups="base.group_user")
    first_response_hours = fields.Float(
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        string="Hours to Respond",
        groups="base.group_user",
    )
    resolution_hours = fields.Float(
        compute="_compute_durations",
        store=True,
        aggregator="avg",
        string="Hours to Close",
        groups="base.group_user",
    )
    # set by _crm_anonymize only (the customer's anonymization, the retention cron)
    is_anonymized = fields.Boolean("Anonymized", readonly=True, copy=False, groups="base.group_user")
    sla_success = fields.Float(
        string="SLA Compliance (%)",
        compute="_compute_sla_success",
        store=True,
        aggregator="avg",
        groups="base.group_user",
        help="100 when the SLA was met, 0 when it failed; averaged in reports.",
    )

    _sql_constraints = [
        ("number_uniq", "unique(company_id, number)", "The ticket number must be unique."),
    ]

    # ------------------------------------------------------------------ defaults

    @api.model
    def _default_team(self):
        if "default_team_id" in self.env.context:
            return self.env["crm.ticket.team"].browse(self.env.context["default_team_id"])
        return self.env["crm.ticket.team"].search([("company_id", "in", self.env.companies.ids)], limit=1)

    @api.model
    def _default_stage(self):
        return self.env["crm.ticket.stage"].search([("is_closed", "=", False)], limit=1)

    @api.model
    def _read_group_expand_stage(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        search_domain = [("team_ids", "=", False)]
        if team_id:
            search_domain = ["|", ("team_ids", "in", [team_id])] + search_domain
        return stages.search(["|", ("id", "in", stages.ids)] + search_domain)

    # ------------------------------------------------------------------ computes

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            if ticket.partner_id:
                ticket.partner_email = ticket.partner_id.email
                ticket.partner_phone = ticket.partner_id.phone or ticket.partner_id.mobile

    def _compute_interaction_count(self):
        counts = dict(
            self.env["crm.interaction"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.interaction_count = counts.get(ticket, 0)

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    @api.depends(
        "team_id.sla_ids.active",
        "team_id.sla_ids.ticket_type_ids",
        "team_id.sla_ids.priority",
        "team_id.sla_ids.resolution_hours",
        "ticket_type_id",
        "priority",
    )
    def _compute_sla_id(self):
        for ticket in self:
            candidates = ticket.team_id.sla_ids.filtered(
                lambda s, t=ticket: s.active and s._matches(t.ticket_type_id, t.priority)
            )
            # the most demanding policy applies when several match
            ticket.sla_id = candidates.sorted(lambda s: (s.resolution_hours, s.sequence, s.id))[:1]

    @api.depends(
        "sla_id.response_hours",
        "sla_id.resolution_hours",
        "team_id.resource_calendar_id",
        "sla_paused_hours",
        "create_date",
    )
    def _compute_sla_deadlines(self):
        rows = [
            (
                t,
                t.team_id.resource_calendar_id,
                t.create_date or fields.Datetime.now(),
                t.sla_id.response_hours,
                t.sla_id.resolution_hours,
                t.sla_paused_hours,
            )
            for t in self
            if t.sla_id
        ]
        for ticket in self:
            ticket.first_response_deadline = False
            ticket.sla_deadline = False
        for (ticket, *_rest), (response, resolution) in zip(
            rows, self._sla_plan_deadlines([r[1:] for r in rows]), strict=True
        ):
            ticket.first_response_deadline = response
            ticket.sla_deadline = resolution

    @api.model
    def _sla_plan_deadlines(self, rows):
        """[(calendar, start, response_h, resolution_h, paused_h)] -> [(response, resolution)].

        Deadlines are counted in the calendar's working hours; paused working hours are
        added to both (a ticket waiting on the customer does not eat its SLA).
        """
        by_calendar = defaultdict(list)
        for index, (calendar, start, response_h, resolution_h, paused_h) in enumerate(rows):
            by_calendar[calendar.id].append((index, calendar, start, response_h, resolution_h, paused_h))
        result = [None] * len(rows)
        for items in by_calendar.values():
            clock = WorkClock(items[0][1])
            responses = clock.add_hours(
                (start, (response_h or 0) + (paused_h or 0))
                for _i, _c, start, response_h, _r, paused_h in items
            )
            resolutions = clock.add_hours(
                (start, resolution_h + (paused_h or 0))
                for _i, _c, start, _resp, resolution_h, paused_h in items
            )
            for item, response, resolution in zip(items, responses, resolutions, strict=True):
                result[item[0]] = (response if item[3] else False, resolution)
        return result

    @api.depends(
        "sla_deadline",
        "first_response_deadline",
        "first_response_date",
        "close_date",
        "is_closed",
        "sla_pause_start",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        inputs = [fname for fname in SLA_STATUS_INPUTS if fname != "sla_status"]
        for ticket in self:
            values = {fname: ticket[fname] for fname in inputs}
            # the current status is read only where the rule keeps it (a paused ticket)
            values["sla_status"] = ticket.sla_status if ticket.sla_pause_start else False
            ticket.sla_status = sla_status_rule(now, values)

    @api.depends("create_date", "first_response_date", "close_date")
    def _compute_durations(self):
        for ticket in self:
            created = ticket.create_date
            ticket.first_response_hours = (
                (ticket.first_response_date - created).total_seconds() / 3600.0
                if created and ticket.first_response_date
                else 0.0
            )
            ticket.resolution_hours = (
                (ticket.close_date - created).total_seconds() / 3600.0
                if created and ticket.close_date
                else 0.0
            )

    @api.depends("sla_status")
    def _compute_sla_success(self):
        for ticket in self:
            ticket.sla_success = 100.0 if ticket.sla_status == "met" else 0.0

    # ------------------------------------------------------------------ CRUD

    def _bookkeeping_fields(self):
        """The fields our own code paths write (as superuser), never taken from a caller's values;
        glue addons add theirs."""
        return SLA_BOOKKEEPING_FIELDS | {"is_anonymized"}

    def _check_sla_bookkeeping(self, vals_list, defaults=False):
        """Refuse bookkeeping figures in a caller's values (our own code writes them as superuser),
        and on create in the context's defaults, which the ORM would apply as values."""
        if self.env.su:
            return
        keys = {key for vals in vals_list for key in vals}
        if defaults:
            keys.update(
                key.removeprefix("default_") for key in self.env.context if key.startswith("default_")
            )
        given = sorted(self._bookkeeping_fields().intersection(keys))
        if given:
            raise AccessError(
                _(
                    "The figures of a ticket (%(fields)s) are kept by the service desk itself "
                    "and cannot be set by hand.",
                    fields=", ".join(given),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_sla_bookkeeping(vals_list, defaults=True)
        now = fields.Datetime.now()
        for vals in vals_list:
            company_id = vals.get("company_id") or self.env.company.id
            if vals.get("number", "/") == "/":
                vals["number"] = (
                    self.env["ir.sequence"].with_company(company_id).next_by_code("crm.ticket") or "/"
                )
            if vals.get("user_id"):
                continue
            team = self.env["crm.ticket.team"].browse(
                vals.get("team_id") or self.with_company(company_id)._default_team().id
            )
            if team and team.assignment_method == "round_robin":
                vals["user_id"] = team._next_assignee().id
        tickets = super().create(vals_list)
        closed = tickets.filtered("is_closed")
        if closed:
            closed.sudo().write({"close_date": now, "first_response_date": now})
        paused = tickets.filtered(lambda t: t.stage_id.sla_paused)
        if paused:
            paused.sudo().write({"sla_pause_start": now})
        for ticket in tickets.filtered(lambda t: t.partner_id and t.partner_id not in t.message_partner_ids):
            ticket.message_subscribe(partner_ids=ticket.partner_id.ids)
        return tickets

    def write(self, vals):
        self._check_sla_bookkeeping([vals])
        if "stage_id" not in vals:
            return super().write(vals)
        now = fields.Datetime.now()
        new_stage = self.env["crm.ticket.stage"].browse(vals["stage_id"])
        before = {t: (t.stage_id.is_closed, t.stage_id.sla_paused) for t in self}
        # leaving a pausing stage: add the working hours spent there
        resumed = self.filtered(lambda t: t.sla_pause_start and not new_stage.sla_paused)
        if resumed:
            by_calendar = defaultdict(list)
            for ticket in resumed:
                by_calendar[ticket.team_id.resource_calendar_id].append(ticket)
            for calendar, tickets in by_calendar.items():
                hours = WorkClock(calendar).hours_between((t.sla_pause_start, now) for t in tickets)
                for ticket, spent in zip(tickets, hours, strict=True):
                    super(CrmTicket, ticket).write(
                        {"sla_paused_hours": ticket.sla_paused_hours + spent, "sla_pause_start": False}
                    )
        result = super().write(vals)
        for ticket in self:
            was_closed, was_paused = before[ticket]
            extra = {}
            if new_stage.sla_paused and not was_paused and not ticket.sla_pause_start:
                extra["sla_pause_start"] = now
            if new_stage.is_closed and not was_closed:
                extra["close_date"] = now
                if not ticket.first_response_date:
                    extra["first_response_date"] = now
            elif was_closed and not new_stage.is_closed:
                extra["close_date"] = False
                extra["reopen_count"] = ticket.reopen_count + 1
            if extra:
                super(CrmTicket, ticket).write(extra)
        newly_closed = self.filtered(lambda t: t.is_closed and not before[t][0])
        if newly_closed:
            newly_closed._send_rating_request()
        reopened = self.filtered(lambda t: not t.is_closed and before[t][0])
        for ticket in reopened:
            ticket.message_post(
                body=_("Ticket reopened (%(count)s time(s)).", count=ticket.reopen_count),
                subtype_xmlid="mail.mt_note",
            )
        return result

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [
            dict(vals, name=_("%s (copy)", ticket.name)) for ticket, vals in zip(self, vals_list, strict=True)
        ]

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = (
                f"{ticket.number} {ticket.name}" if ticket.number and ticket.number != "/" else ticket.name
            )

    # ------------------------------------------------------------------ actions

    def action_assign_to_me(self):
        self.write({"user_id": self.env.user.id})

    def action_assign_round_robin(self):
        # the team's round-robin pointer is written as superuser: the caller must be allowed
        # to assign these tickets first
        self.check_access("write")
        for ticket in self.filtered(lambda t: not t.user_id):
            if not ticket.team_id.member_ids:
                raise UserError(
                    _("Team %(team)s has no members to assign tickets to.", team=ticket.team_id.display_name)
                )
            ticket.user_id = ticket.team_id._next_assignee()

    def action_log_interaction(self):
        self.ensure_one()
        return self.env["crm.interaction"]._action_log(
            partner=self.partner_id,
            extra={
                "default_ticket_id": self.id,
                "default_channel": TICKET_TO_INTERACTION_CHANNEL.get(self.channel, "call"),
                "default_sale_order_id": self.sale_order_id.id,
                "default_lead_id": self.lead_id.id,
            },
        )

    def action_open_interactions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_extended.action_crm_interaction")
        action["domain"] = [("ticket_id", "in", self.ids)]
        action["context"] = {"default_ticket_id": self.id, "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------------ SLA cron

    @api.model
    def _cron_sla_update(self):
        """Recompute deadlines (holidays may have been added) and statuses of every open
        ticket, then escalate the ones that became at risk or breached."""
        self.env["ir.cron"]._crm_run_heavy(
            self, "_crm_sla_update", "sla", chunks=("_crm_sla_open_ids", "_crm_sla_update_chunk")
        )

    @api.model
    def _crm_sla_update(self, ticket_ids=None):
        """The SLA pass of the open tickets (of ``ticket_ids`` only when given)."""
        self._sla_recompute_open(ticket_ids=ticket_ids)
        self._sla_escalate(ticket_ids=ticket_ids)

    def _crm_sla_update_chunk(self):
        """A part of the SLA pass: these tickets (a job of crm_extended_queue_job)."""
        if self.ids:
            self._crm_sla_update(ticket_ids=self.ids)

    @api.model
    def _crm_sla_open_ids(self):
        self.flush_model(["active", "is_closed"])
        self.env.cr.execute(
            "SELECT id FROM crm_ticket WHERE active AND NOT coalesce(is_closed, false) ORDER BY id"
        )
        return [tid for (tid,) in self.env.cr.fetchall()]

    @api.model
    def _sla_recompute_open(self, now=None, ticket_ids=None):
        now = now or fields.Datetime.now()
        for model in ("crm.ticket", "crm.ticket.team", "crm.ticket.sla", "resource.calendar"):
            self.env[model].flush_model()
        cr = self.env.cr
        cr.execute(
            """
            SELECT t.id, team.resource_calendar_id, t.create_date, sla.response_hours,
                   sla.resolution_hours, coalesce(t.sla_paused_hours, 0),
                   t.first_response_deadline, t.sla_deadline
              FROM crm_ticket t
              JOIN crm_ticket_sla sla ON sla.id = t.sla_id
              JOIN crm_ticket_team team ON team.id = t.team_id
             WHERE t.active AND NOT coalesce(t.is_closed, false)
               AND (%s::int[] IS NULL OR t.id = ANY(%s))
            """,
            [ticket_ids, ticket_ids],
        )
        rows = cr.fetchall()
        calendars = {
            cal.id: cal for cal in self.env["resource.calendar"].browse({r[1] for r in rows if r[1]})
        }
        empty = self.env["resource.calendar"]
        planned = self._sla_plan_deadlines(
            [(calendars.get(r[1], empty), r[2], r[3], r[4], r[5]) for r in rows]
        )
        changed = [
            (row[0], response or None, resolution)
            for row, (response, resolution) in zip(rows, planned, strict=True)
            if (response or None) != row[6] or resolution != row[7]
        ]
        if changed:
            ids, responses, resolutions = zip(*changed, strict=True)
            cr.execute(
                """
                UPDATE crm_ticket t
                   SET first_response_deadline = v.response, sla_deadline = v.resolution
                  FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[]) AS v(id, response, resolution)
                 WHERE t.id = v.id
                """,
                [list(ids), list(responses), list(resolutions)],
            )
        self.invalidate_model(["first_response_deadline", "sla_deadline"])
        updated = self._sla_update_statuses(now, ticket_ids=ticket_ids)
        return {"tickets": len(rows), "deadlines_changed": len(changed), "statuses_changed": len(updated)}

    @api.model
    def _sla_update_statuses(self, now, ticket_ids=None):
        """Statuses of the open tickets that are not paused, decided by sla_status_rule on rows
        read in one query, written in one UPDATE; each change is logged in the ticket's chatter
        with its tracking value (a breach with its time), as a tracked write would.
        Returns {ticket id: (old status, new status)}."""
        self.flush_model(SLA_STATUS_INPUTS)
        cr = self.env.cr
        columns = SQL(", ").join(SQL.identifier("t", fname) for fname in SLA_STATUS_INPUTS)
        cr.execute(
            SQL(
                """
                SELECT t.id, %(columns)s
                  FROM crm_ticket t
                 WHERE t.active AND NOT coalesce(t.is_closed, false)
                   AND t.sla_deadline IS NOT NULL AND t.sla_pause_start IS NULL
                   AND (%(ids)s::int[] IS NULL OR t.id = ANY(%(ids)s))
                """,
                columns=columns,
                ids=ticket_ids,
            )
        )
        changes = {}
        for ticket_id, *row in cr.fetchall():
            values = dict(zip(SLA_STATUS_INPUTS, row, strict=True))
            status = sla_status_rule(now, values)
            if status != values["sla_status"]:
                changes[ticket_id] = (values["sla_status"], status)
        if not changes:
            return changes
        cr.execute(
            """
            UPDATE crm_ticket t
               SET sla_status = v.status, sla_success = 0
              FROM unnest(%s::int[], %s::varchar[]) AS v(id, status)
             WHERE t.id = v.id
            """,
            [list(changes), [new for _old, new in changes.values()]],
        )
        self.invalidate_model(["sla_status", "sla_success"])
        self.browse(list(changes))._sla_log_status_changes(changes, now)
        return changes

    def _sla_log_status_changes(self, changes, now):
        """One chatter note per ticket with the sla_status tracking value, created in batch
        (the cron writes the statuses in SQL: this is the trace a tracked write leaves)."""
        field = self._fields["sla_status"]
        Tracking = self.env["mail.tracking.value"]
        field_info = self.fields_get(["sla_status"], ["string", "type", "selection"])["sla_status"]
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        author_id = self.env.ref("base.partner_root").id
        breached_body = Markup("<p>%s</p>") % _(
            "SLA breached at %(time)s (UTC).", time=fields.Datetime.to_string(now)
        )
        vals_list = []
        for ticket in self:
            old, new = changes[ticket.id]
            tracking = Tracking._create_tracking_values(old, new, field.name, field_info, ticket)
            vals_list.append(
                {
                    "model": self._name,
                    "res_id": ticket.id,
                    "author_id": author_id,
                    "message_type": "notification",
                    "subtype_id": subtype_id,
                    "is_internal": True,
                    "body": breached_body if new == "breached" else "",
                    "tracking_value_ids": [Command.create(tracking)],
                }
            )
        self.env["mail.message"].sudo().create(vals_list)

    @api.model
    def _sla_escalate(self, ticket_ids=None):
        """One activity for the team leader per ticket and level (at risk, then breached)."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT t.id, t.sla_status, team.user_id
              FROM crm_ticket t
              JOIN crm_ticket_team team ON team.id = t.team_id
             WHERE t.active AND NOT coalesce(t.is_closed, false)
               AND t.sla_status IN ('at_risk', 'breached')
               AND t.sla_escalation IS DISTINCT FROM t.sla_status
               AND NOT (t.sla_status = 'at_risk' AND coalesce(t.sla_escalation, '') = 'breached')
               AND (%s::int[] IS NULL OR t.id = ANY(%s))
            """,
            [ticket_ids, ticket_ids],
        )
        rows = cr.fetchall()
        if not rows:
            return 0
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        tickets = self.browse([r[0] for r in rows])
        names = dict(zip(tickets.ids, tickets.mapped("display_name"), strict=True))
        vals_list = []
        for ticket_id, status, leader_id in rows:
            if not leader_id:
                continue
            summary = (
                _("SLA breached: %s", names[ticket_id])
                if status == "breached"
                else _("SLA at risk: %s", names[ticket_id])
            )
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": ticket_id,
                    "user_id": leader_id,
                    "activity_type_id": activity_type.id if activity_type else False,
                    "summary": summary,
                    "date_deadline": today,
                }
            )
        if vals_list:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        cr.execute(
            "UPDATE crm_ticket SET sla_escalation = sla_status WHERE id = ANY(%s)",
            [[r[0] for r in rows]],
        )
        self.invalidate_model(["sla_escalation", "activity_ids"])
        return len(rows)

    # ------------------------------------------------------------------ privacy

    def _crm_anonymize(self):
        """Remove what these tickets say about the customer: subject, description, addresses,
        the text of their messages, their files and the comments of their ratings. Number,
        dates, stage and SLA figures stay for the reports. A few statements for the batch;
        used by the customer's anonymization and by the retention cron."""
        if not self:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_ticket
                   SET name = %s, description = NULL, partner_email = NULL, partner_phone = NULL,
                       email_cc = NULL, is_anonymized = TRUE
                 WHERE id = ANY(%s)
                """,
                self.env._("Anonymized ticket"),
                self.ids,
            )
        )
        self.invalidate_recordset(
            ["name", "description", "partner_email", "partner_phone", "email_cc", "is_anonymized"]
        )
        anonymize_messages(self.env, self._name, self.ids, self.env._("<p>Anonymized</p>"))
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        ratings.write({"feedback": False})

    @api.model
    def _crm_retention_anonymize(self, years, limit):
        """Anonymize up to ``limit`` tickets closed more than ``years`` years ago (0: keep them);
        returns (done, remaining)."""
        return anonymize_past_retention(self, "close_date", years, limit, [("is_closed", "=", True)])

    # ------------------------------------------------------------------ mail

    @api.private
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Mail gateway: a mail to a team alias opens a ticket.  The sender's contact is linked
        when it exists; an unknown sender becomes a contact only when the team allows it
        (``mail_create_partner``), otherwise the ticket keeps the address.  Auto-replies never
        get here (see mail_thread._message_route_process).  Whatever is missing or malformed
        in the mail falls back to defaults."""
        values = dict(custom_values or {})
        subject = (msg_dict.get("subject") or "").strip()
        values.setdefault("name", subject[:200] or _("No Subject"))
        values.setdefault("channel", "email")
        team = self.env["crm.ticket.team"].browse(values.get("team_id")).exists()
        if team:
            values.setdefault("company_id", team.company_id.id)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if partner and partner.company_id and partner.company_id != company:
            partner = self.env["res.partner"]  # another company's contact: keep the address only
        emails = email_split_and_format(msg_dict.get("email_from") or msg_dict.get("from") or "")
        if not partner and emails and team.mail_create_partner and not is_auto_reply_context(self.env):
            try:
                partner = self.env["res.partner"].find_or_create(emails[0])
            except (ValueError, UserError):
                _logger.info("crm.ticket: could not make a contact from %r", emails[0])
        if partner:
            values.setdefault("partner_id", partner.id)
        elif msg_dict.get("email_from"):
            values.setdefault("partner_email", msg_dict["email_from"][:200])
        ticket = super(CrmTicket, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=values
        )
        return ticket

    @api.private
    def message_update(self, msg_dict, update_vals=None):
        """An answer by email to a closed ticket reopens it (history kept), unless it is an
        auto-reply (out of office, mailing list, bounce) or comes from an employee."""
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        from_employee = any(not user.share for user in author.user_ids)
        reopen = self.filtered("is_closed")
        if reopen and not from_employee and not is_auto_reply_context(self.env):
            stage = self.env["crm.ticket.stage"].search([("is_closed", "=", False)], limit=1)
            if stage:
                reopen.write({"stage_id": stage.id})
        return super().message_update(msg_dict, update_vals=update_vals)

    def _message_post_after_hook(self, message, msg_vals):
        """The first public answer of an employee is the ticket's first response.  A ticket
        without customer gets the contact an employee just wrote to at the ticket's address
        (the contact made from the suggested recipient, as core's crm.lead does)."""
        result = super()._message_post_after_hook(message, msg_vals)
        if not self.env.user.share:
            for ticket in self.filtered(lambda t: not t.partner_id and t.partner_email):
                email = email_normalize(ticket.partner_email)
                partner = message.partner_ids.filtered(lambda p, e=email: e and p.email_normalized == e)[:1]
                if partner and (not partner.company_id or partner.company_id == ticket.company_id):
                    ticket.partner_id = partner
        if message.message_type == "comment" and not message.is_internal:
            subtype = message.subtype_id
            author_users = message.author_id.user_ids
            if subtype and not subtype.internal and author_users and not all(u.share for u in author_users):
                todo = self.filtered(
                    lambda t: not t.first_response_date and t.partner_id != message.author_id
                )
                if todo:
                    todo.sudo().write({"first_response_date": message.date or fields.Datetime.now()})
        return result

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id and self.partner_id.email:
            self._message_add_suggested_recipient(recipients, partner=self.partner_id, reason=_("Customer"))
        return recipients

    # ------------------------------------------------------------------ rating

    def _rating_get_parent_field_name(self):
        return "team_id"

    def _send_rating_request(self):
        template = self.env.ref("crm_service.mail_template_ticket_rating", raise_if_not_found=False)
        if not template:
            return
        for ticket in self:
            partner = ticket.partner_id
            if partner and partner.email and partner != self.env.user.partner_id:
                ticket.rating_send_request(template, lang=partner.lang, force_send=False)

    def _get_customer_satisfaction_url(self):
        self.ensure_one()
        return self.team_id.survey_url or False
