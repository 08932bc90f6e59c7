from odoo.tests import tagged

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestTicketBatch(KbeServiceCommon):
    """Tickets opened together (an import, a mail batch, the API) are set up together: the
    customers follow their tickets with one subscription each, the SLA deadlines of the batch are
    planned with one calendar computation per team and policy, and statuses are written per
    status, not per ticket. Only the ticket's number costs a query of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["kbe.sla.policy"].create(
            {"name": "Standar batch", "team_id": cls.team.id, "response_hours": 4, "resolution_hours": 16}
        )

    def _open(self, count):
        values = [
            {
                "name": f"Pesanan kurang {i}",
                "team_id": self.team.id,
                "partner_id": (self.yeyen if i % 2 else self.dewi).id,
                "type_id": self.type_request.id,
            }
            for i in range(count)
        ]
        Ticket = self.env["kbe.ticket"].with_user(self.user_service_manager)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        tickets = Ticket.create(values)
        self.env.flush_all()
        return tickets, self.env.cr.sql_log_count - before

    def test_tickets_opened_together_cost_their_number_only(self):
        self._open(3)  # warm the caches
        few, few_queries = self._open(5)
        many, many_queries = self._open(25)
        self.assertEqual(len(many.sla_ids), 2 * len(many), "each ticket has its response and resolution SLA")
        self.assertEqual(
            (many.message_partner_ids & (self.yeyen | self.dewi)), self.yeyen | self.dewi, "customers follow"
        )
        per_ticket = (many_queries - few_queries) / (len(many) - len(few))
        self.assertLessEqual(per_ticket, 1.0, f"{per_ticket:.1f} queries per ticket beyond its number")
