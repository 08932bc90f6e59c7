from . import (
    test_call,
    test_call_activity,
    test_call_list,
    test_call_security,
    test_call_tour,
    test_foundation,
    test_install,
    test_tour,
)
