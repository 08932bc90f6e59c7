from odoo import api, fields, models

# Forecast categories, from the most to the least certain. An open opportunity's category follows
# its probability (thresholds below) until its salesperson chooses another one; the choice holds
# until the stage, the probability or the won/lost state changes, when it is computed again. Not
# precomputed: Odoo computes the stage and probability it follows after the lead is inserted, and
# the category is written in the same UPDATE as they are. Not tracked: Odoo's own tests count the
# tracking values of a lost opportunity (active, lost reason), which a third one would break.
FORECAST_CATEGORIES = [
    ("closed", "Closed"),
    ("commit", "Commit"),
    ("best_case", "Best Case"),
    ("pipeline", "Pipeline"),
    ("omitted", "Omitted"),
]
# probability (%) from which an open opportunity is Commit, and Best Case
FORECAST_COMMIT_PROBABILITY = 90.0
FORECAST_BEST_CASE_PROBABILITY = 60.0


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kbe_forecast_category = fields.Selection(
        FORECAST_CATEGORIES,
        string="Forecast Category",
        compute="_compute_kbe_forecast_category",
        store=True,
        readonly=False,
        help="Won: Closed. Lost: Omitted. Open: Commit from a probability of 90 %, Best Case from 60 %, "
        "Pipeline below; the salesperson may choose another category, which holds until the stage or the "
        "probability changes. The forecast counts Commit (and Closed) in its Commit and Best Case figures, "
        "Best Case in its Best Case figure, and leaves Omitted opportunities out.",
    )

    @api.depends("stage_id", "probability", "active")
    def _compute_kbe_forecast_category(self):
        for lead in self:
            lead.kbe_forecast_category = lead._kbe_default_forecast_category()

    def _kbe_default_forecast_category(self):
        self.ensure_one()
        # a won stage sets the probability to 100: the stage is read only then (no query for
        # the open opportunities, whose stage Odoo has not read)
        if self.active and self.probability == 100 and self.stage_id.is_won:
            return "closed"
        if not self.active:
            return "omitted"  # lost (probability 0) or archived: not forecast
        probability = self.probability or 0.0
        if probability >= FORECAST_COMMIT_PROBABILITY:
            return "commit"
        if probability >= FORECAST_BEST_CASE_PROBABILITY:
            return "best_case"
        return "pipeline"
