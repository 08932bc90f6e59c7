"""Benchmark: partner scorecards (``kbe.partner.scorecard._kbe_refresh``) for a quarter, as the
partner program manager clicks "Refresh", over N channel partners with won opportunities and a
volume of posted invoice lines through them. Prints one table: for each number of partners, the
queries and time of the first refresh (cards created) and of a second one (nothing changed,
nothing written), and the queries per partner. The number of queries does not grow with the
partners: the figures are grouped queries, the cards one upsert (INSERT ... ON CONFLICT DO UPDATE)
and one ranking UPDATE.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_partner_scorecard.py -c ~/.cache/crm_kbe/odoo-kbe_test-*.conf \\
        -d kbe_test [--partners 100,1000] [--lines 200000] [--won 10]

The data (partners, opportunities, invoices and their lines) is written with bulk SQL INSERTs in a
few seconds; everything is rolled back: the database is left as it was.
"""

import argparse
import time

from dateutil.relativedelta import relativedelta

import odoo
from odoo import fields
from odoo.tools import SQL, config, date_utils

LINES_PER_INVOICE = 4


def make_manager(env):
    group = env.ref("crm_kbe.group_partner_manager")
    users = env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
    return users.create({"name": "Bench Channel Manager", "login": "bench_channel", "groups_id": [(6, 0, group.ids)]})


def make_partners(env, count):
    partners = env["res.partner"].create(
        [{"name": f"PT. Bench Mitra {i:04d}", "is_company": True, "kbe_partner_status": "active"} for i in range(count)]
    )
    customers = env["res.partner"].create(
        [{"name": f"PT. Bench Pelanggan {i:03d}", "is_company": True} for i in range(200)]
    )
    env.flush_all()
    return partners, customers


def make_opportunities(env, partners, customers, won, date_from, date_to):
    """``won`` won opportunities per partner closed in the period, plus one open and one lost."""
    company = env.company
    env.execute_query(
        SQL(
            """INSERT INTO crm_lead (name, type, active, probability, expected_revenue, date_closed, create_date,
                                     write_date, kbe_channel_partner_id, partner_id, company_id)
               SELECT 'Bench deal ' || n, 'opportunity',
                      kind <> 'lost', CASE kind WHEN 'won' THEN 100 WHEN 'open' THEN 30 ELSE 0 END,
                      1000000 + mod(n, 97) * 10000,
                      CASE WHEN kind = 'open' THEN NULL
                           ELSE %(start)s::timestamp + ((mod(n, %(days)s)) || ' days')::interval END,
                      %(start)s::timestamp, %(start)s::timestamp,
                      (%(partners)s::int[])[1 + mod(n, %(count)s)], (%(customers)s::int[])[1 + mod(n, 200)], %(company)s
                 FROM (SELECT n, CASE WHEN n < %(won_total)s THEN 'won'
                                      WHEN n < %(won_total)s + %(count)s THEN 'open' ELSE 'lost' END AS kind
                         FROM generate_series(0, %(won_total)s + 2 * %(count)s - 1) n) s""",
            start=date_from,
            days=(date_to - date_from).days + 1,
            partners=partners.ids,
            customers=customers.ids,
            count=len(partners),
            won_total=won * len(partners),
            company=company.id,
        )
    )


def make_invoices(env, partners, customers, lines, date_from, date_to):
    """``lines`` posted invoice lines through the partners (``LINES_PER_INVOICE`` per invoice), one
    invoice in ten a credit note."""
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    account = journal.default_account_id or env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
    )
    moves = lines // LINES_PER_INVOICE
    params = {
        "journal": journal.id,
        "currency": company.currency_id.id,
        "company": company.id,
        "start": date_from,
        "days": (date_to - date_from).days + 1,
        "partners": partners.ids,
        "customers": customers.ids,
        "count": len(partners),
    }
    env.execute_query(
        SQL(
            """INSERT INTO account_move (name, journal_id, currency_id, company_id, state, move_type, auto_post,
                                         date, invoice_date, partner_id, commercial_partner_id, kbe_channel_partner_id,
                                         amount_untaxed, amount_untaxed_signed, amount_total, amount_total_signed,
                                         create_date, write_date)
               SELECT 'BENCH/' || n, %(journal)s, %(currency)s, %(company)s, 'posted',
                      CASE WHEN mod(n, 10) = 9 THEN 'out_refund' ELSE 'out_invoice' END, 'no',
                      %(start)s::date + mod(n, %(days)s), %(start)s::date + mod(n, %(days)s),
                      (%(customers)s::int[])[1 + mod(n, 200)], (%(customers)s::int[])[1 + mod(n, 200)],
                      (%(partners)s::int[])[1 + mod(n, %(count)s)],
                      %(lines)s * 250000, CASE WHEN mod(n, 10) = 9 THEN -1 ELSE 1 END * %(lines)s * 250000,
                      %(lines)s * 250000, CASE WHEN mod(n, 10) = 9 THEN -1 ELSE 1 END * %(lines)s * 250000,
                      now(), now()
                 FROM generate_series(0, %(moves)s - 1) n""",
            moves=moves,
            lines=LINES_PER_INVOICE,
            **params,
        )
    )
    env.execute_query(
        SQL(
            """INSERT INTO account_move_line (move_id, move_name, journal_id, company_id, currency_id,
                                              company_currency_id, account_id, partner_id, date, parent_state,
                                              display_type, name, quantity, price_unit, price_subtotal, price_total,
                                              balance, amount_currency, debit, credit)
               SELECT m.id, m.name, m.journal_id, m.company_id, m.currency_id, m.currency_id, %(account)s,
                      m.partner_id, m.date, 'posted', 'product', 'Nasi kotak ' || k, 10, 25000, 250000, 250000,
                      CASE WHEN m.move_type = 'out_refund' THEN 250000 ELSE -250000 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 250000 ELSE -250000 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 250000 ELSE 0 END,
                      CASE WHEN m.move_type = 'out_refund' THEN 0 ELSE 250000 END
                 FROM account_move m, generate_series(1, %(lines)s) k
                WHERE starts_with(m.name, 'BENCH/')""",
            account=account.id,
            lines=LINES_PER_INVOICE,
        )
    )
    return moves


def refresh(env, manager, partners, date_from, date_to):
    """Queries and seconds of one refresh as the manager, caches emptied first, everything flushed."""
    env.flush_all()
    env.invalidate_all()
    Scorecard = env["kbe.partner.scorecard"].with_user(manager)
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    cards = Scorecard._kbe_refresh(date_from, date_to, partners=partners.with_user(manager))
    env.flush_all()
    elapsed = time.perf_counter() - start
    assert len(cards) == len(partners), "one card per partner"
    return env.cr.sql_log_count - queries, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--partners", default="100,1000", help="numbers of partners refreshed, comma-separated")
    parser.add_argument("--lines", type=int, default=200000, help="posted invoice lines through the partners")
    parser.add_argument("--won", type=int, default=10, help="won opportunities per partner in the quarter")
    args = parser.parse_args()
    sizes = [int(size) for size in args.partners.split(",")]
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        # last quarter: a closed period, as the scorecards a manager compares
        date_from = date_utils.start_of(today, "quarter") - relativedelta(months=3)
        date_to = date_utils.end_of(date_from, "quarter")
        start = time.perf_counter()
        manager = make_manager(env)
        partners, customers = make_partners(env, max(sizes))
        make_opportunities(env, partners, customers, args.won, date_from, date_to)
        moves = make_invoices(env, partners, customers, args.lines, date_from, date_to)
        env.cr.execute("ANALYZE crm_lead; ANALYZE account_move; ANALYZE account_move_line")
        print(
            f"{len(partners):,} partners, {args.won * len(partners):,} won opportunities, {moves:,} posted invoices "
            f"({moves * LINES_PER_INVOICE:,} lines) in {time.perf_counter() - start:.1f} s; refresh of "
            f"{date_from} - {date_to} as {manager.name} (Partner Program Manager)\n"
        )
        # warm the ormcaches and the registry with a small refresh of another period
        refresh(env, manager, partners[:5], date_from - relativedelta(months=3), date_from - relativedelta(days=1))
        print("| partners | first refresh queries | queries/partner | ms | second refresh queries | ms |")
        print("|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            chunk = partners[:size]
            # each size its own cards: a new period for the first refresh
            first_q, first_t = refresh(env, manager, chunk, date_from, date_to)
            second_q, second_t = refresh(env, manager, chunk, date_from, date_to)
            print(
                f"| {size:,} | {first_q} | {first_q / size:.3f} | {first_t * 1000:.0f} | {second_q} "
                f"| {second_t * 1000:.0f} |",
                flush=True,
            )
            env["kbe.partner.scorecard"].search([("partner_id", "in", chunk.ids)]).unlink()
        cr.rollback()


if __name__ == "__main__":
    main()
