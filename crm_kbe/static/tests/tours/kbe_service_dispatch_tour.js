import { registry } from "@web/core/registry";

// The service manager plans today's visits on the dispatch board: the two unassigned orders go
// to Andi; the board shows them clashing; one moves on to Budi and the clash is gone.
const andiToday = "tr[data-technician='Andi Agent'] td.o_kbe_dispatch_today";
const budiToday = "tr[data-technician='Budi Agent'] td.o_kbe_dispatch_today";

registry.category("web_tour.tours").add("crm_kbe_service_dispatch_tour", {
    url: "/odoo/action-crm_kbe.kbe_service_order_action_dispatch",
    steps: () => [
        {
            content: "Two orders wait for a technician",
            trigger: ".o_kbe_dispatch_unassigned .o_kbe_dispatch_card[data-order='KBE-DISPATCH-1']",
        },
        {
            content: "Give the first one to Andi, today",
            trigger: ".o_kbe_dispatch_unassigned .o_kbe_dispatch_card[data-order='KBE-DISPATCH-1']",
            run: `drag_and_drop ${andiToday}`,
        },
        {
            content: "It is on Andi's day",
            trigger: `${andiToday} .o_kbe_dispatch_card[data-order='KBE-DISPATCH-1']:not(.o_kbe_dispatch_conflict_overlap)`,
        },
        {
            content: "Give the second one to Andi too",
            trigger: ".o_kbe_dispatch_unassigned .o_kbe_dispatch_card[data-order='KBE-DISPATCH-2']",
            run: `drag_and_drop ${andiToday}`,
        },
        {
            content: "Both visits are at the same time: the board shows the clash",
            trigger: `${andiToday} .o_kbe_dispatch_card.o_kbe_dispatch_conflict_overlap[data-order='KBE-DISPATCH-1'] .o_kbe_dispatch_conflict_label:contains('Overlaps another order')`,
        },
        {
            content: "Move the second one on to Budi",
            trigger: `${andiToday} .o_kbe_dispatch_card[data-order='KBE-DISPATCH-2']`,
            run: `drag_and_drop ${budiToday}`,
        },
        {
            content: "Budi has it, and nothing clashes any more",
            trigger: `${budiToday} .o_kbe_dispatch_card[data-order='KBE-DISPATCH-2']:not(.o_kbe_dispatch_conflict_overlap)`,
        },
        {
            content: "Andi's visit is clear too",
            trigger: `${andiToday} .o_kbe_dispatch_card[data-order='KBE-DISPATCH-1']:not(.o_kbe_dispatch_conflict_overlap)`,
        },
        {
            content: "Nobody is waiting any more",
            trigger: ".o_kbe_dispatch_unassigned:not(:has(.o_kbe_dispatch_card))",
        },
    ],
});
