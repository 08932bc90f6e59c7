"""Benchmark of segment evaluation at volume: a dynamic segment over 100,000 customers.

Fills a database where crm_kbe is installed with customer companies (and their customer value
rows) in steps up to ``--count`` (100,000 by default), and after each step prints the time and the
number of SQL queries of

- the evaluation of a segment (tag, city, value tier Champions or Loyal, reachable by e-mail)
  as its author, the demo marketing user: the first one, where every match enters, and a second
  one where nothing changed;
- the evaluation after a tenth of the customers moved out of the city (they leave);
- ``_kbe_members("phone")``, what a telemarketing campaign asks before making its call list.

The query counts must stay constant with volume. Customers are inserted with SQL (creating
100,000 through the ORM would take far longer than what is measured); everything is rolled back at
the end unless ``--keep`` is given. Run by hand, not in the test command:

    $PY tools/bench_segment.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test   (see README)
"""

import argparse
import time
from contextlib import contextmanager

import odoo
from odoo.tools import SQL


@contextmanager
def measure(cr, label):
    start_count, start = cr.sql_log_count, time.perf_counter()
    yield
    print(f"  {label:<44} {time.perf_counter() - start:8.3f} s  {cr.sql_log_count - start_count:4d} queries")


def bench_setup(env):
    tag = env["res.partner.category"].create({"name": "Benchmark segment"})
    author = env.ref("crm_kbe.user_marketing_demo")
    segment = (
        env["kbe.segment"]
        .with_user(author)
        .create(
            {
                "name": "Benchmark: best customers in Jakarta",
                "category_ids": [(6, 0, tag.ids)],
                "city": "Jakarta",
                "tier_champion": True,
                "tier_loyal": True,
                "reach_channel": "email",
            }
        )
    )
    env.flush_all()
    return tag, segment


def insert_customers(env, tag, count, offset):
    """``count`` customer companies: 4 in 5 in Jakarta, most with an e-mail, half with a phone;
    each with a value row whose tier cycles through the seven tiers."""
    company = env.company
    country = env.ref("base.id").id
    now = env.cr.now()
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type, partner_share, company_id,
                                     email, email_normalized, phone, street, city, country_id, autopost_bills,
                                     create_uid, write_uid, create_date, write_date)
            SELECT 'Bench ' || n, 'Bench ' || n, TRUE, TRUE, 'contact', TRUE, NULL,
                   CASE WHEN mod(n, 10) != 0 THEN 'buyer' || n || '@bench.example.com' END,
                   CASE WHEN mod(n, 10) != 0 THEN 'buyer' || n || '@bench.example.com' END,
                   CASE WHEN mod(n, 2) = 0 THEN '+62 21 ' || n END,
                   'Jl. Bench ' || n, CASE WHEN mod(n, 5) != 0 THEN 'Jakarta Selatan' ELSE 'Bandung' END, %(country)s,
                   'ask', 1, 1, %(now)s, %(now)s
              FROM generate_series(%(start)s, %(stop)s) AS n
            RETURNING id
            """,
            country=country,
            now=now,
            start=offset + 1,
            stop=offset + count,
        )
    )
    ids = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids))
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id)
            SELECT id, %(tag)s FROM unnest(%(ids)s::int[]) AS t(id)
            """,
            tag=tag.id,
            ids=ids,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO kbe_customer_value (partner_id, company_id, value_tier, r_score, f_score, m_score,
                                            revenue, create_uid, write_uid, create_date, write_date)
            SELECT t.id, %(company)s,
                   (ARRAY['champion', 'loyal', 'potential', 'new', 'attention', 'at_risk', 'lost'])[1 + mod(t.id, 7)],
                   1 + mod(t.id, 5), 1 + mod(t.id, 5), 1 + mod(t.id, 5), mod(t.id, 1000) * 100000,
                   1, 1, %(now)s, %(now)s
              FROM unnest(%(ids)s::int[]) AS t(id)
            """,
            company=company.id,
            now=now,
            ids=ids,
        )
    )
    for table in ("res_partner", "res_partner_res_partner_category_rel", "kbe_customer_value"):
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database where crm_kbe is installed with demo data")
    parser.add_argument("--count", type=int, default=100_000, help="customers to reach (default 100000)")
    parser.add_argument("--keep", action="store_true", help="commit the generated customers")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        tag, segment = bench_setup(env)
        author_segment = segment.with_user(segment.user_id)
        steps = sorted({n for n in (10_000, args.count) if n <= args.count})
        done, all_ids = 0, []
        for target in steps:
            all_ids += insert_customers(env, tag, target - done, done)
            done = target
            print(f"{done:,} customers")
            env.invalidate_all()
            with measure(env.cr, "evaluation, the new ones enter"):
                author_segment.action_kbe_refresh()
            print(f"  {'':<44} ({author_segment.member_count:,} members)")
            env.invalidate_all()
            with measure(env.cr, "evaluation, nothing changed"):
                author_segment.action_kbe_refresh()
            moved = all_ids[::10]
            env.cr.execute(SQL("UPDATE res_partner SET city = 'Bogor' WHERE id = ANY(%s)", moved))
            env.invalidate_all()
            with measure(env.cr, "evaluation, a tenth moved away and leave"):
                author_segment.action_kbe_refresh()
            print(f"  {'':<44} ({author_segment.member_count:,} members)")
            env.invalidate_all()
            with measure(env.cr, "members reachable by phone (before use)"):
                phone = author_segment._kbe_members("phone")
            print(f"  {'':<44} ({len(phone):,} partners)")
            env.cr.execute(SQL("UPDATE res_partner SET city = 'Jakarta Selatan' WHERE id = ANY(%s)", moved))
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
