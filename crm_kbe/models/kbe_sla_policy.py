import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kbe_ticket import TICKET_PRIORITIES

# the longest SLA target: a year of working hours
MAX_TARGET_HOURS = 8760


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
        if {"response_hours", "resolution_hours", "priority", "type_ids", "partner_tag_ids", "active"} & set(vals):
            # reached and failed SLAs keep what they were measured against; ongoing ones follow the policy
            lines = (
                self.env["kbe.ticket.sla"]
                # sudo: a manager changing a policy may not read the tickets of every company it covers
                .sudo()
                .search([("policy_id", "in", self.ids), ("status", "in", ("ongoing", "at_risk"))])
            )
            lines.ticket_id._kbe_sla_apply()
        return res
