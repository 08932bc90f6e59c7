import { registry } from "@web/core/registry";

// The document's "Scheduling Logged Calls": from a KBE opportunity the rep plans a call knowing
// its purpose (the internal memo) and the customer's profile, logs it as held with its duration
// and notes, schedules the follow-up call in the same step, and finds the summary in the chatter.
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
