from odoo import fields, models


class ResPartner(models.Model):
    """A customer's service history: its calls and its tickets together, for the service agents."""

    _inherit = "res.partner"

    kbe_service_call_ids = fields.Many2many(
        "kbe.call",
        string="Company Calls",
        compute="_compute_kbe_service_history",
        groups="crm_kbe.group_service_agent",
        help="The calls of the customer's company that the user may read, latest first.",
    )
    kbe_service_ticket_ids = fields.Many2many(
        "kbe.ticket",
        string="Company Tickets",
        compute="_compute_kbe_service_history",
        groups="crm_kbe.group_service_agent",
        help="The tickets of the customer's company that the user may read, latest first.",
    )

    def _compute_kbe_service_history(self):
        """Two searches for the whole batch, with the user's rights: what they may read."""
        companies = self._origin.commercial_partner_id
        domain = [("commercial_partner_id", "in", companies.ids)]
        calls = self.env["kbe.call"].search(domain, order="date_planned desc, id desc") if companies else []
        tickets = self.env["kbe.ticket"].search(domain, order="id desc") if companies else []
        calls_of, tickets_of = {}, {}
        for call in calls:
            calls_of.setdefault(call.commercial_partner_id.id, []).append(call.id)
        for ticket in tickets:
            tickets_of.setdefault(ticket.commercial_partner_id.id, []).append(ticket.id)
        for partner in self:
            company_id = partner._origin.commercial_partner_id.id
            partner.kbe_service_call_ids = [fields.Command.set(calls_of.get(company_id, []))]
            partner.kbe_service_ticket_ids = [fields.Command.set(tickets_of.get(company_id, []))]
