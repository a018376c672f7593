import logging

from odoo import _, models
from odoo.exceptions import AccessError
from odoo.tools.mail import email_split

_logger = logging.getLogger(__name__)

# Put in the context by _message_route_process for an automatic mail (out-of-office, list
# traffic, bounce).  An object JSON cannot carry: a client cannot fake or spoof it.
_AUTO_REPLY = object()
_AUTO_REPLY_KEY = "crm_extended_auto_reply"
# RFC 3834 / de-facto headers of automatic mails
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTO_SENDER_LOCALPARTS = {"mailer-daemon", "postmaster"}
# models whose mail routes run only for the mail gateway (see _message_route_process)
_GATEWAY_ONLY_MODELS = {"crm.ticket"}


def is_auto_reply_context(env):
    """Whether the mail being routed is an automatic one (set only by our own routing)."""
    return env.context.get(_AUTO_REPLY_KEY) is _AUTO_REPLY


def is_auto_reply(message, message_dict):
    """An automatic mail: out-of-office and other auto-replies, list and bulk traffic, bounces."""
    auto_submitted = (message.get("Auto-Submitted") or "").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if (message.get("Precedence") or "").strip().lower() in _AUTO_PRECEDENCE:
        return True
    autoreply = (message.get("X-Autoreply") or "").strip().lower()
    if autoreply and autoreply != "no":
        return True
    if message.get("X-Autorespond") is not None:
        return True
    if (message.get("Return-Path") or "").strip() == "<>":
        return True  # null reverse-path: delivery reports and auto-responders (RFC 3834)
    if message_dict.get("is_bounce"):
        return True
    sender = (email_split(message_dict.get("email_from") or "") or [""])[0]
    return sender.split("@", 1)[0].lower() in _AUTO_SENDER_LOCALPARTS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        """A part declaring a charset Python does not know (or lying about it) must not make
        the mail gateway drop the whole mail: decode such parts as UTF-8 with replacement."""
        try:
            return super()._message_parse_extract_payload(message, message_dict, save_original=save_original)
        except (LookupError, UnicodeError):
            _logger.info("Mail %s: unreadable charset, decoding as UTF-8", message_dict.get("message_id"))
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    part.set_param("charset", "utf-8")
            return super()._message_parse_extract_payload(message, message_dict, save_original=save_original)

    def _message_route_process(self, message, message_dict, routes):
        """Routes to service tickets:

        * run only for the mail gateway (fetchmail, mailgate: superuser or Settings user):
          core creates and updates the routed records as superuser, so ``message_process``
          called over RPC by anyone else would create tickets with any values, or reopen
          and post on any company's ticket;
        * an automatic mail (out-of-office, list traffic, bounce) opens no ticket and makes
          no contact; on an existing ticket it is logged but does not reopen it.
        """
        ticket_routes = [route for route in routes or () if route[0] in _GATEWAY_ONLY_MODELS]
        if not ticket_routes:
            return super()._message_route_process(message, message_dict, routes)
        if not self.env.is_system():
            raise AccessError(_("Only the mail gateway may deliver incoming mails to service tickets."))
        if not is_auto_reply(message, message_dict):
            return super()._message_route_process(message, message_dict, routes)
        kept = [route for route in routes if route[0] not in _GATEWAY_ONLY_MODELS or route[1]]
        if len(kept) != len(routes):
            _logger.info(
                "Mail %s from %s is an automatic reply: no service ticket opened",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
            )
        return super(MailThread, self.with_context(**{_AUTO_REPLY_KEY: _AUTO_REPLY}))._message_route_process(
            message, message_dict, kept
        )
