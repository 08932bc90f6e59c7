from odoo import fields, models


class CalendarEvent(models.Model):
    """A planned kbe.call is an entry in its responsible's calendar: moving or deleting the entry
    moves or cancels the call, through the call's one checked entry point
    (``kbe.call._kbe_agenda_changed``; see "THE AGENDA OF A PLANNED CALL" in kbe_call.py)."""

    _inherit = "calendar.event"

    # set by the call when it creates its entry: an entry of no call costs no query to tell so
    kbe_call_id = fields.Many2one(
        "kbe.call", string="Planned Call", index="btree_not_null", ondelete="set null", readonly=True, copy=False
    )

    def write(self, vals):
        if self.env.context.get("kbe_call_sync") or not {"start", "stop", "user_id", "duration"} & set(vals):
            return super().write(vals)
        calls = self._kbe_calls()
        if not calls:
            return super().write(vals)
        # (a user who may not change the call is refused by _kbe_agenda_changed below, and the
        # whole write with it)
        # the entry moves its own activity (Odoo's _sync_activities), which must not move the
        # call a second time; the call then takes the entry's new slot
        res = super(CalendarEvent, self.with_context(kbe_call_sync=True)).write(vals)
        for event in self.filtered(lambda event: event.kbe_call_id in calls):
            event.kbe_call_id._kbe_agenda_changed(
                "moved",
                "event",
                date_planned=event.start,
                duration_planned=min(event.duration, 24.0),
                user_id=event.user_id.id or event.kbe_call_id.user_id.id,
            )
        return res

    def unlink(self):
        if not self.env.context.get("kbe_call_sync"):
            # read with the alarms, which Odoo's unlink reads first: telling that an entry is no
            # call's costs no query of its own
            self.fetch(["kbe_call_id", "alarm_ids"])
            self._kbe_calls()._kbe_agenda_changed("removed", "event")
        return super().unlink()

    def _kbe_calls(self):
        """The calls these entries are still the entries of."""
        calls = self.kbe_call_id
        if not calls:
            return calls
        # sudo: only to tell which calls these entries are still the entries of
        return calls.browse(calls.sudo().filtered(lambda call: call.calendar_event_id in self).ids)
