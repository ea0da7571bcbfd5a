import "../shared/styles.css";
import { takeToken, type Identity } from "../shared/auth";
import { h, replace } from "../shared/dom";
import { T, t, initLanguage, onLanguageChange, type MessageKey } from "../shared/i18n";
import { mountShell, signedOutScreen } from "../shared/shell";
import { chargeDetail, chargesScreen } from "./charges";
import { reconciliationScreen } from "./reconciliation";

type Tab = "charges" | "attention" | "reconciliation";
const tabs: [Tab, MessageKey][] = [["charges", "bi.tab.charges"], ["attention", "bi.tab.attention"], ["reconciliation", "bi.tab.reconciliation"]];

/** The billing staff dashboard: charges (filters, CSV), a charge's detail and refund, needs attention, reconciliation. */
function dashboard(main: HTMLElement, identity: Identity): void {
  const area = h("div", { id: "billing-area" });
  let current: Tab = "charges";
  let detail: string | null = null;
  const buttons = tabs.map(([tab, key]) => T("button", key, { type: "button", role: "tab", id: `tab-${tab}`, "aria-controls": "billing-area", "data-testid": `tab-${tab}` }));
  buttons.forEach((button, i) => {
    button.addEventListener("click", () => show(tabs[i][0]));
    button.addEventListener("keydown", (e) => {
      const move = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!move) return;
      const next = buttons[(i + move + buttons.length) % buttons.length];
      next.focus();
      next.click();
    });
  });
  function show(tab: Tab, chargeId: string | null = null): void {
    current = tab;
    detail = chargeId;
    buttons.forEach((b, i) => {
      b.setAttribute("aria-selected", String(tabs[i][0] === tab));
      b.tabIndex = tabs[i][0] === tab ? 0 : -1;
    });
    area.setAttribute("aria-labelledby", `tab-${tab}`);
    if (chargeId) void chargeDetail(area, identity, chargeId, () => show(tab));
    else if (tab === "reconciliation") reconciliationScreen(area, identity);
    else chargesScreen(area, identity, tab === "attention", (id) => show(tab, id));
  }
  replace(main, h("nav", { class: "tabs", role: "tablist", "aria-label": t("bi.nav") }, ...buttons), h("div", { role: "tabpanel" }, area));
  onLanguageChange(() => show(current, detail));
  show("charges");
}

initLanguage();
const shell = mountShell("page.billing");
const identity = takeToken();
if (typeof identity === "string") signedOutScreen(shell, identity);
else {
  document.title = t("page.billing");
  dashboard(shell.main, identity);
}
