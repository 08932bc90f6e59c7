from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import index_exists

FORWARD_STATES = [
    ("offered", "Offered"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("expired", "Expired"),
]
FORWARD_METHODS = [
    ("tier", "By tier"),
    ("load", "By load"),
    ("manual", "By hand"),
]
REASON_MAX = 2000


class KbeLeadForward(models.Model):
    """A lead the program manager offers to a channel partner. Accepted, the lead is worked through
    the partner (``crm.lead.kbe_channel_partner_id``); declined or unanswered by ``respond_by``,
    it comes back to the program manager as it was.

    The partner never reads the lead itself: what it may see of it (name, contact, e-mail) is
    copied on the forward while it is offered to or worked by the partner."""

    _name = "kbe.lead.forward"
    _description = "Forwarded Lead"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "offered_on desc, id desc"
    _check_company_auto = True

    # identity
    lead_id = fields.Many2one(
        "crm.lead", required=True, ondelete="cascade", index=True, check_company=True, tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active'), ('is_company', '=', True)]",
    )
    # the lead's company when it is offered (a compute on lead_id alone: writing a lead, Odoo's hot
    # path, then costs no search of its forwards)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, precompute=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Offered By",
        default=lambda self: self.env.user,
        tracking=True,
        help="The program manager the lead comes back to when the partner declines or does not answer.",
    )
    # what the partner sees of the lead (computed as superuser, empty once the forward is closed)
    lead_name = fields.Char(compute="_compute_lead_details", compute_sudo=True, string="Lead Title")
    lead_customer = fields.Char(compute="_compute_lead_details", compute_sudo=True, string="Customer")
    lead_contact_name = fields.Char(compute="_compute_lead_details", compute_sudo=True, string="Contact")
    lead_email = fields.Char(compute="_compute_lead_details", compute_sudo=True, string="Email")
    lead_phone = fields.Char(compute="_compute_lead_details", compute_sudo=True, string="Phone")
    # state
    state = fields.Selection(FORWARD_STATES, default="offered", required=True, tracking=True, index=True, copy=False)
    offered_on = fields.Date(default=fields.Date.context_today, required=True)
    respond_by = fields.Date(
        compute="_compute_respond_by",
        store=True,
        readonly=False,
        precompute=True,
        help="Unanswered by this day, the lead comes back.",
    )
    responded_on = fields.Date(readonly=True, copy=False)
    responded_by_id = fields.Many2one("res.partner", string="Answered By", readonly=True, copy=False)
    decline_reason = fields.Text(tracking=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("lead_id")
    def _compute_company_id(self):
        for forward in self:
            forward.company_id = forward.lead_id.company_id

    @api.depends("offered_on", "company_id")
    def _compute_respond_by(self):
        for forward in self:
            days = (forward.company_id or self.env.company).kbe_forward_response_days
            forward.respond_by = forward.offered_on and forward.offered_on + timedelta(days=days)

    @api.depends(
        "state",
        "lead_id.name",
        "lead_id.partner_name",
        "lead_id.partner_id",
        "lead_id.contact_name",
        "lead_id.email_from",
        "lead_id.phone",
    )
    def _compute_lead_details(self):
        for forward in self:
            lead = forward.lead_id if forward.state in ("offered", "accepted") else forward.lead_id.browse()
            forward.lead_name = lead.name or False
            forward.lead_customer = lead.partner_name or lead.partner_id.commercial_partner_id.name or False
            forward.lead_contact_name = lead.contact_name or False
            forward.lead_email = lead.email_from or False
            forward.lead_phone = lead.phone or False

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def init(self):
        # one open forward per lead, even when two managers forward it at the same moment (create()
        # says it in a sentence; this index is the rule)
        if not index_exists(self.env.cr, "kbe_lead_forward_one_open_per_lead"):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX kbe_lead_forward_one_open_per_lead ON kbe_lead_forward (lead_id) "
                    "WHERE state = 'offered'"
                )
            )

    @api.constrains("respond_by", "offered_on")
    def _check_respond_by(self):
        for forward in self:
            if forward.respond_by and forward.respond_by < forward.offered_on:
                raise ValidationError(self.env._("The answer cannot be due before the lead is offered."))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lead_ids = [vals.get("lead_id") for vals in vals_list]
        # sudo: another manager's open forward of the lead counts too
        open_forwards = self.sudo().search([("lead_id", "in", lead_ids), ("state", "=", "offered")])
        if open_forwards or len(set(lead_ids)) < len(lead_ids):
            raise UserError(
                self.env._(
                    "A lead can be offered to one partner at a time: %(leads)s is already offered.",
                    leads=", ".join(open_forwards.lead_id.mapped("name")) or self.env._("a lead"),
                )
            )
        forwards = super().create(vals_list)
        forwards._kbe_check_forwardable()
        return forwards

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_accept(self):
        """Accept on the partner's behalf (it said yes by phone)."""
        self.check_access("write")
        self._kbe_respond(True, self.env.user.partner_id)
        return True

    def action_decline(self):
        """Decline on the partner's behalf; the lead comes back."""
        self.check_access("write")
        self._kbe_respond(False, self.env.user.partner_id, self.env._("Declined by the program manager."))
        return True

    def action_view_lead(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_portal_respond(self, contact, accept, reason=None):
        """The partner's contact ``contact`` accepts or declines this forward on the portal; only
        its own company's forwards, only while offered and not past ``respond_by``."""
        self.ensure_one()
        if self.partner_id != contact.commercial_partner_id:
            raise UserError(self.env._("This lead was not offered to your company."))
        if self.state != "offered" or (self.respond_by and self.respond_by < fields.Date.context_today(self)):
            raise UserError(self.env._("This offer is closed: it cannot be answered any more."))
        reason = (reason or "").strip()
        if len(reason) > REASON_MAX:
            raise UserError(self.env._("The reason is too long (at most %(max)s characters).", max=REASON_MAX))
        # sudo: portal users cannot write forwards nor leads; ownership and state were checked above
        self.sudo()._kbe_respond(accept, contact, reason)

    def _kbe_respond(self, accept, contact, reason=None):
        if any(forward.state != "offered" for forward in self):
            raise UserError(self.env._("Only offered leads can be accepted or declined."))
        today = fields.Date.context_today(self)
        values = {"responded_on": today, "responded_by_id": contact.id}
        if accept:
            self.write({**values, "state": "accepted"})
            for forward in self:
                # sudo: the lead is now worked through the partner; the forward's access was checked
                forward.lead_id.sudo().kbe_channel_partner_id = forward.partner_id
        else:
            self.write({**values, "state": "declined", "decline_reason": reason or False})
            self._kbe_give_back()

    def _kbe_check_forwardable(self):
        for forward in self:
            lead = forward.lead_id
            if forward.partner_id.kbe_partner_status != "active":
                raise UserError(
                    self.env._("%(partner)s is not an active channel partner.", partner=forward.partner_id.name)
                )
            if lead.kbe_channel_partner_id or not lead.active or lead.stage_id.is_won:
                raise UserError(
                    self.env._(
                        "The lead %(lead)s cannot be forwarded: it is closed or already worked through a partner.",
                        lead=lead.name,
                    )
                )

    def _kbe_give_back(self):
        """The lead comes back: a to-do for the program manager who offered it (once)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        existing = self.env["mail.activity"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_type_id", "=", todo.id)]
        )
        done = set(existing.mapped("res_id"))
        for forward in self.filtered(lambda forward: forward.id not in done):
            manager = forward.user_id or forward.partner_id.kbe_partner_manager_id or self.env.user
            forward.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=self.env._(
                    "Lead back from %(partner)s: forward it again or work it", partner=forward.partner_id.name
                ),
                user_id=manager.id,
            )

    @api.model
    def _kbe_forward_leads(self, leads, method, partner=None):
        """Offer each of ``leads`` to the partner ``_kbe_plan_forwards`` chooses."""
        plan = self._kbe_plan_forwards(leads, method, partner)
        return self.create([{"lead_id": lead.id, "partner_id": chosen.id} for lead, chosen in plan])

    @api.model
    def _kbe_plan_forwards(self, leads, method, partner=None):
        """[(lead, partner)] for each of ``leads``: ``partner`` (method "manual"), or the best
        candidate by tier (highest forwarding priority, then fewest open deals) or by load
        (fewest open forwards and open channel opportunities), counting each lead given. Two
        grouped queries per company, whatever the number of leads."""
        if method == "manual":
            if not partner:
                raise UserError(self.env._("Choose the partner to forward the leads to."))
            return [(lead, partner) for lead in leads]
        plan = []
        for company in leads.company_id | self.env["res.company"]:
            company_leads = leads.filtered(lambda lead, company=company: lead.company_id == company)
            if not company_leads:
                continue
            candidates = self._kbe_candidates(company)
            if not candidates:
                raise UserError(self.env._("No active channel partner can receive leads."))
            loads = self._kbe_partner_loads(candidates)
            for lead in company_leads:
                best = min(candidates, key=lambda cand, loads=loads: self._kbe_rank(cand, loads, method))
                loads[best.id] += 1
                plan.append((lead, best))
        return plan

    @api.model
    def _kbe_rank(self, partner, loads, method):
        load = loads.get(partner.id, 0)
        if method == "tier":
            return (-partner.kbe_partner_tier_id.forward_priority, load, partner.id)
        return (load, -partner.kbe_partner_tier_id.forward_priority, partner.id)

    @api.model
    def _kbe_candidates(self, company):
        domain = [("kbe_partner_status", "=", "active"), ("is_company", "=", True)]
        if company:
            domain.append(("company_id", "in", (False, company.id)))
        return self.env["res.partner"].search(domain)

    @api.model
    def _kbe_partner_loads(self, partners):
        """{partner id: open forwards + open opportunities through the partner}, two grouped queries."""
        loads = dict.fromkeys(partners.ids, 0)
        forwards = self.sudo()._read_group(  # sudo: counts only, of every manager's forwards
            [("partner_id", "in", partners.ids), ("state", "=", "offered")], ["partner_id"], ["__count"]
        )
        deals = (
            self.env["crm.lead"]
            # sudo: counts only, of every salesperson's opportunities
            .sudo()
            ._read_group(
                [
                    ("kbe_channel_partner_id", "in", partners.ids),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                ],
                ["kbe_channel_partner_id"],
                ["__count"],
            )
        )
        for partner, count in forwards + deals:
            loads[partner.id] += count
        return loads

    @api.model
    def _cron_expire(self, batch_size=500):
        """Offers not answered by ``respond_by`` expire and the leads come back. Re-runnable."""
        domain = [("state", "=", "offered"), ("respond_by", "<", fields.Date.context_today(self))]
        forwards = self.search(domain, limit=batch_size)
        forwards.write({"state": "expired"})
        forwards._kbe_give_back()
        self.env["ir.cron"]._notify_progress(done=len(forwards), remaining=self.search_count(domain))
        return forwards
