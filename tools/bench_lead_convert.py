"""Benchmark: lead conversion as the sales rep, crm_kbe's wizard beside stock Odoo's wizards, in the
same run, on the same database and the same kind of data. Prints one table:

    (a) one lead through the wizard's form (``Form``: open, choose "create a customer", apply), as
        a user clicks it: crm_kbe's ``kbe.lead.convert`` against Odoo's ``crm.lead2opportunity.partner``;
    (b) mass conversion of N leads: crm_kbe's wizard against Odoo's ``crm.lead2opportunity.partner.mass``
        ("use existing partner or create", no deduplication), per lead, for each N.

    ~/.cache/crm_kbe/venv-py3.11/bin/python tools/bench_lead_convert.py -c ~/.cache/crm_kbe/odoo-kbe_test-*.conf \\
        -d kbe_test [--leads 100,1000] [--single 20]

``--leads 100,1000,10000`` adds the 10,000-lead size (a few minutes; stock Odoo's mass conversion
runs only up to ``--odoo-max``, 1,000 by default, as it takes about 15 minutes for 10,000). The rep (Sales / User: Own
Documents Only) converts their own leads; a colleague of the same team has leads with the same
e-mail and company, which the rep cannot see. Everything is rolled back: the database is left as
it was.
"""

import argparse
import statistics
import time

import odoo
from odoo.tests import Form
from odoo.tools import config


def make_personas(env):
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
    rep, colleague = users.create(
        [
            {
                "name": "Bench Rep",
                "login": "bench_rep",
                "email": "rep@bench.example.com",
                "groups_id": [(6, 0, group.ids)],
            },
            {"name": "Bench Colleague", "login": "bench_colleague", "groups_id": [(6, 0, group.ids)]},
        ]
    )
    team = env["crm.team"].create({"name": "Bench Team", "member_ids": [(6, 0, (rep | colleague).ids)]})
    return rep, colleague, team


def make_leads(env, tag, count, rep, colleague, team):
    """``count`` leads of the rep, each with a twin of the colleague (same e-mail and company)."""

    def values(i, user):
        return {
            "name": f"Bench {tag} {i}",
            "type": "lead",
            "partner_name": f"PT. Bench {tag} {i}",
            "contact_name": f"Kontak {tag} {i}",
            "email_from": f"kontak{i}@bench-{tag}.example.com",
            "phone": f"+62 812 {i:05d} {len(tag):03d}",
            "user_id": user.id,
            "team_id": team.id,
        }

    leads = env["crm.lead"].create([values(i, rep) for i in range(count)])
    env["crm.lead"].create([values(i, colleague) for i in range(count)])
    env.flush_all()
    return leads.with_user(rep)


def run(env, convert, leads):
    """Queries and seconds of ``convert(leads)``, caches emptied first, everything flushed."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    convert(leads)
    env.flush_all()
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries
    assert set(leads.sudo().mapped("type")) == {"opportunity"}, "not every lead was converted"
    return queries, elapsed


def kbe_form(lead):
    action = lead.action_kbe_convert()
    form = Form(lead.env["kbe.lead.convert"].with_context(**action["context"]))
    form.customer_action = "create"
    form.save().action_apply()


def odoo_form(lead):
    # the web client loads the button's action before opening the wizard (crm_kbe's button
    # returns its action from action_kbe_convert)
    lead.env["ir.actions.actions"]._for_xml_id("crm.action_crm_lead2opportunity_partner")
    context = {"active_model": "crm.lead", "active_id": lead.id, "active_ids": lead.ids}
    form = Form(lead.env["crm.lead2opportunity.partner"].with_context(**context))
    form.name = "convert"
    form.action = "create"
    form.save().action_apply()


def kbe_mass(leads):
    action = leads.action_kbe_convert()
    wizard = leads.env["kbe.lead.convert"].with_context(**action["context"]).create({"customer_action": "create"})
    wizard.action_apply()


def odoo_mass(leads):
    context = {"active_model": "crm.lead", "active_ids": leads.ids, "active_id": leads[:1].id}
    rep = leads.env.user
    wizard = (
        leads.env["crm.lead2opportunity.partner.mass"]
        .with_context(**context)
        .create(
            {
                "name": "convert",
                "action": "each_exist_or_create",
                "user_ids": [(6, 0, rep.ids)],
                "team_id": leads[:1].team_id.id,
                "deduplicate": False,
            }
        )
    )
    wizard.action_mass_convert()


def single(env, personas, count):
    """Median queries and time of converting one lead through each wizard's form."""
    results = {}
    for label, convert in (("Odoo", odoo_form), ("crm_kbe", kbe_form)):
        leads = make_leads(env, f"s-{label}", count + 2, *personas)
        for lead in leads[:2]:  # warm the ormcaches and the views
            run(env, convert, lead)
        measures = [run(env, convert, lead) for lead in leads[2:]]
        results[label] = (
            statistics.median(q for q, _t in measures),
            statistics.median(t for _q, t in measures),
        )
    return results


def mass(env, personas, count, with_odoo=True):
    results = {}
    for label, convert in (("Odoo", odoo_mass), ("crm_kbe", kbe_mass)):
        if label == "Odoo" and not with_odoo:
            continue
        run(env, convert, make_leads(env, f"w-{label}-{count}", 5, *personas))  # warm up
        queries, elapsed = run(env, convert, make_leads(env, f"m-{label}-{count}", count, *personas))
        results[label] = (queries / count, elapsed / count)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--leads", default="100,1000", help="mass conversion sizes, comma-separated")
    parser.add_argument("--single", type=int, default=20, help="leads converted one by one through each form")
    parser.add_argument(
        "--odoo-max", type=int, default=1000, help="stock Odoo's mass conversion only up to this size (it is slow)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.leads.split(",")]
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        personas = make_personas(env)
        print(f"as {personas[0].name} (Sales / User: Own Documents Only), each lead has a colleague's twin\n")
        print(
            "| case | leads | stock Odoo queries/lead | crm_kbe queries/lead | ratio "
            "| stock Odoo ms/lead | crm_kbe ms/lead | ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")

        def row(case, count, results):
            kbe_q, kbe_t = results["crm_kbe"]
            if "Odoo" not in results:
                print(f"| {case} | {count:,} | — | {kbe_q:.1f} | — | — | {kbe_t * 1000:.1f} | — |", flush=True)
                return
            odoo_q, odoo_t = results["Odoo"]
            print(
                f"| {case} | {count:,} | {odoo_q:.1f} | {kbe_q:.1f} | {kbe_q / odoo_q:.2f} "
                f"| {odoo_t * 1000:.1f} | {kbe_t * 1000:.1f} | {kbe_t / odoo_t:.2f} |",
                flush=True,
            )

        row("one lead, wizard form (median)", 1, single(env, personas, args.single))
        for count in sizes:
            row("mass conversion", count, mass(env, personas, count, with_odoo=count <= args.odoo_max))
        cr.rollback()


if __name__ == "__main__":
    main()
