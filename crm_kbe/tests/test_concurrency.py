import threading

import psycopg2

from odoo import SUPERUSER_ID
from odoo.api import Environment
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name

# what the loser of a race may meet: a clear refusal, or PostgreSQL's serialization failure, on
# which Odoo's RPC layer retries the request (and the retry then meets the refusal)
LOSING = (UserError, psycopg2.errors.SerializationFailure)


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    """Two people doing the same thing at the same moment, each in their own database transaction
    (two threads, two cursors), as two browser tabs or two RPC clients would: nothing is done
    twice and nothing is lost. The records are committed for both transactions to see them, and
    removed afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())

    def _env(self, cr, uid=SUPERUSER_ID):
        return Environment(cr, uid, {})

    def _setup(self, build):
        """Run ``build(env)`` in its own committed transaction; its records are removed at the end
        (``build`` returns the recordsets to remove, in order)."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            records = build(env)
            ids = [(recs._name, recs.ids) for recs in records]
            # the racing transactions must see the records
            cr.commit()  # pylint: disable=invalid-commit

        def remove():
            with self.registry.cursor() as cr:
                env = self._env(cr)
                for model, record_ids in ids:
                    env[model].browse(record_ids).exists().unlink()
                # undo what the set-up committed
                cr.commit()  # pylint: disable=invalid-commit

        self.addCleanup(remove)
        return records

    def _race(self, *calls):
        """Run each ``(uid, function(env))`` in its own thread and transaction, all starting
        together; returns each outcome: "done", or the name of the error it met."""
        outcomes = [None] * len(calls)
        barrier = threading.Barrier(len(calls), timeout=20)

        def run(index, uid, function):
            with self.registry.cursor() as cr:
                env = self._env(cr, uid)
                barrier.wait()
                try:
                    function(env)
                    # each racer's own transaction
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes[index] = "done"
                except LOSING as error:
                    cr.rollback()
                    outcomes[index] = type(error).__name__

        threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return outcomes

    def _read(self, function):
        with self.registry.cursor() as cr:
            return function(self._env(cr))

    def assertOneWins(self, outcomes):
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        for outcome in outcomes:
            self.assertIn(outcome, ("done", "UserError", "SerializationFailure"))

    # ------------------------------------------------------------------ the races

    def test_the_same_lead_converted_twice_at_once(self):
        def build(env):
            reps = env["res.users"]
            for login in ("kbe_race_rep_1", "kbe_race_rep_2"):
                reps |= new_test_user(env, login=login, groups="sales_team.group_sale_salesman_all_leads")
            lead = env["crm.lead"].create(
                {"name": "Rebutan konversi", "type": "lead", "partner_name": "PT. Rebutan", "contact_name": "Bu Rina"}
            )
            return lead, reps, reps.partner_id

        lead, reps, _partners = self._setup(build)

        def convert(env):
            env["crm.lead"].browse(lead.id)._kbe_convert(customer_action="create", user=env.user)

        outcomes = self._race(*((uid, convert) for uid in reps.ids))
        self.assertOneWins(outcomes)
        customers = self._read(
            lambda env: env["res.partner"].search_count([("name", "in", ("PT. Rebutan", "Bu Rina"))])
        )
        self.assertEqual(customers, 2, "one company and one contact: the loser created no customer")
        self._setup(lambda env: [env["res.partner"].search([("name", "in", ("Bu Rina", "PT. Rebutan"))])])

    def test_the_same_call_logged_by_two_agents_at_once(self):
        def build(env):
            agents = env["res.users"]
            for login in ("kbe_race_tele_1", "kbe_race_tele_2"):
                agents |= new_test_user(env, login=login, groups="sales_team.group_sale_salesman_all_leads")
            customer = env["res.partner"].create({"name": "Pelanggan Telepon", "phone": "0812-9999-0000"})
            call = env["kbe.call"].create({"name": "Telepon rebutan", "partner_id": customer.id})
            return call, agents, agents.partner_id, customer

        call, agents, _partners, customer = self._setup(build)

        def log(env):
            env["kbe.call"].browse(call.id)._kbe_log("held", duration=0.1, outcome="interested")

        outcomes = self._race(*((uid, log) for uid in agents.ids))
        self.assertOneWins(outcomes)
        messages = self._read(
            lambda env: env["mail.message"].search_count(
                [("model", "=", "res.partner"), ("res_id", "=", customer.id), ("body", "ilike", "Call held")]
            )
        )
        self.assertEqual(messages, 1, "the call is logged once")

    def test_the_same_ticket_taken_by_two_agents_at_once(self):
        def build(env):
            agents = env["res.users"]
            for login in ("kbe_race_agent_1", "kbe_race_agent_2"):
                agents |= new_test_user(env, login=login, groups="crm_kbe.group_service_agent")
            team = env["kbe.service.team"].create({"name": "Tim Rebutan", "member_ids": [(6, 0, agents.ids)]})
            partner = env["res.partner"].create({"name": "Pelanggan Rebutan"})
            ticket = env["kbe.ticket"].create({"name": "Rebutan", "partner_id": partner.id, "team_id": team.id})
            return ticket, team, agents, agents.partner_id, partner

        ticket, _team, agents, _partners, _partner = self._setup(build)

        def take(env):
            env["kbe.ticket"].browse(ticket.id).action_take()

        outcomes = self._race(*((uid, take) for uid in agents.ids))
        self.assertOneWins(outcomes)
        winner = agents.ids[outcomes.index("done")]
        self.assertEqual(self._read(lambda env: env["kbe.ticket"].browse(ticket.id).user_id.id), winner)

    def test_tickets_and_service_orders_opened_at_once_get_distinct_numbers(self):
        def build(env):
            partner = env["res.partner"].create({"name": "Pelanggan Nomor"})
            return [partner]

        [partner] = self._setup(build)
        created = {"kbe.ticket": [], "kbe.service.order": []}

        def open_both(env):
            ticket = env["kbe.ticket"].create({"name": "Nomor", "partner_id": partner.id})
            order = env["kbe.service.order"].create({"name": "Nomor", "partner_id": partner.id})
            created["kbe.ticket"].append(ticket.id)
            created["kbe.service.order"].append(order.id)

        outcomes = self._race(*((SUPERUSER_ID, open_both),) * 3)
        self.assertEqual(outcomes, ["done"] * 3)
        self._setup(lambda env: [env[model].browse(ids) for model, ids in created.items()])
        for model, ids in created.items():
            numbers = self._read(lambda env, m=model, i=ids: env[m].browse(i).mapped("number"))
            self.assertEqual(len(set(numbers)), 3, f"{model}: {numbers}")

    def test_sla_update_while_the_ticket_is_closed(self):
        """The scheduled SLA update runs while an agent closes a ticket whose SLA is at risk:
        whichever transaction loses is replayed (as Odoo's cron and RPC do), and the ticket ends
        closed with its SLA reached, not left at risk or failed by the update."""

        def build(env):
            agent = new_test_user(env, login="kbe_race_sla_agent", groups="crm_kbe.group_service_agent")
            team = env["kbe.service.team"].create({"name": "Tim SLA Rebutan", "member_ids": [(6, 0, agent.ids)]})
            env["kbe.sla.policy"].create({"name": "Cepat", "team_id": team.id, "resolution_hours": 1000})
            partner = env["res.partner"].create({"name": "Pelanggan SLA"})
            ticket = env["kbe.ticket"].create(
                {
                    "name": "SLA rebutan",
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "user_id": agent.id,
                    "root_cause": "customer",
                }
            )
            # the deadline is near: the update would mark it at risk
            ticket.sla_ids.write({"date_at_risk": "2000-01-01 00:00:00"})
            return ticket, team, agent, agent.partner_id, partner

        ticket, _team, agent, _partners, _partner = self._setup(build)

        def close(env):
            env["kbe.ticket"].browse(ticket.id).action_close()

        def update(env):
            env["kbe.ticket.sla"]._cron_update_status()

        calls = ((agent.id, close), (SUPERUSER_ID, update))
        outcomes = self._race(*calls)
        for (uid, function), outcome in zip(calls, outcomes, strict=True):
            if outcome == "SerializationFailure":
                self.assertEqual(self._race((uid, function)), ["done"], "the replay goes through")
        state = self._read(
            lambda env: (
                env["kbe.ticket"].browse(ticket.id).is_closed,
                set(env["kbe.ticket"].browse(ticket.id).sla_ids.mapped("status")),
            )
        )
        self.assertEqual(state, (True, {"reached"}), outcomes)
