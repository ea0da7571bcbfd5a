using Dapper;
using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Storage;
using Doctolib.Telehealth.Rooms;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>The patient's 3-D Secure confirmation (local emulator): reads the intent first, so a confirmation whose
/// answer was lost is recognised from the intent's state; the ledger's unique key keeps the authorisation single.</summary>
internal sealed partial class AttemptExecutor
{
    private async Task ConfirmAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, List<PaymentNotice> notices, CancellationToken ct)
    {
        if (charge.PaymentIntentId is null)
        {
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, "no_authorization", time.GetUtcNow(), ct);
            return;
        }
        var pi = await provider.GetAsync(charge.PaymentIntentId, ct);
        if (pi.Status == "requires_action")
        {
            try
            {
                pi = await provider.ConfirmAuthenticationAsync(pi.Id, attempt.IdempotencyKey, ct);
            }
            catch (PaymentProviderException e) when (e.Failure == ProviderFailure.InvalidState)
            {
                pi = await provider.GetAsync(charge.PaymentIntentId, ct);
            }
        }
        await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
        await ApplyReadBackAsync(tx, charge, pi, notices, ct);
        if (pi.Status == "requires_capture" && charge.Status == ChargeStatus.CapturePending)
        {
            // The consultation already ended: its capture was waiting for this confirmation, run it now.
            notices.Add(charge.Notice("authorized"));
            await tx.Connection!.ExecuteAsync(new CommandDefinition(
                "UPDATE billing.payment_attempts SET next_run_at = @now WHERE charge_id = @ChargeId AND kind = 'capture' AND status = 'pending'",
                new { now = time.GetUtcNow(), attempt.ChargeId }, tx, cancellationToken: ct));
        }
        await ChargeStore.CompleteAttemptAsync(tx, attempt, pi.Status == "requires_action" ? AttemptStatus.Failed : AttemptStatus.Succeeded, pi.Status, time.GetUtcNow(), ct);
        BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), pi.Status);
    }
}
