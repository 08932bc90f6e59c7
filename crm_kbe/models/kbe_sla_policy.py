import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kbe_ticket import TICKET_PRIORITIES

# the longest SLA target: a year of working hours
MAX_TARGET_HOURS = 8760
REOPEN_MODES = [
    ("ignore", "Keep the result at closing"),
    ("restart", "Restart the clock"),
    ("resume", "Resume the clock where it stopped"),
]


class KbeSlaPolicy(models.Model):
    _name = "kbe.sla.policy"
    _description = "SLA Policy"
    _order = "team_id, sequence, id"

    # identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    team_id = fields.Many2one("kbe.service.team", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    # conditions
    priority = fields.Selection(
        TICKET_PRIORITIES, "Minimum Priority", help="Applies to tickets of this priority or higher; empty: any."
    )
    type_ids = fields.Many2many("kbe.ticket.type", string="Ticket Types", help="Empty: any type.")
    partner_tag_ids = fields.Many2many(
        "res.partner.category", string="Customer Tags", help="Applies to customers with one of these tags; empty: any."
    )
    # targets
    response_hours = fields.Float("First Response (working hours)", default=0.0, help="0: no first-response target.")
    resolution_hours = fields.Float("Resolution (working hours)", default=0.0, help="0: no resolution target.")
    at_risk_percent = fields.Float(
        "At Risk After (%)",
        default=80.0,
        required=True,
        help="A target is at risk once this share of its working time is used (1 to 99).",
    )
    # reopening
    reopen_mode = fields.Selection(
        REOPEN_MODES,
        "When a Ticket Is Reopened",
        default="ignore",
        required=True,
        help="What a reopened ticket does to its resolution target. Keep the result at closing: the target "
        "stays reached or failed. Restart the clock: a full target counts again from the reopening. "
        "Resume the clock: the working time left at closing counts again from the reopening (the time "
        "the ticket was closed does not count). The previous result stays in the SLA's history.",
    )

    @api.constrains("response_hours", "resolution_hours")
    def _check_targets(self):
        for policy in self:
            hours = (policy.response_hours, policy.resolution_hours)
            if not all(math.isfinite(value) and 0 <= value <= MAX_TARGET_HOURS for value in hours):
                raise ValidationError(
                    self.env._("SLA target times are working hours between 0 and %(max)s.", max=MAX_TARGET_HOURS)
                )
            if not (policy.response_hours or policy.resolution_hours):
                raise ValidationError(
                    self.env._("SLA policy %(name)s needs a first-response or a resolution target.", name=policy.name)
                )

    @api.constrains("at_risk_percent")
    def _check_at_risk_percent(self):
        for policy in self:
            if not (math.isfinite(policy.at_risk_percent) and 1 <= policy.at_risk_percent <= 99):
                raise ValidationError(
                    self.env._(
                        "SLA policy %(name)s: a target is at risk after 1 to 99%% of its time, not %(value)s.",
                        name=policy.name,
                        value=policy.at_risk_percent,
                    )
                )

    def _matches(self, ticket):
        """Whether this policy applies to the ticket (its team is checked by the caller)."""
        self.ensure_one()
        if self.priority and (ticket.priority or "0") < self.priority:
            return False
        if self.type_ids and ticket.type_id not in self.type_ids:
            return False
        return not self.partner_tag_ids or bool(
            self.partner_tag_ids & ticket.partner_id.commercial_partner_id.category_id
        )

    def write(self, vals):
        if vals.get("team_id"):
            # rules are checked on the policy as it was: the team it moves to (and the company
            # that follows) must be one the user may change too
            self.env["kbe.service.team"].browse(vals["team_id"]).check_access("write")
        res = super().write(vals)
        if {
            "response_hours",
            "resolution_hours",
            "at_risk_percent",
            "priority",
            "type_ids",
            "partner_tag_ids",
            "active",
        } & set(vals):
            # reached and failed SLAs keep what they were measured against; ongoing ones follow the policy
            lines = (
                self.env["kbe.ticket.sla"]
                # sudo: a manager changing a policy may not read the tickets of every company it covers
                .sudo()
                .search([("policy_id", "in", self.ids), ("status", "in", ("ongoing", "at_risk"))])
            )
            lines.ticket_id._kbe_sla_apply()
        return res
