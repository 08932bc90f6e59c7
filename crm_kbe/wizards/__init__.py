from . import (
    kbe_call_list,
    kbe_call_log,
    kbe_campaign_response_wizard,
    kbe_lead_convert,
    kbe_lead_forward_wizard,
    kbe_partner_scorecard_refresh,
    kbe_stage_override,
    kbe_territory_realign,
)
