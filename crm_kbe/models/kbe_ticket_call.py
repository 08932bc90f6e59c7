from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

# how close to its one held call a ticket must be opened and closed to count as resolved at the
# first contact (the agent closes it while on the phone, or logs the call just after)
FIRST_CONTACT_WINDOW = timedelta(hours=1)


class KbeTicket(models.Model):
    """Calls on tickets (teleservice): log and plan the customer's calls on the ticket, open a
    ticket from a call, and measure the tickets resolved at the first contact."""

    _inherit = "kbe.ticket"

    # relations
    kbe_call_ids = fields.One2many("kbe.call", "ticket_id", string="Calls", groups="base.group_user")
    kbe_origin_call_id = fields.Many2one(
        "kbe.call",
        string="Opened from Call",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="base.group_user",
    )
    # figures
    kbe_call_count = fields.Integer(
        string="Call Count",
        compute="_compute_kbe_call_count",
        store=True,
        aggregator="sum",
        groups="base.group_user",
        help="Calls with the customer about this ticket, whatever their status.",
    )
    kbe_first_contact_resolution = fields.Boolean(
        string="First-Contact Resolution",
        compute="_compute_kbe_first_contact_resolution",
        store=True,
        groups="base.group_user",
        help="Closed during its first call: the ticket is closed, it has exactly one held call, it "
        "was opened from that call (or within an hour of it) and closed within an hour of it.",
    )
    kbe_first_contact_count = fields.Integer(
        string="First-Contact Resolutions",
        compute="_compute_kbe_first_contact_resolution",
        store=True,
        aggregator="sum",
        groups="base.group_user",
        help="1 for a ticket resolved during its first call, else 0: the measure of the service reports.",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("kbe_call_ids")
    def _compute_kbe_call_count(self):
        ids = [ticket_id for ticket_id in self._origin.ids if ticket_id]
        # sudo: a figure of the ticket, counted over all its calls whoever changes the ticket (a
        # portal customer closing it, a colleague)
        groups = self.env["kbe.call"].sudo()._read_group([("ticket_id", "in", ids)], ["ticket_id"], ["__count"])
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.kbe_call_count = counts.get(ticket._origin.id, 0)

    @api.depends(
        "is_closed", "date_closed", "date_open", "kbe_origin_call_id", "kbe_call_ids.state", "kbe_call_ids.date_done"
    )
    def _compute_kbe_first_contact_resolution(self):
        """One query for the whole batch: the held calls of the closed tickets."""
        closed = self.filtered(lambda ticket: ticket.is_closed and ticket.date_closed and ticket._origin.id)
        only_call = {}  # ticket id: (date of its one held call, the call's id)
        if closed:
            groups = (
                self.env["kbe.call"]
                # sudo: as for the call count, the figure counts every call of the ticket
                .sudo()
                ._read_group(
                    [("ticket_id", "in", closed._origin.ids), ("state", "=", "held")],
                    ["ticket_id"],
                    ["__count", "date_done:max", "id:max"],
                )
            )
            only_call = {ticket.id: (date_done, call_id) for ticket, count, date_done, call_id in groups if count == 1}
        for ticket in self:
            call_date, call_id = only_call.get(ticket._origin.id, (None, None)) if ticket in closed else (None, None)
            resolved = bool(
                call_date
                and abs(ticket.date_closed - call_date) <= FIRST_CONTACT_WINDOW
                and (
                    ticket.kbe_origin_call_id.id == call_id
                    or (ticket.date_open and abs(ticket.date_open - call_date) <= FIRST_CONTACT_WINDOW)
                )
            )
            ticket.kbe_first_contact_resolution = resolved
            ticket.kbe_first_contact_count = int(resolved)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_calls(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_call_action_service")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {
            "default_ticket_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_direction": "outbound",
            "default_name": self.env._("Call about %(ticket)s", ticket=self.name),
        }
        action["display_name"] = self.env._("Calls of %(ticket)s", ticket=self.display_name)
        return action

    def action_log_call(self):
        """Log a call with the customer on the ticket: the call log wizard, as for sales calls."""
        self.ensure_one()
        self._kbe_check_callable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Call"),
            "res_model": "kbe.call.log",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_plan_call(self):
        """Plan a call with the customer on the ticket: a Call activity of the ticket in the
        responsible's calendar, in the queue of the calls to return."""
        self.ensure_one()
        self._kbe_check_callable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan a Call"),
            "res_model": "kbe.call",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_ticket_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_direction": "outbound",
                "default_user_id": (self.user_id or self.env.user).id,
                "default_name": self.env._("Call back about %(ticket)s", ticket=self.name),
            },
        }

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _kbe_check_callable(self):
        """Calls are made on a ticket by who may change it, with the ticket's customer."""
        self.check_access("write")
        for ticket in self:
            if not ticket.partner_id:
                raise UserError(
                    self.env._("Set the customer of %(ticket)s before calling them.", ticket=ticket.display_name)
                )
