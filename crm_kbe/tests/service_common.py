from odoo.tests import new_test_user

from .common import KbeCommon


class KbeServiceCommon(KbeCommon):
    """A service team working Jakarta office hours (Mon-Fri 08-12 and 13-17), its agents, and two
    customer companies with a portal user each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Jakarta office hours",
                "tz": "Asia/Jakarta",
                "attendance_ids": [
                    (0, 0, {"name": f"{day} {period}", "dayofweek": str(day), "hour_from": start, "hour_to": end})
                    for day in range(5)
                    for period, start, end in (("morning", 8, 12), ("afternoon", 13, 17))
                ],
            }
        )
        cls.user_agent2 = new_test_user(
            cls.env, login="kbe_service_agent2", name="Budi Agent", groups="crm_kbe.group_service_agent"
        )
        cls.user_agent_other = new_test_user(
            cls.env, login="kbe_service_agent3", name="Citra Other Team", groups="crm_kbe.group_service_agent"
        )
        cls.team = cls.env["kbe.service.team"].create(
            {
                "name": "Test Customer Care",
                "member_ids": [(6, 0, (cls.user_service_agent | cls.user_agent2).ids)],
                "resource_calendar_id": cls.calendar.id,
                "alias_name": "kbe-test-care",
            }
        )
        cls.team_other = cls.env["kbe.service.team"].create(
            {
                "name": "Test Other Team",
                "member_ids": [(6, 0, cls.user_agent_other.ids)],
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.type_complaint = cls.env.ref("crm_kbe.kbe_ticket_type_complaint")
        cls.type_request = cls.env.ref("crm_kbe.kbe_ticket_type_request")
        cls.type_question = cls.env.ref("crm_kbe.kbe_ticket_type_question")
        cls.stage_new = cls.env.ref("crm_kbe.kbe_ticket_stage_new")
        cls.stage_solved = cls.env.ref("crm_kbe.kbe_ticket_stage_solved")
        cls.kita = cls.env.ref("crm_kbe.res_partner_kita_demo")
        cls.yeyen = cls.env.ref("crm_kbe.res_partner_kita_yeyen_demo")
        cls.sari = cls.env.ref("crm_kbe.res_partner_sari_rasa_demo")
        cls.dewi = cls.env.ref("crm_kbe.res_partner_sari_rasa_dewi_demo")
        # portal users on the demo contacts, keeping their names and e-mails
        cls.portal_kita, cls.portal_sari = (
            new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                partner_id=contact.id,
                name=contact.name,
                email=contact.email,
            )
            for login, contact in (("kbe_portal_kita", cls.yeyen), ("kbe_portal_sari", cls.dewi))
        )
        cls.product = cls.env.ref("crm_kbe.product_nasi_kotak_demo").product_variant_id

    def _ticket(self, user=None, **values):
        vals = {"name": "Late delivery", "partner_id": self.yeyen.id, "team_id": self.team.id}
        vals.update(values)
        return self.env["kbe.ticket"].with_user(user or self.user_service_manager).create(vals)
