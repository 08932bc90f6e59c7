"""Benchmark: the sales forecast (``kbe.sales.target`` figures, read from ``kbe.forecast.report``)
of 50 salespeople over a growing volume of opportunities, beside one plain SQL aggregate of the
same opportunities (salesperson, SUM of expected revenue, GROUP BY) as the yardstick: the number
of queries must not grow with the volume.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_forecast.py -c ~/.cache/crm_kbe/odoo-kbe_test-*.conf \\
        -d kbe_test [--salespeople 50] [--opportunities 20000,200000]

For each volume (opportunities in all; the data grows from one to the next; one in ten won, one in
ten lost, the others open with probabilities spread over 0-100 % and expected closing dates spread
over two years, one posted invoice per won one), it prints the plain aggregate, the figures of the
quarter's 50 salesperson targets (one batch), of one target alone, the weekly snapshot of the 50
targets, and the forecast pivot (``read_group`` by salesperson of the quarter's report lines, as a
manager): queries and milliseconds of each. The data is written with bulk SQL INSERTs; everything
is rolled back: the database is left as it was.
"""

import argparse
import time

import odoo
from odoo import fields
from odoo.tools import SQL, config, date_utils

HISTORY_DAYS = 730  # expected closing and won dates spread over two years around today


def make_salespeople(env, count):
    users = env["res.users"].create(
        [
            {
                "name": f"Bench Sales {n}",
                "login": f"bench_forecast_{n}",
                "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
            }
            for n in range(count)
        ]
    )
    team = env["crm.team"].create({"name": "Bench Forecast", "member_ids": [(6, 0, users.ids)]})
    return users, team


def make_opportunities(env, users, team, count, today, prefix):
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    open_stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    env.execute_query(
        SQL(
            """INSERT INTO crm_lead (name, type, active, user_id, team_id, company_id, stage_id, probability,
                                     expected_revenue, prorated_revenue, date_deadline, date_closed,
                                     kbe_forecast_category, create_date, write_date)
               SELECT %(prefix)s || n, 'opportunity', mod(n, 10) != 9,
                      (%(users)s::int[])[1 + mod(n, %(user_count)s)], %(team)s, %(company)s,
                      CASE WHEN mod(n, 10) = 8 THEN %(won)s ELSE %(open)s END,
                      CASE WHEN mod(n, 10) = 8 THEN 100 WHEN mod(n, 10) = 9 THEN 0 ELSE mod(n * 7, 100) END,
                      1000 + mod(n * 13, 50) * 100,
                      (1000 + mod(n * 13, 50) * 100) * CASE WHEN mod(n, 10) = 8 THEN 100
                          WHEN mod(n, 10) = 9 THEN 0 ELSE mod(n * 7, 100) END / 100.0,
                      %(today)s::date - %(half)s + mod(n * 7, %(days)s),
                      CASE WHEN mod(n, 10) IN (8, 9) THEN %(today)s::date - %(half)s + mod(n * 11, %(days)s) END,
                      CASE WHEN mod(n, 10) = 8 THEN 'closed' WHEN mod(n, 10) = 9 THEN 'omitted'
                           WHEN mod(n * 7, 100) >= 90 THEN 'commit' WHEN mod(n * 7, 100) >= 60 THEN 'best_case'
                           ELSE 'pipeline' END,
                      now(), now()
                 FROM generate_series(0, %(count)s - 1) n""",
            prefix=prefix,
            users=users.ids,
            user_count=len(users),
            team=team.id,
            company=env.company.id,
            won=won_stage.id,
            open=open_stage.id,
            today=today,
            half=HISTORY_DAYS // 2,
            days=HISTORY_DAYS,
            count=count,
        )
    )
    # one posted invoice per won opportunity, on its won date
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1)
    env.execute_query(
        SQL(
            """INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post,
                                         date, invoice_date, partner_id, commercial_partner_id, invoice_user_id,
                                         team_id, kbe_opportunity_id, amount_untaxed, amount_untaxed_signed,
                                         amount_total, amount_total_signed, create_date, write_date)
               SELECT 'BENCHFC/' || l.id, %(journal)s, %(currency)s, l.company_id, 'posted', 'out_invoice', 'no',
                      l.date_closed, l.date_closed, %(partner)s, %(partner)s, l.user_id, l.team_id, l.id,
                      l.expected_revenue, l.expected_revenue, l.expected_revenue, l.expected_revenue, now(), now()
                 FROM crm_lead l
                WHERE starts_with(l.name, %(prefix)s) AND l.active AND l.probability = 100""",
            journal=journal.id,
            currency=env.company.currency_id.id,
            partner=env.company.partner_id.id,
            prefix=prefix,
        )
    )


def measure(env, function):
    """Queries and milliseconds of ``function()``, caches emptied first, everything flushed."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = function()
    env.flush_all()
    return env.cr.sql_log_count - queries, (time.perf_counter() - start) * 1000, result


def plain_aggregate(env, date_from, date_to):
    return env.execute_query(
        SQL(
            """SELECT user_id, SUM(expected_revenue) FROM crm_lead
                WHERE active AND type = 'opportunity' AND date_deadline BETWEEN %s AND %s
             GROUP BY user_id""",
            date_from,
            date_to,
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--opportunities", default="20000,200000", help="opportunities in all at each volume")
    args = parser.parse_args()
    volumes = list(map(int, args.opportunities.split(",")))
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        today = fields.Date.context_today(env.user)
        date_from, date_to = date_utils.start_of(today, "quarter"), date_utils.end_of(today, "quarter")
        users, team = make_salespeople(env, args.salespeople)
        targets = env["kbe.sales.target"].create(
            [
                {
                    "target_type": "user",
                    "user_id": user.id,
                    "period_type": "quarter",
                    "date_from": date_from,
                    "target_won": 1_000_000,
                    "target_invoiced": 800_000,
                }
                for user in users
            ]
        )
        manager = env.ref("base.user_admin")
        print(
            f"| opportunities | plain aggregate ms | {len(targets)} targets: queries | ms | 1 target: queries | ms "
            f"| snapshot of {len(targets)}: queries | ms | forecast pivot: queries | ms |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        made = 0
        for stage, volume in enumerate(volumes, 1):
            start = time.perf_counter()
            make_opportunities(env, users, team, volume - made, today, f"BENCHFC{stage}/")
            made = volume
            env.cr.execute("ANALYZE crm_lead; ANALYZE account_move")
            env.invalidate_all()
            built = time.perf_counter() - start
            plain_aggregate(env, date_from, date_to)  # the same warm cache for all
            _q, aggregate_ms, _rows = measure(env, lambda: plain_aggregate(env, date_from, date_to))
            all_q, all_ms, _r = measure(env, lambda: targets.mapped("commit_amount"))
            one = targets[len(targets) // 2]
            one_q, one_ms, _r = measure(env, lambda one=one: one.commit_amount)
            snap_q, snap_ms, _r = measure(env, lambda: env["kbe.forecast.snapshot"]._kbe_take_snapshots(targets))
            Report = env["kbe.forecast.report"].with_user(manager)
            pivot_q, pivot_ms, _r = measure(
                env,
                lambda Report=Report: Report.read_group(
                    [("date", ">=", date_from), ("date", "<=", date_to)],
                    [
                        "closed_won:sum",
                        "commit_amount:sum",
                        "best_case:sum",
                        "weighted:sum",
                        "target_won:sum",
                        "gap:sum",
                        "invoiced:sum",
                    ],
                    ["user_id"],
                ),
            )
            print(
                f"| {volume:,} | {aggregate_ms:.0f} | {all_q} | {all_ms:.0f} | {one_q} | {one_ms:.0f} "
                f"| {snap_q} | {snap_ms:.0f} | {pivot_q} | {pivot_ms:.0f} |   (data written in {built:.0f} s)",
                flush=True,
            )
        cr.rollback()


if __name__ == "__main__":
    main()
