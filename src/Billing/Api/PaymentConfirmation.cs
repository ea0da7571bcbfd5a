using Dapper;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Storage;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>What a patient's "confirm the payment" came to.</summary>
internal enum ConfirmOutcome
{
    Done,
    NotFound,
    ConfirmInBrowser,
    NothingToConfirm,
}

/// <summary>The patient completes a pending 3-D Secure. With the local emulator this stores a <c>confirm</c> attempt
/// (its idempotency key <c>consultation/{id}/confirm</c> first, like every attempt) and runs it at once through the
/// executor; a worker picks it up if it could not run here. With Stripe it is Stripe.js's job, in the browser.</summary>
internal sealed class PaymentConfirmation(NpgsqlDataSource dataSource, AttemptExecutor executor, BillingOptions options, TimeProvider time)
{
    public static string ConfirmKey(Guid appointmentId) => $"consultation/{appointmentId:D}/confirm";

    public async Task<(ConfirmOutcome Outcome, string? Status)> ConfirmAsync(Guid appointmentId, string? patientId, CancellationToken ct)
    {
        var key = ConfirmKey(appointmentId);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var charge = await ChargeStore.LockByAppointmentAsync(tx, appointmentId, ct);
            if (charge is null || charge.PatientId != patientId || charge.PayerType != "card")
            {
                return (ConfirmOutcome.NotFound, null);
            }
            if (options.UsesStripe)
            {
                return (ConfirmOutcome.ConfirmInBrowser, charge.Status);
            }
            if (await AwaitsConfirmationAsync(tx, charge, ct))
            {
                await ChargeStore.InsertAttemptAsync(tx, charge.Id, AttemptKind.Confirm, key, time.GetUtcNow(), ct);
                await WorkSignal.NotifyAsync(tx, ct);
            }
            else if (!await ChargeStore.HasAttemptAsync(tx, key, ct))
            {
                return (ConfirmOutcome.NothingToConfirm, charge.Status);
            }
            await tx.CommitAsync(ct);
        }
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            var attemptId = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                "SELECT id FROM billing.payment_attempts WHERE idempotency_key = @key", new { key }, cancellationToken: ct));
            await executor.ExecuteAttemptAsync(attemptId, ct);
            var status = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT status FROM billing.charges WHERE appointment_id = @appointmentId", new { appointmentId }, cancellationToken: ct));
            return (ConfirmOutcome.Done, status);
        }
    }

    /// <summary>Waiting for 3-D Secure: before the end (requires_action), or after it with a capture still waiting for
    /// an authorisation that never came.</summary>
    private static async Task<bool> AwaitsConfirmationAsync(NpgsqlTransaction tx, ChargeRow charge, CancellationToken cancellationToken) =>
        charge.PaymentIntentId is not null
        && (charge.Status == ChargeStatus.RequiresAction
            || (charge.Status == ChargeStatus.CapturePending && !await tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM billing.ledger_entries WHERE charge_id = @Id AND kind = 'authorized')", new { charge.Id }, tx, cancellationToken: cancellationToken))));
}
