"""Benchmark of the technicians' dispatch board at volume.

Fills a database where crm_kbe is installed with 50 technicians of one service team and their
service orders, ten a week each (two a working day, a few unassigned), in steps up to ``--count``
orders (20,000 by default: 40 weeks), and after each step prints the time and the number of SQL
queries of what the board loads for the service manager: a week for every technician (about 500
orders, with their conflicts and the technicians' working hours), one day, and the conflicts of a
list page of 80 orders.

Every week holds as many orders whatever the volume, so time and queries must stay the same as
the table grows. Rows are inserted with SQL; everything is rolled back at the end unless
``--keep`` is given. Run by hand:

    $PY tools/bench_dispatch.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test   (see README)
"""

import argparse
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import odoo
from odoo.tools import SQL

TECHNICIANS = 50
PER_WEEK = 10


@contextmanager
def measure(cr, label):
    start_count, start = cr.sql_log_count, time.perf_counter()
    yield
    print(f"  {label:<42} {time.perf_counter() - start:8.3f} s  {cr.sql_log_count - start_count:4d} queries")


def setup(env):
    """The team, its 50 technicians, a customer and a service manager."""
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True, tracking_disable=True)
    agent_group = env.ref("crm_kbe.group_service_agent")
    technicians = Users.create(
        [
            {
                "name": f"Bench Technician {index:02d}",
                "login": f"bench_tech_{index}",
                "groups_id": [(6, 0, agent_group.ids)],
            }
            for index in range(TECHNICIANS)
        ]
    )
    manager = Users.create(
        {
            "name": "Bench Dispatcher",
            "login": "bench_dispatcher",
            "groups_id": [(6, 0, env.ref("crm_kbe.group_service_manager").ids)],
        }
    )
    team = env["kbe.service.team"].create(
        {
            "name": "Bench Field Team",
            "member_ids": [(6, 0, technicians.ids)],
            "resource_calendar_id": env.ref("resource.resource_calendar_std").id,
        }
    )
    partner = env["res.partner"].create({"name": "PT. Bench Pelanggan", "is_company": True, "city": "Jakarta"})
    return team, technicians, manager, partner


def insert_orders(env, technicians, partner, monday, first_week, weeks):
    """PER_WEEK orders per technician and week for ``weeks`` weeks from ``first_week``: two a
    working day at 09:00 and 13:00 UTC (10:00 for every tenth technician: two orders at once), one
    in a hundred unassigned."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO kbe_service_order (number, name, company_id, user_id, state, date_planned, duration,
                                           date_planned_end, billing, billing_state, partner_id, address_id,
                                           create_uid, write_uid, create_date, write_date)
            SELECT 'BENCH-' || w || '-' || tech || '-' || slot, 'Bench visit', %(company)s,
                   CASE WHEN mod(tech + slot * 50, 100) = 0 THEN NULL ELSE (%(technicians)s)[tech] END,
                   'planned', start, 2.0, start + interval '2 hours', 'billable', 'to_bill', %(partner)s, %(partner)s,
                   1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM generate_series(%(first)s, %(last)s) w,
                   generate_series(1, %(count)s) tech,
                   generate_series(0, %(per_week)s - 1) slot,
                   LATERAL (SELECT %(monday)s::timestamp + w * interval '7 days' + (slot / 2) * interval '1 day'
                                   + CASE WHEN mod(slot, 2) = 0 THEN interval '9 hours'
                                          WHEN mod(tech, 10) = 0 THEN interval '10 hours'
                                          ELSE interval '13 hours' END
                                   AS start) s
            """,
            company=env.company.id,
            technicians=technicians.ids,
            partner=partner.id,
            first=first_week,
            last=first_week + weeks - 1,
            count=len(technicians),
            per_week=PER_WEEK,
            monday=monday,
        )
    )
    env.cr.execute("ANALYZE kbe_service_order")
    env.invalidate_all()


def board(env, manager, team, monday, days):
    Order = env["kbe.service.order"].with_user(manager)
    start, stop = str(monday), str(monday + timedelta(days=days))
    Order.kbe_dispatch_board(start, stop, team.id)  # the caches of a running server first
    env.invalidate_all()
    with measure(env.cr, f"board, {days} day(s), every technician"):
        data = Order.kbe_dispatch_board(start, stop, team.id)
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database where crm_kbe is installed")
    parser.add_argument("--count", type=int, default=20_000, help="service orders to reach (default 20000)")
    parser.add_argument("--keep", action="store_true", help="commit the generated orders")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        team, technicians, manager, partner = setup(env)
        env.flush_all()
        today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        monday = today - timedelta(days=today.weekday())
        per_week = TECHNICIANS * PER_WEEK
        weeks_done = 0
        for target in sorted({n for n in (2_000, args.count) if n <= args.count}):
            weeks = max(1, target // per_week - weeks_done)
            insert_orders(env, technicians, partner, monday, weeks_done, weeks)
            weeks_done += weeks
            print(f"{weeks_done * per_week:,} service orders over {weeks_done} weeks, {TECHNICIANS} technicians")
            week = board(env, manager, team, monday, 7)
            board(env, manager, team, monday, 1)
            print(
                f"  {'':<42} ({len(week['orders'])} orders this week, {len(week['unassigned'])} unassigned, "
                f"{sum(1 for order in week['orders'] if order['conflicts'])} with a conflict)"
            )
            page = env["kbe.service.order"].with_user(manager).search([], limit=80)
            env.invalidate_all()
            with measure(env.cr, "conflicts of a list page (80 orders)"):
                page.mapped("dispatch_conflict")
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
