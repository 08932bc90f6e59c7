from . import kbe_campaign_report, kbe_forecast_report
