from odoo import fields, models


class KbeTicketType(models.Model):
    _name = "kbe.ticket.type"
    _description = "Ticket Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_complaint = fields.Boolean(
        "Complaint", help="Tickets of this type count as complaints in the customer's profile."
    )
    is_field_service = fields.Boolean("Field Service", help="Tickets of this type usually need a technician on site.")

    _sql_constraints = [("name_uniq", "unique (name)", "A ticket type with this name already exists.")]
