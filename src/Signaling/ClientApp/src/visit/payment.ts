import { h } from "../shared/dom";
import { T, t, type MessageKey } from "../shared/i18n";
import { api } from "../shared/api";
import { banner, type Shell } from "../shared/shell";
import { confirmWithStripe } from "./stripe";

/** Where the patient's payment is confirmed: the local emulator (the server completes it) or Stripe (Stripe.js). */
interface BillingConfig {
  provider: "local" | "stripe";
  publishableKey: string | null;
}

/** What the payment notice needs to offer the 3-D Secure confirmation. */
export interface PaymentContext {
  token: string;
  appointmentId: string;
  /** The patient confirms 3-D Secure; anyone else on the page only sees the status. */
  forPatient: boolean;
}

/**
 * What the patient is told about the payment. For 3-D Secure the notice offers "Confirm the payment": with the local
 * payment emulator the server completes it; with Stripe, Stripe.js shows the bank's challenge. Either way the notice
 * changes when the server reports the payment authorised.
 */
export function paymentNotice(shell: Shell, status: string, message: string | null, clientSecret: string | null, context: PaymentContext): void {
  if (status === "requires_action" && !context.forPatient) {
    // Only the patient can confirm: the practitioner is told what is happening, with no button and no secret.
    banner(shell, "payment", "info", T("span", "pay.action.others", { "data-testid": "payment-action-others" }));
    return;
  }
  switch (status) {
    case "requires_action":
      banner(shell, "payment", "warning",
        h("span", { "data-testid": "payment-action" }, T("strong", "pay.action.title"), " ", T("span", "pay.action.body"),
          " ", h("span", { class: "banner-note", "data-testid": "payment-progress", "aria-live": "polite" })),
        h("button", { type: "button", class: "primary", "data-testid": "confirm-payment", onclick: (e) => void confirm(e, clientSecret, context) },
          T("span", "pay.action.button")));
      break;
    case "authorized":
      banner(shell, "payment", "success", T("span", "pay.authorized", { "data-testid": "payment-authorized" }));
      break;
    case "declined":
    case "failed":
      banner(shell, "payment", "error", h("span", { "data-testid": "payment-declined" }, T("strong", "pay.declined.title"), " ", T("span", "pay.declined.body")));
      break;
    case "captured":
      banner(shell, "payment", "success", T("span", "pay.captured", { "data-testid": "payment-captured" }));
      break;
    case "released":
      banner(shell, "payment", "info", T("span", "pay.released", { "data-testid": "payment-released" }));
      break;
    default:
      banner(shell, "payment", null);
  }
  void message;
}

async function confirm(event: Event, clientSecret: string | null, context: PaymentContext): Promise<void> {
  const button = event.currentTarget as HTMLButtonElement;
  const progress = button.closest("[data-banner]")?.querySelector<HTMLElement>("[data-testid='payment-progress']") ?? null;
  const say = (key: MessageKey) => { if (progress) progress.textContent = t(key); };
  button.disabled = true;
  say("pay.action.progress");
  try {
    const config = await api<BillingConfig>(context.token, "GET", "/api/billing/config");
    if (config.provider === "stripe") {
      if (!clientSecret || !config.publishableKey) throw new Error("no client secret");
      await confirmWithStripe(config.publishableKey, clientSecret);
      say("pay.action.sent");
      return;
    }
    const answer = await api<{ status: string }>(context.token, "POST", `/api/billing/payments/${encodeURIComponent(context.appointmentId)}/confirm`);
    say(answer.status === "requires_action" ? "pay.action.stillPending" : "pay.action.done");
  } catch {
    say("pay.action.failed");
    button.disabled = false;
  }
}
