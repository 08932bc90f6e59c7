"""Benchmark: convert N generated leads with crm_kbe's wizard and with Odoo's own mass conversion,
in the same run and database, and print time and queries per lead and their ratio.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_lead_convert.py -c ~/.cache/crm_kbe/odoo-test.conf \\
        -d kbe_test [--leads 1000]

Both conversions get the same kind of leads (company name, contact, e-mail, phone; no customer
yet) and the same choices: create the customers, assign one salesperson and team. Everything runs
in a transaction that is rolled back: the database is left as it was.
"""

import argparse
import time

import odoo
from odoo.tools import config


def make_leads(env, tag, count, team):
    return env["crm.lead"].create(
        [
            {
                "name": f"Bench {tag} {i}",
                "type": "lead",
                "partner_name": f"PT. Bench {tag} {i}",
                "contact_name": f"Kontak {tag} {i}",
                "email_from": f"kontak{i}@bench-{tag}.example.com",
                "phone": f"+62 812 {i:04d} {len(tag):04d}",
                "team_id": team.id,
            }
            for i in range(count)
        ]
    )


def measure(env, label, leads, convert):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    convert(leads)
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    count = len(leads)
    assert set(leads.mapped("type")) == {"opportunity"}, f"{label}: not every lead was converted"
    print(
        f"{label:>24}: {count} leads in {elapsed:7.2f} s = {elapsed / count * 1000:6.1f} ms/lead, "
        f"{queries:7d} queries = {queries / count:5.1f} queries/lead"
    )
    return elapsed / count, queries / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--leads", type=int, default=1000)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = env(user=admin)
        # the sales manager converts and assigns the opportunities to a rep of the team
        team = env.ref("sales_team.team_sales_department")
        user = env.ref("base.user_demo", raise_if_not_found=False) or admin
        print(f"converting as {admin.name}, assigning to {user.name} in {team.name}")

        def kbe(leads):
            wizard = env["kbe.lead.convert"].create(
                {"lead_ids": [(6, 0, leads.ids)], "customer_action": "create", "user_id": user.id, "team_id": team.id}
            )
            wizard.action_apply()

        def odoo_mass(leads):
            wizard = (
                env["crm.lead2opportunity.partner.mass"]
                .with_context(active_model="crm.lead", active_ids=leads.ids, active_id=leads[:1].id)
                .create(
                    {
                        "lead_tomerge_ids": [(6, 0, leads.ids)],
                        "name": "convert",
                        "action": "each_exist_or_create",
                        "user_id": user.id,
                        "team_id": team.id,
                        "deduplicate": False,
                    }
                )
            )
            wizard.action_mass_convert()

        odoo_leads = make_leads(env, "odoo", args.leads, team)
        kbe_leads = make_leads(env, "kbe", args.leads, team)
        odoo_time, odoo_queries = measure(env, "Odoo mass conversion", odoo_leads, odoo_mass)
        kbe_time, kbe_queries = measure(env, "crm_kbe conversion", kbe_leads, kbe)
        print(
            f"{'ratio crm_kbe / Odoo':>24}: time {kbe_time / odoo_time:.2f}, queries {kbe_queries / odoo_queries:.2f}"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
