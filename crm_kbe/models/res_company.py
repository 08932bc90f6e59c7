from odoo import fields, models

WON_TRIGGERS = [
    ("quotation", "A quotation is created"),
    ("confirm", "The sales order is confirmed"),
    ("never", "Never automatically"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    kbe_won_trigger = fields.Selection(
        WON_TRIGGERS,
        string="Mark Opportunity Won When",
        # off by default: a company that already sells keeps its pipeline as it was; crm_kbe's
        # post_init_hook turns KBE's process on for companies that had no opportunity nor order yet
        default="never",
        required=True,
        help="When an opportunity becomes Won because of its sales orders. The KBE process marks it "
        "won as soon as a quotation is created.",
    )

    # --- service and support ---
    kbe_portal_team_id = fields.Many2one(
        "kbe.service.team",
        "Portal Service Team",
        check_company=True,
        help="Team receiving the tickets customers open on the portal. Empty: the company's first team.",
    )
