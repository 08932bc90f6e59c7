from . import kbe_partner_portal, kbe_partner_portal_deals, portal
