"""Benchmark of territory assignment at volume: 1,000 / 10,000 / 100,000 leads.

In a database where crm_kbe is installed with demo data (its Jabodetabek territories), adds 40
territories of its own (one per benchmark city, each with a postal-code range sub-territory) and
prints, for each volume, the time and the number of SQL queries of

- placing new leads in their territory: what ``crm.lead.create`` does before inserting them
  (``_kbe_place_in_territories`` on the create values, as the demo sales manager);
- creating leads through the ORM in batches of 1,000, with and without territories (the extra
  cost of territories on a real create, at 1,000 and 10,000 leads only: the ORM insert itself
  is what takes the time);
- the realignment plan over every open lead of the company (leads inserted with SQL).

The query counts must stay constant as the volume grows. Everything is rolled back at the end.
Run by hand, not in the test command:

    $PY tools/bench_territory.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test   (see README)
"""

import argparse
import time
from contextlib import contextmanager

import odoo
from odoo.tools import SQL

CITIES = 40
BATCH = 1_000


@contextmanager
def measure(cr, label, count):
    start_count, start = cr.sql_log_count, time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    print(f"  {label:<52} {count:>8,} {elapsed:9.3f} s {cr.sql_log_count - start_count:6d} queries")


def bench_setup(env):
    """40 cities of West Java, each a territory of the Jabodetabek region's country, with a
    sub-territory of postal codes."""
    indonesia = env.ref("base.id")
    team = env.ref("crm_kbe.crm_team_catering_demo")
    rep = env.ref("crm_kbe.user_kbe_rep_demo")
    region = env["kbe.territory"].create(
        {"name": "Bench Jawa Barat", "country_ids": [(6, 0, indonesia.ids)], "team_id": team.id, "user_id": rep.id}
    )
    for index in range(CITIES):
        city = env["kbe.territory"].create(
            {
                "name": f"Bench Kota {index}",
                "parent_id": region.id,
                "city_names": f"Kota Bench {index}",
                "team_id": team.id,
                "user_id": rep.id,
            }
        )
        env["kbe.territory"].create(
            {
                "name": f"Bench Kota {index} Pusat",
                "parent_id": city.id,
                "zip_range_ids": [(0, 0, {"zip_from": f"4{index:02d}00", "zip_to": f"4{index:02d}49"})],
                "team_id": team.id,
                "user_id": rep.id,
            }
        )
    env.flush_all()
    return indonesia


def lead_values(indonesia, count, offset=0):
    return [
        {
            "name": f"Bench lead {n}",
            "type": "lead",
            "country_id": indonesia.id,
            "city": f"Kota Bench {n % CITIES}",
            "zip": f"4{n % CITIES:02d}{n % 100:02d}",
        }
        for n in range(offset, offset + count)
    ]


def insert_leads(env, indonesia, count, offset):
    """``count`` open leads in the benchmark cities, without a territory (as if entered before
    the territories existed)."""
    env.cr.execute(
        SQL(
            """
            INSERT INTO crm_lead (name, type, active, probability, company_id, country_id, city, zip,
                                  create_uid, write_uid, create_date, write_date)
            SELECT 'Bench old lead ' || n, 'lead', TRUE, 10, %(company)s, %(country)s,
                   'Kota Bench ' || mod(n, %(cities)s), '4' || lpad(mod(n, %(cities)s)::text, 2, '0')
                   || lpad(mod(n, 100)::text, 2, '0'), 1, 1, now(), now()
              FROM generate_series(%(start)s, %(stop)s) AS n
            """,
            company=env.company.id,
            country=indonesia.id,
            cities=CITIES,
            start=offset + 1,
            stop=offset + count,
        )
    )
    env.cr.execute(SQL("ANALYZE crm_lead"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database where crm_kbe is installed with demo data")
    parser.add_argument("--count", type=int, default=100_000, help="largest volume (default 100000)")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        indonesia = bench_setup(env)
        manager = env.ref("crm_kbe.user_kbe_sales_manager_demo")
        Lead = env["crm.lead"].with_user(manager).with_context(mail_create_nolog=True, tracking_disable=True)
        Territory = env["kbe.territory"]
        volumes = [n for n in (1_000, 10_000, 100_000) if n <= args.count] or [args.count]
        print(f"{'':<54} {'leads':>8} {'time':>11} {'queries':>14}")
        print("Placing new leads (create values, before the insert):")
        Territory._kbe_rules(env.company.id)  # the rules are cached once, for every later create
        for volume in volumes:
            values = lead_values(indonesia, volume)
            with measure(cr, "_kbe_place_in_territories", volume):
                values = Lead._kbe_place_in_territories(values)
            placed = sum(1 for vals in values if vals.get("kbe_territory_id"))
            print(f"  {'':<52} ({placed:,} placed)")

        print(f"Creating leads through the ORM, in batches of {BATCH:,}:")
        for volume in [n for n in volumes if n <= 10_000]:
            savepoint = cr.savepoint()
            with measure(cr, "create, with territories", volume):
                for offset in range(0, volume, BATCH):
                    Lead.create(lead_values(indonesia, BATCH, offset))
                env.flush_all()
            savepoint.close(rollback=True)
            env.invalidate_all()
            savepoint = cr.savepoint()
            Territory.search([]).active = False
            env.flush_all()
            Territory._kbe_rules(env.company.id)
            with measure(cr, "create, no territory in the company", volume):
                for offset in range(0, volume, BATCH):
                    Lead.create(lead_values(indonesia, BATCH, offset))
                env.flush_all()
            savepoint.close(rollback=True)
            env.registry.clear_cache()
            env.invalidate_all()

        print("Realignment plan over every open lead of the company:")
        done = 0
        for volume in volumes:
            insert_leads(env, indonesia, volume - done, done)
            done = volume
            env.invalidate_all()
            Territory._kbe_rules(env.company.id)
            with measure(cr, "_kbe_realign_plan (leads only)", volume):
                plan = Territory._kbe_realign_plan(env.company, customers=False)
            moving = sum(len(ids) for ids in plan["crm.lead"].values())
            print(f"  {'':<52} ({moving:,} leads to move, {len(plan['crm.lead'])} moves)")
        cr.rollback()


if __name__ == "__main__":
    main()
