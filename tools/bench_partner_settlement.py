"""Benchmark of the incentive settlement at volume: 1,000 active channel partners and 200,000
posted customer invoice lines of the deals they brought, settled as the Partner Program Manager.

For each size of ``--partners`` (100 and 1,000 by default) a scheme applying to that many
partners is settled: the computation of the lines (``action_compute``: basis, rate, calculation
and counted invoice lines of every partner) and, unless ``--no-documents``, the creation of one
draft credit note per partner (``action_create_documents``). Prints the time, the queries and the
queries per partner: the computation's queries stay the same whatever the number of partners or
invoice lines; the documents cost what Odoo's ``account.move.create`` costs per document.

Invoices are copied with SQL from one invoice created through the ORM (creating 200,000 lines
through the ORM would take far longer than what is measured); everything is rolled back at the
end. Run by hand, not in the test command (a small size first: ``--lines 20000``):

    $PY tools/bench_partner_settlement.py -c ~/.cache/crm_kbe/odoo-kbe_test-<hash>.conf -d kbe_test \\
        [--partners 100,1000] [--lines 200000] [--lines-per-move 10]
"""

import argparse
import time

import odoo
from odoo import Command
from odoo.tools import SQL, config


def make_partners(env, count):
    tier = env.ref("crm_kbe.kbe_partner_tier_silver")
    return env["res.partner"].create(
        [
            {
                "name": f"Bench Mitra {i:04d}",
                "is_company": True,
                "kbe_partner_status": "active",
                "kbe_partner_tier_id": tier.id,
            }
            for i in range(count)
        ]
    )


def make_invoice_lines(env, partners, lines, lines_per_move):
    """``lines`` posted invoice lines over ``lines / lines_per_move`` invoices dated in January
    2025, spread over ``partners``: copies of one invoice made through the ORM."""
    customer = env["res.partner"].create({"name": "PT. Bench Pelanggan", "is_company": True})
    product = env["product.product"].create({"name": "Bench Nasi Kotak", "type": "service"})
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": "2025-01-15",
            "kbe_channel_partner_id": partners[0].id,
            "invoice_line_ids": [
                Command.create(
                    {"product_id": product.id, "quantity": 1, "price_unit": 100, "tax_ids": [Command.clear()]}
                )
            ],
        }
    )
    template.action_post()
    env.flush_all()
    cr = env.cr

    def columns(table, replaced):
        cr.execute(
            SQL(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
                table,
            )
        )
        names = [name for (name,) in cr.fetchall()]
        targets = SQL(", ").join(SQL.identifier(name) for name in names)
        sources = SQL(", ").join(replaced.get(name, SQL.identifier("t", name)) for name in names)
        return targets, sources

    moves = lines // lines_per_move
    targets, sources = columns(
        "account_move",
        {
            "name": SQL("'BENCH/' || g"),
            "kbe_channel_partner_id": SQL("(%s::int[])[1 + mod(g, %s)]", partners.ids, len(partners)),
            "invoice_date": SQL("DATE '2025-01-01' + mod(g, 28)"),
            "date": SQL("DATE '2025-01-01' + mod(g, 28)"),
        },
    )
    cr.execute(
        SQL(
            "INSERT INTO account_move (%s) SELECT %s FROM account_move t, generate_series(1, %s) g"
            " WHERE t.id = %s RETURNING id",
            targets,
            sources,
            moves,
            template.id,
        )
    )
    move_ids = [move_id for (move_id,) in cr.fetchall()]
    line = template.invoice_line_ids[:1]
    targets, sources = columns(
        "account_move_line",
        {
            "move_id": SQL("m.id"),
            "balance": SQL("-(100 + s)"),
            "debit": SQL("0"),
            "credit": SQL("100 + s"),
            "amount_currency": SQL("-(100 + s)"),
            "price_subtotal": SQL("100 + s"),
            "price_total": SQL("100 + s"),
            "price_unit": SQL("100 + s"),
        },
    )
    cr.execute(
        SQL(
            """INSERT INTO account_move_line (%s)
               SELECT %s FROM account_move_line t, unnest(%s::int[]) m(id), generate_series(1, %s) s WHERE t.id = %s""",
            targets,
            sources,
            move_ids,
            lines_per_move,
            line.id,
        )
    )
    env.invalidate_all()
    return len(move_ids), cr.rowcount


def measure(env, action):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    action()
    env.flush_all()
    return env.cr.sql_log_count - queries, time.perf_counter() - start


def settle(env, manager, partners, with_documents):
    scheme = (
        env["kbe.incentive.scheme"]
        .with_user(manager)
        .create(
            {
                "name": f"Bench Rebate {len(partners)}",
                "partner_ids": [Command.set(partners.ids)],
                "line_ids": [
                    Command.create({"threshold": 1000, "rate": 2}),
                    Command.create({"threshold": 100000, "rate": 4}),
                ],
            }
        )
    )
    settlement = (
        env["kbe.incentive.settlement"]
        .with_user(manager)
        .create(
            {
                "name": f"Bench {len(partners)}",
                "date_from": "2025-01-01",
                "date_to": "2025-01-31",
                "scheme_ids": [Command.set(scheme.ids)],
            }
        )
    )
    rows = [("compute", *measure(env, settlement.action_compute))]
    if with_documents:
        rows.append(("documents", *measure(env, settlement.action_create_documents)))
    return settlement, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--partners", default="100,1000", help="settlement sizes, comma-separated")
    parser.add_argument("--lines", type=int, default=200_000, help="posted invoice lines in all")
    parser.add_argument("--lines-per-move", type=int, default=10)
    parser.add_argument("--no-documents", action="store_true", help="only compute the settlements")
    args = parser.parse_args()
    sizes = [int(size) for size in args.partners.split(",")]
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        manager = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Program Manager",
                    "login": "bench_partner_manager",
                    "groups_id": [Command.set(env.ref("crm_kbe.group_partner_manager").ids)],
                }
            )
        )
        partners = make_partners(env, max(sizes))
        start = time.perf_counter()
        moves, lines = make_invoice_lines(env, partners, args.lines, args.lines_per_move)
        print(
            f"{lines:,} posted invoice lines on {moves:,} invoices of {len(partners):,} partners "
            f"({time.perf_counter() - start:.1f} s to insert); as {manager.name}\n"
        )
        settle(env, manager, partners[:10], not args.no_documents)  # warm the caches, not measured
        print("| partners | step | queries | queries/partner | seconds | ms/partner |")
        print("|---:|---|---:|---:|---:|---:|")
        for size in sizes:
            settlement, rows = settle(env, manager, partners[:size], not args.no_documents)
            assert len(settlement.line_ids) == size, "every partner has a line"
            for step, queries, elapsed in rows:
                print(
                    f"| {size:,} | {step} | {queries} | {queries / size:.2f} | {elapsed:.2f} "
                    f"| {elapsed * 1000 / size:.1f} |",
                    flush=True,
                )
        cr.rollback()


if __name__ == "__main__":
    main()
