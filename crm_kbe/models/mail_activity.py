from datetime import datetime

import pytz

from odoo import fields, models
from odoo.tools import plaintext2html


class MailActivity(models.Model):
    """A planned kbe.call is a "Call" activity: done, moved, reassigned or cancelled from the
    chatter or the activity menu, it changes the call the same way."""

    _inherit = "mail.activity"

    kbe_call_id = fields.Many2one("kbe.call", string="Planned Call", index="btree_not_null", ondelete="cascade")

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("kbe_call_sync") and {"date_deadline", "user_id"} & set(vals):
            self.filtered("kbe_call_id")._kbe_move_calls()
        return res

    def unlink(self):
        if not self.env.context.get("kbe_call_sync"):
            calls = self._kbe_planned_calls()
            calls.with_context(kbe_call_sync=True).write({"state": "cancelled", "activity_id": False})
        return super().unlink()

    def _action_done(self, feedback=False, attachment_ids=False):
        if not self.env.context.get("kbe_call_sync"):
            # the activity's assignee marks it done; its call is held, with the feedback as notes
            calls = self._kbe_planned_calls()
            calls.with_context(kbe_call_sync=True).write(
                {
                    "state": "held",
                    "date_done": fields.Datetime.now(),
                    "notes": plaintext2html(feedback) if feedback else False,
                    "activity_id": False,
                }
            )
        return super(MailActivity, self.with_context(kbe_call_sync=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )

    def _kbe_planned_calls(self):
        """The planned calls these activities stand for (kbe_call_id is read with the activity:
        an activity of no call costs no query). Completing, moving or deleting the activity
        changes the call: whoever does it needs the right to change the call itself (no sudo)."""
        calls = self.kbe_call_id
        if not calls:
            return calls
        return calls._kbe_planned_to_change()

    def _kbe_move_calls(self):
        """The activity was rescheduled or reassigned: its call follows (same time of day, new
        date), and the call brings its calendar entry along."""
        planned = self._kbe_planned_calls()
        for activity in self:
            call = activity.kbe_call_id
            if call not in planned:
                continue
            vals = {}
            if activity.user_id and activity.user_id != call.user_id:
                vals["user_id"] = activity.user_id.id
            tz = pytz.timezone((activity.user_id or call.user_id).tz or self.env.user.tz or "UTC")
            local = pytz.utc.localize(call.date_planned).astimezone(tz)
            if activity.date_deadline != local.date():
                moved = tz.localize(datetime.combine(activity.date_deadline, local.time().replace(tzinfo=None)))
                vals["date_planned"] = moved.astimezone(pytz.utc).replace(tzinfo=None)
            if vals:
                call.write(vals)
