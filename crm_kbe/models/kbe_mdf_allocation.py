from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the states of a request whose amount is reserved on its allocation
RESERVING_STATES = ("pre_approved", "claimed", "claim_approved", "paid")


class KbeMdfAllocation(models.Model):
    """The share of a market development fund a channel partner may spend. Pre-approved requests
    commit part of it; ``remaining_amount`` is what the partner may still ask for.

    ``committed_amount`` and ``paid_amount`` are stored: a pre-approval locks the allocation's
    row and rewrites them, so two approvals at once are serialized by PostgreSQL (the second
    waits for the first, then fails to serialize and is retried on the new figures)."""

    _name = "kbe.mdf.allocation"
    _description = "Market Development Fund Allocation"
    _order = "fund_id desc, partner_id"
    _check_company_auto = True

    # relations
    fund_id = fields.Many2one("kbe.mdf.fund", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active')]",
    )
    company_id = fields.Many2one(related="fund_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="fund_id.currency_id", string="Currency")
    request_ids = fields.One2many("kbe.mdf.request", "allocation_id", string="Requests")

    # shown on the portal (the fund itself is internal)
    fund_name = fields.Char(related="fund_id.name", string="Fund Name")
    date_from = fields.Date(related="fund_id.date_from")
    date_to = fields.Date(related="fund_id.date_to")
    fund_state = fields.Selection(related="fund_id.state", string="Fund State")

    # figures
    amount = fields.Monetary(required=True)
    committed_amount = fields.Monetary(
        string="Committed",
        compute="_compute_committed_amount",
        store=True,
        help="Pre-approved requests (their approved claim once approved), paid or not.",
    )
    paid_amount = fields.Monetary(string="Paid", compute="_compute_committed_amount", store=True)
    remaining_amount = fields.Monetary(
        string="Remaining", compute="_compute_remaining_amount", help="What the partner may still request."
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "An allocation cannot be negative."),
        ("partner_unique", "UNIQUE(fund_id, partner_id)", "A partner has one allocation per fund."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("partner_id", "fund_id")
    def _compute_display_name(self):
        # "PT. Pesta Ria Organizer — MDF 2027 H1": which partner's share of which fund
        for allocation in self:
            allocation.display_name = " — ".join(
                name for name in (allocation.partner_id.name, allocation.fund_id.name) if name
            )

    @api.depends("request_ids.reserved_amount", "request_ids.state")
    def _compute_committed_amount(self):
        groups = self.env["kbe.mdf.request"]._read_group(
            [("allocation_id", "in", self.ids), ("state", "in", RESERVING_STATES)],
            ["allocation_id", "state"],
            ["reserved_amount:sum"],
        )
        committed, paid = {}, {}
        for allocation, state, amount in groups:
            committed[allocation.id] = committed.get(allocation.id, 0.0) + amount
            if state == "paid":
                paid[allocation.id] = paid.get(allocation.id, 0.0) + amount
        for allocation in self:
            allocation.committed_amount = committed.get(allocation.id, 0.0)
            allocation.paid_amount = paid.get(allocation.id, 0.0)

    @api.depends("amount", "committed_amount")
    def _compute_remaining_amount(self):
        for allocation in self:
            allocation.remaining_amount = allocation.amount - allocation.committed_amount

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("amount", "fund_id")
    def _check_fund_not_exceeded(self):
        groups = self._read_group([("fund_id", "in", self.fund_id.ids)], ["fund_id"], ["amount:sum"])
        for fund, allocated in groups:
            if fund.currency_id.compare_amounts(allocated, fund.amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The allocations of %(fund)s (%(allocated)s) cannot exceed the fund (%(amount)s).",
                        fund=fund.name,
                        allocated=allocated,
                        amount=fund.amount,
                    )
                )

    @api.constrains("amount", "committed_amount")
    def _check_committed(self):
        for allocation in self:
            if allocation.currency_id.compare_amounts(allocation.committed_amount, allocation.amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The allocation of %(partner)s cannot be lower than what its requests committed "
                        "(%(committed)s).",
                        partner=allocation.partner_id.display_name,
                        committed=allocation.committed_amount,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner(self):
        for allocation in self:
            if not allocation.partner_id.kbe_partner_status:
                raise ValidationError(
                    self.env._("%(partner)s is not a channel partner.", partner=allocation.partner_id.display_name)
                )
