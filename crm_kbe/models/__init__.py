from . import res_partner, res_company, res_config_settings, crm_lead, crm_team, sale_order, account_move
