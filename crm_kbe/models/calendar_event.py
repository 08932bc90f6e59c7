from odoo import fields, models


class CalendarEvent(models.Model):
    """A planned kbe.call is an entry in its responsible's calendar: moving or deleting the entry
    moves or cancels the call."""

    _inherit = "calendar.event"

    # set by the call when it creates its entry: an entry of no call costs no query to tell so
    kbe_call_id = fields.Many2one(
        "kbe.call", string="Planned Call", index="btree_not_null", ondelete="set null", readonly=True, copy=False
    )

    def write(self, vals):
        if self.env.context.get("kbe_call_sync") or not {"start", "stop", "user_id", "duration"} & set(vals):
            return super().write(vals)
        calls = self._kbe_planned_calls()
        if not calls:
            return super().write(vals)
        # the event updates its activity itself (_sync_activities); the call then takes the new slot
        res = super(CalendarEvent, self.with_context(kbe_call_sync=True)).write(vals)
        for call in calls:
            event = call.calendar_event_id
            call.with_context(kbe_call_sync=True).write(
                {
                    "date_planned": event.start,
                    "duration_planned": min(event.duration, 24.0),
                    "user_id": event.user_id.id or call.user_id.id,
                }
            )
        return res

    def unlink(self):
        if not self.env.context.get("kbe_call_sync"):
            # read with the alarms, which Odoo's unlink reads first: telling that an entry is no
            # call's costs no query of its own
            self.fetch(["kbe_call_id", "alarm_ids"])
            calls = self._kbe_planned_calls()
            activities = calls.activity_id
            calls.with_context(kbe_call_sync=True).write({"state": "cancelled", "activity_id": False})
            # sudo: the call's own activity, in the agenda of its responsible, goes with the call
            activities.sudo().with_context(kbe_call_sync=True).unlink()
        return super().unlink()

    def _kbe_planned_calls(self):
        """The planned calls these entries stand for. Moving or deleting the entry changes the
        call: whoever does it needs the right to change the call itself."""
        calls = self.kbe_call_id
        if not calls:
            return calls
        # sudo: only to tell which calls these entries are still the entries of
        mine = calls.sudo().filtered(lambda call: call.calendar_event_id in self)
        return calls.browse(mine.ids)._kbe_planned_to_change()
