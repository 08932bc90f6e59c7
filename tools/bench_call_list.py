"""Benchmark: create telesales call lists of 1,000 / 5,000 / 10,000 calls over 5 agents with
crm_kbe's call-list wizard, and print time and queries per call for each size. Queries per call
must stay the same as the list grows.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_call_list.py -c ~/.cache/crm_kbe/odoo-test.conf \\
        -d kbe_test [--sizes 1000,5000,10000] [--agents 5]

Each call is also a "Call" activity on the customer and an entry in the agent's calendar, as in
real use; lists beyond one batch are made batch by batch as the cron does. Everything runs in a
transaction that is rolled back: the database is left as it was.
"""

import argparse
import time
from datetime import timedelta

import odoo
from odoo.tools import config


def make_customers(env, tag, count):
    return env["res.partner"].create(
        [
            {"name": f"Pelanggan {tag} {i}", "phone": f"+62 812 {i:05d} {len(tag):03d}", "customer_rank": 1}
            for i in range(count)
        ]
    )


def make_agents(env, count):
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"].create(
        [
            {"name": f"Agen Bench {i}", "login": f"agen.bench.{i}@example.com", "groups_id": [(6, 0, group.ids)]}
            for i in range(count)
        ]
    )
    team = env["crm.team"].create(
        {"name": "Telesales Bench", "kbe_sales_style": "b2c_telesales", "member_ids": [(6, 0, users.ids)]}
    )
    return team, users


def measure(env, customers, team, assignment):
    now = odoo.fields.Datetime.now()
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    wizard = (
        env["kbe.call.list"]
        .with_context(active_model="res.partner", active_ids=customers.ids)
        .create(
            {
                "name": "Promo paket Lebaran",
                "date_start": now,
                "date_end": now + timedelta(days=5),
                "team_id": team.id,
                "assignment": assignment,
            }
        )
    )
    wizard.action_apply()
    # beyond one batch the cron makes the list: run its batches here, within the measure
    while wizard.state == "queued":
        env["kbe.call.list"]._cron_create_call_lists()
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    count = wizard.created_count
    assert count == len(customers), f"{count} calls created for {len(customers)} customers"
    calls = wizard.call_ids
    assert len(calls.activity_id) == count and len(calls.calendar_event_id) == count, "each call is an activity"
    print(
        f"{count:>6} calls ({assignment:>11}): {elapsed:7.2f} s = {elapsed / count * 1000:6.2f} ms/call, "
        f"{queries:7d} queries = {queries / count:5.2f} queries/call"
    )
    return count, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--assignment", default="round_robin", choices=["round_robin", "workload"])
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"))
        team, agents = make_agents(env, args.agents)
        print(f"call lists over {len(agents)} agents of {team.name}, as {env.user.name}")
        runs = []
        for size in (int(size) for size in args.sizes.split(",")):
            customers = make_customers(env, f"b{size}", size)
            runs.append(measure(env, customers, team, args.assignment))
        # the cost of one more call, between consecutive sizes: constant when nothing is per-record
        marginal = [
            (queries - previous_queries) / (count - previous_count)
            for (previous_count, previous_queries), (count, queries) in zip(runs, runs[1:], strict=False)
        ]
        print(f"queries per additional call: {', '.join(f'{q:.2f}' for q in marginal)} (they must stay the same)")
        cr.rollback()


if __name__ == "__main__":
    main()
