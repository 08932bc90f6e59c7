from odoo import Command, fields, models


class KbeIncentiveSettlementLine(models.Model):
    """What one partner earns from one scheme in a settlement: basis, rate, amount, the table of
    the counted documents and the vendor bill or credit note that pays it. Partners read their
    lines of done settlements on the portal (statements)."""

    _name = "kbe.incentive.settlement.line"
    _description = "Incentive Settlement Line"
    _order = "settlement_id desc, partner_id, scheme_id"
    _check_company_auto = True

    # relations
    settlement_id = fields.Many2one("kbe.incentive.settlement", required=True, ondelete="cascade", index=True)
    scheme_id = fields.Many2one("kbe.incentive.scheme", required=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="restrict")
    # precomputed: part of the lines' INSERT, no UPDATE per batch of lines
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, precompute=True, index=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id", string="Currency")
    settlement_state = fields.Selection(related="settlement_id.state", string="Settlement Status")
    # shown on the portal (the settlement and scheme are internal)
    date_from = fields.Date(related="settlement_id.date_from")
    date_to = fields.Date(related="settlement_id.date_to")
    scheme_name = fields.Char(related="scheme_id.name", string="Scheme Name")

    # figures
    basis = fields.Monetary(help="Posted invoices minus credit notes counted, untaxed, in the company's currency.")
    rate = fields.Float(string="Rate (%)", digits=(5, 2))
    amount = fields.Monetary(string="Incentive")
    move_count = fields.Integer(string="Documents Counted")
    # built by the settlement from escaped values only (Markup), never from user input: not
    # sanitized again, which would cost more than the whole computation at 1,000 partners
    calculation = fields.Html(sanitize=False, readonly=True)
    counted_line_ids = fields.Many2many(
        "account.move.line",
        "kbe_incentive_settlement_counted_rel",
        "line_id",
        "move_line_id",
        string="Counted Invoice Lines",
        copy=False,
    )

    # payment
    move_id = fields.Many2one("account.move", string="Document", copy=False, readonly=True, index="btree_not_null")
    move_name = fields.Char(related="move_id.name", string="Document Number")

    def _kbe_create_documents(self):
        """One vendor bill or credit note per line with an amount and no document yet, in one
        ``create``, the calculation attached as an HTML file."""
        lines = self.filtered(lambda line: not line.move_id and not line.currency_id.is_zero(line.amount))
        if not lines:
            return self.env["account.move"]
        product = self.env.ref("crm_kbe.product_product_kbe_incentive")
        values = [
            {
                "move_type": line.scheme_id.document_type,
                "partner_id": line.partner_id.id,
                "company_id": line.company_id.id,
                "ref": f"{line.settlement_id.name} — {line.scheme_id.name}",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": f"{line.scheme_id.name}: {line.date_from} – {line.date_to}",
                            "quantity": 1,
                            "price_unit": line.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for line in lines
        ]
        # sudo: program managers have no accounting rights; the draft documents come from the
        # settlement lines checked by action_create_documents, and the accountant posts them
        moves_sudo = self.env["account.move"].sudo().create(values)
        # sudo: same reason, the calculation goes on the documents just created
        self.env["ir.attachment"].sudo().create(
            [
                {
                    "name": self.env._("Incentive calculation %(partner)s.html", partner=line.partner_id.name),
                    "raw": str(line.calculation or "").encode(),
                    "mimetype": "text/html",
                    "res_model": "account.move",
                    "res_id": move_sudo.id,
                }
                for line, move_sudo in zip(lines, moves_sudo, strict=True)
            ]
        )
        for line, move_sudo in zip(lines, moves_sudo, strict=True):
            line.move_id = move_sudo.id
        return moves_sudo
