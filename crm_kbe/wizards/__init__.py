from . import kbe_call_list, kbe_call_log, kbe_lead_convert, kbe_partner_scorecard_refresh
