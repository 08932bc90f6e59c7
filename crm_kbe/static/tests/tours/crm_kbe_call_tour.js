import { registry } from "@web/core/registry";

// The document's "Scheduling Logged Calls", by the telesales agent (Sales / Own Documents Only):
// from their KBE opportunity the agent plans a call knowing its purpose (the internal memo) and the
// customer's profile, logs it as held with its duration and notes, schedules the follow-up call in
// the same step, and finds the summary in the chatter.
registry.category("web_tour.tours").add("crm_kbe_call_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "Open the Sari Rasa opportunity from the pipeline",
            trigger: ".o_kanban_record:contains('Sari Rasa - prasmanan gathering tahunan')",
            run: "click",
        },
        {
            content: "Open its calls from the smart button",
            trigger: ".o_form_view button[name='action_kbe_view_calls']",
            run: "click",
        },
        {
            content: "Plan a new call",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The purpose is the opportunity's internal memo",
            trigger: ".o_field_widget[name='purpose']:contains('Gathering tahunan 1.200 karyawan')",
        },
        {
            content: "The customer's profile is beside it",
            trigger: ".o_field_widget[name='profile_summary']:contains('Catering customer')",
        },
        {
            content: "The number to dial is a tel: link",
            trigger: ".o_field_widget[name='phone'] a[href^='tel:'], .o_field_widget[name='phone'] input",
        },
        {
            content: "Give the call its subject",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Konfirmasi menu prasmanan",
        },
        {
            content: "Save the planned call",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Log the call",
            trigger: ".o_form_view .o_form_saved button[name='action_open_log'], .o_form_view button[name='action_open_log']",
            run: "click",
        },
        {
            content: "It was held: its duration",
            trigger: ".modal .o_field_widget[name='duration'] input",
            run: "edit 00:20",
        },
        {
            content: "Its outcome",
            trigger: ".modal .o_field_widget[name='outcome'] select",
            run: "select \"interested\"",
        },
        {
            content: "Its notes",
            trigger: ".modal .o_field_widget[name='notes'] .odoo-editor-editable",
            run: "editor Dewi setuju tes rasa hari Jumat",
        },
        {
            content: "Schedule another call as the follow-up",
            trigger: ".modal .o_field_widget[name='followup'] input[data-value='call']",
            run: "click",
        },
        {
            content: "The follow-up is prefilled from the call",
            trigger: ".modal .o_field_widget[name='followup_name'] input:value('Follow-up: Konfirmasi menu prasmanan')",
        },
        {
            content: "Log it",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The call is held",
            trigger: ".o_form_view:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Held')",
        },
        {
            content: "Back to the opportunity",
            trigger: ".o_form_view button[name='action_open_document']",
            run: "click",
        },
        {
            content: "The summary is in the opportunity's chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Call held: Konfirmasi menu prasmanan')",
        },
        {
            content: "Open the Calls tab",
            trigger: ".o_notebook .nav-link:contains('Calls')",
            run: "click",
        },
        {
            content: "The follow-up call is planned",
            trigger: ".o_field_widget[name='kbe_call_ids'] .o_data_row:contains('Follow-up: Konfirmasi menu prasmanan')",
        },
    ],
});

// The call views a telesales agent works from: list, kanban, calendar, pivot and graph; their
// queue with one-click logging; a call list for their team made from customers.
registry.category("web_tour.tours").add("crm_kbe_call_views_tour", {
    url: "/odoo/crm",
    steps: () => [
        {
            content: "The pipeline card shows the next planned call",
            trigger: ".o_kanban_record:contains('Sari Rasa - prasmanan gathering tahunan') .o_kbe_next_call:contains('Negosiasi harga per pax')",
        },
        {
            content: "Open the Sales menu",
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open the calls",
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.kbe_call_menu']",
            run: "click",
        },
        {
            content: "My calls are listed",
            trigger: ".o_list_view .o_data_row:contains('Negosiasi harga per pax')",
        },
        {
            content: "Kanban view",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The calls are cards by status",
            trigger: ".o_kanban_view .o_kanban_record:contains('Negosiasi harga per pax')",
        },
        {
            content: "Calendar view",
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The calendar is shown",
            trigger: ".o_calendar_view .o_calendar_renderer",
        },
        {
            content: "Pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Calls per agent and status",
            trigger: ".o_pivot_view .o_pivot table:contains('Held')",
        },
        {
            content: "Graph view",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_view canvas",
        },
        {
            content: "Open the Sales menu again",
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Open my call queue",
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.kbe_call_menu_queue']",
            run: "click",
        },
        {
            content: "One click: PT. KITA did not answer",
            trigger: ".o_list_view .o_data_row:contains('Kirim menu dan harga paket A') button[name='action_no_answer']",
            run: "click",
        },
        {
            content: "The call leaves the queue",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Kirim menu dan harga paket A'))) .o_data_row:contains('Negosiasi harga per pax')",
        },
        {
            content: "Open the Sales menu once more",
            trigger: ".o_main_navbar [data-menu-xmlid='crm.crm_menu_sales']",
            run: "click",
        },
        {
            content: "Create a call list",
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.kbe_call_list_menu']",
            run: "click",
        },
        {
            content: "Its subject",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Promo paket Lebaran",
        },
        {
            content: "Choose a customer",
            trigger: ".modal .o_field_widget[name='partner_ids'] input",
            run: "edit Sinar Abadi",
        },
        {
            content: "PT. Sinar Abadi Event Organizer",
            trigger: ".o-autocomplete--dropdown-item:contains('PT. Sinar Abadi Event Organizer')",
            run: "click",
        },
        {
            content: "The agent's telesales team",
            trigger: ".modal .o_field_widget[name='team_id'] input",
            run: "edit Telesales Rumahan",
        },
        {
            content: "Telesales Rumahan",
            trigger: ".o-autocomplete--dropdown-item:contains('Telesales Rumahan')",
            run: "click",
        },
        {
            content: "Its agents are the team's members",
            trigger: ".modal .o_field_widget[name='user_ids'] .o_tag",
        },
        {
            content: "Create the calls",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The list reports what it made",
            trigger: ".modal .alert-info:contains('Calls created: 1')",
        },
    ],
});
