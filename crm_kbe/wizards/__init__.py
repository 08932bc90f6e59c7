from . import kbe_lead_convert
