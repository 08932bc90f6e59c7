from . import controllers, models, report, wizards


def post_init_hook(env):
    """KBE's "won on quotation" for the companies that start selling with crm_kbe; a company that
    already had opportunities or sales orders keeps Odoo's behaviour ("never", the field default)
    until someone chooses otherwise in the CRM settings. crm_kbe's own demo records do not count."""
    busy = set()
    for model, domain in (("crm.lead", [("type", "=", "opportunity")]), ("sale.order", [])):
        own = env["ir.model.data"].search([("module", "=", "crm_kbe"), ("model", "=", model)]).mapped("res_id")
        groups = (
            env[model].with_context(active_test=False)._read_group(domain + [("id", "not in", own)], ["company_id"])
        )
        busy |= {company.id for (company,) in groups}
    if False in busy:
        return  # records shared by every company: they all had data
    fresh = env["res.company"].search([("id", "not in", list(busy)), ("kbe_won_trigger", "=", "never")])
    fresh.kbe_won_trigger = "quotation"
