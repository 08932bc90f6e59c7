from . import test_foundation, test_install, test_ticket, test_tour
