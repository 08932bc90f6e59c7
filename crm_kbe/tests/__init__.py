from . import (
    test_foundation,
    test_install,
    test_ticket,
    test_ticket_mail,
    test_ticket_portal,
    test_ticket_rating,
    test_ticket_sla,
    test_tour,
)
