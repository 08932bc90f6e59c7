import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

# what an automatic reply says of itself (RFC 3834 and the headers mail servers use in practice)
AUTO_REPLY_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}


class MailThread(models.AbstractModel):
    """An automatic e-mail (out-of-office, auto-responder, mailing list) to a service team opens no
    ticket and reopens none: answering it, or reopening a closed ticket on the customer's
    out-of-office answer to its rating request, would start a loop. Mails for other models go
    through Odoo's gateway as before."""

    _inherit = "mail.thread"

    @api.model
    def _detect_loop_sender(self, message, message_dict, routes):
        if super()._detect_loop_sender(message, message_dict, routes):
            return True
        for_tickets = routes and all(route[0] == "kbe.ticket" for route in routes)
        if for_tickets and self._kbe_is_auto_reply(message):
            _logger.info(
                "Ignored automatic mail from %s with Message-Id %s: it opens or reopens no service ticket",
                message_dict.get("email_from"),
                message_dict.get("message_id"),
            )
            return True
        return False

    @api.model
    def _kbe_is_auto_reply(self, message):
        auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
        precedence = (message.get("Precedence") or "").strip().lower()
        return (
            auto_submitted != "no"
            or precedence in AUTO_REPLY_PRECEDENCE
            or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
        )
