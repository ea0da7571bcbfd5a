using Dapper;
using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Storage;
using Doctolib.Telehealth.Rooms;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Capture, release and refund: each reads the PaymentIntent first, so an earlier try whose answer was lost
/// is recognised from the intent's state instead of being made again.</summary>
internal sealed partial class AttemptExecutor
{
    private async Task CaptureAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, List<PaymentNotice> notices, CancellationToken ct)
    {
        if (charge.PaymentIntentId is null)
        {
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, "no_authorization", time.GetUtcNow(), ct);
            await GiveUpAsync(tx, attempt, charge, "billable, but there is no authorisation to capture", ct);
            return;
        }
        var pi = await provider.GetAsync(charge.PaymentIntentId, ct);
        if (pi.Status == "requires_capture")
        {
            try
            {
                pi = await provider.CaptureAsync(pi.Id, attempt.IdempotencyKey, ct);
            }
            catch (PaymentProviderException e) when (e.Failure == ProviderFailure.InvalidState)
            {
                pi = await provider.GetAsync(charge.PaymentIntentId, ct);
            }
        }
        await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
        switch (pi.Status)
        {
            case "succeeded":
                await ApplyReadBackAsync(tx, charge, pi, notices, ct);
                await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Succeeded, "captured", time.GetUtcNow(), ct);
                BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), "captured");
                break;
            case "requires_action" or "processing" or "requires_confirmation" or "requires_capture":
                // Waiting for the patient's 3-D Secure (or the bank): not a failure, try again later.
                await ApplyReadBackAsync(tx, charge, pi, notices, ct);
                await RetryOrGiveUpAsync(tx, attempt, charge, $"awaiting_{pi.Status}", "payment not capturable yet", ct);
                break;
            default:
                await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, pi.Status, time.GetUtcNow(), ct);
                await GiveUpAsync(tx, attempt, charge, $"cannot capture a payment in state {pi.Status}", ct);
                break;
        }
    }

    private async Task CancelAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, List<PaymentNotice> notices, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (charge.PaymentIntentId is null)
        {
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Succeeded, "nothing_to_release", now, ct);
            charge.Status = ChargeStatus.Released;
            return;
        }
        var pi = await provider.GetAsync(charge.PaymentIntentId, ct);
        if (pi.Status is "requires_capture" or "requires_action" or "requires_payment_method" or "requires_confirmation")
        {
            try
            {
                pi = await provider.CancelAsync(pi.Id, attempt.IdempotencyKey, ct);
            }
            catch (PaymentProviderException e) when (e.Failure == ProviderFailure.InvalidState)
            {
                pi = await provider.GetAsync(charge.PaymentIntentId, ct);
            }
        }
        await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
        if (pi.Status == "canceled")
        {
            await ApplyReadBackAsync(tx, charge, pi, notices, ct);
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Succeeded, "released", time.GetUtcNow(), ct);
            BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), "released");
            return;
        }
        await ApplyReadBackAsync(tx, charge, pi, notices, ct);
        await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, pi.Status, time.GetUtcNow(), ct);
        await GiveUpAsync(tx, attempt, charge, $"release impossible, payment is {pi.Status}", ct);
    }

    private async Task RefundAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, CancellationToken ct)
    {
        var refund = await tx.Connection!.QuerySingleAsync<(Guid Id, long Amount)>(new CommandDefinition(
            "SELECT id, amount FROM billing.refunds WHERE id = @RefundId", new { attempt.RefundId }, tx, cancellationToken: ct));
        RefundSnapshot result;
        try
        {
            result = await provider.RefundAsync(charge.PaymentIntentId!, refund.Amount, refund.Id, attempt.IdempotencyKey, ct);
        }
        catch (PaymentProviderException e) when (!e.IsRetryable)
        {
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, e.Code, time.GetUtcNow(), ct);
            await GiveUpAsync(tx, attempt, charge, $"refund rejected: {e.Code}", ct);
            return;
        }
        await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
        var now = time.GetUtcNow();
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE billing.refunds SET status = 'succeeded', stripe_refund_id = @stripeRefundId WHERE id = @id",
            new { id = refund.Id, stripeRefundId = result.Id }, tx, cancellationToken: ct));
        charge.ReservedRefunds -= refund.Amount;
        charge.RefundedAmount += refund.Amount;
        charge.Status = charge.RefundedAmount >= charge.CapturedAmount ? ChargeStatus.Refunded : ChargeStatus.PartiallyRefunded;
        await ChargeStore.LedgerAsync(tx, charge, "refunded", refund.Amount, charge.Currency, result.Id, result.Id, now, ct);
        await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Succeeded, "refunded", now, ct);
        BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), "refunded");
    }

    private static async Task FailRefundAsync(NpgsqlTransaction tx, ChargeRow charge, Guid refundId, CancellationToken cancellationToken)
    {
        var amount = await tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE billing.refunds SET status = 'failed' WHERE id = @refundId AND status = 'pending' RETURNING amount", new { refundId }, tx, cancellationToken: cancellationToken));
        charge.ReservedRefunds -= amount;
    }
}
