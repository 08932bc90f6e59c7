import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ORDER_STATES = [("planned", "Planned"), ("in_progress", "In progress"), ("done", "Done"), ("cancel", "Cancelled")]

# the longest planned duration or time spent a service order may have (a month of hours)
MAX_HOURS = 744


class KbeServiceOrder(models.Model):
    _name = "kbe.service.order"
    _description = "Field Service Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _check_company_auto = True

    # identity
    number = fields.Char("Reference", readonly=True, copy=False, index=True, default="/")
    name = fields.Char("Work to Do", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # relations
    ticket_id = fields.Many2one("kbe.ticket", index=True, check_company=True, tracking=True)
    team_id = fields.Many2one(related="ticket_id.team_id", store=True, index=True, string="Service Team")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
    )
    address_id = fields.Many2one(
        "res.partner",
        "Site Address",
        compute="_compute_address_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        help="Where the technician goes: the customer's delivery address unless changed.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Technician",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    task_ids = fields.One2many("kbe.service.order.task", "order_id", "Checklist", copy=True)
    line_ids = fields.One2many("kbe.service.order.line", "order_id", "Parts Used", copy=False)
    sale_order_id = fields.Many2one("sale.order", "Sales Order", readonly=True, copy=False, check_company=True)
    time_product_id = fields.Many2one(
        "product.product",
        "Billed Time As",
        check_company=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
        help="Service product used to bill the time spent. Empty: the time is not billed.",
    )
    # state
    state = fields.Selection(ORDER_STATES, default="planned", required=True, tracking=True, index=True)
    date_planned = fields.Datetime("Planned Start", default=fields.Datetime.now, required=True, tracking=True)
    duration = fields.Float("Planned Duration (hours)", default=1.0)
    date_planned_end = fields.Datetime("Planned End", compute="_compute_date_planned_end", store=True)
    date_started = fields.Datetime("Checked In At", readonly=True, copy=False, tracking=True)
    date_done = fields.Datetime("Completed On", readonly=True, copy=False)
    # figures
    time_spent = fields.Float("Time Spent (hours)", copy=False)
    checklist_progress = fields.Float("Checklist Done (%)", compute="_compute_checklist_progress")
    notes = fields.Html()
    signature = fields.Image("Customer Signature", max_width=1024, max_height=1024, copy=False, attachment=True)
    signed_by = fields.Char(copy=False)
    date_signed = fields.Datetime("Signed On", copy=False, readonly=True)

    @api.depends("ticket_id")
    def _compute_partner_id(self):
        for order in self:
            if order.ticket_id.partner_id:
                order.partner_id = order.ticket_id.partner_id

    @api.depends("partner_id")
    def _compute_address_id(self):
        for order in self:
            if order.partner_id:
                order.address_id = order.partner_id.address_get(["delivery"])["delivery"]
            else:
                order.address_id = False

    @api.depends("date_planned", "duration")
    def _compute_date_planned_end(self):
        for order in self:
            order.date_planned_end = order.date_planned and order.date_planned + timedelta(hours=order.duration)

    @api.depends("task_ids.done")
    def _compute_checklist_progress(self):
        for order in self:
            total = len(order.task_ids)
            order.checklist_progress = 100.0 * len(order.task_ids.filtered("done")) / total if total else 0.0

    @api.constrains("duration", "time_spent")
    def _check_hours(self):
        for order in self:
            hours = (order.duration, order.time_spent)
            if not all(math.isfinite(value) and 0 <= value <= MAX_HOURS for value in hours):
                raise ValidationError(
                    self.env._(
                        "Planned duration and time spent are hours between 0 and %(max)s.",
                        max=MAX_HOURS,
                    )
                )

    @api.constrains("signature", "signed_by")
    def _check_signed_by(self):
        for order in self:
            if order.signature and not (order.signed_by or "").strip():
                raise ValidationError(self.env._("Write the name of the person who signed."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["number"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "kbe.service.order"
                ) or self.env._("New")
        self._kbe_check_ticket_access(vals.get("ticket_id") for vals in vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("signature"):
            vals["date_signed"] = fields.Datetime.now()
        if "ticket_id" in vals:
            self._kbe_check_ticket_access([vals["ticket_id"]])
        return super().write(vals)

    def _kbe_check_ticket_access(self, ticket_ids):
        """An order is attached to a ticket only by someone who may work that ticket: the order's
        customer and its report follow the ticket, so reading it is not enough."""
        tickets = self.env["kbe.ticket"].browse({ticket_id for ticket_id in ticket_ids if ticket_id})
        if tickets:
            tickets.check_access("write")

    # ------------------------------------------------------------------ actions

    def action_start(self):
        """Check in: the technician is on site and starts the work."""
        self.check_access("write")
        self.filtered(lambda o: o.state == "planned").write(
            {"state": "in_progress", "date_started": fields.Datetime.now()}
        )
        return True

    def action_done(self):
        self.check_access("write")
        for order in self:
            if order.state in ("done", "cancel"):
                raise UserError(self.env._("Service order %(order)s is already closed.", order=order.number))
            if order.task_ids.filtered(lambda task: not task.done):
                raise UserError(
                    self.env._("Tick every checklist item of %(order)s before completing it.", order=order.number)
                )
        now = fields.Datetime.now()
        for order in self.filtered(lambda o: o.date_started and not o.time_spent):
            # the time on site, from check-in, when the technician wrote none (whole minutes)
            minutes = int((now - order.date_started).total_seconds() // 60)
            if minutes >= 1:
                order.time_spent = min(minutes / 60.0, MAX_HOURS)
        self.write({"state": "done", "date_done": now})
        return True

    def action_cancel(self):
        self.check_access("write")
        if self.filtered(lambda o: o.state == "done"):
            raise UserError(self.env._("A completed service order cannot be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_create_sale_order(self):
        """A quotation for the parts used and the billable time of completed orders."""
        self.check_access("write")
        items = self._kbe_items_to_bill()
        for order in self:
            lines = [values for _source, values in items[order]]
            sale_order = (
                self.env["sale.order"]
                # sudo: technicians bill their work without being salesmen; the order's access was checked
                .sudo()
                .create(
                    {
                        "partner_id": order.partner_id.commercial_partner_id.id,
                        "partner_shipping_id": order.address_id.id or order.partner_id.id,
                        "company_id": order.company_id.id,
                        "origin": order.number,
                        "opportunity_id": order.ticket_id.lead_id.id or False,
                        "order_line": [fields.Command.create(vals) for vals in lines],
                    }
                )
            )
            order.sale_order_id = sale_order
            order.message_post(
                body=self.env._("Quotation %(so)s created for this service order.", so=sale_order.name),
                subtype_xmlid="mail.mt_note",
            )
        if len(self) == 1 and self.env["sale.order"].has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "sale.order",
                "res_id": self.sale_order_id.id,
                "views": [(False, "form")],
            }
        return True

    def _kbe_items_to_bill(self):
        """{order: what it bills (``_kbe_billed_items``)} of these orders, each completed, not
        billed yet, billable, with a customer and something to bill; else a UserError naming the
        first order that is not, and nothing is billed."""
        items = {}
        for order in self:
            if order.state != "done":
                raise UserError(self.env._("Complete service order %(order)s first.", order=order.number))
            if order.sale_order_id:
                raise UserError(self.env._("Service order %(order)s is already billed.", order=order.number))
            order._kbe_check_billable()
            if not order.partner_id:
                raise UserError(self.env._("Service order %(order)s has no customer.", order=order.number))
            items[order] = order._kbe_billed_items()
            if not items[order]:
                raise UserError(
                    self.env._("Service order %(order)s has no parts or billable time.", order=order.number)
                )
        return items

    def _kbe_billed_items(self):
        """What the order bills, as (source, sale line values): each billable part (the source is
        its line) and the time spent, with the order's service product (the source is the order).
        Nothing for warranty or contract work."""
        self.ensure_one()
        if self.billing != "billable":
            return []
        items = [
            (line, {"product_id": line.product_id.id, "product_uom_qty": line.quantity})
            for line in self.line_ids
            if line.billable and line.quantity > 0
        ]
        if self.time_product_id and self.time_spent > 0:
            items.append(
                (
                    self,
                    {
                        "product_id": self.time_product_id.id,
                        "product_uom_qty": self.time_spent,
                        "name": self.env._("Time spent on %(order)s", order=self.number),
                    },
                )
            )
        return items
