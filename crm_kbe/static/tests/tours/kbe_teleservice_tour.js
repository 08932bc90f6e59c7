import { registry } from "@web/core/registry";

// Teleservice, by the service agent: a customer calls the service desk; the agent logs the
// inbound call from Service > Calls, opens a ticket from it, and finds the call in the ticket's
// history.
registry.category("web_tour.tours").add("crm_kbe_teleservice_tour", {
    url: "/odoo/action-crm_kbe.kbe_call_action_service",
    steps: () => [
        {
            content: "A customer calls: log a new call",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "It is an inbound call",
            trigger: ".o_field_widget[name='direction'] input[data-value='inbound']:checked",
        },
        {
            content: "What the call is about",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Nasi kotak basi saat tiba",
        },
        {
            content: "Who calls",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Yeyen",
        },
        {
            content: "Yeyen of PT. KITA",
            trigger: ".o-autocomplete--dropdown-item a:contains('Yeyen')",
            run: "click",
        },
        {
            content: "Save the call",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Log the call",
            trigger: ".o_form_view .o_form_saved button[name='action_open_log']",
            run: "click",
        },
        {
            content: "What the customer said",
            trigger: ".modal .o_field_widget[name='notes'] .odoo-editor-editable",
            run: "editor 20 kotak nasi basi saat tiba di kantor PT. KITA",
        },
        {
            content: "Log it as held",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The call is held",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Held')",
        },
        {
            content: "Open a ticket from the call",
            trigger: ".o_form_view button[name='action_create_ticket']",
            run: "click",
        },
        {
            content: "The ticket is the customer's, about the call",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run() {
                if (!this.anchor.value.includes("Yeyen")) {
                    throw new Error("the ticket is not the caller's");
                }
            },
        },
        {
            content: "The call's notes describe the ticket",
            trigger: ".o_form_view .o_field_widget[name='description']:contains('20 kotak nasi basi')",
        },
        {
            content: "The ticket counts its call",
            trigger: ".o_form_view button[name='action_view_calls'] .o_stat_value:contains('1')",
        },
        {
            content: "Open the ticket's calls",
            trigger: ".o_notebook a.nav-link:contains('Calls')",
            run: "click",
        },
        {
            content: "The call is in the ticket's history",
            trigger: "div[name='kbe_call_ids'] .o_data_row:contains('Nasi kotak basi saat tiba'):contains('Held')",
        },
    ],
});
