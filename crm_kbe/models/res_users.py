from odoo import models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _kbe_check_assignable(self, company, role=None):
        """Refuse to make these users responsible for crm_kbe work of ``company`` (a call, the
        opportunities of a conversion, a follow-up): only employees who work in that company may
        be. The field domains say the same in the form; this holds for RPC calls too."""
        for user in self:
            if user._is_superuser():
                continue  # the system itself (crons, installation)
            if user.share:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not an employee: %(role)s must be a user of the company.",
                        user=user.name,
                        role=role or self.env._("the responsible"),
                    )
                )
            if company and company not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(company)s: choose someone of that company as %(role)s.",
                        user=user.name,
                        company=company.name,
                        role=role or self.env._("the responsible"),
                    )
                )
