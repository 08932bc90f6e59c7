from . import account_move, crm_lead, crm_team, res_company, res_config_settings, res_partner, sale_order
