from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestPipelineTour(KbeTourCase):
    """In Chromium: the sales rep opens the CRM app and finds the pipeline and crm_kbe's menus."""

    def test_open_crm_pipeline(self):
        self.start_tour("/odoo", "crm_kbe_open_pipeline", login=self.user_salesman.login)
