"""Benchmark: customer value (``kbe.customer.value._kbe_recompute``) over a growing volume of
customers and posted invoice lines, beside one plain SQL aggregate of the same lines (partner,
company, sum, count, min and max date, GROUP BY) as the yardstick: the customer value should stay
within 3x of it, and its number of queries should not grow with the volume.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_customer_value.py -c ~/.cache/crm_kbe/odoo-kbe_test-*.conf \\
        -d kbe_test [--customers 10000,100000] [--lines 100000,1000000]

For each volume (customers and lines in all; the data grows from one to the next), it prints the
plain aggregate over the company's lines, the scheduled job (``_cron_kbe_recompute``: the company
in one pass) on its first run (every row inserted) and on a second one (nothing changed, nothing
written), and the on-demand recompute of 1 and of 1,000 customers (their figures, then the
company's scores): queries and milliseconds of each. The data (customers, invoices and their
lines) is written with bulk SQL INSERTs; everything is rolled back: the database is left as it was.
"""

import argparse
import time

import odoo
from odoo import fields
from odoo.tools import SQL, config

LINES_PER_INVOICE = 4
HISTORY_DAYS = 730  # invoices spread over the last two years


def make_customers(env, count):
    rows = env.execute_query(
        SQL(
            """INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills,
                                        customer_rank, create_date, write_date)
               SELECT 'PT. Bench Pelanggan ' || n, 'PT. Bench Pelanggan ' || n, TRUE, TRUE, 'contact',
                      'ask', 1, now(), now()
                 FROM generate_series(1, %s) n
            RETURNING id""",
            count,
        )
    )
    ids = [partner_id for (partner_id,) in rows]
    env.execute_query(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids))
    return ids


def make_invoices(env, customer_ids, lines, today, prefix):
    """``lines`` posted invoice lines (``LINES_PER_INVOICE`` per invoice) over the customers, one
    invoice in ten a credit note, dated over the last ``HISTORY_DAYS`` days."""
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    account = journal.default_account_id
    moves = lines // LINES_PER_INVOICE
    env.execute_query(
        SQL(
            """INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post,
                                         date, invoice_date, partner_id, commercial_partner_id,
                                         amount_untaxed, amount_untaxed_signed, amount_total, amount_total_signed,
                                         create_date, write_date)
               SELECT %(prefix)s || n, %(journal)s, %(currency)s, %(company)s, 'posted',
                      CASE WHEN mod(n, 10) = 9 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
                      %(today)s::date - mod(n * 7, %(days)s), %(today)s::date - mod(n * 7, %(days)s),
                      c.id, c.id,
                      %(amount)s, CASE WHEN mod(n, 10) = 9 THEN -1 ELSE 1 END * %(amount)s,
                      %(amount)s, CASE WHEN mod(n, 10) = 9 THEN -1 ELSE 1 END * %(amount)s,
                      now(), now()
                 FROM generate_series(0, %(moves)s - 1) n
                 JOIN LATERAL (SELECT (%(customers)s::int[])[1 + mod(n * 7919, %(count)s)] AS id) c ON TRUE""",
            journal=journal.id,
            currency=company.currency_id.id,
            company=company.id,
            today=today,
            days=HISTORY_DAYS,
            customers=customer_ids,
            count=len(customer_ids),
            moves=moves,
            amount=LINES_PER_INVOICE * 250,
            prefix=prefix,
        )
    )
    env.execute_query(
        SQL(
            """INSERT INTO account_move_line (move_id, move_name, journal_id, company_id, currency_id,
                                              company_currency_id, account_id, partner_id, date, parent_state,
                                              display_type, name, quantity, price_unit, price_subtotal, price_total,
                                              balance, amount_currency, debit, credit)
               SELECT m.id, m.name, m.journal_id, m.company_id, m.currency_id, m.currency_id, %(account)s,
                      m.partner_id, m.date, 'posted', 'product', 'Nasi kotak ' || k, 100, 2.5, 250, 250,
                      CASE WHEN m.move_type = 'out_refund' THEN 250 ELSE -250 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 250 ELSE -250 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 250 ELSE 0 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 0 ELSE 250 END
                 FROM account_move m, generate_series(1, %(lines)s) k
                WHERE starts_with(m.name, %(prefix)s)""",
            account=account.id,
            lines=LINES_PER_INVOICE,
            prefix=prefix,
        )
    )
    return moves


def measure(env, function):
    """Queries and milliseconds of ``function()``, caches emptied first, everything flushed."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = function()
    env.flush_all()
    return env.cr.sql_log_count - queries, (time.perf_counter() - start) * 1000, result


def plain_aggregate(env):
    return env.execute_query(
        SQL(
            """SELECT partner_id, company_id, SUM(balance), COUNT(*), MIN(date), MAX(date)
                 FROM account_move_line
                WHERE parent_state = 'posted' AND display_type = 'product' AND company_id = %s
             GROUP BY partner_id, company_id""",
            env.company.id,
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", default="10000,100000", help="customers in all at each volume")
    parser.add_argument("--lines", default="100000,1000000", help="posted invoice lines in all at each volume")
    args = parser.parse_args()
    volumes = list(zip(map(int, args.customers.split(",")), map(int, args.lines.split(",")), strict=True))
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Value = env["kbe.customer.value"]
        Partner = env["res.partner"]
        today = fields.Date.context_today(Value)
        customer_ids, lines_made = [], 0
        print(
            "| customers | lines | plain aggregate ms | job, first run: queries | ms | x aggregate "
            "| job, second run: queries | ms | x aggregate | 1 on demand: queries | ms "
            "| 1,000 on demand: queries | ms |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for stage, (customers, lines) in enumerate(volumes, 1):
            start = time.perf_counter()
            new_ids = make_customers(env, customers - len(customer_ids))
            make_invoices(env, new_ids, lines - lines_made, today, f"BENCHCV{stage}/")
            customer_ids += new_ids
            lines_made = lines
            env.cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line")
            env.execute_query(SQL("DELETE FROM kbe_customer_value"))
            env.invalidate_all()
            built = time.perf_counter() - start
            plain_aggregate(env)  # the same warm cache for both
            _q, aggregate_ms, _groups = measure(env, lambda: plain_aggregate(env))
            first_q, first_ms, _r = measure(env, Value._cron_kbe_recompute)
            env.cr.execute("ANALYZE kbe_customer_value")
            second_q, second_ms, _r = measure(env, Value._cron_kbe_recompute)
            one = Partner.browse(customer_ids[len(customer_ids) // 2])
            one_q, one_ms, _r = measure(env, lambda one=one: Value._kbe_recompute(partners=one, companies=env.company))
            some = Partner.browse(customer_ids[:1000])
            some_q, some_ms, _r = measure(
                env, lambda some=some: Value._kbe_recompute(partners=some, companies=env.company)
            )
            print(
                f"| {len(customer_ids):,} | {lines:,} | {aggregate_ms:.0f} | {first_q} | {first_ms:.0f} | "
                f"{first_ms / aggregate_ms:.2f} | {second_q} | {second_ms:.0f} | {second_ms / aggregate_ms:.2f} | "
                f"{one_q} | {one_ms:.0f} | {some_q} | {some_ms:.0f} |   (data written in {built:.0f} s)",
                flush=True,
            )
        cr.rollback()


if __name__ == "__main__":
    main()
