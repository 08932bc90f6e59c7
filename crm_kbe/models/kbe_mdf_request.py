import base64
import math

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .kbe_mdf_allocation import RESERVING_STATES
from .kbe_mdf_fund import PAYMENT_DOCUMENTS

REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("pre_approved", "Pre-approved"),
    ("claimed", "Claimed"),
    ("claim_approved", "Claim Approved"),
    ("paid", "Paid"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
NAME_MAX = 200
DESCRIPTION_MAX = 5000
PROOF_MAX_COUNT = 5
PROOF_MAX_BYTES = 10 * 1024 * 1024


class KbeMdfRequest(models.Model):
    """A channel partner's request to spend part of its fund allocation on a marketing activity.

    Life cycle: draft → submitted → pre-approved by the program manager (the amount is then
    reserved on the allocation, which can never be overspent) → after the activity, claimed with
    the actual cost and proof → claim approved (at most the pre-approved amount) → paid by a
    vendor bill or a credit note the accountant posts. Submitted requests and claims may be
    rejected; anything before the claim may be cancelled."""

    _name = "kbe.mdf.request"
    _description = "Market Development Fund Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(string="Activity", required=True, tracking=True)
    description = fields.Text()
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)

    # relations
    allocation_id = fields.Many2one(
        "kbe.mdf.allocation",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('partner_id', '=?', partner_id), ('fund_state', '=', 'open')]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        domain="[('kbe_partner_status', '=', 'active')]",
    )
    fund_id = fields.Many2one(related="allocation_id.fund_id", store=True, index=True)
    company_id = fields.Many2one(related="allocation_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="allocation_id.currency_id", string="Currency")
    user_id = fields.Many2one(
        "res.users",
        string="Program Manager",
        compute="_compute_user_id",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    campaign_id = fields.Many2one("utm.campaign", tracking=True, ondelete="restrict")
    campaign_name = fields.Char(related="campaign_id.title", string="Campaign Name")

    # state
    state = fields.Selection(REQUEST_STATES, required=True, default="draft", tracking=True, copy=False)
    reject_reason = fields.Char(copy=False, tracking=True)

    # figures
    planned_cost = fields.Monetary(required=True, tracking=True)
    approved_amount = fields.Monetary(
        string="Pre-approved Amount",
        copy=False,
        tracking=True,
        help="Reserved on the allocation at pre-approval; empty means the planned cost.",
    )
    actual_cost = fields.Monetary(copy=False, tracking=True)
    claim_attachment_ids = fields.Many2many(
        "ir.attachment", "kbe_mdf_request_proof_rel", "request_id", "attachment_id", string="Proof", copy=False
    )
    claim_approved_amount = fields.Monetary(
        string="Approved Claim", copy=False, tracking=True, help="Empty means the actual cost."
    )
    reserved_amount = fields.Monetary(
        compute="_compute_reserved_amount",
        store=True,
        help="What the request takes from its allocation: the pre-approved amount, then the approved claim.",
    )

    # payment
    payment_document = fields.Selection(
        PAYMENT_DOCUMENTS,
        string="Pay By",
        compute="_compute_payment_document",
        store=True,
        precompute=True,
        readonly=False,
    )
    # the payment document is the one that names this request (account.move.kbe_mdf_request_id,
    # set when the request creates it): one link, read from both sides
    payment_move_ids = fields.One2many("account.move", "kbe_mdf_request_id", string="Payment Documents")
    move_id = fields.Many2one(
        "account.move",
        string="Payment Document",
        compute="_compute_move_id",
        store=True,
        index=True,
        help="The vendor bill or credit note that pays this request.",
    )
    move_name = fields.Char(related="move_id.name", string="Payment Document Number")
    move_state = fields.Selection(related="move_id.state", string="Payment Document Status")

    # return
    lead_count = fields.Integer(compute="_compute_return", string="Leads")
    opportunity_count = fields.Integer(compute="_compute_return", string="Opportunities")
    won_revenue = fields.Monetary(compute="_compute_return")

    _sql_constraints = [
        ("planned_cost_positive", "CHECK(planned_cost >= 0)", "The planned cost cannot be negative."),
        (
            "actual_cost_positive",
            "CHECK(actual_cost IS NULL OR actual_cost >= 0)",
            "The actual cost cannot be negative.",
        ),
        ("dates_ordered", "CHECK(date_start <= date_end)", "An activity cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("payment_move_ids")
    def _compute_move_id(self):
        for request in self:
            request.move_id = request.payment_move_ids[:1]

    @api.depends("allocation_id")
    def _compute_partner_id(self):
        for request in self:
            if request.allocation_id:
                request.partner_id = request.allocation_id.partner_id

    @api.depends("partner_id")
    def _compute_user_id(self):
        for request in self:
            request.user_id = (
                request.partner_id.kbe_partner_manager_id
                or request.user_id
                or (self.env.user if not self.env.user.share else False)
            )

    @api.depends("allocation_id")
    def _compute_payment_document(self):
        for request in self:
            request.payment_document = request.allocation_id.fund_id.payment_document or "in_invoice"

    @api.depends("state", "planned_cost", "approved_amount", "actual_cost", "claim_approved_amount")
    def _compute_reserved_amount(self):
        for request in self:
            if request.state in ("claim_approved", "paid"):
                request.reserved_amount = request._kbe_claim_amount()
            elif request.state in RESERVING_STATES:
                request.reserved_amount = request._kbe_approved_amount()
            else:
                request.reserved_amount = 0.0

    def _compute_return(self):
        figures = self._kbe_campaign_return()
        for request in self:
            leads, opportunities, revenue = figures.get(request.campaign_id.id, (0, 0, 0.0))
            request.lead_count = leads
            request.opportunity_count = opportunities
            request.won_revenue = revenue

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("partner_id", "allocation_id")
    def _check_own_allocation(self):
        for request in self:
            if request.allocation_id.partner_id != request.partner_id:
                raise ValidationError(
                    self.env._(
                        "The request %(request)s must use an allocation of %(partner)s.",
                        request=request.name,
                        partner=request.partner_id.display_name,
                    )
                )

    @api.constrains("claim_approved_amount", "approved_amount", "actual_cost")
    def _check_claim_within_approval(self):
        for request in self:
            approved = request._kbe_approved_amount()
            if request.currency_id.compare_amounts(request.claim_approved_amount, approved) > 0:
                raise ValidationError(
                    self.env._(
                        "The approved claim of %(request)s (%(claim)s) cannot exceed its pre-approved amount "
                        "(%(approved)s).",
                        request=request.name,
                        claim=request.claim_approved_amount,
                        approved=approved,
                    )
                )
            if request.claim_approved_amount < 0 or request.approved_amount < 0:
                raise ValidationError(self.env._("Approved amounts cannot be negative."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_engaged(self):
        if any(request.state not in ("draft", "rejected", "cancelled") for request in self):
            raise UserError(self.env._("Only draft, rejected or cancelled requests can be deleted: cancel it first."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        self.check_access("write")
        self._kbe_check_state(("draft",), self.env._("Only a draft request can be submitted."))
        for request in self:
            request._kbe_check_cost(request.planned_cost, request.allocation_id)
        self.write({"state": "submitted", "reject_reason": False})
        self._kbe_schedule_review(self.env._("Review the fund request"))
        return True

    def action_pre_approve(self):
        """Reserve the pre-approved amount (the planned cost unless given) on each allocation.
        The allocation's row is locked first, so two approvals at once cannot overspend it."""
        self.check_access("write")
        self._kbe_check_state(("submitted",), self.env._("Only a submitted request can be pre-approved."))
        for request in self.sorted(lambda r: r.allocation_id.id):
            amount = request._kbe_approved_amount()
            request._kbe_check_amount(amount)
            request._kbe_lock_and_check_remaining(amount)
            request.write({"state": "pre_approved", "approved_amount": amount})
            # rewrite the allocation's row inside the lock: a concurrent approval that waited for
            # it then fails to serialize instead of reading the figures of before
            request.allocation_id.flush_recordset(["committed_amount"])
        self.filtered(lambda r: not r.campaign_id).action_create_campaign()
        self._kbe_close_review()
        return True

    def action_create_campaign(self):
        self.check_access("write")
        for request in self.filtered(lambda r: not r.campaign_id):
            request.campaign_id = self.env["utm.campaign"].create(
                {"title": f"{request.partner_id.name} — {request.name}", "user_id": request.user_id.id}
            )
        return True

    def action_submit_claim(self):
        self.check_access("write")
        self._kbe_check_state(("pre_approved",), self.env._("Only a pre-approved request can be claimed."))
        for request in self:
            request._kbe_check_claim(request.actual_cost, bool(request.claim_attachment_ids))
        self.state = "claimed"
        self._kbe_schedule_review(self.env._("Review the fund claim"))
        return True

    def action_approve_claim(self):
        self.check_access("write")
        self._kbe_check_state(("claimed",), self.env._("Only a claimed request can have its claim approved."))
        for request in self:
            amount = request._kbe_claim_amount()
            request._kbe_check_amount(amount)
            # the constraint refuses a claim above the pre-approved amount
            request.write({"state": "claim_approved", "claim_approved_amount": amount})
        self._kbe_close_review()
        return True

    def action_reject(self):
        self.check_access("write")
        self._kbe_check_state(
            ("submitted", "claimed"), self.env._("Only a submitted request or a claim can be rejected.")
        )
        if any(not request.reject_reason for request in self):
            raise UserError(self.env._("Give the reason of the rejection first."))
        self.state = "rejected"
        self._kbe_close_review()
        return True

    def action_cancel(self):
        self.check_access("write")
        self._kbe_check_state(
            ("draft", "submitted", "pre_approved"), self.env._("A request cannot be cancelled once claimed.")
        )
        self.state = "cancelled"
        self._kbe_close_review()
        return True

    def action_reset_draft(self):
        self.check_access("write")
        self._kbe_check_state(
            ("rejected", "cancelled"), self.env._("Only a rejected or cancelled request can be reset.")
        )
        self.write({"state": "draft", "approved_amount": 0.0, "claim_approved_amount": 0.0})
        return True

    def action_create_payment(self):
        """The draft vendor bill or credit note that pays each approved claim; the accountant
        posts it, which marks the request paid."""
        self.check_access("write")
        self._kbe_check_state(("claim_approved",), self.env._("Only an approved claim can be paid."))
        if any(request.move_id for request in self):
            raise UserError(self.env._("A payment document already exists for this request."))
        product = self.env.ref("crm_kbe.product_product_kbe_mdf")
        values = [request._kbe_payment_move_values(product) for request in self]
        # sudo: program managers have no accounting rights; the draft documents are built only
        # from the approved claims checked above, and the accountant posts them
        moves_sudo = self.env["account.move"].sudo().create(values)
        for request, move_sudo in zip(self, moves_sudo, strict=True):
            request.message_post(
                body=self.env._("Payment document %(move)s created.", move=move_sudo.display_name),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_view_move(self):
        self.ensure_one()
        self.check_access("read")
        self.move_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_view_opportunities(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("campaign_id", "=", self.campaign_id.id)]
        action["context"] = {"default_campaign_id": self.campaign_id.id, "active_test": False}
        return action

    # ------------------------------------------------------------
    # PORTAL (called by controllers/kbe_partner_portal_funds.py as the portal user)
    # ------------------------------------------------------------

    @api.model
    def _kbe_portal_create(self, allocation, values):
        """A submitted request of the portal user's company on ``allocation``, which must be its
        own and open. ``values``: name, description, planned_cost (float), date_start, date_end."""
        partner = self.env.user.partner_id.commercial_partner_id
        allocation = allocation.exists()
        # the record rules keep a portal user to its own company's allocations
        allocation.check_access("read")
        if not allocation or allocation.partner_id != partner:
            raise UserError(self.env._("This allocation is not yours."))
        if allocation.fund_state != "open":
            raise UserError(self.env._("This fund is not open for requests."))
        name = (values.get("name") or "").strip()
        description = (values.get("description") or "").strip()
        if not name:
            raise UserError(self.env._("Name the activity."))
        if len(name) > NAME_MAX or len(description) > DESCRIPTION_MAX:
            raise UserError(
                self.env._(
                    "The activity name is at most %(name)s characters and its description at most "
                    "%(description)s characters.",
                    name=NAME_MAX,
                    description=DESCRIPTION_MAX,
                )
            )
        try:
            date_start = fields.Date.to_date(values.get("date_start"))
            date_end = fields.Date.to_date(values.get("date_end"))
        except ValueError:
            date_start = date_end = None
        if not date_start or not date_end or date_end < date_start:
            raise UserError(self.env._("Give the activity's start and end dates, the end not before the start."))
        planned_cost = values.get("planned_cost")
        self._kbe_check_cost(planned_cost, allocation)
        request_sudo = (
            # sudo: portal users cannot create requests; the partner and allocation were checked above
            self.sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": name,
                    "description": description,
                    "allocation_id": allocation.id,
                    "partner_id": partner.id,
                    "planned_cost": planned_cost,
                    "date_start": date_start,
                    "date_end": date_end,
                    "state": "submitted",
                }
            )
        )
        request_sudo._kbe_schedule_review(self.env._("Review the fund request"))
        return request_sudo.with_env(self.env)

    def _kbe_portal_claim(self, actual_cost, proofs):
        """Claim a pre-approved request of the portal user's company: the actual cost (at most
        the pre-approved amount) and the proof, a list of (file name, bytes, mimetype)."""
        self.ensure_one()
        self.check_access("read")
        if self.partner_id != self.env.user.partner_id.commercial_partner_id:
            raise UserError(self.env._("This request is not yours."))
        self._kbe_check_state(("pre_approved",), self.env._("Only a pre-approved request can be claimed."))
        self._kbe_check_claim(actual_cost, bool(proofs))
        if len(proofs) > PROOF_MAX_COUNT:
            raise UserError(self.env._("Attach at most %(max)s files.", max=PROOF_MAX_COUNT))
        for filename, content, _mimetype in proofs:
            if len(content) > PROOF_MAX_BYTES:
                raise UserError(self.env._("The file %(file)s is larger than 10 MB.", file=filename))
        attachments_sudo = (
            self.env["ir.attachment"]
            # sudo: portal users cannot create attachments on requests or write them; this request
            # was checked as theirs and claimable above, and the files for size
            .sudo()
            .create(
                [
                    {
                        "name": filename[:200] or "proof",
                        "datas": base64.b64encode(content),
                        "mimetype": mimetype,
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                    for filename, content, mimetype in proofs
                ]
            )
        )
        # sudo: same reason
        request_sudo = self.sudo()
        request_sudo.write(
            {
                "actual_cost": actual_cost,
                "claim_attachment_ids": [Command.link(a.id) for a in attachments_sudo],
                "state": "claimed",
            }
        )
        request_sudo._kbe_schedule_review(self.env._("Review the fund claim"))
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_approved_amount(self):
        self.ensure_one()
        return self.approved_amount or self.planned_cost

    def _kbe_claim_amount(self):
        self.ensure_one()
        return self.claim_approved_amount or self.actual_cost

    def _kbe_check_state(self, states, message):
        if any(request.state not in states for request in self):
            raise UserError(message)

    def _kbe_check_amount(self, amount):
        if not isinstance(amount, int | float) or not math.isfinite(amount) or amount <= 0:
            raise UserError(self.env._("The amount must be a positive number."))

    def _kbe_check_cost(self, cost, allocation):
        """A planned cost: a positive number within the allocation's remaining amount."""
        self._kbe_check_amount(cost)
        if allocation.currency_id.compare_amounts(cost, allocation.remaining_amount) > 0:
            raise UserError(
                self.env._(
                    "The planned cost (%(cost)s) is more than what remains of the allocation (%(remaining)s).",
                    cost=cost,
                    remaining=allocation.remaining_amount,
                )
            )

    def _kbe_check_claim(self, actual_cost, has_proof):
        self.ensure_one()
        self._kbe_check_amount(actual_cost)
        if not has_proof:
            raise UserError(self.env._("Attach the proof of the activity (invoices, photos) to claim it."))
        approved = self._kbe_approved_amount()
        if self.currency_id.compare_amounts(actual_cost, approved) > 0:
            raise UserError(
                self.env._(
                    "The claim (%(claim)s) is more than the pre-approved amount (%(approved)s).",
                    claim=actual_cost,
                    approved=approved,
                )
            )

    def _kbe_lock_and_check_remaining(self, amount):
        """Lock the allocation's row, then compare what its other requests reserve, read from the
        database, with its amount: waits for a concurrent approval of the same allocation."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT id, amount FROM kbe_mdf_allocation WHERE id = %s FOR UPDATE", self.allocation_id.id)
        )
        _id, allocation_amount = self.env.cr.fetchone()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(reserved_amount), 0) FROM kbe_mdf_request"
                " WHERE allocation_id = %s AND state IN %s AND id != %s",
                self.allocation_id.id,
                RESERVING_STATES,
                self.id,
            )
        )
        (committed,) = self.env.cr.fetchone()
        if self.currency_id.compare_amounts(committed + amount, allocation_amount) > 0:
            raise UserError(
                self.env._(
                    "Pre-approving %(request)s (%(amount)s) would overspend the allocation of %(partner)s: "
                    "%(remaining)s remains.",
                    request=self.name,
                    amount=amount,
                    partner=self.partner_id.display_name,
                    remaining=allocation_amount - committed,
                )
            )

    def _kbe_payment_move_values(self, product):
        self.ensure_one()
        return {
            "move_type": self.payment_document or "in_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "ref": self.name,
            "invoice_origin": self.fund_id.name,
            "kbe_mdf_request_id": self.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": f"{product.name}: {self.name}",
                        "quantity": 1,
                        "price_unit": self._kbe_claim_amount(),
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    def _kbe_mark_paid(self):
        """Called when the payment documents are posted (account.move._post)."""
        self.filtered(lambda r: r.state == "claim_approved").write({"state": "paid"})

    def _kbe_mark_unpaid(self):
        """Called when the payment documents are reset to draft or cancelled."""
        self.filtered(lambda r: r.state == "paid").write({"state": "claim_approved"})

    def _kbe_schedule_review(self, summary):
        """A to-do for the program manager, once per request and summary."""
        for request in self:
            user = request.user_id or request.fund_id.create_uid
            if any(a.summary == summary for a in request.activity_ids):
                continue
            request.activity_schedule("mail.mail_activity_data_todo", summary=summary, user_id=user.id)

    def _kbe_close_review(self):
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def _kbe_campaign_return(self):
        """{campaign id: (leads, opportunities, won revenue)} of the requests' campaigns."""
        campaigns = self.campaign_id
        if not campaigns:
            return {}
        # sudo: aggregate figures of the campaign only; the program manager may not see every
        # salesperson's leads, and no lead is exposed
        leads_sudo = self.env["crm.lead"].sudo().with_context(active_test=False)
        figures = {campaign.id: [0, 0, 0.0] for campaign in campaigns}
        for campaign, lead_type, count in leads_sudo._read_group(
            [("campaign_id", "in", campaigns.ids)], ["campaign_id", "type"], ["__count"]
        ):
            figures[campaign.id][0 if lead_type == "lead" else 1] += count
        for campaign, revenue in leads_sudo._read_group(
            [("campaign_id", "in", campaigns.ids), ("stage_id.is_won", "=", True)],
            ["campaign_id"],
            ["expected_revenue:sum"],
        ):
            figures[campaign.id][2] = revenue
        return {key: tuple(value) for key, value in figures.items()}

    @api.model
    def _kbe_spent_and_return_by_partner(self, partner_ids, date_from, date_to):
        """For the scorecard: {partner id: (spent, return revenue)} of the partners' requests
        whose activity ended in the period and whose claim was approved (paid or not): spent is
        the approved claims, return the won revenue of their campaigns' opportunities. Two
        queries whatever the number of partners."""
        companies = tuple(self.env.companies.ids)
        domain = [
            ("partner_id", "in", list(partner_ids)),
            ("state", "in", ("claim_approved", "paid")),
            ("date_end", ">=", date_from),
            ("date_end", "<=", date_to),
            ("company_id", "in", companies),
        ]
        spent = {
            partner.id: amount
            # sudo: figures for the scorecard, whoever asks; the partners and period come from it
            for partner, amount in self.sudo()._read_group(domain, ["partner_id"], ["reserved_amount:sum"])
        }
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT r.partner_id, COALESCE(SUM(lead.expected_revenue), 0)
                  FROM (SELECT DISTINCT partner_id, campaign_id FROM kbe_mdf_request
                         WHERE partner_id = ANY(%(partners)s) AND state IN ('claim_approved', 'paid')
                           AND date_end BETWEEN %(date_from)s AND %(date_to)s
                           AND company_id IN %(companies)s AND campaign_id IS NOT NULL) r
                  JOIN crm_lead lead ON lead.campaign_id = r.campaign_id
                  JOIN crm_stage stage ON stage.id = lead.stage_id AND stage.is_won
                 GROUP BY r.partner_id
                """,
                partners=list(partner_ids),
                date_from=date_from,
                date_to=date_to,
                companies=companies,
            )
        )
        revenue = {partner_id: float(amount) for partner_id, amount in self.env.cr.fetchall()}
        return {partner_id: (spent.get(partner_id, 0.0), revenue.get(partner_id, 0.0)) for partner_id in partner_ids}
