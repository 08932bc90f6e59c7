import { registry } from "@web/core/registry";

// The technician's day on a phone: "My Service Orders Today" lists today's visit; on site he
// checks in, ticks the checklist, notes the part he used, has the customer sign and completes
// the order.
registry.category("web_tour.tours").add("crm_kbe_service_technician_tour", {
    url: "/odoo/action-crm_kbe.kbe_service_order_action_my_today",
    steps: () => [
        {
            content: "Today's visit is on the technician's list",
            trigger: ".o_kanban_record:contains('KBE-VISIT-1'):contains('Repair the buffet warmers')",
            run: "click",
        },
        {
            content: "On site: check in",
            trigger: ".o_form_view .o_kbe_visit_buttons button[name='action_start']",
            run: "click",
        },
        {
            content: "The work is in progress",
            trigger: ".o_form_view .o_field_widget[name='date_started']:not(:empty)",
        },
        {
            content: "Tick the first checklist item",
            trigger: ".o_field_widget[name='task_ids'] .o_data_row:contains('Check the thermostat') .o_field_boolean_toggle input",
            run: "click",
        },
        {
            content: "Tick the second checklist item",
            trigger: ".o_field_widget[name='task_ids'] .o_data_row:contains('Test the heating') .o_field_boolean_toggle input",
            run: "click",
        },
        {
            content: "Parts used",
            trigger: ".o_notebook .nav-link:contains('Parts Used')",
            run: "click",
        },
        {
            content: "Add the part",
            trigger: ".o_field_widget[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Which part: the phone opens the list of parts",
            trigger: ".o_field_widget[name='line_ids'] .o_field_widget[name='product_id'] input",
            run: "click",
        },
        {
            content: "Search the list",
            trigger: ".modal .o_control_panel_navigation button:has(.fa-search)",
            run: "click",
        },
        {
            content: "The thermostat",
            trigger: ".modal .o_searchview_input",
            run: "edit Thermostat Uji && press Enter",
        },
        {
            content: "Pick it",
            trigger: ".modal .o_kanban_record:contains('Thermostat Uji')",
            run: "click",
        },
        {
            content: "The part is on the order",
            trigger: "body:not(:has(.modal)) .o_field_widget[name='line_ids'] .o_data_row input:value('Thermostat Uji')",
        },
        {
            content: "Sign-off",
            trigger: ".o_notebook .nav-link:contains('Sign-off')",
            run: "click",
        },
        {
            content: "Who signs",
            trigger: ".o_field_widget[name='signed_by'] input",
            run: "edit Yeyen",
        },
        {
            content: "Open the signature pad",
            trigger: ".o_field_widget[name='signature'] .o_signature",
            run: "click",
        },
        {
            content: "Sign with the name",
            trigger: ".modal .o_web_sign_auto_button",
            run: "click",
        },
        {
            content: "Adopt the signature",
            trigger: ".modal .modal-footer button.btn-primary:enabled",
            run: "click",
        },
        {
            content: "Complete the order",
            trigger: "body:not(:has(.modal)) .o_form_view .o_kbe_visit_buttons button[name='action_done']",
            run: "click",
        },
        {
            content: "The order is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
