from . import controllers, models, report, wizards


def uninstall_hook(env):
    """crm_kbe unbinds Odoo's mass conversion from the lead list; give it back."""
    action = env.ref("crm.action_crm_send_mass_convert", raise_if_not_found=False)
    if action:
        action.binding_model_id = env.ref("crm.model_crm_lead")
