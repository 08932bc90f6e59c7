from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kbe_ticket_id = fields.Many2one("kbe.ticket", "Service Ticket", index="btree_not_null", copy=False)

    def action_kbe_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "kbe.ticket",
            "res_id": self.kbe_ticket_id.id,
            "views": [(False, "form")],
        }
