from odoo import api, fields, models


class KbeKnowledgeArticle(models.Model):
    _name = "kbe.knowledge.article"
    _description = "Knowledge Base Article"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _rec_names_search = ["name", "keywords"]

    name = fields.Char("Title", required=True, translate=True, tracking=True, index="trigram")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    category_id = fields.Many2one("kbe.knowledge.category", index=True)
    tag_ids = fields.Many2many("kbe.ticket.tag", "kbe_knowledge_article_tag_rel", string="Tags")
    is_published = fields.Boolean("Published", tracking=True, help="Published articles are readable on the portal.")
    content = fields.Html(translate=True, sanitize=True)
    keywords = fields.Char(help="Words customers use for this problem; they make the article suggested.")
    ticket_type_ids = fields.Many2many("kbe.ticket.type", string="Suggested for Types")
    product_ids = fields.Many2many("product.template", string="Suggested for Products")
    ticket_ids = fields.Many2many(
        "kbe.ticket", "kbe_ticket_article_rel", "article_id", "ticket_id", string="Solved Tickets", copy=False
    )
    solved_count = fields.Integer("Tickets Solved", compute="_compute_solved_count")

    @api.depends("ticket_ids")
    def _compute_solved_count(self):
        groups = self.env["kbe.ticket"]._read_group([("article_ids", "in", self.ids)], ["article_ids"], ["__count"])
        counts = {article.id: count for article, count in groups}
        for article in self:
            article.solved_count = counts.get(article.id, 0)

    def action_link_to_ticket(self):
        """From a ticket's suggestions: record that this article solved the ticket in the context."""
        self.ensure_one()
        ticket = self.env["kbe.ticket"].browse(self.env.context.get("kbe_ticket_id")).exists()
        if ticket:
            ticket.action_link_article(self.id)
        return True

    def action_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_ticket_action")
        action["domain"] = [("article_ids", "in", self.ids)]
        action["context"] = {}
        return action
