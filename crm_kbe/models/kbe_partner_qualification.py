from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .kbe_partner_certification import kbe_remind_once

QUALIFICATION_KINDS = [
    ("application", "Application"),
    ("upgrade", "Review: Upgrade"),
    ("downgrade", "Review: Downgrade"),
    ("renewal", "Renewal"),
]
QUALIFICATION_ORIGINS = [("portal", "Portal"), ("manager", "Program Manager"), ("review", "Scheduled Review")]
QUALIFICATION_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("expired", "Expired"),
]
OPEN_STATES = ("draft", "submitted")
MESSAGE_MAX = 2000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
REVIEW_BATCH = 200


class KbePartnerQualification(models.Model):
    """A partner's qualification for a tier: an application (portal or manager), a renewal or a
    proposal of the scheduled review. Its checklist (``line_ids``) holds the tier's criteria
    with the partner's figures and the reviewer's verdicts; once approved it is valid from
    ``valid_from`` to ``valid_to``. Every qualification is kept: the partner's tier is the one of
    its latest valid approved qualification (res.partner.kbe_partner_tier_id)."""

    _name = "kbe.partner.qualification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Partner Qualification"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(compute="_compute_name", store=True, string="Qualification")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    partner_manager_id = fields.Many2one(related="partner_id.kbe_partner_manager_id", string="Partner Manager")
    tier_id = fields.Many2one("kbe.partner.tier", required=True, tracking=True, check_company=True, ondelete="restrict")
    previous_tier_id = fields.Many2one(
        "kbe.partner.tier", string="Tier Before", readonly=True, help="The partner's tier when this was proposed."
    )
    kind = fields.Selection(QUALIFICATION_KINDS, required=True, default="application", tracking=True)
    origin = fields.Selection(QUALIFICATION_ORIGINS, required=True, default="manager")

    # state and review
    state = fields.Selection(
        QUALIFICATION_STATES, required=True, default="draft", tracking=True, index=True, copy=False
    )
    reviewer_id = fields.Many2one("res.users", tracking=True, copy=False)
    date_submitted = fields.Date(string="Submitted On", readonly=True, copy=False)
    date_approved = fields.Date(string="Approved On", readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", tracking=True, copy=False)
    applicant_message = fields.Text(string="Message from the Partner")
    internal_note = fields.Html(string="Internal Notes", groups="crm_kbe.group_partner_manager")

    # validity
    valid_from = fields.Date(tracking=True, copy=False)
    valid_to = fields.Date(
        string="Valid Until",
        compute="_compute_valid_to",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        copy=False,
        help="From the start date and the tier's validity (12 months unless the tier says otherwise).",
    )
    renewal_reminder_sent = fields.Boolean(copy=False, help="The partner manager was reminded to renew it.")

    # agreement and checklist
    agreement_signed = fields.Boolean(tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "kbe_partner_qualification_attachment_rel",
        "qualification_id",
        "attachment_id",
        string="Agreement and Evidence",
    )
    line_ids = fields.One2many("kbe.partner.qualification.line", "qualification_id", string="Checklist", copy=False)
    line_pending_count = fields.Integer(compute="_compute_line_counts", string="Pending Criteria")
    line_not_met_count = fields.Integer(compute="_compute_line_counts", string="Criteria Not Met")

    _sql_constraints = [
        (
            "valid_dates",
            "CHECK(valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)",
            "A qualification cannot end before it starts.",
        ),
    ]

    @api.depends("partner_id", "tier_id", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for qualification in self:
            qualification.name = self.env._(
                "%(tier)s %(kind)s: %(partner)s",
                tier=qualification.tier_id.name or "",
                kind=kinds.get(qualification.kind, "").lower(),
                partner=qualification.partner_id.name or "",
            )

    @api.depends("valid_from", "tier_id.validity_months")
    def _compute_valid_to(self):
        for qualification in self:
            if qualification.valid_from:
                months = qualification.tier_id.validity_months or 12
                qualification.valid_to = qualification.valid_from + relativedelta(months=months, days=-1)
            else:
                qualification.valid_to = False

    @api.depends("line_ids.verdict")
    def _compute_line_counts(self):
        for qualification in self:
            verdicts = qualification.line_ids.mapped("verdict")
            qualification.line_pending_count = verdicts.count("pending")
            qualification.line_not_met_count = verdicts.count("not_met")

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        qualifications = super().create(vals_list)
        qualifications.filtered(lambda q: not q.line_ids)._kbe_sync_lines()
        return qualifications

    def write(self, vals):
        if any(
            q.state not in OPEN_STATES
            and any(q[fname].id != vals[fname] for fname in ("partner_id", "tier_id") if fname in vals)
            for q in self
        ):
            raise UserError(
                self.env._("A decided qualification is kept as it was: create a new one to change its partner or tier.")
            )
        result = super().write(vals)
        if {"tier_id", "agreement_signed"} & set(vals):
            self._kbe_sync_lines()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(q.state in ("approved", "expired") for q in self):
            raise UserError(self.env._("An approved or expired qualification is kept in the partner's history."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        self.check_access("write")
        if any(q.state != "draft" for q in self):
            raise UserError(self.env._("Only a draft qualification can be submitted."))
        self._kbe_submit()
        return True

    def action_approve(self):
        self.check_access("write")
        for qualification in self:
            if qualification.state != "submitted":
                raise UserError(
                    self.env._("Only a submitted qualification can be approved (%(name)s).", name=qualification.name)
                )
            if not qualification.line_ids or qualification.line_pending_count:
                raise UserError(
                    self.env._(
                        "Give a verdict (met or not met) on every criterion of %(name)s before approving it.",
                        name=qualification.name,
                    )
                )
            # sudo: the note is a manager-only field; this user may write the qualification (checked above)
            lines_sudo = qualification.sudo().line_ids
            unexplained = lines_sudo.filtered(lambda line: line.verdict == "not_met" and not (line.note or "").strip())
            if unexplained:
                raise UserError(
                    self.env._(
                        "Criterion %(criterion)s is not met: write a note on why %(name)s is approved anyway.",
                        criterion=unexplained[0].display_name,
                        name=qualification.name,
                    )
                )
        today = fields.Date.context_today(self)
        for qualification in self:
            qualification.write(
                {
                    "state": "approved",
                    "reviewer_id": self.env.user.id,
                    "date_approved": today,
                    "valid_from": qualification.valid_from or today,
                    "reject_reason": False,
                }
            )
        self.partner_id._kbe_activate_partner()
        return True

    def action_reject(self):
        self.check_access("write")
        for qualification in self:
            if qualification.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "Only a draft or submitted qualification can be rejected (%(name)s).", name=qualification.name
                    )
                )
            if not (qualification.reject_reason or "").strip():
                raise UserError(
                    self.env._("Write the reason of the rejection of %(name)s first.", name=qualification.name)
                )
        self.write({"state": "rejected", "reviewer_id": self.env.user.id})
        return True

    def action_draft(self):
        self.check_access("write")
        if any(q.state not in ("submitted", "rejected") for q in self):
            raise UserError(self.env._("Only a submitted or rejected qualification goes back to draft."))
        self.write({"state": "draft", "reject_reason": False})
        return True

    def action_renew(self):
        """A renewal of this approved (or expired) qualification, valid from the day after it ends."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("approved", "expired"):
            raise UserError(self.env._("Only an approved or expired qualification can be renewed."))
        today = fields.Date.context_today(self)
        start = max(today, self.valid_to + relativedelta(days=1)) if self.valid_to else today
        renewal = self.create(
            {
                "partner_id": self.partner_id.id,
                "tier_id": self.tier_id.id,
                "company_id": self.company_id.id,
                "kind": "renewal",
                "origin": "manager",
                "previous_tier_id": self.tier_id.id,
                "agreement_signed": self.agreement_signed,
                "valid_from": start,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": renewal.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_submit(self, figures=None):
        self._kbe_sync_lines(figures=figures)
        self.write({"state": "submitted", "date_submitted": fields.Date.context_today(self)})

    def _kbe_ask_review(self):
        """A to-do for the partner manager of each qualification that arrived by itself (portal
        application, review proposal); none when the partner has no manager yet."""
        today = fields.Date.context_today(self)
        for qualification in self.filtered("partner_id.kbe_partner_manager_id"):
            kbe_remind_once(
                qualification,
                qualification.partner_id.kbe_partner_manager_id,
                today,
                self.env._("Review %(name)s", name=qualification.name),
            )

    def _kbe_sync_lines(self, figures=None):
        """Bring the checklists of open qualifications in line with their tier: one line per
        requirement, its required value and the partner's figure today. Existing lines keep their
        evidence, verdict and note; criteria the tier no longer asks for are removed. The figures
        of every partner of the batch come from one call of ``_kbe_partner_figures``."""
        open_ones = self.filtered(lambda q: q.state in OPEN_STATES)
        if not open_ones:
            return
        partners = open_ones.partner_id
        if figures is None:
            figures = partners._kbe_partner_figures()
        by_type = self.env["kbe.partner.certification"]._kbe_certified_by_type(partners.ids)
        for qualification in open_ones:
            wanted = qualification._kbe_line_values(
                figures.get(qualification.partner_id.id) or partners._kbe_empty_figures(),
                by_type.get(qualification.partner_id.id, {}),
            )
            existing = {(line.criterion, line.certification_type_id.id): line for line in qualification.line_ids}
            commands = []
            for key, values in wanted.items():
                line = existing.pop(key, None)
                commands.append(Command.update(line.id, values) if line else Command.create(values))
            commands += [Command.delete(line.id) for line in existing.values()]
            # super().write: the lines follow the tier, they do not change it (no loop through write)
            super(KbePartnerQualification, qualification).write({"line_ids": commands})

    def _kbe_line_values(self, figures, by_type):
        """{(criterion, certification type id or False): line values} of this qualification's tier."""
        self.ensure_one()
        tier = self.tier_id
        lines = {
            ("won_revenue", False): {
                "sequence": 1,
                "criterion": "won_revenue",
                "required_value": tier.min_won_revenue,
                "actual_value": figures["won_revenue"],
                "actual_known": True,
            }
        }
        if tier.min_certified_count:
            lines[("certified_people", False)] = {
                "sequence": 2,
                "criterion": "certified_people",
                "required_value": tier.min_certified_count,
                "actual_value": figures["certified_count"],
                "actual_known": True,
            }
        for requirement in tier.certification_requirement_ids:
            lines[("certified_people", requirement.type_id.id)] = {
                "sequence": 3,
                "criterion": "certified_people",
                "certification_type_id": requirement.type_id.id,
                "required_value": requirement.required_count,
                "actual_value": by_type.get(requirement.type_id.id, 0),
                "actual_known": True,
            }
        if tier.min_satisfaction:
            satisfaction = figures["satisfaction"]
            lines[("satisfaction", False)] = {
                "sequence": 4,
                "criterion": "satisfaction",
                "required_value": tier.min_satisfaction,
                "actual_value": satisfaction or 0.0,
                "actual_known": satisfaction is not None,
            }
        if tier.agreement_required:
            lines[("agreement", False)] = {
                "sequence": 5,
                "criterion": "agreement",
                "required_value": 1.0,
                "actual_value": 1.0 if self.agreement_signed else 0.0,
                "actual_known": True,
            }
        return lines

    @api.model
    def _kbe_portal_apply(self, values):
        """A portal user applies for their company to become a channel partner: the one way the
        portal creates a qualification. ``values``: tier_id, message, agreement (bool) and
        optionally evidence = {"name": str, "content": bytes}. Every check is made here; bad
        input raises a UserError and creates nothing."""
        user = self.env.user
        if not user._is_portal():
            raise UserError(self.env._("Applications to the partner program come from the portal users of a company."))
        partner = user.partner_id.commercial_partner_id
        if partner.kbe_partner_status == "active":
            raise UserError(self.env._("Your company is already an active partner."))
        # two applications sent at once for the same company: the second waits here, then sees the first
        self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", partner.id))
        # sudo: the applicant may not read other records of the program; only its own company's are counted
        Qualification_sudo = self.sudo()
        if Qualification_sudo.search_count([("partner_id", "=", partner.id), ("state", "in", OPEN_STATES)]):
            raise UserError(self.env._("Your company already has an application under review."))
        tier_id = values.get("tier_id")
        tier = self.env["kbe.partner.tier"].search([("id", "=", tier_id)]) if isinstance(tier_id, int) else None
        if not tier:
            raise UserError(self.env._("Choose the tier your company applies for."))
        message = (values.get("message") or "").strip()
        if not message:
            raise UserError(self.env._("Tell us about your company and its clients."))
        if len(message) > MESSAGE_MAX:
            raise UserError(self.env._("The message is too long (at most %(max)s characters).", max=MESSAGE_MAX))
        if not values.get("agreement"):
            raise UserError(self.env._("Accept the partner agreement to apply."))
        evidence = values.get("evidence")
        if evidence:
            if len(evidence.get("content") or b"") > EVIDENCE_MAX_BYTES:
                raise UserError(self.env._("The file %(name)s is larger than 10 MB.", name=evidence.get("name")))
            if not evidence.get("content") or len(evidence.get("name") or "") > 255:
                raise UserError(self.env._("The attached file is empty or its name is too long."))
        qualification_sudo = Qualification_sudo.with_context(mail_create_nosubscribe=True).create(
            {
                "partner_id": partner.id,
                "tier_id": tier.id,
                "company_id": (partner.company_id or user.company_id).id,
                "kind": "application",
                "origin": "portal",
                "applicant_message": message,
                "agreement_signed": True,
            }
        )
        if evidence:
            attachment_sudo = (
                self.env["ir.attachment"]
                # sudo: the file goes on the application just created for the applicant's company
                .sudo()
                .create(
                    {
                        "name": evidence["name"],
                        "raw": evidence["content"],
                        "res_model": self._name,
                        "res_id": qualification_sudo.id,
                    }
                )
            )
            qualification_sudo.attachment_ids = attachment_sudo
        qualification_sudo._kbe_submit()
        qualification_sudo._kbe_ask_review()
        qualification_sudo.message_post(
            body=self.env._("Application sent from the portal by %(name)s.", name=user.partner_id.name),
            author_id=user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        if partner.kbe_partner_status != "prospect":
            # sudo: portal users cannot write their company; applying makes it a partner prospect
            partner_sudo = partner.sudo()
            partner_sudo.kbe_partner_status = "prospect"
        return qualification_sudo

    # ------------------------------------------------------------
    # SCHEDULED REVIEW
    # ------------------------------------------------------------

    @api.model
    def _cron_kbe_review_partners(self):
        """Daily: expire the qualifications past their end, remind the partner managers of the
        renewals, and propose upgrades and downgrades for the active partners. The review only
        creates qualifications to decide on: it never changes a tier by itself. Re-running it the
        same day creates nothing more."""
        self._kbe_expire_qualifications()
        self._kbe_remind_renewals()
        partners = self.env["res.partner"].search([("kbe_partner_status", "=", "active")], order="id")
        done = 0
        for start in range(0, len(partners), REVIEW_BATCH):
            batch = partners[start : start + REVIEW_BATCH]
            self._kbe_propose_reviews(batch)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(partners) - done)

    def _kbe_expire_qualifications(self):
        today = fields.Date.context_today(self)
        self.search([("state", "=", "approved"), ("valid_to", "<", today)]).write({"state": "expired"})
        # approvals that start in the coming days (renewals) give their tier on their first day
        starting = self.search(
            [
                ("state", "=", "approved"),
                ("valid_from", "<=", today),
                ("valid_from", ">", today - relativedelta(days=7)),
            ]
        )
        if starting:
            self.env.add_to_compute(self.env["res.partner"]._fields["kbe_partner_tier_id"], starting.partner_id)
            starting.partner_id.flush_recordset(["kbe_partner_tier_id"])

    def _kbe_remind_renewals(self):
        today = fields.Date.context_today(self)
        candidates = self.search(
            [
                ("state", "=", "approved"),
                ("renewal_reminder_sent", "=", False),
                ("valid_to", "!=", False),
                ("valid_to", "<=", today + relativedelta(days=365)),
            ]
        )
        due = candidates.filtered(lambda q: q.valid_to - relativedelta(days=q.tier_id.renewal_reminder_days) <= today)
        for qualification in due:
            kbe_remind_once(
                qualification,
                qualification.partner_id.kbe_partner_manager_id or qualification.reviewer_id or self.env.user,
                qualification.valid_to,
                self.env._(
                    "Renew the %(tier)s qualification of %(partner)s (valid until %(date)s)",
                    tier=qualification.tier_id.name,
                    partner=qualification.partner_id.name,
                    date=qualification.valid_to,
                ),
            )
        due.renewal_reminder_sent = True

    def _kbe_propose_reviews(self, partners):
        """Propose, for each of ``partners`` without an open qualification, the tier its figures
        reach when it differs from its own: the highest tier above it that it meets, or, when it
        no longer meets its own, the highest one below that it meets (else the lowest)."""
        open_partners = {
            partner.id
            for [partner] in self._read_group(
                [("partner_id", "in", partners.ids), ("state", "in", OPEN_STATES)], ["partner_id"]
            )
        }
        partners = partners.filtered(lambda p: p.id not in open_partners)
        if not partners:
            return self.browse()
        figures = partners._kbe_partner_figures()
        by_type = self.env["kbe.partner.certification"]._kbe_certified_by_type(partners.ids)
        signed = set(
            self.search(
                [("partner_id", "in", partners.ids), ("state", "=", "approved"), ("agreement_signed", "=", True)]
            ).partner_id.ids
        )
        tiers = self.env["kbe.partner.tier"].search([], order="sequence, id")
        vals_list = []
        for partner in partners:
            company = partner.company_id or self.env.company
            company_tiers = tiers.filtered(lambda t, company=company: not t.company_id or t.company_id == company)
            if not company_tiers:
                continue
            current = partner.kbe_partner_tier_id
            met = company_tiers.filtered(
                lambda t, p=partner: t._kbe_meets(figures[p.id], signed=p.id in signed, by_type=by_type.get(p.id, {}))
            )
            target, kind = self._kbe_review_target(current, company_tiers, met)
            if target:
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "tier_id": target.id,
                        "previous_tier_id": current.id,
                        "company_id": company.id,
                        "kind": kind,
                        "origin": "review",
                        "agreement_signed": partner.id in signed,
                    }
                )
        proposals = self.with_context(mail_create_nosubscribe=True).create(vals_list)
        proposals._kbe_submit(figures=figures)
        proposals._kbe_ask_review()
        return proposals

    @api.model
    def _kbe_review_target(self, current, tiers, met):
        """(tier to propose, kind) for a partner at tier ``current`` meeting the tiers ``met``
        among ``tiers`` (ordered, lowest first), or (None, None) when its tier is right."""
        higher = met.filtered(lambda t: not current or t.sequence > current.sequence)
        if higher:
            return higher[-1], "upgrade"
        if not current or current in met:
            return None, None
        lower = met.filtered(lambda t: t.sequence < current.sequence)
        if lower:
            return lower[-1], "downgrade"
        lowest = tiers[0]
        if lowest.sequence < current.sequence:
            return lowest, "downgrade"
        return None, None
