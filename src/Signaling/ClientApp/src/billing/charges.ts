import { h, replace, focusHeading } from "../shared/dom";
import { T, t, formatDateTime, formatMoney, parseMoney } from "../shared/i18n";
import { api } from "../shared/api";
import { idOf } from "../shared/hub";
import type { Identity } from "../shared/auth";
import { chargeStatuses, type Charge, type ChargeDetail } from "./types";
import { cell, download, label, labelOrText, shortId, statusBadge, table } from "./view";

const message = (error: unknown) => (error instanceof Error && error.message ? error.message : t("error.unexpected"));

/** The charges table with its filters and CSV export; "needs attention" is the same table, pre-filtered. */
export function chargesScreen(area: HTMLElement, identity: Identity, attentionOnly: boolean, openDetail: (id: string) => void): void {
  const status = h("select", { id: "f-status", "data-testid": "filter-status" },
    h("option", { value: "" }, t("bi.filter.any")), ...chargeStatuses.map((s) => h("option", { value: s }, label("bi.status.", s))));
  const payer = h("select", { id: "f-payer" }, h("option", { value: "" }, t("bi.filter.any")),
    h("option", { value: "card" }, t("bi.payer.card")), h("option", { value: "third_party" }, t("bi.payer.third_party")));
  const practitioner = h("input", { id: "f-practitioner", type: "text", autocomplete: "off" });
  const from = h("input", { id: "f-from", type: "date" });
  const to = h("input", { id: "f-to", type: "date" });
  const results = h("div", { "aria-live": "polite", "data-testid": "charges-results" });

  const query = () => {
    const q = new URLSearchParams();
    if (status.value) q.set("status", status.value);
    if (payer.value) q.set("payerType", payer.value);
    if (practitioner.value.trim()) q.set("practitionerId", practitioner.value.trim());
    if (from.value) q.set("from", new Date(from.value + "T00:00:00").toISOString());
    if (to.value) q.set("to", new Date(new Date(to.value + "T00:00:00").getTime() + 86_400_000).toISOString());
    return q.toString();
  };

  async function load(): Promise<void> {
    replace(results, T("p", "bi.loading", { class: "hint" }));
    try {
      const rows = await api<Charge[]>(identity.token, "GET", attentionOnly ? "/api/billing/needs-attention" : `/api/billing/charges?${query()}`);
      if (rows.length === 0) {
        replace(results, T("p", attentionOnly ? "bi.attentionEmpty" : "bi.empty", { class: "hint" }));
        return;
      }
      replace(results,
        h("p", { class: "hint" }, rows.length === 1 ? t("bi.countOne") : t("bi.count", { count: rows.length })),
        table(["bi.col.created", "bi.col.appointment", "bi.col.patient", "bi.col.practitioner", "bi.col.payer", "bi.col.status",
          ["bi.col.amount", "num"], ["bi.col.captured", "num"], ["bi.col.refunded", "num"], attentionOnly ? "bi.col.reason" : "bi.details"],
        rows.map((c) => h("tr", { "data-testid": "charge-row", "data-charge": c.id },
          cell(formatDateTime(c.createdAt)),
          cell(h("span", { class: "mono", title: c.appointmentId }, shortId(c.appointmentId))),
          cell(c.patientId), cell(c.practitionerId), cell(label("bi.payer.", c.payerType)), cell(statusBadge(c.status)),
          cell(formatMoney(c.amount, c.currency), true), cell(formatMoney(c.capturedAmount, c.currency), true),
          cell(formatMoney(c.refundedAmount, c.currency), true),
          cell(h("span", {}, attentionOnly && c.attentionReason ? h("span", { class: "hint" }, c.attentionReason + " ") : null,
            h("button", { type: "button", class: "link-button", "data-testid": "charge-details", "aria-label": `${t("bi.details")} ${shortId(c.id)}`,
              onclick: () => openDetail(c.id) }, t("bi.details")))))), "charges-table"));
    } catch (error) {
      replace(results, h("p", { class: "problem", role: "alert" }, message(error)));
    }
  }

  const exportCsv = async () => {
    try {
      await download(api<string>(identity.token, "GET", `/api/billing/charges/export.csv?${query()}`), "charges.csv");
    } catch (error) {
      replace(results, h("p", { class: "problem", role: "alert" }, message(error)));
    }
  };

  replace(area, h("section", { class: "card", "aria-labelledby": "charges-title" },
    h("div", { class: "section-head" }, T("h1", attentionOnly ? "bi.tab.attention" : "bi.tab.charges", { id: "charges-title" }),
      attentionOnly ? null : h("button", { type: "button", class: "secondary", "data-testid": "export-csv", onclick: () => void exportCsv() }, t("bi.export"))),
    attentionOnly ? null : h("form", { class: "filters", "aria-label": t("bi.filters"), onsubmit: (e) => { e.preventDefault(); void load(); } },
      h("div", { class: "field" }, T("label", "bi.filter.status", { for: "f-status" }), status),
      h("div", { class: "field" }, T("label", "bi.filter.payer", { for: "f-payer" }), payer),
      h("div", { class: "field" }, T("label", "bi.filter.practitioner", { for: "f-practitioner" }), practitioner),
      h("div", { class: "field" }, T("label", "bi.filter.from", { for: "f-from" }), from),
      h("div", { class: "field" }, T("label", "bi.filter.to", { for: "f-to" }), to),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "apply-filters" }, t("bi.apply")))),
    results));
  void load();
}

/** One charge: its summary, the consultation's timeline, payment attempts, refunds, and the refund form. */
export async function chargeDetail(area: HTMLElement, identity: Identity, id: string, back: () => void, notice?: string, polls = 0): Promise<void> {
  if (!area.querySelector("[data-testid=charge-summary]")) replace(area, h("section", { class: "card" }, T("p", "bi.loading", { class: "hint" })));
  area.dataset.charge = id;
  let detail: ChargeDetail;
  try {
    detail = await api<ChargeDetail>(identity.token, "GET", `/api/billing/charges/${id}`);
  } catch (error) {
    replace(area, h("section", { class: "card" }, h("p", { class: "problem", role: "alert" }, message(error)),
      h("button", { type: "button", class: "secondary", onclick: back }, t("bi.back"))));
    return;
  }
  const c = detail.charge;
  const money = (minor: number | null) => (minor === null ? "—" : formatMoney(minor, c.currency));
  const refundable = c.capturedAmount - c.refundedAmount;
  const yesNo = (v: boolean | null) => (v === null ? "—" : v ? t("bi.yes") : t("bi.no"));

  replace(area,
    h("div", { class: "section-head" }, h("h1", { "data-testid": "charge-title" }, t("bi.detailTitle", { id: shortId(c.id) })),
      h("button", { type: "button", class: "secondary", "data-testid": "back", onclick: back }, t("bi.back"))),
    h("div", { class: "two-col" },
      h("section", { class: "card", "aria-labelledby": "summary-title" }, T("h2", "bi.summary", { id: "summary-title" }),
        h("dl", { class: "facts", "data-testid": "charge-summary" },
          h("dt", {}, t("bi.col.status")), h("dd", {}, statusBadge(c.status)),
          h("dt", {}, t("bi.col.amount")), h("dd", {}, money(c.amount)),
          h("dt", {}, t("bi.col.captured")), h("dd", {}, money(c.capturedAmount)),
          h("dt", {}, t("bi.col.refunded")), h("dd", { "data-testid": "refunded-amount" }, money(c.refundedAmount)),
          h("dt", {}, t("bi.col.payer")), h("dd", {}, label("bi.payer.", c.payerType)),
          h("dt", {}, t("bi.col.patient")), h("dd", {}, c.patientId),
          h("dt", {}, t("bi.col.practitioner")), h("dd", {}, c.practitionerId),
          h("dt", {}, t("bi.col.appointment")), h("dd", { class: "mono" }, c.appointmentId),
          h("dt", {}, t("bi.billable")), h("dd", {}, yesNo(c.billable)),
          c.unbillableReason ? h("dt", {}, t("bi.unbillableReason")) : null, c.unbillableReason ? h("dd", {}, labelOrText("bi.why.", c.unbillableReason)) : null,
          h("dt", {}, t("bi.liveMedia")), h("dd", {}, c.liveMediaSeconds === null ? "—" : t("bi.seconds", { count: c.liveMediaSeconds })),
          h("dt", {}, t("bi.ended")), h("dd", {}, formatDateTime(c.endedAt)),
          h("dt", {}, t("bi.paymentIntent")), h("dd", { class: "mono" }, c.paymentIntentId ?? "—"),
          c.needsAttention ? h("dt", {}, t("bi.tab.attention")) : null, c.needsAttention ? h("dd", { class: "problem" }, c.attentionReason ?? "") : null)),
      refundForm(identity, c.id, c.currency, refundable, notice, (done) => void chargeDetail(area, identity, id, back, done))),
    h("section", { class: "card", "aria-labelledby": "timeline-title" }, T("h2", "bi.timeline", { id: "timeline-title" }),
      detail.timeline.length === 0 ? T("p", "bi.timelineEmpty", { class: "hint" })
        : table(["bi.col.when", "bi.col.kind", "bi.col.who", "bi.col.detail"], detail.timeline.map((e) => h("tr", {},
          cell(formatDateTime(e.at, true)), cell(label("bi.tl.", e.kind)), cell(e.participant ? idOf(e.participant) : "—"), cell(detailText(e.detail)))), "timeline")),
    h("section", { class: "card", "aria-labelledby": "attempts-title" }, T("h2", "bi.attempts", { id: "attempts-title" }),
      detail.attempts.length === 0 ? T("p", "bi.attemptsEmpty", { class: "hint" })
        : table(["bi.col.kind", "bi.col.status", ["bi.col.tries", "num"], "bi.col.outcome", "bi.col.error", "bi.col.when", "bi.col.completed"],
          detail.attempts.map((a) => h("tr", {}, cell(label("bi.attempt.", a.kind)), cell(label("bi.attempt.", a.status)), cell(String(a.tries), true),
            cell(a.outcome ? label("bi.status.", a.outcome) : null), cell(a.lastError),
            cell(formatDateTime(a.createdAt)), cell(formatDateTime(a.completedAt)))), "attempts")),
    h("section", { class: "card", "aria-labelledby": "refunds-title" }, T("h2", "bi.refunds", { id: "refunds-title" }),
      detail.refunds.length === 0 ? T("p", "bi.refundsEmpty", { class: "hint" })
        : table(["bi.col.when", ["bi.col.amount", "num"], "bi.col.reason", "bi.col.who", "bi.col.status"],
          detail.refunds.map((r) => h("tr", {}, cell(formatDateTime(r.requestedAt)), cell(money(r.amount), true), cell(r.reason), cell(r.requestedBy), cell(label("bi.refund.", r.status)))), "refunds")));
  if (polls === 0 && !notice) focusHeading(area);
  // A refund is settled by the billing worker a moment after it is recorded: follow it until it is no longer pending.
  if (detail.refunds.some((r) => r.status === "pending") && polls < 30) {
    setTimeout(() => {
      if (area.isConnected && area.dataset.charge === id && area.querySelector("[data-testid=charge-summary]")) void chargeDetail(area, identity, id, back, notice, polls + 1);
    }, 1000);
  }
}

function refundForm(identity: Identity, id: string, currency: string, refundable: number, notice: string | undefined,
  reload: (notice: string) => void): HTMLElement {
  const section = h("section", { class: "card", "aria-labelledby": "refund-title" }, T("h2", "bi.refundTitle", { id: "refund-title" }));
  if (notice) section.append(h("p", { class: "notice green-notice", role: "status", "data-testid": "refund-done" }, notice));
  if (refundable <= 0) {
    section.append(T("p", "bi.notRefundable", { class: "hint" }));
    return section;
  }
  const amount = h("input", { id: "refund-amount", type: "text", inputmode: "decimal", autocomplete: "off", required: true, "aria-describedby": "refund-max", "data-testid": "refund-amount" });
  const reason = h("textarea", { id: "refund-reason", required: true, maxlength: 500, "data-testid": "refund-reason" });
  const result = h("div", { class: "form-result", "aria-live": "polite", "data-testid": "refund-result" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "refund-submit" }, t("bi.refundSubmit"));
  section.append(
    h("p", { id: "refund-max", class: "hint" }, t("bi.refundable", { amount: formatMoney(refundable, currency) })),
    h("form", { onsubmit: (e) => void send(e) },
      h("div", { class: "field" }, h("label", { for: "refund-amount" }, t("bi.refundAmount", { currency })), amount),
      h("div", { class: "field" }, T("label", "bi.refundReason", { for: "refund-reason" }), reason),
      h("div", { class: "actions" }, submit)),
    result);
  async function send(event: Event): Promise<void> {
    event.preventDefault();
    const minor = parseMoney(amount.value, currency);
    if (minor === null || minor <= 0 || minor > refundable) {
      replace(result, h("p", { class: "field-error", role: "alert" }, t("bi.refundBadAmount")));
      amount.focus();
      return;
    }
    if (!reason.value.trim()) {
      replace(result, h("p", { class: "field-error", role: "alert" }, t("bi.refundNoReason")));
      reason.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api<{ refundId: string; status: string }>(identity.token, "POST", `/api/billing/charges/${id}/refunds`, { amount: minor, reason: reason.value.trim() });
      reload(t("bi.refundDone", { amount: formatMoney(minor, currency) }));
    } catch (error) {
      replace(result, h("p", { class: "problem", role: "alert" }, message(error)));
      submit.disabled = false;
    }
  }
  return section;
}

/** A timeline detail as words: participant states and end reasons come as snake_case or PascalCase codes. */
function detailText(detail: string | null | undefined): string | null {
  if (!detail) return detail ?? null;
  return /^[A-Za-z_]+$/.test(detail) ? label("bi.detail.", snake(detail)) : detail;
}

function snake(code: string): string {
  return code.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
