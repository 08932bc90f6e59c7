from . import kbe_campaign_report, kbe_forecast_report, kbe_sla_report
