from datetime import datetime, time

from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestLayoutTour(KbeTourCase):
    """In Chromium, as the sales rep, at 1366x768: the pipeline card, the opportunity and customer
    forms and the call calendar keep their layout (sizes read in the browser, see
    static/tests/tours/crm_kbe_layout_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "PT. Nusantara Boga Sejahtera",
                "is_company": True,
                "industry_id": cls.env.ref("base.res_partner_industry_I").id,
                "category_id": [(0, 0, {"name": "Katering Korporat"})],
                "kbe_company_size": "medium",
            }
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Katering kantor pusat, paket makan siang harian untuk 250 karyawan",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.user_salesman.id,
                "expected_revenue": 125_000_000,
                "probability": 70,
                "kbe_margin_percent": 35,
                "kbe_sales_style": "b2b_complex",
            }
        )
        # today, so that the call is in the calendar's current week whatever the day
        cls.call = cls.env["kbe.call"].create(
            {
                "name": "Konfirmasi menu rapat",
                "partner_id": cls.customer.id,
                "lead_id": cls.opportunity.id,
                "user_id": cls.user_salesman.id,
                "date_planned": datetime.combine(datetime.today(), time(10, 0)),
                "duration_planned": 0.25,
            }
        )

    def test_pipeline_layout(self):
        self.assertFalse(self.opportunity.is_automated_probability, "the tour checks the automatic probability widget")
        self.start_tour("/odoo/crm", "crm_kbe_layout_pipeline_tour", login="kbe_salesman")

    def test_partner_form_layout(self):
        self.start_tour(f"/odoo/contacts/{self.customer.id}", "crm_kbe_layout_partner_tour", login="kbe_salesman")

    def test_call_calendar_layout(self):
        self.start_tour(
            "/odoo/action-crm_kbe.kbe_call_action?view_type=calendar",
            "crm_kbe_layout_calendar_tour",
            login="kbe_salesman",
        )


@tagged("post_install", "-at_install")
class TestLayoutTourFullHd(TestLayoutTour):
    """The same checks at 1920x1080."""

    browser_size = "1920x1080"
