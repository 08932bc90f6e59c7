from odoo import api, fields, models

# how a segment's members can be reached
SEGMENT_CHANNELS = [("email", "E-mail"), ("phone", "Phone"), ("post", "Post")]


class KbeSegment(models.Model):
    """A named set of customers or contacts defined by rules (profile, customer value, activity,
    opt-outs), dynamic (re-evaluated before each use and daily) or frozen (kept as it was). It is
    evaluated with its author's rights and companies, never as the superuser."""

    _name = "kbe.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Author",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        help="The segment is evaluated with this user's rights and companies.",
    )
    kind = fields.Selection(
        [("dynamic", "Dynamic"), ("frozen", "Frozen")], required=True, default="dynamic", tracking=True
    )
    member_ids = fields.One2many("kbe.segment.member", "segment_id", string="Members")
    member_count = fields.Integer(string="Members", compute="_compute_member_counts")
    email_count = fields.Integer(string="Reachable by E-mail", compute="_compute_member_counts")
    phone_count = fields.Integer(string="Reachable by Phone", compute="_compute_member_counts")
    post_count = fields.Integer(string="Reachable by Post", compute="_compute_member_counts")
    date_refreshed = fields.Datetime(string="Evaluated On", readonly=True, copy=False)

    @api.depends("member_ids")
    def _compute_member_counts(self):
        Member = self.env["kbe.segment.member"]
        counts = {segment: {} for segment in self}
        for channel in ("email", "phone", "post", None):
            domain = [("segment_id", "in", self.ids)]
            if channel:
                domain.append((f"reach_{channel}", "=", True))
            for segment, count in Member._read_group(domain, ["segment_id"], ["__count"]):
                counts[segment][channel] = count
        for segment in self:
            segment.member_count = counts[segment].get(None, 0)
            segment.email_count = counts[segment].get("email", 0)
            segment.phone_count = counts[segment].get("phone", 0)
            segment.post_count = counts[segment].get("post", 0)

    def _kbe_members(self, channel=None):
        """The members (``res.partner``) of these segments, those reachable through ``channel``
        (email / phone / post) if given. Dynamic segments are re-evaluated first."""
        self._kbe_refresh(only_dynamic=True)
        domain = [("segment_id", "in", self.ids)]
        if channel:
            domain.append((f"reach_{channel}", "=", True))
        return self.env["kbe.segment.member"].search(domain).partner_id

    def _kbe_refresh(self, only_dynamic=False):
        """Re-evaluate these segments' rules as their author (to be filled by the segments work)."""
        return True
