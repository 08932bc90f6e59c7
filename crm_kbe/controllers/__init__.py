from . import kbe_partner_portal, kbe_partner_portal_plan, portal
