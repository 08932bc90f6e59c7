from odoo import fields, models
from odoo.tools import create_index


class AccountMove(models.Model):
    _inherit = "account.move"

    kbe_opportunity_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('type', '=', 'opportunity')]",
        help="The opportunity this invoice realizes: its posted invoices and credit notes make the "
        "opportunity's realized revenue. Credit notes keep it from their invoice.",
    )
    kbe_channel_partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active')]",
        help="The channel partner who brought the sale this invoice bills (from its order); credit "
        "notes keep it from their invoice. Incentive settlements count these invoices.",
    )

    # ------------------------------------------------------------ PARTNERS: market development funds
    # set on the payment document of a fund request when the request creates it (the request's
    # move_id is computed from it): posting or resetting an invoice of no request then costs no
    # query to tell so
    kbe_mdf_request_id = fields.Many2one(
        "kbe.mdf.request", string="Fund Request", copy=False, readonly=True, index="btree_not_null"
    )

    # ------------------------------------------------------------ MARKETING: customer value
    def init(self):
        res = super().init()
        # kbe.customer.value._kbe_recompute aggregates the posted customer invoices and credit
        # notes of a batch of customers (or of one, on demand) without reading the other moves
        create_index(
            self.env.cr,
            indexname="account_move_kbe_customer_value_idx",
            tablename="account_move",
            expressions=["commercial_partner_id", "company_id"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        return res

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # sudo: posting a fund payment marks its request paid, whoever posts (an accountant
        # cannot write requests); only the requests of these posted moves are touched
        posted.kbe_mdf_request_id.sudo()._kbe_mark_paid()
        return posted

    def button_draft(self):
        res = super().button_draft()
        # sudo: a fund payment set back to draft is no longer paid, whoever resets it; only the
        # requests of these moves are touched
        self.kbe_mdf_request_id.sudo()._kbe_mark_unpaid()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        payments = self.filtered("kbe_mdf_request_id")
        # sudo: same reason; a cancelled payment frees its request for a new one
        requests_sudo = payments.kbe_mdf_request_id.sudo()
        requests_sudo._kbe_mark_unpaid()
        payments.kbe_mdf_request_id = False  # the cancelled document pays nothing any more
        return res
