using Dapper;
using Doctolib.Telehealth.Rooms;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Storage;

/// <summary>SQL over the billing tables, always inside the caller's transaction.</summary>
internal static class ChargeStore
{
    static ChargeStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public static Task<ChargeRow?> LockByAppointmentAsync(NpgsqlTransaction tx, Guid appointmentId, CancellationToken cancellationToken) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition(
            "SELECT * FROM billing.charges WHERE appointment_id = @appointmentId FOR UPDATE", new { appointmentId }, tx,
            cancellationToken: cancellationToken));

    public static Task<ChargeRow?> LockByIdAsync(NpgsqlTransaction tx, Guid id, CancellationToken cancellationToken) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition(
            "SELECT * FROM billing.charges WHERE id = @id FOR UPDATE", new { id }, tx, cancellationToken: cancellationToken));

    public static Task<ChargeRow?> LockByIntentAsync(NpgsqlTransaction tx, string paymentIntentId, CancellationToken cancellationToken) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition(
            "SELECT * FROM billing.charges WHERE payment_intent_id = @paymentIntentId FOR UPDATE", new { paymentIntentId }, tx,
            cancellationToken: cancellationToken));

    public static Task<ChargeRow?> LockByStripeChargeAsync(NpgsqlTransaction tx, string stripeChargeId, CancellationToken cancellationToken) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ChargeRow>(new CommandDefinition(
            "SELECT * FROM billing.charges WHERE stripe_charge_id = @stripeChargeId FOR UPDATE", new { stripeChargeId }, tx,
            cancellationToken: cancellationToken));

    public static Task InsertAsync(NpgsqlTransaction tx, ChargeRow c, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.charges (id, appointment_id, patient_id, practitioner_id, amount, currency, payer_type,
                stripe_customer, payment_method, insurer_reference, status, admitted_at, created_at, updated_at)
            VALUES (@Id, @AppointmentId, @PatientId, @PractitionerId, @Amount, @Currency, @PayerType,
                @StripeCustomer, @PaymentMethod, @InsurerReference, @Status, @AdmittedAt, @CreatedAt, @UpdatedAt)
            ON CONFLICT (appointment_id) DO NOTHING
            """, c, tx, cancellationToken: cancellationToken));

    /// <summary>Writes back every mutable column of a locked charge.</summary>
    public static Task UpdateAsync(NpgsqlTransaction tx, ChargeRow c, DateTimeOffset now, CancellationToken cancellationToken)
    {
        c.UpdatedAt = now.UtcDateTime;
        return tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE billing.charges SET status = @Status, payment_intent_id = @PaymentIntentId, stripe_charge_id = @StripeChargeId,
                client_secret = @ClientSecret, captured_amount = @CapturedAmount, refunded_amount = @RefundedAmount,
                reserved_refunds = @ReservedRefunds, admitted_at = @AdmittedAt, ended_at = @EndedAt, end_reason = @EndReason,
                live_media_seconds = @LiveMediaSeconds, billable = @Billable, unbillable_reason = @UnbillableReason,
                needs_attention = @NeedsAttention, attention_reason = @AttentionReason, last_error = @LastError,
                ended_event_at = @EndedEventAt, updated_at = @UpdatedAt
            WHERE id = @Id
            """, c, tx, cancellationToken: cancellationToken));
    }

    public static Task<bool> HasAttemptAsync(NpgsqlTransaction tx, string idempotencyKey, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM billing.payment_attempts WHERE idempotency_key = @idempotencyKey)", new { idempotencyKey }, tx,
            cancellationToken: cancellationToken));

    /// <summary>Stores an attempt and its idempotency key; a second insert of the same key is a no-op.</summary>
    public static Task<int> InsertAttemptAsync(
        NpgsqlTransaction tx, Guid chargeId, AttemptKind kind, string idempotencyKey, DateTimeOffset now, CancellationToken cancellationToken,
        Guid? refundId = null) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.payment_attempts (id, charge_id, kind, idempotency_key, refund_id, status, next_run_at, created_at)
            VALUES (@id, @chargeId, @kind, @idempotencyKey, @refundId, 'pending', @now, @now)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, new { id = Guid.NewGuid(), chargeId, kind = WireFormat.Text(kind), idempotencyKey, refundId, now }, tx,
            cancellationToken: cancellationToken));

    public static Task CompleteAttemptAsync(
        NpgsqlTransaction tx, AttemptRow attempt, AttemptStatus status, string outcome, DateTimeOffset now, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE billing.payment_attempts SET status = @status, outcome = @outcome, tries = tries + 1, completed_at = @now
            WHERE id = @Id
            """, new { attempt.Id, status = WireFormat.Text(status), outcome, now }, tx, cancellationToken: cancellationToken));

    public static Task PostponeAttemptAsync(
        NpgsqlTransaction tx, AttemptRow attempt, string error, DateTimeOffset nextRunAt, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE billing.payment_attempts SET tries = tries + 1, last_error = @error, next_run_at = @nextRunAt WHERE id = @Id",
            new { attempt.Id, error, nextRunAt }, tx, cancellationToken: cancellationToken));

    /// <summary>Writes a ledger movement once: replaying the same (kind, reference) does nothing.</summary>
    public static Task<int> LedgerAsync(
        NpgsqlTransaction tx, ChargeRow? charge, string kind, long amount, string currency, string reference, string? externalRef,
        DateTimeOffset at, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.ledger_entries (charge_id, appointment_id, kind, amount, currency, reference, external_ref, at)
            VALUES (@chargeId, @appointmentId, @kind, @amount, @currency, @reference, @externalRef, @at)
            ON CONFLICT (kind, reference) DO NOTHING
            """, new { chargeId = charge?.Id, appointmentId = charge?.AppointmentId, kind, amount, currency = currency.ToUpperInvariant(), reference, externalRef, at },
            tx, cancellationToken: cancellationToken));
}
