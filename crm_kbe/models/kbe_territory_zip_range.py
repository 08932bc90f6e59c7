from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kbe_territory import normalize_zip, zip_bounds


class KbeTerritoryZipRange(models.Model):
    """A range of postal codes of a territory, bounds included ("10110" to "10760"). Codes are
    compared without spaces and dashes: as numbers when both bounds are digits, else as text of
    the same length ("SW1A" to "SW9Z")."""

    _name = "kbe.territory.zip.range"
    _description = "Territory Postal Code Range"
    _order = "territory_id, zip_from"
    _rec_name = "zip_from"

    territory_id = fields.Many2one("kbe.territory", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="territory_id.company_id", store=True, index=True)
    zip_from = fields.Char(string="From", required=True)
    zip_to = fields.Char(string="To", help="Leave empty for a single postal code.")

    @api.constrains("zip_from", "zip_to")
    def _check_bounds(self):
        for zip_range in self:
            bounds = zip_bounds(zip_range.zip_from, zip_range.zip_to)
            if not bounds:
                raise ValidationError(
                    self.env._(
                        "The postal codes %(zip_from)s and %(zip_to)s cannot form a range: use letters and digits, "
                        "and bounds of the same length unless both are numbers.",
                        zip_from=zip_range.zip_from,
                        zip_to=zip_range.zip_to or zip_range.zip_from,
                    )
                )
            low, high, _numeric, width = bounds
            if width < 0:
                raise ValidationError(
                    self.env._(
                        "The postal-code range of %(territory)s starts after it ends (%(zip_from)s > %(zip_to)s).",
                        territory=zip_range.territory_id.complete_name,
                        zip_from=low,
                        zip_to=high,
                    )
                )

    @api.depends("zip_from", "zip_to")
    def _compute_display_name(self):
        for zip_range in self:
            low, high = normalize_zip(zip_range.zip_from), normalize_zip(zip_range.zip_to)
            zip_range.display_name = f"{low} – {high}" if high and high != low else low

    @api.model_create_multi
    def create(self, vals_list):
        ranges = super().create(vals_list)
        self.env.registry.clear_cache()  # the rules of kbe.territory._kbe_rules changed
        return ranges

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
