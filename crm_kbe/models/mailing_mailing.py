from odoo import models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            # sudo: the mailing's state drives its campaign activity, whoever sends it (an e-mail
            # marketing user without campaign rights, the mass-mailing queue)
            activities_sudo = self.env["kbe.campaign.activity"].sudo().search([("mailing_id", "in", self.ids)])
            activities_sudo._kbe_sync_mailing_state()
        return result
