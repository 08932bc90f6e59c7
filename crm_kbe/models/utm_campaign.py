import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kbe_campaign_activity import FIGURES, MAX_COST, POSITIVE_CALL_OUTCOMES, _check_amount, _roi
from .kbe_campaign_recipient import REPLIES


class UtmCampaign(models.Model):
    """A marketing campaign: objective, period, budget, target segments and channel activities
    (e-mail, newsletter, telemarketing, direct mail, web), then its evaluation."""

    _inherit = "utm.campaign"

    kbe_objective = fields.Text(string="Objective")
    kbe_date_start = fields.Date(string="Start")
    kbe_date_end = fields.Date(string="End")
    kbe_currency_id = fields.Many2one(related="company_id.currency_id", string="Campaign Currency")
    kbe_budget = fields.Monetary(string="Budget", currency_field="kbe_currency_id")
    kbe_segment_ids = fields.Many2many(
        "kbe.segment", "kbe_segment_utm_campaign_rel", "campaign_id", "segment_id", string="Target Segments"
    )
    kbe_activity_ids = fields.One2many("kbe.campaign.activity", "campaign_id", string="Channel Activities")
    kbe_activity_count = fields.Integer(string="Activities", compute="_compute_kbe_activity_count")
    # evaluation (the campaign analysis, summed over the activities plus what no activity brought)
    kbe_targeted = fields.Integer(
        string="Targeted", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_reached = fields.Integer(
        string="Reached", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_responded = fields.Integer(
        string="Responded", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_lead_count = fields.Integer(
        string="Leads", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_opportunity_count = fields.Integer(
        string="Opportunities", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_won_count = fields.Integer(string="Won", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user")
    kbe_won_revenue = fields.Monetary(
        string="Won Revenue",
        currency_field="kbe_currency_id",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
    )
    kbe_invoiced_revenue = fields.Monetary(
        string="Invoiced Revenue",
        currency_field="kbe_currency_id",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
    )
    kbe_cost = fields.Monetary(
        string="Cost",
        currency_field="kbe_currency_id",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
        help="The costs of the channel activities.",
    )
    kbe_roi = fields.Float(
        string="ROI (%)",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
        help="(Won revenue − cost) / cost; empty without a cost.",
    )
    kbe_roi_invoiced = fields.Float(
        string="Invoiced ROI (%)",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
        help="(Invoiced revenue − cost) / cost; empty without a cost.",
    )
    kbe_reach_rate = fields.Float(
        string="Reached (%)", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user"
    )
    kbe_response_rate = fields.Float(
        string="Responded (%)",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
        help="Of those reached.",
    )
    kbe_lead_rate = fields.Float(
        string="Leads (%)",
        compute="_compute_kbe_figures",
        groups="crm_kbe.group_marketing_user",
        help="Of the responses.",
    )
    kbe_win_rate = fields.Float(
        string="Won (%)", compute="_compute_kbe_figures", groups="crm_kbe.group_marketing_user", help="Of the leads."
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("kbe_activity_ids")
    def _compute_kbe_activity_count(self):
        counts = dict(
            self.env["kbe.campaign.activity"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
            )
        )
        for campaign in self:
            campaign.kbe_activity_count = counts.get(campaign, 0)

    def _compute_kbe_figures(self):
        figures = self.env["kbe.campaign.report"]._kbe_figures("campaign_id", self.ids)
        for campaign in self:
            values = figures.get(campaign.id, {})
            for name in FIGURES:
                campaign[f"kbe_{name}"] = values.get(name, 0)
            cost = values.get("cost", 0.0)
            campaign.kbe_cost = cost
            campaign.kbe_roi = _roi(campaign.kbe_won_revenue, cost)
            campaign.kbe_roi_invoiced = _roi(campaign.kbe_invoiced_revenue, cost)
            campaign.kbe_reach_rate = _rate(campaign.kbe_reached, campaign.kbe_targeted)
            campaign.kbe_response_rate = _rate(campaign.kbe_responded, campaign.kbe_reached)
            campaign.kbe_lead_rate = _rate(campaign.kbe_lead_count, campaign.kbe_responded)
            campaign.kbe_win_rate = _rate(campaign.kbe_won_count, campaign.kbe_lead_count)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("kbe_date_start", "kbe_date_end")
    def _check_kbe_period(self):
        for campaign in self:
            if campaign.kbe_date_start and campaign.kbe_date_end and campaign.kbe_date_end < campaign.kbe_date_start:
                raise ValidationError(
                    self.env._("The campaign “%(campaign)s” must end after it starts.", campaign=campaign.title)
                )

    @api.constrains("kbe_budget")
    def _check_kbe_budget(self):
        for campaign in self:
            if not math.isfinite(campaign.kbe_budget) or not 0 <= campaign.kbe_budget <= MAX_COST:
                raise ValidationError(
                    self.env._("The budget of “%(campaign)s” must be a positive amount.", campaign=campaign.title)
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            _check_amount(self.env, vals, "kbe_budget")
        return super().create(vals_list)

    def write(self, vals):
        _check_amount(self.env, vals, "kbe_budget")
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_kbe_activities(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_campaign_activity_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id, "default_company_id": self.company_id.id}
        return action

    def action_view_kbe_analysis(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_campaign_report_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_responder_partners(self):
        """The customers (commercial partners) who responded to these campaigns through any
        channel: opened, clicked or replied to one of their mailings, held a call with a positive
        outcome, or replied to a direct mail. The start of a "responded to campaign X" segment."""
        if not self:
            return self.env["res.partner"]
        traces = self.env["mailing.trace"]._read_group(
            [
                ("campaign_id", "in", self.ids),
                ("model", "=", "res.partner"),
                "|",
                ("trace_status", "in", ("open", "reply")),
                ("links_click_datetime", "!=", False),
            ],
            ["res_id"],
        )
        partners = self.env["res.partner"].browse([res_id for (res_id,) in traces])
        contacts = self.env["mailing.trace"]._read_group(
            [
                ("campaign_id", "in", self.ids),
                ("model", "=", "mailing.contact"),
                "|",
                ("trace_status", "in", ("open", "reply")),
                ("links_click_datetime", "!=", False),
            ],
            ["email"],
        )
        emails = [email for (email,) in contacts if email]
        if emails:
            partners |= self.env["res.partner"].search([("email_normalized", "in", emails)])
        calls = self.env["kbe.call"]._read_group(
            [("campaign_id", "in", self.ids), ("state", "=", "held"), ("outcome", "in", POSITIVE_CALL_OUTCOMES)],
            ["partner_id"],
        )
        partners |= self.env["res.partner"].union(*(partner for (partner,) in calls))
        replies = self.env["kbe.campaign.recipient"]._read_group(
            [("campaign_id", "in", self.ids), ("response", "in", REPLIES)], ["partner_id"]
        )
        partners |= self.env["res.partner"].union(*(partner for (partner,) in replies))
        return partners.exists().commercial_partner_id


def _rate(part, whole):
    return part / whole * 100.0 if whole else 0.0
