import { h, replace, focusHeading } from "../shared/dom";
import { T, t, currentLanguage } from "../shared/i18n";
import { api } from "../shared/api";
import { UserFacingError } from "../shared/errors";
import type { Identity } from "../shared/auth";

/**
 * The end of the visit. A patient's receipt appears once the payment is captured: the receipt API needs the bearer
 * token, so the page fetches it and opens it from memory (no token ever goes in a link).
 */
export function endScreen(container: HTMLElement, identity: Identity, appointmentId: string, captured: boolean): void {
  const receipt = h("div", { class: "receipt", "data-testid": "receipt-area", "aria-live": "polite" });
  replace(container, h("section", { class: "card narrow end", "aria-labelledby": "end-title", "data-testid": "end-screen" },
    h("div", { class: "end-mark", "aria-hidden": "true" }, "✓"),
    T("h1", "end.title", { id: "end-title" }),
    T("p", "end.thanks", { class: "lead" }),
    identity.role === "patient" ? receipt : null));
  focusHeading(container);
  if (identity.role === "patient") void pollReceipt(receipt, identity, appointmentId, captured);
}

async function pollReceipt(area: HTMLElement, identity: Identity, appointmentId: string, captured: boolean): Promise<void> {
  replace(area, T("p", captured ? "end.receiptLoading" : "end.receiptPending", { class: "hint" }));
  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline && area.isConnected) {
    try {
      // The receipt in the page's language and the browser's time zone.
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
      const html = await api<string>(identity.token, "GET",
        `/api/billing/receipts/${appointmentId}?lang=${currentLanguage()}&tz=${encodeURIComponent(zone)}`);
      const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      // "Download as PDF": the receipt has a print layout, so the browser's print window saves it as a PDF.
      const pdf = h("button", { type: "button", class: "secondary", "data-testid": "receipt-pdf", onclick: () => {
        const win = window.open(url, "_blank");
        win?.addEventListener("load", () => win.print(), { once: true });
      } }, T("span", "end.receiptPdf"));
      replace(area,
        T("p", "end.receiptReady"),
        h("div", { class: "actions" },
          h("a", { href: url, target: "_blank", rel: "noopener", class: "button primary", "data-testid": "receipt-link" }, T("span", "end.receiptLink")),
          pdf),
        T("p", "end.receiptPdfHint", { class: "hint" }));
      return;
    } catch (error) {
      if (error instanceof UserFacingError && error.code === "receipt-not-available" && /released|not_billable|declined|failed/.test(error.message)) {
        replace(area, T("p", "end.notCharged", { class: "hint" }));
        return;
      }
      if (error instanceof UserFacingError && error.status === 401) {
        replace(area, h("p", { class: "problem" }, t("error.signedOut")));
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}
