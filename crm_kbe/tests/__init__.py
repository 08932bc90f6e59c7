from . import (
    test_foundation,
    test_install,
    test_lead_convert,
    test_lead_revenue,
    test_partner_profile,
    test_realized_revenue,
    test_sales_flow_rpc,
    test_sales_flow_tour,
    test_tour,
    test_won_on_order,
)
