from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    kbe_ticket_ids = fields.One2many(
        "kbe.ticket", "partner_id", "Service Tickets", groups="crm_kbe.group_service_agent"
    )
    kbe_ticket_count = fields.Integer("Open Tickets", compute="_compute_kbe_ticket_stats", groups="base.group_user")
    kbe_complaint_count = fields.Integer("Complaints", compute="_compute_kbe_ticket_stats", groups="base.group_user")
    kbe_rating_avg = fields.Float("Service Rating", compute="_compute_kbe_ticket_stats", groups="base.group_user")

    def _compute_kbe_ticket_stats(self):
        """Open tickets and complaints of the customer's whole company, and its average rating:
        two grouped queries for the batch."""
        commercial = self.commercial_partner_id
        # sudo: counts only, so that salespeople see a customer's complaints without reading tickets
        groups = (
            self.env["kbe.ticket"]
            .sudo()
            ._read_group(
                [("commercial_partner_id", "in", commercial.ids), ("company_id", "in", self.env.companies.ids)],
                ["commercial_partner_id", "is_closed", "is_complaint"],
                ["__count"],
            )
        )
        open_count, complaints = {}, {}
        for partner, is_closed, is_complaint, count in groups:
            if not is_closed:
                open_count[partner.id] = open_count.get(partner.id, 0) + count
            if is_complaint:
                complaints[partner.id] = complaints.get(partner.id, 0) + count
        # sudo: same reason, an average only
        ratings = (
            self.env["rating.rating"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", "kbe.ticket"),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                    ("partner_id", "child_of", commercial.ids),
                ],
                ["partner_id"],
                ["rating:sum", "__count"],
            )
        )
        rating_sum = {}
        for partner, total, count in ratings:
            key = partner.commercial_partner_id.id
            prev = rating_sum.get(key, (0.0, 0))
            rating_sum[key] = (prev[0] + total, prev[1] + count)
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.kbe_ticket_count = open_count.get(key, 0)
            partner.kbe_complaint_count = complaints.get(key, 0)
            total, count = rating_sum.get(key, (0.0, 0))
            partner.kbe_rating_avg = total / count if count else 0.0

    def action_kbe_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_ticket_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id, "search_default_filter_open": 1}
        if self.env.context.get("search_default_filter_complaint"):
            # the "Complaints" smart button opens the complaints, closed ones included
            action["context"] = {"default_partner_id": self.id, "search_default_filter_complaint": 1}
        return action
