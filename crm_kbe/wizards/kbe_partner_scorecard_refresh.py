from odoo import api, fields, models
from odoo.tools import date_utils

from ..models.kbe_partner_scorecard import SCORECARD_PERIODS


class KbePartnerScorecardRefresh(models.TransientModel):
    """Rebuild the scorecards of a chosen month, quarter or year now (the cron keeps the current
    and previous month and quarter up to date)."""

    _name = "kbe.partner.scorecard.refresh"
    _description = "Refresh Partner Scorecards"

    period_kind = fields.Selection(SCORECARD_PERIODS, string="Period", required=True, default="quarter")
    date = fields.Date(
        string="Any Day of the Period", required=True, default=lambda self: fields.Date.context_today(self)
    )
    date_from = fields.Date(string="From", compute="_compute_dates")
    date_to = fields.Date(string="To", compute="_compute_dates")
    partner_ids = fields.Many2many(
        "res.partner",
        string="Channel Partners",
        domain="[('kbe_partner_status', '=', 'active')]",
        help="Leave empty to refresh every active channel partner.",
    )

    @api.depends("period_kind", "date")
    def _compute_dates(self):
        for wizard in self:
            wizard.date_from = wizard.date and date_utils.start_of(wizard.date, wizard.period_kind)
            wizard.date_to = wizard.date and date_utils.end_of(wizard.date, wizard.period_kind)

    def action_apply(self):
        self.ensure_one()
        Scorecard = self.env["kbe.partner.scorecard"]
        Scorecard.check_access("create")
        Scorecard._kbe_refresh(
            self.date_from, self.date_to, partners=self.partner_ids or None, period_kind=self.period_kind
        )
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_partner_scorecard_action")
        action["domain"] = [("date_from", "=", self.date_from), ("date_to", "=", self.date_to)]
        action["context"] = {}
        return action
