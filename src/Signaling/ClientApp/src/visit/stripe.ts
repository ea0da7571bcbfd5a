/** The little of Stripe.js the visit page uses: the bank's 3-D Secure challenge for a PaymentIntent. */
interface StripeJs {
  handleNextAction(options: { clientSecret: string }): Promise<{ error?: { message?: string } }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

let loading: Promise<void> | null = null;

function loadStripeJs(): Promise<void> {
  loading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "https://js.stripe.com/v3";
    script.onload = () => resolve();
    script.onerror = () => { loading = null; reject(new Error("Stripe.js did not load")); };
    document.head.append(script);
  });
  return loading;
}

/** Loads Stripe.js and lets it complete the 3-D Secure of the intent; the server learns the result by webhook. */
export async function confirmWithStripe(publishableKey: string, clientSecret: string): Promise<void> {
  await loadStripeJs();
  if (!window.Stripe) throw new Error("Stripe.js did not load");
  const result = await window.Stripe(publishableKey).handleNextAction({ clientSecret });
  if (result.error) throw new Error(result.error.message ?? "3-D Secure failed");
}
