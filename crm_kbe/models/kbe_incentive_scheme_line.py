from odoo import fields, models


class KbeIncentiveSchemeLine(models.Model):
    """A bracket of an incentive scheme: from ``threshold`` on, ``rate`` % of the whole basis."""

    _name = "kbe.incentive.scheme.line"
    _description = "Incentive Scheme Bracket"
    _order = "scheme_id, threshold"

    scheme_id = fields.Many2one("kbe.incentive.scheme", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="scheme_id.currency_id", string="Currency")
    threshold = fields.Monetary(required=True, help="The basis from which this rate applies.")
    rate = fields.Float(string="Rate (%)", required=True, digits=(5, 2))

    _sql_constraints = [
        ("threshold_positive", "CHECK(threshold >= 0)", "A bracket's threshold cannot be negative."),
        ("rate_range", "CHECK(rate >= 0 AND rate <= 100)", "A bracket's rate is a percentage between 0 and 100."),
        ("threshold_unique", "UNIQUE(scheme_id, threshold)", "Two brackets of a scheme cannot share a threshold."),
    ]
