from odoo.tests import new_test_user

from .common import KbeSalesCommon


class KbeTerritoryCommon(KbeSalesCommon):
    """Territories of their own (the demo ones archived): region Jawa (Jakarta and Jawa Barat) →
    area Jakarta → Jakarta Pusat (by city), Menteng (by postal codes) and Katering Besar (large
    food companies); each with the sales team and a salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["kbe.territory"].search([]).active = False
        # the rep of Jakarta Pusat, in the sales team (a user is in one team at a time)
        cls.user_rep_pusat = new_test_user(
            env, login="kbe_rep_pusat", name="Rudi Pusat", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.team.member_ids |= cls.user_rep_pusat
        cls.indonesia = env.ref("base.id")
        cls.jakarta = env.ref("base.state_id_jk")
        cls.jawa_barat = env.ref("base.state_id_jb")
        cls.jawa_timur = env.ref("base.state_id_ji")
        cls.food = env.ref("base.res_partner_industry_I")
        cls.region = env["kbe.territory"].create(
            {
                "name": "Jawa",
                "country_ids": [(6, 0, cls.indonesia.ids)],
                "state_ids": [(6, 0, (cls.jakarta | cls.jawa_barat).ids)],
                "team_id": cls.team.id,
                "user_id": cls.user_sales_manager.id,
            }
        )
        cls.area = env["kbe.territory"].create(
            {
                "name": "Jakarta",
                "parent_id": cls.region.id,
                "state_ids": [(6, 0, cls.jakarta.ids)],
                "team_id": cls.team.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.pusat = env["kbe.territory"].create(
            {
                "name": "Jakarta Pusat",
                "parent_id": cls.area.id,
                "city_names": "Jakarta Pusat, Kota Jakarta Pusat",
                "team_id": cls.team.id,
                "user_id": cls.user_rep_pusat.id,
                "kbe_channel_partner_id": cls.channel_partner.id,
            }
        )
        cls.menteng = env["kbe.territory"].create(
            {
                "name": "Menteng",
                "parent_id": cls.area.id,
                "zip_range_ids": [(0, 0, {"zip_from": "10310", "zip_to": "10350"})],
                "team_id": cls.team.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.big_catering = env["kbe.territory"].create(
            {
                "name": "Katering Besar",
                "parent_id": cls.area.id,
                "industry_ids": [(6, 0, cls.food.ids)],
                "company_size_large": True,
                "team_id": cls.team.id,
                "user_id": cls.user_sales_manager.id,
            }
        )

    def _facts(self, country=None, state=None, city=False, code=False, industry=None, size=False):
        country = self.indonesia if country is None else country
        return (country.id, state.id if state else False, city, code, industry.id if industry else False, size)

    def _match(self, **facts):
        """The territory the facts match (an empty recordset for none)."""
        [territory_id] = self.env["kbe.territory"]._kbe_match(self.env.company.id, [self._facts(**facts)])
        return self.env["kbe.territory"].browse(territory_id or [])
