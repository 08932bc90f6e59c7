from .common import KbeCommon


class KbeCampaignCommon(KbeCommon):
    """A campaign of the marketing user over a frozen segment of three customers of the KBE
    story: Rasa Prima (reachable by e-mail, phone and post, Salma the sales rep is their
    salesperson), Dapur Ibu (e-mail only) and Warung Sentosa (phone and post)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.sales_team = env["crm.team"].create(
            {"name": "Tim Kampanye", "member_ids": [(4, cls.user_salesman.id), (4, cls.user_sales_manager.id)]}
        )
        indonesia = env.ref("base.id")
        cls.rasa = env["res.partner"].create(
            {
                "name": "PT. Rasa Prima",
                "is_company": True,
                "email": "halo@rasaprima.example.com",
                "phone": "021-5550-1001",
                "street": "Jl. Kemang Raya 5",
                "zip": "12730",
                "city": "Jakarta Selatan",
                "country_id": indonesia.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.dapur = env["res.partner"].create(
            {"name": "CV. Dapur Ibu", "is_company": True, "email": "pesan@dapuribu.example.com"}
        )
        cls.warung = env["res.partner"].create(
            {
                "name": "Warung Sentosa",
                "is_company": True,
                "phone": "021-5550-1003",
                "street": "Jl. Pramuka 40",
                "zip": "13120",
                "city": "Jakarta Timur",
                "country_id": indonesia.id,
            }
        )
        cls.segment = env["kbe.segment"].create(
            {"name": "Pelanggan kampanye uji", "kind": "frozen", "user_id": cls.user_marketing.id}
        )
        # created frozen, it took a snapshot of every customer: it keeps these three
        cls.segment.member_ids.unlink()
        env["kbe.segment.member"].create(
            [
                {
                    "segment_id": cls.segment.id,
                    "partner_id": cls.rasa.id,
                    "reach_email": True,
                    "reach_phone": True,
                    "reach_post": True,
                },
                {"segment_id": cls.segment.id, "partner_id": cls.dapur.id, "reach_email": True},
                {"segment_id": cls.segment.id, "partner_id": cls.warung.id, "reach_phone": True, "reach_post": True},
            ]
        )
        cls.campaign = (
            env["utm.campaign"]
            .with_user(cls.user_marketing)
            .create(
                {
                    "title": "Promo Nasi Kotak Uji",
                    "kbe_objective": "Nasi kotak untuk rapat kantor.",
                    "kbe_date_start": "2026-03-01",
                    "kbe_date_end": "2026-03-31",
                    "kbe_budget": 1000.0,
                    "kbe_segment_ids": [(6, 0, cls.segment.ids)],
                }
            )
        )
        cls.product = env["product.product"].create(
            {"name": "Nasi Kotak Rendang", "list_price": 5.0, "type": "consu", "invoice_policy": "order"}
        )

    def _activity(self, channel, user=None, **values):
        return (
            self.env["kbe.campaign.activity"]
            .with_user(user or self.user_marketing)
            .create({"name": f"Uji {channel}", "campaign_id": self.campaign.id, "channel": channel, **values})
        )
