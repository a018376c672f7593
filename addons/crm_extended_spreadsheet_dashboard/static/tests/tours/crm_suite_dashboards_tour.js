/** @odoo-module **/

import { registry } from "@web/core/registry";

const TIMEOUT = 30000;

async function waitUntil(predicate, what) {
    const start = Date.now();
    while (!predicate()) {
        if (Date.now() - start > TIMEOUT) {
            throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** The spreadsheet model the dashboard action renders (first component with a model prop). */
function findModel(node) {
    const model = node.component?.props?.model;
    if (model?.getters?.getEvaluatedCells) {
        return model;
    }
    for (const child of Object.values(node.children || {})) {
        const found = findModel(child);
        if (found) {
            return found;
        }
    }
    return null;
}

function problems(model) {
    const getters = model.getters;
    const found = [];
    for (const sheetId of getters.getSheetIds()) {
        for (const [position, cell] of Object.entries(getters.getEvaluatedCells(sheetId))) {
            if (cell.type === "error") {
                found.push(`${getters.getSheetName(sheetId)} ${position}: ${cell.value} ${cell.message || ""}`);
            }
        }
    }
    for (const chartId of getters.getOdooChartIds()) {
        if (!getters.getChartDataSource(chartId).isValid()) {
            found.push(`chart ${getters.getOdooChartDisplayName(chartId)} did not load`);
        }
    }
    for (const pivotId of getters.getPivotIds()) {
        if (!getters.getPivot(pivotId).isValid()) {
            found.push(`pivot ${getters.getPivotDisplayName(pivotId)} did not load`);
        }
    }
    return found;
}

function loading(model) {
    const getters = model.getters;
    const cellsLoading = getters
        .getSheetIds()
        .some((sheetId) =>
            Object.values(getters.getEvaluatedCells(sheetId)).some((cell) => cell.value === "Loading...")
        );
    const chartsLoading = getters
        .getOdooChartIds()
        .some((chartId) => !getters.getChartDataSource(chartId).isReady());
    return cellsLoading || chartsLoading;
}

/** Opens each dashboard of the CRM Suite group and checks it renders its charts, without errors. */
async function openEveryDashboard() {
    const section = [...document.querySelectorAll(".o_spreadsheet_dashboard_search_panel section")].find(
        (el) => el.querySelector("header")?.textContent.includes("CRM Suite")
    );
    const names = [...section.querySelectorAll(".o_dashboard_name")].map((el) => el.textContent.trim());
    if (!names.length) {
        throw new Error("No dashboard in the CRM Suite group");
    }
    for (const name of names) {
        const item = [...section.querySelectorAll(".o_search_panel_category_value")].find(
            (el) => el.querySelector(".o_dashboard_name").textContent.trim() === name
        );
        item.click();
        await waitUntil(
            () => item.classList.contains("active") && document.querySelector(".o_renderer .o-spreadsheet"),
            `dashboard ${name} to open`
        );
        if (document.querySelector(".dashboard-loading-status.error")) {
            throw new Error(`Dashboard ${name} failed to load`);
        }
        let model;
        await waitUntil(() => (model = findModel(odoo.__WOWL_DEBUG__.root.__owl__)), `the model of ${name}`);
        await waitUntil(() => !loading(model), `the data of ${name}`);
        await waitUntil(
            () => document.querySelector(".o_renderer .o-figure canvas"),
            `a chart of ${name} to be drawn`
        );
        const found = problems(model);
        if (found.length) {
            throw new Error(`Dashboard ${name}: ${found.join("; ")}`);
        }
        if (document.querySelector(".o_error_dialog, .o_notification.border-danger")) {
            throw new Error(`Dashboard ${name} raised an error`);
        }
        console.log(`crm_suite_dashboards_tour: ${name} rendered`);
    }
}

registry.category("web_tour.tours").add("crm_suite_dashboards_tour", {
    url: "/odoo/dashboards",
    steps: () => [
        {
            trigger: ".o_spreadsheet_dashboard_search_panel section header:contains('CRM Suite')",
            content: "The suite's dashboards are listed in the side panel",
        },
        {
            trigger: ".o_spreadsheet_dashboard_search_panel .o_dashboard_name:contains('Customers')",
            content: "Open each dashboard of the suite and check its charts",
            run: openEveryDashboard,
        },
        {
            trigger: ".o_renderer .o-figure canvas",
            content: "The last dashboard shows its charts",
        },
    ],
});
