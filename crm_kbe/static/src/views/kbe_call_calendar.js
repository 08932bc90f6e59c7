import { registry } from "@web/core/registry";
import { calendarView } from "@web/views/calendar/calendar_view";
import { CalendarRenderer } from "@web/views/calendar/calendar_renderer";
import { CalendarCommonRenderer } from "@web/views/calendar/calendar_common/calendar_common_renderer";

// A call lasts 15 minutes: drawn to scale it is a sliver too thin for its subject. The call
// calendar gives every call the height of two lines (subject, then customer) and lays the calls
// out with that height, so that short calls next to each other do not overlap.
export const KBE_CALL_MIN_HEIGHT = 38;

export class KbeCallCalendarCommonRenderer extends CalendarCommonRenderer {
    static eventTemplate = "crm_kbe.KbeCallCalendarCommonRenderer.event";

    get options() {
        return { ...super.options, eventMinHeight: KBE_CALL_MIN_HEIGHT, eventShortHeight: 0 };
    }
}

export class KbeCallCalendarRenderer extends CalendarRenderer {
    static components = {
        ...CalendarRenderer.components,
        day: KbeCallCalendarCommonRenderer,
        week: KbeCallCalendarCommonRenderer,
        month: KbeCallCalendarCommonRenderer,
    };
}

export const kbeCallCalendarView = {
    ...calendarView,
    Renderer: KbeCallCalendarRenderer,
};

registry.category("views").add("kbe_call_calendar", kbeCallCalendarView);
