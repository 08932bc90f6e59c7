from odoo import api, fields, models

INCENTIVE_DOCUMENTS = [("in_invoice", "Vendor Bill"), ("out_refund", "Credit Note")]


class KbeIncentiveScheme(models.Model):
    """An incentive for channel partners, e.g. a tiered rebate on the revenue they bring.

    Basis: the untaxed revenue invoiced to the customers of the deals a partner brought (posted
    customer invoices minus posted credit notes whose channel partner is the partner), in the
    company's currency, optionally only of products of some categories. Brackets: the rate of the
    highest threshold the basis reaches applies to the whole basis (with 2 % from 100 million and
    4 % from 500 million, a basis of 600 million earns 24 million)."""

    _name = "kbe.incentive.scheme"
    _description = "Incentive Scheme"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    # identity
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    description = fields.Html(translate=True)

    # what counts
    basis = fields.Selection(
        [("invoiced", "Invoiced revenue through the partner")],
        required=True,
        default="invoiced",
        help="Posted customer invoices minus posted credit notes of the deals the partner brought "
        "(their channel partner), untaxed, in the company's currency, dated in the settled period. "
        "A credit note posted after its period was settled counts in the next settlement.",
    )
    category_ids = fields.Many2many(
        "product.category",
        "kbe_incentive_scheme_category_rel",
        "scheme_id",
        "category_id",
        string="Product Categories",
        help="Only invoice lines of products of these categories (and their subcategories) count; "
        "empty for every product.",
    )
    tier_ids = fields.Many2many(
        "kbe.partner.tier",
        "kbe_incentive_scheme_tier_rel",
        "scheme_id",
        "tier_id",
        string="Tiers",
        help="The scheme applies to the active channel partners of these tiers...",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "kbe_incentive_scheme_partner_rel",
        "scheme_id",
        "partner_id",
        string="Partners",
        domain="[('kbe_partner_status', '!=', False)]",
        help="...and to these partners, whatever their tier.",
    )
    document_type = fields.Selection(
        INCENTIVE_DOCUMENTS,
        string="Pay By",
        required=True,
        default="out_refund",
        help="A vendor bill from the partner, or a credit note on the partner's customer account.",
    )
    line_ids = fields.One2many(
        "kbe.incentive.scheme.line",
        "scheme_id",
        string="Brackets",
        copy=True,
        help="The rate of the highest threshold the basis reaches applies to the whole basis.",
    )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_rate(self, basis):
        """The rate (%) of the highest bracket whose threshold ``basis`` reaches; 0 below all."""
        self.ensure_one()
        reached = self.line_ids.filtered(lambda line: basis > 0 and basis >= line.threshold)
        return max(reached, key=lambda line: line.threshold).rate if reached else 0.0

    def _kbe_partners(self):
        """The active channel partners the scheme applies to."""
        self.ensure_one()
        if not self.tier_ids and not self.partner_ids:
            return self.env["res.partner"]
        return self.env["res.partner"].search(
            [
                ("kbe_partner_status", "=", "active"),
                ("company_id", "in", [False, self.company_id.id]),
                "|",
                ("id", "in", self.partner_ids.ids),
                ("kbe_partner_tier_id", "in", self.tier_ids.ids),
            ]
        )

    @api.model
    def _kbe_category_ids(self, categories):
        return self.env["product.category"].search([("id", "child_of", categories.ids)]).ids if categories else []
