import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The sales rep (Own Documents Only) opens the CRM app from the home screen and lands on the
// pipeline; the "Customers & Products" menu of crm_kbe is in the app's menu bar, with the KBE
// catering products behind it.
registry.category("web_tour.tours").add("crm_kbe_open_pipeline", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The pipeline kanban shows its stages",
            trigger: ".o_opportunity_kanban .o_kanban_group .o_column_title",
        },
        {
            content: "crm_kbe's customer and product menu is in the CRM menu bar",
            trigger: ".o_main_navbar [data-menu-xmlid='crm_kbe.crm_kbe_menu_customers']",
            run: "click",
        },
        {
            content: "Open the catering products",
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_kbe.crm_kbe_menu_product']",
            run: "click",
        },
        {
            content: "The KBE catering products are listed",
            trigger: ".o_kanban_record:contains('Nasi Kotak Paket A')",
        },
    ],
});
