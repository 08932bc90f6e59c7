from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestDispatchTour(KbeTourCase):
    """In Chromium, the service manager (crm_kbe Service Manager only) drags two unassigned
    orders onto technicians on the dispatch board, sees them clash, and resolves it."""

    def test_manager_assigns_two_orders_on_the_board(self):
        andi = self.user_service_agent
        budi = new_test_user(
            self.env, login="kbe_service_agent_b", name="Budi Agent", groups="crm_kbe.group_service_agent"
        )
        team = self.env["kbe.service.team"].create(
            {"name": "Dispatch Test Team", "member_ids": [(6, 0, (andi | budi).ids)]}
        )
        yeyen = self.env.ref("crm_kbe.res_partner_kita_yeyen_demo")
        ticket = self.env["kbe.ticket"].create({"name": "Warmers broken", "partner_id": yeyen.id, "team_id": team.id})
        # the demo's unassigned orders stay out of the way
        self.env["kbe.service.order"].search([("user_id", "=", False)]).write({"state": "cancel"})
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        first, second = self.env["kbe.service.order"].create(
            [
                {
                    "name": name,
                    "number": number,
                    "ticket_id": ticket.id,
                    "user_id": False,
                    "date_planned": start,
                    "duration": 2.0,
                }
                for name, number in (
                    ("Check the warmers", "KBE-DISPATCH-1"),
                    ("Check the cooling box", "KBE-DISPATCH-2"),
                )
            ]
        )

        self.start_tour(
            "/odoo/action-crm_kbe.kbe_service_order_action_dispatch",
            "crm_kbe_service_dispatch_tour",
            login=self.user_service_manager.login,
        )

        self.assertEqual((first.user_id, second.user_id), (andi, budi))
        for order in first | second:
            moved = order.date_planned - start
            self.assertEqual(moved % timedelta(days=1), timedelta(0), "the time of day is kept")
            self.assertLess(abs(order.date_planned - datetime.now()), timedelta(days=1, hours=14), "planned today")
            self.assertNotIn("Overlaps", order.dispatch_conflict or "")
        self.assertEqual(first.date_planned, second.date_planned)
