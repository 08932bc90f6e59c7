from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

FUND_STATES = [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")]
PAYMENT_DOCUMENTS = [("in_invoice", "Vendor Bill"), ("out_refund", "Credit Note")]


class KbeMdfFund(models.Model):
    """A market development fund: an amount the company sets aside for a period to pay for its
    channel partners' marketing (fairs, brochures, tastings). It is shared out to partners in
    allocations; partners spend their allocation through fund requests."""

    _name = "kbe.mdf.fund"
    _description = "Market Development Fund"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    # identity
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    amount = fields.Monetary(required=True, tracking=True, help="The whole fund, shared out in allocations.")
    payment_document = fields.Selection(
        PAYMENT_DOCUMENTS,
        string="Pay Requests By",
        required=True,
        default="in_invoice",
        help="The default document that pays an approved claim: a vendor bill from the partner or a "
        "credit note on the partner's customer account. Each request may choose otherwise.",
    )
    state = fields.Selection(FUND_STATES, required=True, default="draft", tracking=True)

    # relations
    allocation_ids = fields.One2many("kbe.mdf.allocation", "fund_id", string="Allocations")
    request_ids = fields.One2many("kbe.mdf.request", "fund_id", string="Requests")

    # figures
    allocated_amount = fields.Monetary(string="Allocated", compute="_compute_figures")
    committed_amount = fields.Monetary(
        string="Committed", compute="_compute_figures", help="Pre-approved and approved requests, paid or not."
    )
    paid_amount = fields.Monetary(string="Paid", compute="_compute_figures")
    remaining_amount = fields.Monetary(
        string="Not Allocated", compute="_compute_figures", help="What is left of the fund to allocate."
    )
    allocation_count = fields.Integer(compute="_compute_figures", string="Allocations Count")
    request_count = fields.Integer(compute="_compute_figures", string="Requests Count")

    # return (leads and revenue of the campaigns the requests paid for)
    lead_count = fields.Integer(compute="_compute_return", string="Leads")
    opportunity_count = fields.Integer(compute="_compute_return", string="Opportunities")
    won_revenue = fields.Monetary(compute="_compute_return")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "The amount of a fund cannot be negative."),
        ("dates_ordered", "CHECK(date_from <= date_to)", "A fund cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("amount", "allocation_ids.amount", "allocation_ids.committed_amount", "allocation_ids.paid_amount")
    def _compute_figures(self):
        allocations = self.env["kbe.mdf.allocation"]._read_group(
            [("fund_id", "in", self.ids)],
            ["fund_id"],
            ["amount:sum", "committed_amount:sum", "paid_amount:sum", "__count"],
        )
        figures = {fund.id: rest for fund, *rest in allocations}
        request_counts = dict(
            self.env["kbe.mdf.request"]._read_group([("fund_id", "in", self.ids)], ["fund_id"], ["__count"])
        )
        for fund in self:
            allocated, committed, paid, count = figures.get(fund.id, (0.0, 0.0, 0.0, 0))
            fund.allocated_amount = allocated
            fund.committed_amount = committed
            fund.paid_amount = paid
            fund.remaining_amount = fund.amount - allocated
            fund.allocation_count = count
            fund.request_count = request_counts.get(fund, 0)

    def _compute_return(self):
        requests = self.env["kbe.mdf.request"].search([("fund_id", "in", self.ids)])
        figures = requests._kbe_campaign_return()
        for fund in self:
            fund_requests = requests.filtered(lambda r, fund=fund: r.fund_id == fund)
            campaigns = fund_requests.campaign_id
            fund.lead_count = sum(figures.get(c.id, (0, 0, 0.0))[0] for c in campaigns)
            fund.opportunity_count = sum(figures.get(c.id, (0, 0, 0.0))[1] for c in campaigns)
            fund.won_revenue = sum(figures.get(c.id, (0, 0, 0.0))[2] for c in campaigns)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("amount")
    def _check_amount_covers_allocations(self):
        for fund in self:
            if fund.currency_id.compare_amounts(fund.allocated_amount, fund.amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The fund %(fund)s cannot be smaller than what is already allocated (%(allocated)s).",
                        fund=fund.name,
                        allocated=fund.allocated_amount,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.request_ids:
            raise UserError(self.env._("A fund with requests cannot be deleted: close it instead."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open(self):
        self.check_access("write")
        if any(fund.state != "draft" for fund in self):
            raise UserError(self.env._("Only a draft fund can be opened."))
        self.state = "open"

    def action_close(self):
        self.check_access("write")
        if any(fund.state != "open" for fund in self):
            raise UserError(self.env._("Only an open fund can be closed."))
        self.state = "closed"

    def action_reset_draft(self):
        self.check_access("write")
        if any(fund.state != "closed" for fund in self):
            raise UserError(self.env._("Only a closed fund can be set back to draft."))
        self.state = "draft"

    def action_allocate_by_tier(self):
        """One allocation per active channel partner of the fund's company whose tier has an MDF
        share: the fund's amount × the share. An allocation that already exists is updated (never
        below what its requests have committed); a second run with the same tiers changes
        nothing. Refused when the allocations would exceed the fund."""
        self.check_access("write")
        for fund in self:
            fund._kbe_allocate_by_tier()
        return True

    def action_view_allocations(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_mdf_allocation_action")
        action["domain"] = [("fund_id", "=", self.id)]
        action["context"] = {"default_fund_id": self.id}
        return action

    def action_view_requests(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_mdf_request_action")
        action["domain"] = [("fund_id", "=", self.id)]
        action["context"] = {"search_default_fund_id": self.id}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_allocate_by_tier(self):
        self.ensure_one()
        if self.state == "closed":
            raise UserError(self.env._("The fund %(fund)s is closed: it cannot be allocated.", fund=self.name))
        partners = self.env["res.partner"].search(
            [
                ("kbe_partner_status", "=", "active"),
                ("kbe_partner_tier_id.mdf_share", ">", 0),
                ("company_id", "in", [False, self.company_id.id]),
            ]
        )
        if not partners:
            raise UserError(self.env._("No active channel partner has a tier with an MDF share."))
        existing = {allocation.partner_id: allocation for allocation in self.allocation_ids}
        targets = {
            partner: self.currency_id.round(self.amount * partner.kbe_partner_tier_id.mdf_share / 100)
            for partner in partners
        }
        others = sum(a.amount for p, a in existing.items() if p not in targets)
        if self.currency_id.compare_amounts(others + sum(targets.values()), self.amount) > 0:
            raise UserError(
                self.env._(
                    "Allocating %(fund)s by tier share needs %(needed)s, more than the fund's %(amount)s: "
                    "lower the tiers' MDF shares or raise the fund.",
                    fund=self.name,
                    needed=others + sum(targets.values()),
                    amount=self.amount,
                )
            )
        to_create = []
        for partner, target in targets.items():
            allocation = existing.get(partner)
            if not allocation:
                to_create.append({"fund_id": self.id, "partner_id": partner.id, "amount": target})
                continue
            if self.currency_id.compare_amounts(target, allocation.committed_amount) < 0:
                raise UserError(
                    self.env._(
                        "%(partner)s has already committed %(committed)s of its allocation: its tier share "
                        "(%(target)s) cannot replace it.",
                        partner=partner.display_name,
                        committed=allocation.committed_amount,
                        target=target,
                    )
                )
            if self.currency_id.compare_amounts(target, allocation.amount):
                allocation.amount = target
        if to_create:
            self.env["kbe.mdf.allocation"].create(to_create)
        self.message_post(
            body=self.env._("Allocated by tier share to %(count)s partners.", count=len(targets)),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
