from datetime import datetime

from odoo.tests import new_test_user

from .common import KbeCommon


class KbeCallCommon(KbeCommon):
    """A telesales team (two salesmen), another team, a customer with a contact and an
    opportunity with its internal memo: what the call tests act on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesman.tz = "Asia/Jakarta"
        cls.user_salesman_2 = new_test_user(
            cls.env,
            login="kbe_salesman_2",
            name="Rudi Telesales",
            groups="sales_team.group_sale_salesman",
            tz="Asia/Jakarta",
        )
        cls.user_other_team = new_test_user(
            cls.env, login="kbe_salesman_other", name="Lina Other", groups="sales_team.group_sale_salesman"
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Telesales Uji",
                "kbe_sales_style": "b2c_telesales",
                "member_ids": [(4, cls.user_salesman.id), (4, cls.user_salesman_2.id)],
            }
        )
        cls.other_team = cls.env["crm.team"].create({"name": "Tim Lain", "member_ids": [(4, cls.user_other_team.id)]})
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "PT. Uji Katering",
                "is_company": True,
                "phone": "021-5550100",
                "kbe_company_size": "medium",
                "kbe_needs": "Makan siang 80 orang",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ibu Tini", "parent_id": cls.customer.id, "phone": "0812-1111-2222"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Katering makan siang",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "user_id": cls.user_salesman.id,
                "team_id": cls.team.id,
                "description": "<p>Kirim menu paket A dan tawarkan tes rasa.</p>",
            }
        )
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")

    @classmethod
    def _call(cls, user=None, **values):
        values = {
            "name": "Tawarkan paket A",
            "lead_id": cls.lead.id,
            "date_planned": datetime(2026, 3, 10, 3, 0),  # 10:00 in Jakarta
            **values,
        }
        return cls.env["kbe.call"].with_user(user or cls.user_salesman).create(values)
