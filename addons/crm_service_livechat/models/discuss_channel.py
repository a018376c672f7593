from textwrap import shorten

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import _, fields, models
from odoo.addons.crm_extended.models.crm_interaction import MAX_DURATION_HOURS
from odoo.addons.crm_service.models.crm_ticket_team import SERVICE_READERS
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext, mute_logger

TICKET_COMMAND = "/ticket"
# length of an interaction's summary taken from the customer's first message
SUMMARY_LENGTH = 80
# what a chatbot asked an anonymous visitor, kept on the ticket (core crm_livechat does the
# same for a lead)
CHATBOT_TICKET_FIELDS = {"question_email": "partner_email", "question_phone": "partner_phone"}
# what a chat's later course changes on its interaction; the rest is the users' to edit
CHAT_SYNCED_FIELDS = ("duration", "user_id")


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    crm_ticket_ids = fields.One2many(
        "crm.ticket", "discuss_channel_id", string="Tickets", groups=SERVICE_READERS
    )
    crm_ticket_count = fields.Integer(
        string="Ticket Count", compute="_compute_crm_ticket_count", groups=SERVICE_READERS
    )

    def _compute_crm_ticket_count(self):
        counts = dict(
            self.env["crm.ticket"]._read_group(
                [("discuss_channel_id", "in", self.ids)], ["discuss_channel_id"], ["__count"]
            )
        )
        for channel in self:
            channel.crm_ticket_count = counts.get(channel, 0)

    def action_crm_open_tickets(self):
        """The tickets made from this chat (the stat button of the session form)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.action_crm_ticket")
        action["domain"] = [("discuss_channel_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------ the known customer

    def _crm_livechat_customers(self):
        """{live chat: its known customer}: the chat's partner who is neither its operator, an
        employee nor a chatbot. A chat with the public user has none (as core crm_livechat
        decides a lead's customer), nor has a guest's chat (a guest is no partner).

        The one definition of "the customer of a chat", for the ticket and the interaction."""
        candidates = {}
        for chat in self.filtered(lambda c: c.channel_type == "livechat"):
            partners = chat.with_context(active_test=False).channel_member_ids.partner_id.filtered(
                lambda p, chat=chat: p.partner_share and p != chat.livechat_operator_id
            )
            if partners and not any(partners.mapped("is_public")):
                candidates[chat] = partners
        if not candidates:
            return {}
        all_partners = self.env["res.partner"].union(*candidates.values())
        # sudo: chatbot.script - which partners speak for a chatbot (operators may not read scripts)
        bots = (
            self.env["chatbot.script"]
            .sudo()
            .with_context(active_test=False)
            .search([("operator_partner_id", "in", all_partners.ids)])
            .operator_partner_id
        )
        return {chat: (partners - bots)[:1] for chat, partners in candidates.items() if partners - bots}

    # ------------------------------------------------------------------ chat -> ticket

    def execute_command_ticket(self, **kwargs):
        """``/ticket <subject>`` typed by an operator in a live chat (registered in
        static/src/core/channel_commands.js, as core crm_livechat registers ``/lead``)."""
        self.ensure_one()
        self._crm_check_ticket_access()
        body = (kwargs.get("body") or "").strip()
        subject = body.removeprefix(TICKET_COMMAND).strip()
        if not subject:
            msg = _(
                "Create a ticket: %(pre_start)s%(command)s %(i_start)sticket subject%(i_end)s%(pre_end)s",
                command=TICKET_COMMAND,
                pre_start=Markup("<pre>"),
                pre_end=Markup("</pre>"),
                i_start=Markup("<i>"),
                i_end=Markup("</i>"),
            )
        else:
            ticket = self._crm_create_ticket(subject)
            msg = _("Created the ticket %s", ticket._get_html_link())
        self.env.user._bus_send_transient_message(self, msg)

    def _crm_check_ticket_access(self):
        """Who may turn this chat into a ticket: a service user taking part in it."""
        self.ensure_one()
        self.check_access("read")
        if self.channel_type != "livechat":
            raise UserError(_("Only a live chat conversation can become a ticket."))
        user = self.env.user
        if not user.has_group("crm_extended.group_crm_service_user"):
            raise AccessError(_("Only service users can turn a live chat into a ticket."))
        if (
            user.partner_id != self.livechat_operator_id
            and user.partner_id not in self.channel_member_ids.partner_id
        ):
            raise AccessError(_("Only an operator of this live chat can turn it into a ticket."))

    def _crm_create_ticket(self, subject):
        """The ticket of this chat: channel chat, the chat's customer, the transcript in its
        chatter; the operator's team handles it and the operator is assigned."""
        self._crm_check_ticket_access()
        ticket = self.env["crm.ticket"].create(self._crm_prepare_ticket_vals(subject))
        # sudo: the link is bookkeeping of the service desk, written once the checks above passed
        ticket.sudo().discuss_channel_id = self
        # an internal note (a comment of the note subtype): the customer never reads it
        ticket.message_post(
            body=self._crm_ticket_transcript(), message_type="comment", subtype_xmlid="mail.mt_note"
        )
        # sudo: the chat's interaction is kept by the chat itself (see _crm_sync_chat_interactions)
        interactions = self.sudo()._crm_sync_chat_interactions()
        interactions.filtered(
            lambda i: not i.ticket_id and i.company_id == ticket.company_id
        ).ticket_id = ticket
        return ticket

    def _crm_ticket_team(self):
        user = self.env.user
        team = self.env["crm.ticket.team"].search(
            [("member_ids", "in", user.ids), ("company_id", "=", self.env.company.id)], limit=1
        )
        return team or self.env["crm.ticket"]._default_team()

    def _crm_prepare_ticket_vals(self, subject):
        self.ensure_one()
        team = self._crm_ticket_team()
        company = team.company_id or self.env.company
        customer = self._crm_livechat_customers().get(self, self.env["res.partner"])
        vals = {
            "name": subject,
            "channel": "chat",
            "team_id": team.id,
            "company_id": company.id,
            "user_id": self.env.user.id,
        }
        if customer and customer.company_id not in (company, self.env["res.company"]):
            # another company's contact: the ticket keeps the address only (as the mail gateway)
            vals.update(partner_email=customer.email, partner_phone=customer.phone or customer.mobile)
        elif customer:
            vals["partner_id"] = customer.id
        else:
            # sudo: chatbot.message - the visitor's answers to the chatbot of this very chat
            answers = self.sudo()._chatbot_find_customer_values_in_messages(CHATBOT_TICKET_FIELDS)
            vals.update({fname: value for fname, value in answers.items() if value})
        return vals

    def _crm_ticket_transcript(self):
        """Core's transcript of the chat (author: text, each line escaped) under a title."""
        return Markup("<p>%s</p>%s") % (
            _("Transcript of the live chat %(chat)s:", chat=self._get_html_link()),
            self._get_channel_history(),
        )

    # ------------------------------------------------------------------ chat -> interaction

    def _message_post_after_hook(self, message, msg_vals):
        """The first message of a known customer records the chat as his interaction."""
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            self.channel_type == "livechat"
            and message.message_type == "comment"
            and message.author_id.partner_share
        ):
            # sudo: the customer posts in his own chat (core checked it); the interaction is
            # the chat's bookkeeping, not something he may write
            chat = self.sudo()
            if chat._crm_livechat_customers().get(chat) == message.author_id:
                chat._crm_sync_chat_interactions(update=False)
        return result

    def _close_livechat_session(self, **kwargs):
        """The visitor left: the interaction gets the chat's length (and its human operator,
        when a chatbot handed the chat over)."""
        was_active = self.livechat_active
        result = super()._close_livechat_session(**kwargs)
        if was_active:
            # sudo: as above, whoever closes the chat does not write interactions
            self.sudo()._crm_sync_chat_interactions()
        return result

    def _crm_sync_chat_interactions(self, update=True):
        """One crm.interaction per live chat with a known customer, created once (the unique
        link decides between concurrent messages) and, with ``update``, brought up to date.
        Called as superuser by the chat's own paths; returns the chats' interactions."""
        Interaction = self.env["crm.interaction"]
        # a customer of another company than the operator's is not recorded: the interaction
        # would put what he told this company in the other company's history
        customers = {
            chat: customer
            for chat, customer in self._crm_livechat_customers().items()
            if not customer.company_id or customer.company_id == chat._crm_chat_company()
        }
        if not customers:
            return Interaction
        chats = self.browse([chat.id for chat in customers])
        existing = {
            interaction.discuss_channel_id: interaction
            for interaction in Interaction.search([("discuss_channel_id", "in", chats.ids)])
        }
        todo = chats if update else chats.filtered(lambda c: c not in existing)
        if not todo:
            return Interaction.union(*existing.values())
        stats = todo._crm_chat_stats(customers)
        values = {chat: chat._crm_prepare_interaction_vals(customers[chat], stats.get(chat)) for chat in todo}
        for chat, interaction in existing.items():
            if chat in values:
                changed = {
                    fname: values[chat][fname]
                    for fname in CHAT_SYNCED_FIELDS
                    if interaction._fields[fname].convert_to_write(interaction[fname], interaction)
                    != values[chat][fname]
                }
                if changed:
                    interaction.write(changed)
        new = [values[chat] for chat in todo if chat not in existing]
        created = Interaction
        if new:
            try:
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    created = Interaction.create(new)
            except IntegrityError:
                # a concurrent message of the same chat recorded it first: keep that one
                pass
        return Interaction.union(*existing.values(), created)

    def _crm_chat_stats(self, customers):
        """{chat: (first message date, last message date, customer's first words)} of these
        chats, in two grouped queries."""
        Message = self.env["mail.message"]
        domain = [("model", "=", self._name), ("res_id", "in", self.ids), ("message_type", "=", "comment")]
        dates = {
            res_id: (start, end)
            for res_id, start, end in Message._read_group(domain, ["res_id"], ["date:min", "date:max"])
        }
        customer_ids = {chat.id: partner.id for chat, partner in customers.items()}
        first_ids = {
            res_id: message_id
            for res_id, author, message_id in Message._read_group(
                [*domain, ("author_id", "in", list(set(customer_ids.values())))],
                ["res_id", "author_id"],
                ["id:min"],
            )
            if customer_ids.get(res_id) == author.id
        }
        bodies = {message.id: message.body for message in Message.browse(list(first_ids.values()))}
        return {
            chat: (*dates[chat.id], html2plaintext(bodies.get(first_ids.get(chat.id)) or "").strip())
            for chat in self
            if chat.id in dates
        }

    def _crm_chat_company(self):
        """The company that held this chat: its operator's."""
        self.ensure_one()
        operator = self.livechat_operator_id.user_ids.filtered(lambda u: not u.share)[:1]
        return operator.company_id or self.env.company

    def _crm_prepare_interaction_vals(self, customer, stats):
        """The interaction recording this chat: inbound, on the chat's start, in the operator's
        language, with a link to the conversation; its length once the chat has ended."""
        self.ensure_one()
        start, end, first_words = stats or (None, None, "")
        operator = self.livechat_operator_id.user_ids.filtered(lambda u: not u.share)[:1]
        env = self.with_context(lang=operator.lang or self.env.lang).env
        duration = 0.0
        if not self.livechat_active and start and end:
            duration = min((end - start).total_seconds() / 3600.0, MAX_DURATION_HOURS)
        summary = shorten(" ".join(first_words.split()), SUMMARY_LENGTH, placeholder="…") or self.name
        link = Markup('<a href="/odoo/discuss?active_id=discuss.channel_%s">%s</a>') % (self.id, self.name)
        return {
            "name": env._("Live chat: %(summary)s", summary=summary),
            "partner_id": customer.id,
            "channel": "chat",
            "direction": "inbound",
            "date": self.create_date,
            "duration": duration,
            "user_id": operator.id,
            "company_id": self._crm_chat_company().id,
            "discuss_channel_id": self.id,
            "note": Markup("<p>%s</p>") % env._("Conversation: %(chat)s", chat=link),
        }
