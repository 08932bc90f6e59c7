"""Benchmark: customer value (``kbe.customer.value._kbe_recompute``) over N customers with a volume
of posted invoice lines, beside one plain SQL aggregate of the same lines (partner, company, sum,
count, min and max date, GROUP BY) as the yardstick: the customer value should stay within 3x of
it, and its number of queries should not grow with the customers.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_customer_value.py -c ~/.cache/crm_kbe/odoo-kbe_test-*.conf \\
        -d kbe_test [--customers 10000,100000] [--lines 1000000]

Prints, for each number of customers (the first N of the bench customers): the plain aggregate
over their lines, the customer value computed in one statement for those customers (first run:
rows inserted; second run: nothing changed, nothing written), and the scheduled job's batched
run (5,000 customers per statement) over all of them; the queries and milliseconds of each, and
one customer recomputed on demand. The data (customers, invoices and their lines) is written
with bulk SQL INSERTs; everything is rolled back: the database is left as it was.
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


def make_invoices(env, customer_ids, lines, today):
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
               SELECT 'BENCHCV/' || n, %(journal)s, %(currency)s, %(company)s, 'posted',
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
                WHERE starts_with(m.name, 'BENCHCV/')""",
            account=account.id,
            lines=LINES_PER_INVOICE,
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


def plain_aggregate(env, customer_ids):
    return env.execute_query(
        SQL(
            """SELECT partner_id, company_id, SUM(balance), COUNT(*), MIN(date), MAX(date)
                 FROM account_move_line
                WHERE parent_state = 'posted' AND display_type = 'product' AND partner_id = ANY(%s)
             GROUP BY partner_id, company_id""",
            customer_ids,
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", default="10000,100000", help="numbers of customers, comma-separated")
    parser.add_argument("--lines", type=int, default=1000000, help="posted invoice lines over the largest number")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.customers.split(","))
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Value = env["kbe.customer.value"]
        today = fields.Date.context_today(Value)
        start = time.perf_counter()
        customer_ids = make_customers(env, sizes[-1])
        moves = make_invoices(env, customer_ids, args.lines, today)
        env.cr.execute("ANALYZE res_partner; ANALYZE account_move; ANALYZE account_move_line")
        print(
            f"{len(customer_ids):,} customers, {moves:,} posted invoices and credit notes "
            f"({moves * LINES_PER_INVOICE:,} lines) written in {time.perf_counter() - start:.1f} s\n"
        )
        Partner = env["res.partner"]
        print(
            "| customers | lines | plain aggregate ms | value, first run: queries | ms | x aggregate "
            "| second run: queries | ms | batched job: queries | ms | x aggregate |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            ids = customer_ids[:size]
            customers = Partner.browse(ids)
            plain_aggregate(env, ids)  # warm the cache the same way for both
            _q, aggregate_ms, groups = measure(env, lambda ids=ids: plain_aggregate(env, ids))
            lines = sum(count for _p, _c, _s, count, _mi, _ma in groups)
            first_q, first_ms, _r = measure(env, lambda c=customers: Value._kbe_recompute(partners=c))
            second_q, second_ms, _r = measure(env, lambda c=customers: Value._kbe_recompute(partners=c))
            env.execute_query(SQL("DELETE FROM kbe_customer_value WHERE partner_id = ANY(%s)", ids))
            env.invalidate_all()
            # the scheduled job over these customers: 5,000 per statement
            job_q, job_ms, _r = measure(env, lambda c=customers: Value._kbe_recompute(partners=c, batch_size=5000))
            print(
                f"| {size:,} | {lines:,} | {aggregate_ms:.0f} | {first_q} | {first_ms:.0f} | "
                f"{first_ms / aggregate_ms:.2f} | {second_q} | {second_ms:.0f} | {job_q} | {job_ms:.0f} | "
                f"{job_ms / aggregate_ms:.2f} |",
                flush=True,
            )
        one = Partner.browse(customer_ids[len(customer_ids) // 2])
        one_q, one_ms, _r = measure(env, lambda: Value._kbe_recompute(partners=one, companies=env.company))
        print(
            f"\none customer on demand (its figures, then the company's {len(customer_ids):,} scores): "
            f"{one_q} queries, {one_ms:.0f} ms"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
