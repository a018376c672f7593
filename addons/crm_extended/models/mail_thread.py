import logging

from odoo import models

_logger = logging.getLogger(__name__)


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
