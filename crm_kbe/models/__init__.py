from . import (
    account_move,
    calendar_event,
    crm_lead,
    crm_team,
    kbe_call,
    mail_activity,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
