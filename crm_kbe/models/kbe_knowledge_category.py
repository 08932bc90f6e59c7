from odoo import fields, models


class KbeKnowledgeCategory(models.Model):
    _name = "kbe.knowledge.category"
    _description = "Knowledge Base Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    article_ids = fields.One2many("kbe.knowledge.article", "category_id", "Articles")
