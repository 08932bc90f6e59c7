import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Sales organisation, in two parts and two sessions:
// 1. the sales manager (Sales / Administrator) defines the territory "Jakarta Pusat" with its
//    team and salesperson;
// 2. the salesperson of that territory (Sales / User: Own Documents Only) finds the new
//    opportunity of PT. KITA in her pipeline, works it through the B2B checklist (needs
//    confirmed, the decision maker in the buying centre, the proposal presented), commits it to
//    her forecast and reads her target of the month.

const OPPORTUNITY = "PT. KITA - katering rapat bulanan";

function openCrmMenu(parentXmlid, xmlid, content) {
    return [
        {
            content: "Open the CRM menu",
            trigger: `.o_main_navbar [data-menu-xmlid='${parentXmlid}']`,
            run: "click",
        },
        {
            content,
            trigger: `.o-dropdown--menu [data-menu-xmlid='${xmlid}']`,
            run: "click",
        },
    ];
}

function pickMany2one(field, value) {
    return [
        {
            content: `${field}: ${value}`,
            trigger: `.o_form_view .o_field_widget[name='${field}'] input`,
            run: `edit ${value}`,
        },
        {
            content: `Choose ${value}`,
            trigger: `.o_field_widget[name='${field}'] .o-autocomplete--dropdown-item a:contains('${value}')`,
            run: "click",
        },
    ];
}

function tickStep(step) {
    return [
        {
            content: `Select the row of "${step}"`,
            trigger: `.o_field_widget[name='kbe_step_ids'] .o_data_row:contains('${step}') td[name='step_id']`,
            run: "click",
        },
        {
            content: `Tick "${step}"`,
            trigger: `.o_field_widget[name='kbe_step_ids'] .o_data_row:contains('${step}') td[name='done'] input`,
            run: "click",
        },
        {
            content: `"${step}" is ticked`,
            trigger: `.o_field_widget[name='kbe_step_ids'] .o_data_row:contains('${step}') td[name='done'] input:checked`,
        },
    ];
}

function moveToStage(stage) {
    return [
        {
            content: `Move the opportunity to ${stage}`,
            trigger: `.o_statusbar_status button:contains('${stage}')`,
            run: "click",
        },
        {
            content: `It is in ${stage}`,
            trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${stage}')`,
        },
        {
            content: "The move is saved and the opportunity reloaded (the chatter tells it)",
            trigger: `.o-mail-Message-trackingNew:contains('${stage}')`,
        },
    ];
}

registry.category("web_tour.tours").add("crm_kbe_territory_define", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        ...openCrmMenu("crm.crm_menu_config", "crm_kbe.kbe_territory_menu", "Open Configuration → Territories"),
        {
            content: "New territory",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Jakarta Pusat",
        },
        {
            content: "Its rule: the city of Jakarta Pusat",
            trigger: ".o_form_view .o_field_widget[name='city_names'] input",
            run: "edit Jakarta Pusat",
        },
        ...pickMany2one("team_id", "Tim Katering Korporat"),
        ...pickMany2one("user_id", "Sari Sales"),
        {
            content: "Save the territory",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The territory is saved",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name='name'] input",
        },
    ],
});

registry.category("web_tour.tours").add("crm_kbe_territory_work", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the CRM app: her pipeline",
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "The new opportunity of PT. KITA is in her pipeline",
            trigger: `.o_kanban_record:contains('${OPPORTUNITY}')`,
            run: "click",
        },
        {
            content: "It was placed in her territory",
            trigger: ".o_form_view .o_field_widget[name='kbe_territory_id'] input:value('Jakarta Pusat')",
        },
        {
            content: "Open the checklist of the B2B complex sale",
            trigger: ".o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        ...tickStep("Needs confirmed"),
        ...moveToStage("Qualified"),
        {
            content: "Open the buying centre",
            trigger: ".o_notebook .nav-link:contains('Buying Centre')",
            run: "click",
        },
        {
            content: "Add a contact",
            trigger: ".o_field_widget[name='kbe_buying_center_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Yeyen of PT. KITA",
            trigger: ".o_field_widget[name='kbe_buying_center_ids'] .o_data_row td[name='partner_id'] input",
            run: "edit Yeyen",
        },
        {
            content: "Choose Yeyen",
            trigger: ".o-autocomplete--dropdown-item a:contains('Yeyen')",
            run: "click",
        },
        {
            content: "She decides",
            trigger: ".o_field_widget[name='kbe_buying_center_ids'] .o_data_row td[name='role'] select",
            run: `select "decision_maker"`,
        },
        {
            content: "Save: the decision maker ticks the checklist's step",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Back to the checklist",
            trigger: ".o_form_saved .o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        {
            content: "Decision makers identified: ticked by the buying centre",
            trigger:
                ".o_field_widget[name='kbe_step_ids'] .o_data_row:contains('Decision makers identified') td[name='done'] input:checked",
        },
        ...moveToStage("Proposition"),
        {
            content: "Back to the pipeline",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a:contains('Pipeline')",
            run: "click",
        },
        {
            content: "The opportunity is in Proposition",
            trigger: `.o_kanban_group:contains('Proposition') .o_kanban_record:contains('${OPPORTUNITY}')`,
            run: "click",
        },
        {
            content: "Its checklist",
            trigger: ".o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        ...tickStep("Proposal presented"),
        {
            content: "She commits the deal to her forecast",
            trigger: ".o_form_view .o_field_widget[name='kbe_forecast_category'] select",
            run: `select "commit"`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        ...openCrmMenu("crm.crm_menu_sales", "crm_kbe.kbe_sales_target_menu", "Open Sales → Targets"),
        {
            content: "Her target of the month: the committed deal counts against it",
            trigger: ".o_list_view .o_data_row:contains('Sari Sales') td[name='commit_amount']:contains('30,000,000')",
        },
        {
            content: "and the gap to the target is what she has still to win",
            trigger: ".o_list_view .o_data_row:contains('Sari Sales') td[name='gap']:contains('50,000,000')",
        },
    ],
});
