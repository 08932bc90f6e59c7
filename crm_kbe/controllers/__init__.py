from . import (
    kbe_partner_portal,
    kbe_partner_portal_deals,
    kbe_partner_portal_funds,
    kbe_partner_portal_plan,
    kbe_partner_portal_program,
    portal,
)
