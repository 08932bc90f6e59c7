import { registry } from "@web/core/registry";

// A KBE catering customer reports a late delivery from "My account", with a photo attached, and
// finds the ticket in their list.
registry.category("web_tour.tours").add("crm_kbe_portal_ticket", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Open the new ticket form",
            trigger: "a.o_kbe_new_ticket",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit Nasi kotak terlambat datang",
        },
        {
            content: "It is a complaint",
            trigger: "select[name='type_id']",
            run: "selectByLabel Complaint",
        },
        {
            content: "Describe what happened",
            trigger: "textarea[name='description']",
            run: "edit 200 nasi kotak untuk rapat Senin datang jam 12:40, pesanan jam 11:30.",
        },
        {
            content: "Attach a photo of the delivery note",
            trigger: "input[name='attachments']",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(new File(["delivery note 12:40"], "surat_jalan.txt", { type: "text/plain" }));
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Send the ticket",
            trigger: "button.o_kbe_ticket_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket page shows the new ticket",
            trigger: ".o_kbe_portal_ticket_page h3:contains('Nasi kotak terlambat datang')",
        },
        {
            content: "Back to the ticket list",
            trigger: ".o_portal_submenu a[href='/my/tickets']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is listed",
            trigger: "tr.o_kbe_portal_ticket:contains('Nasi kotak terlambat datang')",
        },
    ],
});

// The agent takes the ticket, links the knowledge article that solves it, plans a technician's
// visit and closes the ticket.
registry.category("web_tour.tours").add("crm_kbe_agent_ticket", {
    url: "/odoo/action-crm_kbe.kbe_ticket_action",
    steps: () => [
        {
            content: "Open the customer's ticket",
            trigger: ".o_kanban_record:contains('Nasi kotak terlambat datang')",
            run: "click",
        },
        {
            content: "Take it",
            trigger: ".o_form_view button[name='action_take']",
            run: "click",
        },
        {
            content: "It is assigned to me",
            trigger: ".o_form_view:not(:has(button[name='action_take']))",
        },
        {
            content: "Open the knowledge tab",
            trigger: ".o_notebook a.nav-link:contains('Knowledge')",
            run: "click",
        },
        {
            content: "The late-delivery article is suggested: it solved the ticket",
            trigger:
                "div[name='suggested_article_ids'] .o_data_row:contains('Late catering delivery') button[name='action_link_to_ticket']",
            run: "click",
        },
        {
            content: "The article is recorded on the ticket",
            trigger: "div[name='article_ids'] .o_data_row:contains('Late catering delivery')",
        },
        {
            content: "Plan a service order",
            trigger: ".o_form_view button[name='action_create_service_order']",
            run: "click",
        },
        {
            content: "The service order comes from the ticket",
            trigger: ".o_form_view div[name='ticket_id'] input",
            run() {
                if (!this.anchor.value.includes("Nasi kotak terlambat datang")) {
                    throw new Error("the service order is not linked to the ticket");
                }
            },
        },
        {
            content: "Save the service order",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_field_widget[name='number']:contains('FSO/')",
            run: () => {},
        },
        {
            content: "Back to the ticket",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Nasi kotak terlambat datang')",
            run: "click",
        },
        {
            content: "The ticket shows its service order",
            trigger: "button[name='action_open_service_orders'] .o_stat_value:contains('1')",
        },
        {
            content: "Open the resolution tab",
            trigger: ".o_notebook a.nav-link:contains('Resolution')",
            run: "click",
        },
        {
            content: "The root cause is the delivery",
            trigger: "div[name='root_cause'] select",
            run: 'select "delivery"',
        },
        {
            content: "Close the ticket",
            trigger: ".o_form_view button[name='action_close']",
            run: "click",
        },
        {
            content: "The ticket is closed: it can be reopened",
            trigger: ".o_form_view button[name='action_reopen']",
        },
    ],
});
