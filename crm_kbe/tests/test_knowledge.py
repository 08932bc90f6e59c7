from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestKnowledge(KbeServiceCommon):
    """Articles suggested on a ticket by type, product and subject words; linking one records it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["kbe.knowledge.article"]
        Article.search([]).active = False  # only this test's articles
        cls.by_type = Article.create(
            {"name": "Handling complaints", "ticket_type_ids": [(6, 0, cls.type_complaint.ids)]}
        )
        cls.by_product = Article.create(
            {"name": "Rice box contents", "product_ids": [(6, 0, cls.product.product_tmpl_id.ids)]}
        )
        cls.by_words = Article.create({"name": "Driver tracking", "keywords": "terlambat pengiriman"})
        cls.both = Article.create(
            {
                "name": "Late rice boxes",
                "ticket_type_ids": [(6, 0, cls.type_complaint.ids)],
                "product_ids": [(6, 0, cls.product.product_tmpl_id.ids)],
                "is_published": True,
            }
        )
        cls.unrelated = Article.create({"name": "Invoice copies", "keywords": "faktur"})

    def test_suggestions_follow_type_product_and_subject_words(self):
        ticket = self._ticket(
            name="Pengiriman terlambat", type_id=self.type_complaint.id, product_id=self.product.id
        ).with_user(self.user_service_agent)
        suggested = ticket.suggested_article_ids
        self.assertEqual(suggested[0], self.both, "type and product together rank first")
        self.assertEqual(set(suggested.ids), {self.both.id, self.by_type.id, self.by_product.id, self.by_words.id})
        self.assertNotIn(self.unrelated, suggested)
        question = self._ticket(name="Minta faktur", type_id=self.type_question.id).with_user(self.user_service_agent)
        self.assertEqual(question.suggested_article_ids, self.unrelated)

    def test_suggestions_for_many_tickets_cost_one_search(self):
        tickets = self.env["kbe.ticket"].create(
            [{"name": f"Pengiriman terlambat {i}", "type_id": self.type_complaint.id} for i in range(10)]
        )
        tickets.invalidate_recordset()
        with self.assertQueryCount(__system__=6):
            tickets.mapped("suggested_article_ids")

    def test_linking_an_article_records_that_it_solved_the_ticket(self):
        ticket = self._ticket(name="Pengiriman terlambat", type_id=self.type_complaint.id)
        self.both.with_user(self.user_service_agent).with_context(kbe_ticket_id=ticket.id).action_link_to_ticket()
        self.assertEqual(ticket.article_ids, self.both)
        self.assertNotIn(self.both, ticket.suggested_article_ids, "a linked article is no longer suggested")
        self.assertEqual(self.both.solved_count, 1)
        self.assertIn("Late rice boxes", ticket.message_ids[0].body)
        self.assertEqual(self.env["kbe.ticket"].search(self.both.action_open_tickets()["domain"]), ticket)
        with self.assertRaisesRegex(UserError, "does not exist"):
            ticket.action_link_article(999999)

    def test_agents_search_articles_and_portal_reads_only_published(self):
        found = self.env["kbe.knowledge.article"].with_user(self.user_service_agent).name_search("terlambat")
        self.assertIn(self.by_words.id, [article_id for article_id, _name in found])
        Portal = self.env["kbe.knowledge.article"].with_user(self.portal_kita)
        self.assertEqual(Portal.search([("id", "in", (self.both | self.unrelated).ids)]), self.both)
        with self.assertRaises(AccessError):
            self.unrelated.with_user(self.portal_kita).read(["content"])
        with self.assertRaises(AccessError):
            self.both.with_user(self.portal_kita).write({"name": "Hacked"})
        other_ticket = self._ticket(team_id=self.team_other.id, user_id=self.user_agent_other.id)
        with self.assertRaises(AccessError):
            self.both.with_user(self.user_service_agent).with_context(
                kbe_ticket_id=other_ticket.id
            ).action_link_to_ticket()
