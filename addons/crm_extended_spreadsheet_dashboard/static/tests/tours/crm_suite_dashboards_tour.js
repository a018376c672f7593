/** @odoo-module **/

import { registry } from "@web/core/registry";

const TIMEOUT = 50000;

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
    // a chart loads its data when drawn: ask for it, for the charts below the fold too
    const chartsLoading = getters.getOdooChartIds().some((chartId) => {
        const dataSource = getters.getChartDataSource(chartId);
        dataSource.getData();
        return !dataSource.isReady();
    });
    return cellsLoading || chartsLoading;
}

// the suite ships four dashboards; a step opens one (a step may last 60 s at most)
const DASHBOARDS = 4;

function suiteItems() {
    const section = [...document.querySelectorAll(".o_spreadsheet_dashboard_search_panel section")].find(
        (el) => el.querySelector("header")?.textContent.includes("CRM Suite")
    );
    return section ? [...section.querySelectorAll(".o_search_panel_category_value")] : [];
}

const itemName = (item) => item.querySelector(".o_dashboard_name").textContent.trim();

/** Opens the next dashboard of the CRM Suite group not checked yet: it must draw its charts,
 * every figure and cell must evaluate without error and no error may be shown. */
async function openNextDashboard(checked) {
    const item = suiteItems().find((el) => !checked.has(itemName(el)));
    if (!item) {
        return; // fewer dashboards installed than the suite ships
    }
    const name = itemName(item);
    checked.add(name);
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
    await waitUntil(() => document.querySelector(".o_renderer .o-figure canvas"), `a chart of ${name}`);
    const found = problems(model);
    if (found.length) {
        throw new Error(`Dashboard ${name}: ${found.join("; ")}`);
    }
    // every filter applied at once: each data source must still load (its field chains are valid)
    for (const filter of model.getters.getGlobalFilters()) {
        if (filter.type === "relation") {
            model.dispatch("SET_GLOBAL_FILTER_VALUE", { id: filter.id, value: [1] });
        }
    }
    await waitUntil(() => !loading(model), `the filtered data of ${name}`);
    const filtered = problems(model);
    if (filtered.length) {
        throw new Error(`Dashboard ${name} filtered: ${filtered.join("; ")}`);
    }
    if (document.querySelector(".o_error_dialog, .o_notification.border-danger")) {
        throw new Error(`Dashboard ${name} raised an error`);
    }
    console.log(`crm_suite_dashboards_tour: ${name} rendered`);
}

registry.category("web_tour.tours").add("crm_suite_dashboards_tour", {
    url: "/odoo/dashboards",
    steps: () => {
        const checked = new Set();
        return [
            ...Array.from({ length: DASHBOARDS }, (_, index) => ({
                trigger: ".o_spreadsheet_dashboard_search_panel section header:contains('CRM Suite')",
                content: `Open dashboard ${index + 1} of the suite and check its charts`,
                timeout: 60000,
                run: () => openNextDashboard(checked),
            })),
            {
                trigger: ".o_renderer .o-figure canvas",
                content: "Every dashboard of the suite was opened",
                run: () => {
                    const left = suiteItems().filter((el) => !checked.has(itemName(el)));
                    if (!checked.size || left.length) {
                        throw new Error(`Dashboards not opened: ${left.map(itemName).join(", ")}`);
                    }
                },
            },
        ];
    },
});
