import { h } from "../shared/dom";
import { T, t } from "../shared/i18n";
import { banner, type Shell } from "../shared/shell";

/**
 * What the patient is told about the payment. For 3-D Secure the bank's confirmation happens in the bank's own app
 * or page: with the local payment emulator there is no bank to ask, so the page explains and lets the patient
 * check again; the notice goes away as soon as the server reports the payment authorised.
 */
export function paymentNotice(shell: Shell, status: string, message: string | null): void {
  switch (status) {
    case "requires_action":
      banner(shell, "payment", "warning",
        h("span", { "data-testid": "payment-action" }, T("strong", "pay.action.title"), " ", T("span", "pay.action.body")),
        h("button", { type: "button", class: "secondary", onclick: (e) => explain(e) }, T("span", "pay.action.button")));
      break;
    case "declined":
    case "failed":
      banner(shell, "payment", "error", h("span", { "data-testid": "payment-declined" }, T("strong", "pay.declined.title"), " ", T("span", "pay.declined.body")));
      break;
    case "captured":
      banner(shell, "payment", "success", t("pay.captured"));
      break;
    case "released":
      banner(shell, "payment", "info", t("pay.released"));
      break;
    default:
      banner(shell, "payment", null);
  }
  void message;
}

function explain(event: Event): void {
  const button = event.currentTarget as HTMLButtonElement;
  const text = t("pay.action.explain");
  button.replaceWith(h("span", { class: "banner-note" }, text));
}
