from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import NON_BREAKING_SPACE, get_lang

SETTLEMENT_STATES = [("draft", "Draft"), ("computed", "Computed"), ("done", "Done")]


class KbeIncentiveSettlement(models.Model):
    """The settlement of incentive schemes for a period: one line per partner with its basis,
    rate and amount, then one vendor bill or credit note per partner with a non-zero amount.

    Every invoice line a settlement counts is remembered on its line (``counted_line_ids``): a
    done settlement's lines are never counted again by the same scheme, and a credit note posted
    after its period was settled is counted (negative) in the scheme's next settlement."""

    _name = "kbe.incentive.settlement"
    _description = "Incentive Settlement"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    scheme_ids = fields.Many2many(
        "kbe.incentive.scheme",
        "kbe_incentive_settlement_scheme_rel",
        "settlement_id",
        "scheme_id",
        string="Schemes",
        required=True,
        check_company=True,
    )

    # state
    state = fields.Selection(SETTLEMENT_STATES, required=True, default="draft", tracking=True, copy=False)

    # lines and figures
    line_ids = fields.One2many("kbe.incentive.settlement.line", "settlement_id", string="Lines", copy=False)
    total_amount = fields.Monetary(compute="_compute_totals", string="Total")
    line_count = fields.Integer(compute="_compute_totals", string="Partners")
    move_count = fields.Integer(compute="_compute_totals", string="Documents")

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_from <= date_to)", "A settlement period cannot end before it starts."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("line_ids.amount", "line_ids.move_id")
    def _compute_totals(self):
        groups = self.env["kbe.incentive.settlement.line"]._read_group(
            [("settlement_id", "in", self.ids)], ["settlement_id"], ["amount:sum", "__count", "move_id:count"]
        )
        figures = {settlement.id: rest for settlement, *rest in groups}
        for settlement in self:
            settlement.total_amount, settlement.line_count, settlement.move_count = figures.get(
                settlement.id, (0.0, 0, 0)
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(settlement.state == "done" for settlement in self):
            raise UserError(self.env._("A done settlement cannot be deleted: its counted invoices would count again."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_compute(self):
        """(Re)compute the lines of draft or computed settlements."""
        self.check_access("write")
        if any(settlement.state == "done" for settlement in self):
            raise UserError(self.env._("A done settlement cannot be computed again."))
        for settlement in self:
            settlement._kbe_compute_lines()
        self.state = "computed"
        return True

    def action_create_documents(self):
        """Recompute the lines, then create one vendor bill or credit note per partner with a
        non-zero amount, the calculation attached. A done settlement creates nothing more."""
        self.check_access("write")
        for settlement in self.filtered(lambda s: s.state != "done"):
            settlement._kbe_compute_lines()
        self.state = "done"
        self.line_ids._kbe_create_documents()
        return True

    def action_reset_draft(self):
        self.check_access("write")
        if any(settlement.state != "computed" for settlement in self):
            raise UserError(self.env._("Only a computed settlement can be set back to draft."))
        self.line_ids.unlink()
        self.state = "draft"
        return True

    def action_view_moves(self):
        self.ensure_one()
        self.check_access("read")
        moves = self.line_ids.move_id
        moves.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Incentive Documents"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_compute_lines(self):
        """Replace the lines: per scheme, one query for the counted moves of every partner."""
        self.ensure_one()
        self.line_ids.unlink()
        values, counted = [], []
        for scheme in self.scheme_ids:
            partners = scheme._kbe_partners()
            if not partners:
                continue
            by_partner = defaultdict(list)
            for row in self._kbe_fetch_moves(scheme, partners):
                by_partner[row[0]].append(row)
            for partner_id, rows in by_partner.items():
                basis = self.currency_id.round(sum(row[5] for row in rows))
                rate = scheme._kbe_rate(basis)
                amount = self.currency_id.round(basis * rate / 100)
                values.append(
                    {
                        "settlement_id": self.id,
                        "scheme_id": scheme.id,
                        "partner_id": partner_id,
                        "basis": basis,
                        "rate": rate,
                        "amount": amount,
                        "move_count": len(rows),
                        "calculation": self._kbe_calculation_html(scheme, rows, basis, rate, amount),
                    }
                )
                counted.append([line_id for row in rows for line_id in row[6]])
        lines = self.env["kbe.incentive.settlement.line"].create(values)
        line_ids = [line.id for line, ids in zip(lines, counted, strict=True) for _i in ids]
        move_line_ids = [move_line_id for ids in counted for move_line_id in ids]
        if move_line_ids:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO kbe_incentive_settlement_counted_rel (line_id, move_line_id)"
                    " SELECT * FROM unnest(%s::int[], %s::int[])",
                    line_ids,
                    move_line_ids,
                )
            )
            lines.invalidate_recordset(["counted_line_ids"])
        return lines

    def _kbe_fetch_moves(self, scheme, partners):
        """Rows (partner id, move id, number, type, date, untaxed amount, [line ids]) of the
        posted customer invoices and credit notes the scheme counts for the partners: dated in
        the period, or credit notes of an already settled period; never lines a done settlement
        of the scheme counted; only products of the scheme's categories if it has some."""
        self.env.flush_all()
        categories = scheme._kbe_category_ids(scheme.category_ids)
        category_join = (
            SQL(
                """JOIN product_product product ON product.id = aml.product_id
                   JOIN product_template template ON template.id = product.product_tmpl_id
                    AND template.categ_id = ANY(%s)""",
                categories,
            )
            if categories
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT move.kbe_channel_partner_id, move.id, move.name, move.move_type, move.invoice_date,
                       SUM(-aml.balance), ARRAY_AGG(aml.id ORDER BY aml.id)
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  %(category_join)s
                 WHERE move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.company_id = %(company)s
                   AND move.kbe_channel_partner_id = ANY(%(partners)s)
                   AND aml.display_type = 'product'
                   AND move.invoice_date <= %(date_to)s
                   AND (move.invoice_date >= %(date_from)s
                        OR (move.move_type = 'out_refund' AND EXISTS (
                            SELECT 1 FROM kbe_incentive_settlement settled
                              JOIN kbe_incentive_settlement_scheme_rel settled_scheme
                                ON settled_scheme.settlement_id = settled.id AND settled_scheme.scheme_id = %(scheme)s
                             WHERE settled.state = 'done' AND settled.id != %(settlement)s
                               AND move.invoice_date BETWEEN settled.date_from AND settled.date_to)))
                   AND NOT EXISTS (
                       SELECT 1 FROM kbe_incentive_settlement_counted_rel counted
                         JOIN kbe_incentive_settlement_line line ON line.id = counted.line_id
                         JOIN kbe_incentive_settlement other ON other.id = line.settlement_id
                        WHERE counted.move_line_id = aml.id AND line.scheme_id = %(scheme)s
                          AND other.state = 'done' AND other.id != %(settlement)s)
                 GROUP BY move.kbe_channel_partner_id, move.id
                 ORDER BY move.kbe_channel_partner_id, move.invoice_date, move.id
                """,
                category_join=category_join,
                company=self.company_id.id,
                partners=partners.ids,
                date_from=self.date_from,
                date_to=self.date_to,
                scheme=scheme.id,
                settlement=self.id,
            )
        )
        return [(*row[:5], float(row[5]), row[6]) for row in self.env.cr.fetchall()]

    def _kbe_calculation_html(self, scheme, rows, basis, rate, amount):
        """The table of the counted documents, for the line and the attachment."""
        env = self.env
        money = self._kbe_money_formatter()
        labels = {"out_invoice": env._("Invoice"), "out_refund": env._("Credit Note")}
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
            % (name, labels[move_type], fields.Date.to_string(date), money(total))
            for _partner, _move, name, move_type, date, total, _lines in rows
        )
        return Markup(
            "<p>%s</p><table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody><tfoot>"
            "<tr><th colspan='3'>%s</th><th class='text-end'>%s</th></tr>"
            "<tr><th colspan='3'>%s</th><th class='text-end'>%s %%</th></tr>"
            "<tr><th colspan='3'>%s</th><th class='text-end'>%s</th></tr></tfoot></table>"
        ) % (
            escape(scheme.name),
            env._("Document"),
            env._("Type"),
            env._("Date"),
            env._("Untaxed Amount"),
            body,
            env._("Basis"),
            money(basis),
            env._("Rate"),
            rate,
            env._("Incentive"),
            money(amount),
        )

    def _kbe_money_formatter(self):
        """A function formatting an amount in the settlement's currency and the user's language,
        as ``formatLang`` does, the language looked up once for the whole table."""
        currency = self.currency_id
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        pattern = f"%.{currency.decimal_places}f"

        def money(value):
            number = lang.format(pattern, currency.round(value), grouping=True)
            if not currency.symbol:
                return number
            if currency.position == "after":
                return f"{number}{NON_BREAKING_SPACE}{currency.symbol}"
            return f"{currency.symbol}{NON_BREAKING_SPACE}{number}"

        return money
