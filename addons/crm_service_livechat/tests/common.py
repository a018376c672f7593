from odoo import Command
from odoo.addons.crm_service.tests.common import TicketCase
from odoo.tests import new_test_user


class LivechatMixin:
    """Live chat sessions opened the way core's /im_livechat/get_session opens them
    (im_livechat.channel._get_livechat_discuss_channel_vals), with an online operator."""

    @classmethod
    def make_livechat(cls, operators):
        for operator in operators:
            cls.env["bus.presence"].create({"user_id": operator.id, "status": "online"})
        return cls.env["im_livechat.channel"].create(
            {"name": "Support Chat", "user_ids": [Command.set(operators.ids)]}
        )

    @classmethod
    def open_chat(cls, livechat, visitor=None):
        """A session of ``visitor`` (a logged-in user), or of an anonymous guest."""
        vals = livechat._get_livechat_discuss_channel_vals("Visitor", user_id=visitor.id if visitor else None)
        chat = cls.env["discuss.channel"].create(vals)
        if not visitor:
            guest = cls.env["mail.guest"].create({"name": "Visitor"})
            chat.add_members(guest_ids=guest.ids, post_joined_message=False)
        return chat

    @classmethod
    def say(cls, chat, who, body):
        """``who`` posts ``body`` in the chat as the chat's client would: a user, or the guest."""
        if isinstance(who, str):  # "guest"
            guest = chat.channel_member_ids.guest_id[:1]
            public = cls.env.ref("base.public_user")
            return (
                chat.with_user(public)
                .with_context(guest=guest)
                .message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment")
            )
        return chat.with_user(who).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )


class LivechatCase(LivechatMixin, TicketCase):
    """TicketCase's team, whose agent_1 is the live chat operator; a portal user of the
    customer company chats with him."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.livechat = cls.make_livechat(cls.agent_1)
        cls.portal_user = new_test_user(
            cls.env,
            login="lc_portal",
            groups="base.group_portal",
            name="Pia Portal",
            email="pia@example.com",
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.visitor = cls.portal_user.partner_id
