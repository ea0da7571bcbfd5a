import { h, replace } from "../shared/dom";
import { T, t, formatDateTime, formatMoney } from "../shared/i18n";
import { api } from "../shared/api";
import type { Identity } from "../shared/auth";
import type { Reconciliation, ReconciliationRun } from "./types";
import { cell, download, label, shortId, table } from "./view";

const message = (error: unknown) => (error instanceof Error && error.message ? error.message : t("error.unexpected"));

/**
 * Reconciliation: run one for a payout or a period, see its summary and every difference; past runs (by anyone)
 * are listed newest first and open on click.
 */
export function reconciliationScreen(area: HTMLElement, identity: Identity): void {
  const payout = h("input", { id: "rec-payout", type: "text", autocomplete: "off", placeholder: "po_…", "data-testid": "rec-payout" });
  const from = h("input", { id: "rec-from", type: "date", "data-testid": "rec-from" });
  const to = h("input", { id: "rec-to", type: "date", "data-testid": "rec-to" });
  const today = new Date();
  from.value = isoDate(new Date(today.getTime() - 7 * 86_400_000));
  to.value = isoDate(today);
  const result = h("div", { "aria-live": "polite", "data-testid": "rec-result" });
  const runs = h("div", { "data-testid": "rec-runs" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "rec-run" }, t("bi.recRun"));

  async function run(event: Event): Promise<void> {
    event.preventDefault();
    const body = payout.value.trim()
      ? { payoutId: payout.value.trim() }
      : { from: from.value ? new Date(from.value + "T00:00:00").toISOString() : null, to: to.value ? new Date(new Date(to.value + "T00:00:00").getTime() + 86_400_000).toISOString() : null };
    if (!("payoutId" in body) && (!body.from || !body.to || body.from >= body.to)) {
      replace(result, h("p", { class: "field-error", role: "alert" }, t("bi.recScope")));
      return;
    }
    submit.disabled = true;
    replace(result, T("p", "bi.recRunning", { class: "hint" }));
    try {
      const report = await api<Reconciliation>(identity.token, "POST", "/api/billing/reconciliations", body);
      replace(result, renderReport(report, identity));
      void listRuns();
    } catch (error) {
      replace(result, h("p", { class: "problem", role: "alert" }, message(error)));
    } finally {
      submit.disabled = false;
    }
  }

  async function open(id: string): Promise<void> {
    replace(result, T("p", "bi.loading", { class: "hint" }));
    try {
      replace(result, renderReport(await api<Reconciliation>(identity.token, "GET", `/api/billing/reconciliations/${id}`), identity));
      result.scrollIntoView?.({ block: "nearest" });
    } catch (error) {
      replace(result, h("p", { class: "problem", role: "alert" }, message(error)));
    }
  }

  async function listRuns(): Promise<void> {
    let list: ReconciliationRun[];
    try {
      list = await api<ReconciliationRun[]>(identity.token, "GET", "/api/billing/reconciliations?limit=20");
    } catch (error) {
      replace(runs, h("p", { class: "problem", role: "alert" }, message(error)));
      return;
    }
    if (list.length === 0) {
      replace(runs, T("p", "bi.recNone", { class: "hint" }));
      return;
    }
    replace(runs, h("ul", { class: "appointments" }, ...list.map((r) =>
      h("li", { class: "appointment", "data-testid": "rec-run-item", "data-reconciliation": r.id },
        h("div", {}, h("div", { class: "who" }, r.payoutId ?? `${formatDateTime(r.from)} → ${formatDateTime(r.to)}`),
          h("div", { class: "meta" }, t("bi.recRunAt", { when: formatDateTime(r.createdAt), who: r.requestedBy }),
            h("span", { class: `badge ${differences(r) ? "red" : "green"}` }, differences(r) ? `${differences(r)} ${t("bi.recItems").toLowerCase()}` : t("bi.recAllMatch")))),
        h("button", { type: "button", class: "secondary", "data-testid": "rec-open", onclick: () => void open(r.id) }, t("bi.details"))))));
  }

  replace(area,
    h("section", { class: "card", "aria-labelledby": "rec-title" },
      T("h1", "bi.recTitle", { id: "rec-title" }), T("p", "bi.recBody", { class: "hint" }),
      h("form", { class: "filters", onsubmit: (e) => void run(e) },
        h("div", { class: "field" }, T("label", "bi.recPayout", { for: "rec-payout" }), payout),
        h("div", { class: "field" }, T("label", "bi.recFrom", { for: "rec-from" }), from),
        h("div", { class: "field" }, T("label", "bi.recTo", { for: "rec-to" }), to),
        h("div", { class: "actions" }, submit)),
      result),
    h("section", { class: "card", "aria-labelledby": "runs-title" }, T("h2", "bi.recRuns", { id: "runs-title" }), runs));
  void listRuns();
}

function differences(r: ReconciliationRun): number {
  return r.summary.missingFromLedger + r.summary.missingFromStripe + r.summary.amountMismatches;
}

function renderReport(r: Reconciliation, identity: Identity): HTMLElement {
  const currency = r.items[0]?.currency?.toUpperCase() ?? "EUR";
  const money = (v: number | null) => (v === null ? "—" : formatMoney(v, currency));
  const stat = (key: Parameters<typeof t>[0], value: string, bad = false, testId?: string) =>
    h("div", { class: `stat${bad ? " bad" : ""}`, "data-testid": testId }, h("div", { class: "value" }, value), h("div", { class: "label" }, t(key)));
  const s = r.summary;
  return h("div", { "data-testid": "rec-report" },
    h("div", { class: "stats" },
      stat("bi.recMatched", String(s.matched), false, "rec-matched"),
      stat("bi.recMissingLedger", String(s.missingFromLedger), s.missingFromLedger > 0),
      stat("bi.recMissingStripe", String(s.missingFromStripe), s.missingFromStripe > 0),
      stat("bi.recMismatch", String(s.amountMismatches), s.amountMismatches > 0),
      stat("bi.recGross", money(s.stripeGross)), stat("bi.recLedger", money(s.ledgerGross)),
      stat("bi.recFees", money(s.fees)), stat("bi.recNet", money(s.net))),
    r.items.length === 0 ? h("p", { class: "notice green-notice", "data-testid": "rec-all-match" }, t("bi.recAllMatch"))
      : h("div", {}, T("h3", "bi.recItems"),
        table(["bi.col.status", "bi.col.txn", "bi.col.type", ["bi.col.provider", "num"], ["bi.col.ledger", "num"], ["bi.recFees", "num"], "bi.col.charge"],
          r.items.map((i) => h("tr", {}, cell(label("bi.rec.", i.status)), cell(h("span", { class: "mono" }, i.balanceTransactionId ?? "—")), cell(i.type),
            cell(money(i.stripeAmount), true), cell(money(i.ledgerAmount), true), cell(money(i.fee), true),
            cell(i.chargeId ? h("span", { class: "mono" }, shortId(i.chargeId)) : null))), "rec-items")),
    h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () =>
      void download(api<string>(identity.token, "GET", `/api/billing/reconciliations/${r.id}/export.csv`), `reconciliation-${shortId(r.id)}.csv`) }, t("bi.recExport"))));
}

function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
