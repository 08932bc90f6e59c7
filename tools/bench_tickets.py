"""Benchmark of the service desk at volume: the SLA status update and the team kanban's first load.

Fills a database where crm_kbe is installed with service tickets (and their SLA lines) in steps up
to ``--count`` (100,000 by default), and after each step prints the time and the number of SQL
queries of

- the SLA status cron (``kbe.ticket.sla._cron_update_status``), with a share of the SLAs crossing
  their at-risk or failed time since the previous step;
- the first load of a team's ticket kanban, as the web client does it (grouped read, progress bar,
  records of every unfolded column) and of the "Service Overview" team kanban.

The query counts must stay constant with volume. Tickets are inserted with SQL (creating 100,000
through the ORM would take far longer than what is measured); everything is rolled back at the end
unless ``--keep`` is given. Run by hand, not in the test command:

    $PY tools/bench_tickets.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test   (see README)
"""

import argparse
import time
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo.tools import SQL

KANBAN_SPEC = {
    "name": {},
    "number": {},
    "color": {},
    "priority": {},
    "sla_status": {},
    "sla_resolution_deadline": {},
    "partner_id": {"fields": {"display_name": {}}},
    "type_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
    "activity_ids": {"fields": {}},
}
TEAM_SPEC = {
    "name": {},
    "open_ticket_count": {},
    "unassigned_ticket_count": {},
    "failed_ticket_count": {},
    "assignment_method": {},
    "alias_id": {"fields": {"display_name": {}}},
}


@contextmanager
def measure(cr, label):
    start_count, start = cr.sql_log_count, time.perf_counter()
    yield
    print(f"  {label:<34} {time.perf_counter() - start:8.3f} s  {cr.sql_log_count - start_count:4d} queries")


def bench_setup(env):
    calendar = env.ref("resource.resource_calendar_std")
    team = env["kbe.service.team"].create({"name": "Benchmark team", "resource_calendar_id": calendar.id})
    env["kbe.sla.policy"].create(
        {"name": "Benchmark SLA", "team_id": team.id, "response_hours": 4, "resolution_hours": 16}
    )
    partner = env["res.partner"].create({"name": "Benchmark customer", "is_company": True})
    stages = env["kbe.service.team"]._kbe_stages_for_teams(team).filtered(lambda s: not s.is_closed)
    env.flush_all()
    return team, partner, stages


def insert_tickets(env, team, partner, stages, count, offset):
    """``count`` open tickets with a response and a resolution SLA each, deadlines spread around now."""
    now = env.cr.now()
    env.cr.execute(
        SQL(
            """
            INSERT INTO kbe_ticket (number, name, company_id, partner_id, commercial_partner_id, team_id,
                                    stage_id, priority, channel, active, is_closed, is_complaint, date_open,
                                    sla_status, create_uid, write_uid, create_date, write_date)
            SELECT 'BENCH/' || n, 'Benchmark ticket ' || n, %(company)s, %(partner)s, %(partner)s, %(team)s,
                   (%(stages)s::int[])[1 + mod(n, %(nstages)s)], '1', 'phone', TRUE, FALSE, FALSE, %(now)s,
                   'on_time', 1, 1, %(now)s, %(now)s
              FROM generate_series(%(start)s, %(stop)s) AS n
            RETURNING id
            """,
            company=team.company_id.id,
            partner=partner.id,
            team=team.id,
            stages=stages.ids,
            nstages=len(stages),
            now=now,
            start=offset + 1,
            stop=offset + count,
        )
    )
    ids = [row[0] for row in env.cr.fetchall()]
    # deadlines from one hour ago to a week ahead: each step, some SLAs turn at risk or failed
    env.cr.execute(
        SQL(
            """
            INSERT INTO kbe_ticket_sla (ticket_id, company_id, name, kind, target_hours, at_risk_percent,
                                        used_hours, date_start, date_at_risk, deadline, status, create_uid,
                                        write_uid, create_date, write_date)
            SELECT t.id, %(company)s, 'Benchmark SLA', k.kind, k.hours, 80, 0, %(now)s,
                   %(now)s + mod(t.id, 168) * interval '1 hour' - interval '2 hours',
                   %(now)s + mod(t.id, 168) * interval '1 hour' - interval '1 hour',
                   'ongoing', 1, 1, %(now)s, %(now)s
              FROM unnest(%(ids)s::int[]) AS t(id)
             CROSS JOIN (VALUES ('response', 4.0), ('resolution', 16.0)) AS k(kind, hours)
            """,
            company=team.company_id.id,
            now=now,
            ids=ids,
        )
    )
    env.cr.execute("ANALYZE kbe_ticket")
    env.cr.execute("ANALYZE kbe_ticket_sla")
    env.invalidate_all()


def kanban_first_load(env, team):
    Ticket = env["kbe.ticket"].with_context(default_team_id=team.id)
    domain = [("team_id", "=", team.id), ("is_closed", "=", False)]
    groups = Ticket.web_read_group(domain, ["stage_id"], ["stage_id"], lazy=True)
    Ticket.read_progress_bar(
        domain, "stage_id", {"field": "sla_status", "colors": {"on_time": "success", "at_risk": "warning"}}
    )
    for group in groups["groups"]:
        if group.get("__fold"):
            continue
        Ticket.web_search_read(group["__domain"], KANBAN_SPEC, limit=40)


def team_overview_load(env):
    env["kbe.service.team"].web_search_read([], TEAM_SPEC, limit=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database where crm_kbe is installed")
    parser.add_argument("--count", type=int, default=100_000, help="tickets to reach (default 100000)")
    parser.add_argument("--keep", action="store_true", help="commit the generated tickets")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        team, partner, stages = bench_setup(env)
        steps = sorted({n for n in (1_000, 10_000, args.count) if n <= args.count})
        done = 0
        clock = env.cr.now()
        for target in steps:
            insert_tickets(env, team, partner, stages, target - done, done)
            done = target
            print(f"{done:,} tickets")
            # time passes: two hours later, some SLAs are at risk or failed
            clock += timedelta(hours=2)
            with measure(env.cr, "SLA status update (cron)"):
                changed = env["kbe.ticket.sla"]._cron_update_status(now=clock)
            print(f"  {'':<34} ({changed:,} tickets changed status)")
            env.invalidate_all()
            with measure(env.cr, "team ticket kanban, first load"):
                kanban_first_load(env, team)
            env.invalidate_all()
            with measure(env.cr, "service overview kanban"):
                team_overview_load(env)
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
