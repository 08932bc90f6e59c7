from . import kbe_campaign_report
