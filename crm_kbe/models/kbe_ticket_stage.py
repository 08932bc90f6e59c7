from odoo import fields, models


class KbeTicketStage(models.Model):
    _name = "kbe.ticket.stage"
    _description = "Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    fold = fields.Boolean("Folded in Kanban", help="Closing stages are usually folded.")
    is_closed = fields.Boolean(
        "Closing Stage",
        help="Tickets in this stage are resolved: their SLAs stop and the customer is asked for a rating.",
    )
    sla_pause = fields.Boolean(
        "Pauses the SLA Clock",
        help="While a ticket is in this stage (waiting for the customer), its SLA targets do not count time.",
    )
    team_ids = fields.Many2many(
        "kbe.service.team",
        "kbe_service_team_ticket_stage_rel",
        "stage_id",
        "team_id",
        string="Teams",
        help="Teams using this stage. A stage without teams is used by every team.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        "Rating Request",
        domain=[("model", "=", "kbe.ticket")],
        help="E-mail asking the customer to rate the ticket when it reaches this stage.",
    )
