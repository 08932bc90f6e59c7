import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

EXPIRY_REMINDER_DAYS = 30


class KbePartnerCertification(models.Model):
    """A contact of a channel partner passed a training: valid until its expiry, then expired
    (the daily cron moves it). Valid certifications count as certified people for the tiers."""

    _name = "kbe.partner.certification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Partner Certification"
    _order = "date desc, id desc"
    _check_company_auto = True

    # identity
    partner_id = fields.Many2one(
        "res.partner",
        string="Certified Person",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', False), ('commercial_partner_id.kbe_partner_status', '!=', False)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Channel Partner", store=True, index=True
    )
    type_id = fields.Many2one(
        "kbe.partner.certification.type",
        string="Certification",
        required=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    # dates and result
    date = fields.Date(string="Certified On", required=True, default=fields.Date.context_today, tracking=True)
    score = fields.Float(help="Result of the exam, 0 to 100.", tracking=True)
    expiry_date = fields.Date(
        string="Expires On",
        compute="_compute_expiry_date",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="From the date and the validity of the certification type; empty for no expiry.",
    )
    state = fields.Selection(
        [("valid", "Valid"), ("expired", "Expired")],
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
        help="Expired once the expiry date has passed (checked every day).",
    )
    evidence_ids = fields.Many2many(
        "ir.attachment",
        "kbe_partner_certification_attachment_rel",
        "certification_id",
        "attachment_id",
        help="The certificate or the exam result.",
    )
    reminder_sent = fields.Boolean(copy=False, help="The partner manager was reminded of the expiry.")

    _sql_constraints = [
        ("score_range", "CHECK(score >= 0 AND score <= 100)", "The score is between 0 and 100."),
    ]

    @api.depends("partner_id", "type_id")
    def _compute_display_name(self):
        for cert in self:
            cert.display_name = self.env._(
                "%(type)s: %(person)s", type=cert.type_id.name or "", person=cert.partner_id.name or ""
            )

    @api.depends("date", "type_id.validity_months")
    def _compute_expiry_date(self):
        for cert in self:
            months = cert.type_id.validity_months
            cert.expiry_date = cert.date + relativedelta(months=months) if cert.date and months else False

    @api.depends("expiry_date")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for cert in self:
            cert.state = "expired" if cert.expiry_date and cert.expiry_date < today else "valid"

    @api.constrains("score")
    def _check_score(self):
        for cert in self:
            if not math.isfinite(cert.score) or not 0 <= cert.score <= 100:
                raise ValidationError(self.env._("The score of a certification is a number between 0 and 100."))

    @api.constrains("partner_id")
    def _check_partner_is_channel_contact(self):
        for cert in self:
            if not cert.partner_id.commercial_partner_id.kbe_partner_status:
                raise ValidationError(
                    self.env._(
                        "%(person)s does not work for a channel partner: only partners' people are certified.",
                        person=cert.partner_id.name,
                    )
                )

    @api.constrains("date", "expiry_date")
    def _check_dates(self):
        for cert in self:
            if cert.expiry_date and cert.expiry_date < cert.date:
                raise ValidationError(self.env._("A certification cannot expire before it was obtained."))

    def write(self, vals):
        if "date" in vals or "expiry_date" in vals or "type_id" in vals:
            # a renewed certification is reminded again before its new expiry
            vals = {**vals, "reminder_sent": False}
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_certified_by_type(self, partner_ids):
        """{commercial partner id: {certification type id: contacts with a valid one}}: one query."""
        groups = (
            self.env["kbe.partner.certification"]
            # sudo: counts only, the figures of the program are the same whoever asks
            .sudo()
            ._read_group(
                [("commercial_partner_id", "in", list(partner_ids)), ("state", "=", "valid")],
                ["commercial_partner_id", "type_id"],
                ["partner_id:count_distinct"],
            )
        )
        result = {}
        for partner, cert_type, count in groups:
            result.setdefault(partner.id, {})[cert_type.id] = count
        return result

    @api.model
    def _cron_kbe_certifications(self, batch_size=500):
        """Expire the certifications past their date and remind the partner managers of those
        expiring within 30 days, once each. Re-running changes nothing more."""
        today = fields.Date.context_today(self)
        expired = self.search([("state", "=", "valid"), ("expiry_date", "<", today)])
        if expired:
            self.env.add_to_compute(self._fields["state"], expired)
            expired.flush_recordset(["state"])
        to_remind = self.search(
            [
                ("state", "=", "valid"),
                ("reminder_sent", "=", False),
                ("expiry_date", "!=", False),
                ("expiry_date", "<=", today + relativedelta(days=EXPIRY_REMINDER_DAYS)),
            ]
        )
        done = 0
        for batch in [to_remind[i : i + batch_size] for i in range(0, len(to_remind), batch_size)]:
            batch._kbe_remind_expiry()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(to_remind) - done)

    def _kbe_remind_expiry(self):
        for cert in self:
            kbe_remind_once(
                cert,
                cert.commercial_partner_id.kbe_partner_manager_id or self.env.user,
                cert.expiry_date,
                self.env._(
                    "Certification %(type)s of %(person)s expires on %(date)s",
                    type=cert.type_id.name,
                    person=cert.partner_id.name,
                    date=cert.expiry_date,
                ),
            )
        self.reminder_sent = True


def kbe_remind_once(record, user, deadline, summary):
    """A to-do for ``user`` on ``record`` (a mail.activity.mixin), unless they already have one
    there: the reminders of the partner program (expiries, renewals) are never given twice."""
    todo = record.env.ref("mail.mail_activity_data_todo")
    if not record.activity_ids.filtered(lambda act: act.activity_type_id == todo and act.user_id == user):
        record.activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=deadline, summary=summary, user_id=user.id
        )
