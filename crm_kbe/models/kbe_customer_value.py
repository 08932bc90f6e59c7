from odoo import fields, models

# the value tiers, from the R, F and M scores (see ``_kbe_tier_sql``): best first
VALUE_TIERS = [
    ("champion", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential Loyalists"),
    ("new", "New"),
    ("attention", "Need Attention"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
]


class KbeCustomerValue(models.Model):
    """The value of a customer (a commercial partner) to one company, from its posted invoices
    and credit notes in the company's currency: recency, frequency and monetary value (RFM),
    scored 1 to 5 in quintiles over the company's customers, and a value tier. One row per
    customer and company, written in batches by ``_kbe_recompute`` (cron or on demand)."""

    _name = "kbe.customer.value"
    _description = "Customer Value"
    _order = "revenue_lifetime desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    # figures
    first_invoice_date = fields.Date(string="First Purchase", readonly=True)
    last_invoice_date = fields.Date(string="Last Purchase", readonly=True)
    recency_days = fields.Integer(string="Days Since Last Purchase", readonly=True, aggregator="avg")
    invoice_count = fields.Integer(string="Invoices (Window)", readonly=True)
    invoice_count_lifetime = fields.Integer(string="Invoices (Lifetime)", readonly=True)
    revenue = fields.Monetary(string="Revenue (Window)", readonly=True)
    revenue_lifetime = fields.Monetary(string="Lifetime Revenue", readonly=True)
    average_order = fields.Monetary(string="Average Order", readonly=True, aggregator="avg")
    # scores
    r_score = fields.Integer(string="R", readonly=True, aggregator="avg", help="Recency score, 1 to 5.")
    f_score = fields.Integer(string="F", readonly=True, aggregator="avg", help="Frequency score, 1 to 5.")
    m_score = fields.Integer(string="M", readonly=True, aggregator="avg", help="Monetary score, 1 to 5.")
    rfm_score = fields.Char(string="RFM", readonly=True, help="The three scores, e.g. 545.")
    value_tier = fields.Selection(VALUE_TIERS, string="Value Tier", readonly=True, index=True)
    window_start = fields.Date(readonly=True, help="Start of the window of the window figures.")
    date_computed = fields.Datetime(string="Computed On", readonly=True)

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)", "One customer value per customer and company."),
    ]
