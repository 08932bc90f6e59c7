from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    kbe_portal_team_choice = fields.Boolean(
        "Customers Choose the Service Team",
        help="Customers choose the service team (among those visible on the portal) and the ticket type "
        "when they open a ticket on the portal.",
    )

    # --- partners: deal registration and lead forwarding ---
    kbe_deal_protection_days = fields.Integer(
        string="Deal Protection (days)",
        default=90,
        help="Days during which an accepted deal registration protects its customer from other partners.",
    )
    kbe_forward_response_days = fields.Integer(
        string="Forwarded Lead Response (days)",
        default=3,
        help="Days a channel partner has to accept or decline a forwarded lead before it comes back.",
    )

    @api.constrains("kbe_deal_protection_days", "kbe_forward_response_days")
    def _check_kbe_deal_days(self):
        for company in self:
            if not 0 <= company.kbe_deal_protection_days <= 3650 or not 0 <= company.kbe_forward_response_days <= 365:
                raise ValidationError(
                    self.env._(
                        "The deal protection is between 0 and 3650 days, the response time of a forwarded "
                        "lead between 0 and 365 days."
                    )
                )

    # --- marketing: customer value ---
    kbe_value_window_months = fields.Integer(
        string="Customer Value Window (months)",
        default=12,
        required=True,
        help="The customer value counts the invoices and revenue of this many last months for the "
        "frequency and monetary scores (the lifetime figures count every invoice).",
    )

    @api.constrains("kbe_value_window_months")
    def _check_kbe_value_window_months(self):
        for company in self:
            if not 1 <= company.kbe_value_window_months <= 120:
                raise ValidationError(self.env._("The customer value window is between 1 and 120 months (10 years)."))
