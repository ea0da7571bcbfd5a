using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Storage;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Brings a locked charge in line with a PaymentIntent's state as read from the provider. The worker and
/// the webhooks both use it, in any order and any number of times: the ledger's unique key and the "only forward"
/// rules below make a replay change nothing.</summary>
internal static class IntentApplier
{
    private static bool IsEarly(string status) =>
        status is ChargeStatus.Authorizing or ChargeStatus.RequiresAction or ChargeStatus.Authorized;

    public static async Task ApplyAsync(NpgsqlTransaction tx, ChargeRow charge, IntentSnapshot pi, DateTimeOffset now, List<PaymentNotice> notices, CancellationToken cancellationToken)
    {
        charge.PaymentIntentId ??= pi.Id;
        charge.StripeChargeId ??= pi.LatestChargeId;
        charge.ClientSecret ??= pi.ClientSecret;
        switch (pi.Status)
        {
            case "requires_capture":
                await ChargeStore.LedgerAsync(tx, charge, "authorized", pi.AmountCapturable, pi.Currency, pi.Id, pi.LatestChargeId, now, cancellationToken);
                if (IsEarly(charge.Status) && charge.Status != ChargeStatus.Authorized)
                {
                    charge.Status = ChargeStatus.Authorized;
                    notices.Add(charge.Notice("authorized"));
                }
                break;
            case "requires_action":
                if (charge.Status == ChargeStatus.Authorizing)
                {
                    charge.Status = ChargeStatus.RequiresAction;
                }
                if (charge.Status is ChargeStatus.RequiresAction or ChargeStatus.CapturePending)
                {
                    notices.Add(charge.Notice("requires_action", "Your bank asks you to confirm this payment.", pi.ClientSecret));
                }
                break;
            case "requires_payment_method":
                if (pi.LastErrorCode is not null && IsEarly(charge.Status))
                {
                    charge.Status = ChargeStatus.Declined;
                    charge.LastError = pi.LastErrorCode;
                    await ChargeStore.LedgerAsync(tx, charge, "failed", pi.Amount, pi.Currency, pi.Id, null, now, cancellationToken);
                    notices.Add(charge.Notice("declined", "The card was declined."));
                }
                break;
            case "succeeded":
                if (charge.CapturedAmount == 0)
                {
                    charge.CapturedAmount = pi.AmountReceived;
                    charge.Status = ChargeStatus.Captured;
                    charge.StripeChargeId = pi.LatestChargeId ?? charge.StripeChargeId;
                    await ChargeStore.LedgerAsync(tx, charge, "captured", pi.AmountReceived, pi.Currency, pi.Id, charge.StripeChargeId, now, cancellationToken);
                    notices.Add(charge.Notice("captured"));
                }
                break;
            case "canceled":
                if (charge.CapturedAmount == 0 && charge.Status != ChargeStatus.Released)
                {
                    charge.Status = ChargeStatus.Released;
                    await ChargeStore.LedgerAsync(tx, charge, "released", pi.Amount, pi.Currency, pi.Id, null, now, cancellationToken);
                    notices.Add(charge.Notice("released"));
                }
                break;
        }
    }
}
