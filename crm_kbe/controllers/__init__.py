from . import kbe_partner_portal, portal
