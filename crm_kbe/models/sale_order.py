from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    kbe_channel_partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        compute="_compute_kbe_channel_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active')]",
        help="The channel partner who brought this sale (from its opportunity); its invoices carry it.",
    )

    @api.depends("opportunity_id")
    def _compute_kbe_channel_partner_id(self):
        for order in self:
            if order.opportunity_id:
                order.kbe_channel_partner_id = order.opportunity_id.kbe_channel_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        self._kbe_utm_from_opportunity(vals_list)
        orders = super().create(vals_list)
        orders._kbe_win_opportunities()
        return orders

    def write(self, vals):
        result = super().write(vals)
        if vals.get("opportunity_id"):
            self._kbe_win_opportunities()
        return result

    def action_confirm(self):
        result = super().action_confirm()
        self._kbe_win_opportunities()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        if self.opportunity_id:
            self.check_access("write")
            # sudo: whoever may cancel the order (an accountant, a colleague) may have no right on
            # the opportunity; reopening only undoes what the order itself did to it
            self.opportunity_id.sudo()._kbe_reopen_after_cancel(self)
        return result

    def _prepare_invoice(self):
        values = super()._prepare_invoice()
        if self.opportunity_id:
            values["kbe_opportunity_id"] = self.opportunity_id.id
        if self.kbe_channel_partner_id:
            values["kbe_channel_partner_id"] = self.kbe_channel_partner_id.id
        return values

    def _kbe_win_opportunities(self):
        """Mark the orders' opportunities won, as the company's setting says (quotation/confirm/never)."""
        self.check_access("write")
        for order in self:
            trigger = order.company_id.kbe_won_trigger
            if not order.opportunity_id or order.state == "cancel" or trigger == "never":
                continue
            if trigger == "confirm" and order.state != "sale":
                continue
            # only someone who may change the opportunity wins it (with their own rights): linking
            # an order to a colleague's opportunity, which Odoo accepts, must not close their deal
            if order.opportunity_id.has_access("write"):
                order.opportunity_id._kbe_mark_won_by_order(order)

    def action_kbe_create_invoice(self):
        """Invoice what the confirmed orders deliver, and open the invoice(s): the "Create
        Invoice" button for scripts (XML-RPC can carry the returned action, which Odoo's own
        wizard action cannot: it holds null values)."""
        self.check_access("write")
        if any(order.state != "sale" for order in self):
            raise UserError(self.env._("Only confirmed sales orders can be invoiced."))
        invoices = self._create_invoices()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "domain": [("id", "in", invoices.ids)],
            "views": [[False, "list"], [False, "form"]],
            "context": {"default_move_type": "out_invoice"},
        }
        if len(invoices) == 1:
            action.update(res_id=invoices.id, views=[[False, "form"]])
        return action

    @api.model
    def _kbe_utm_from_opportunity(self, vals_list):
        """An order made from an opportunity keeps its campaign, medium and source (Odoo's
        "New Quotation" button passes them; orders made otherwise got none): what the campaign
        evaluation attributes it by."""
        lead_ids = {vals["opportunity_id"] for vals in vals_list if vals.get("opportunity_id")}
        if not lead_ids:
            return
        # sudo: only the opportunity's UTM fields, for an order the user is creating on it
        leads = {lead.id: lead for lead in self.env["crm.lead"].sudo().browse(lead_ids)}
        for vals in vals_list:
            lead = leads.get(vals.get("opportunity_id"))
            if not lead:
                continue
            for name in ("campaign_id", "medium_id", "source_id"):
                context_default = self.env.context.get(f"default_{name}")
                if name not in vals and not context_default and lead[name]:
                    vals[name] = lead[name].id
