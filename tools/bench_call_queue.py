"""Benchmark of the teleservice queue at volume: "Calls to Return" of a service team.

Fills a database where crm_kbe is installed with open service tickets (with their SLA lines, as
``bench_tickets.py`` does) and one planned call to return per ticket, in steps up to ``--count``
(100,000 by default), and after each step prints the time and the number of SQL queries of the
first page of the queue as the web client loads it for a service agent of the team (the menu's
domain and default filter, the list's order: earliest SLA deadline first, 80 rows, with the
list's columns), and of the count of the whole queue.

The query counts must stay constant with volume: the order is a stored field of the call. Rows are
inserted with SQL; everything is rolled back at the end unless ``--keep`` is given. Run by hand:

    $PY tools/bench_call_queue.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test   (see README)
"""

import argparse
import time
from contextlib import contextmanager

from bench_tickets import bench_setup, insert_tickets

import odoo
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

LIST_SPEC = {
    "sla_deadline": {},
    "date_planned": {},
    "ticket_id": {"fields": {"display_name": {}}},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "phone": {},
    "direction": {},
    "service_team_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "is_overdue": {},
    "state": {},
}


@contextmanager
def measure(cr, label):
    start_count, start = cr.sql_log_count, time.perf_counter()
    yield
    print(f"  {label:<34} {time.perf_counter() - start:8.3f} s  {cr.sql_log_count - start_count:4d} queries")


def insert_calls(env, team, partner, agent, first_ticket_id):
    """One planned callback per benchmark ticket from ``first_ticket_id`` on, ordered by its SLA."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO kbe_call (name, direction, state, company_id, partner_id, commercial_partner_id,
                                  ticket_id, service_team_id, sla_deadline, user_id, date_planned,
                                  duration_planned, create_uid, write_uid, create_date, write_date)
            SELECT 'Telepon balik ' || t.number, 'outbound', 'planned', t.company_id, %(partner)s, %(partner)s,
                   t.id, t.team_id, (SELECT min(s.deadline) FROM kbe_ticket_sla s WHERE s.ticket_id = t.id),
                   %(agent)s, now() at time zone 'UTC' + mod(t.id, 72) * interval '1 hour', 0.25,
                   1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM kbe_ticket t
             WHERE t.team_id = %(team)s AND t.id >= %(first)s
            """,
            partner=partner.id,
            agent=agent.id,
            team=team.id,
            first=first_ticket_id,
        )
    )
    env.cr.execute("ANALYZE kbe_call")
    env.invalidate_all()


def queue_first_page(env, agent):
    action = env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_call_action_to_return")
    view = env.ref("crm_kbe.kbe_call_view_list_to_return")
    order = view.arch_db.split('default_order="')[1].split('"')[0]
    domain = safe_eval(action["domain"], {"uid": agent.id}) + [("service_team_id.member_ids", "in", agent.id)]
    Call = env["kbe.call"].with_user(agent)
    # the caches of a running server (rules, access rights of the columns' models): one row first
    Call.web_search_read(domain, LIST_SPEC, order=order, limit=1)
    env.invalidate_all()
    with measure(env.cr, "queue, first page (80 rows)"):
        page = Call.web_search_read(domain, LIST_SPEC, order=order, limit=80, count_limit=10001)
    with measure(env.cr, "queue, count of all calls to return"):
        total = Call.search_count(domain)
    return page["records"], total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database where crm_kbe is installed")
    parser.add_argument("--count", type=int, default=100_000, help="tickets to reach (default 100000)")
    parser.add_argument("--keep", action="store_true", help="commit the generated tickets and calls")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        team, partner, stages = bench_setup(env)
        agent = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Agent",
                    "login": "bench_service_agent",
                    "groups_id": [(6, 0, env.ref("crm_kbe.group_service_agent").ids)],
                }
            )
        )
        team.member_ids = agent
        env.flush_all()
        done = 0
        for target in sorted({n for n in (1_000, 10_000, args.count) if n <= args.count}):
            env.cr.execute("SELECT coalesce(max(id), 0) + 1 FROM kbe_ticket")
            first = env.cr.fetchone()[0]
            insert_tickets(env, team, partner, stages, target - done, done)
            insert_calls(env, team, partner, agent, first)
            done = target
            print(f"{done:,} tickets, {done:,} calls to return")
            records, total = queue_first_page(env, agent)
            deadlines = [row["sla_deadline"] for row in records]
            assert deadlines == sorted(deadlines), "the queue is in SLA order"
            print(f"  {'':<34} ({total:,} calls in the queue)")
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
