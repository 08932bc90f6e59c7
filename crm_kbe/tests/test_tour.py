import unittest

from odoo.tests import HttpCase, tagged
from odoo.tests.common import _find_executable


@tagged("post_install", "-at_install")
class TestPipelineTour(HttpCase):
    """In Chromium: the admin opens the CRM app and finds the pipeline and crm_kbe's menus."""

    def test_open_crm_pipeline(self):
        try:
            _find_executable()
        except unittest.SkipTest:
            # a missing browser must fail the tour, not skip it silently
            self.fail("Chromium is required for the tours: apt-get install chromium")
        self.start_tour("/odoo", "crm_kbe_open_pipeline", login="admin")
