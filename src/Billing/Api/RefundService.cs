using Dapper;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Storage;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Api;

internal enum RefundError
{
    None,
    ChargeNotFound,
    NotCaptured,
    InvalidAmount,
    ReasonRequired,
    ExceedsCaptured,
}

internal sealed record RefundResult(RefundError Error, Guid RefundId, string Status, long Refundable);

/// <summary>Refunds in part or whole. The amount is checked against captured minus refunded (and refunds still in
/// flight) under the charge's row lock, and the refund with its idempotency key <c>refund/{id}</c> is stored before
/// the provider is called.</summary>
internal sealed class RefundService(NpgsqlDataSource dataSource, AttemptExecutor executor, TimeProvider time)
{
    public async Task<RefundResult> RefundAsync(Guid chargeId, long amount, string? reason, string requestedBy, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new RefundResult(RefundError.ReasonRequired, Guid.Empty, "", 0);
        }
        if (amount <= 0)
        {
            return new RefundResult(RefundError.InvalidAmount, Guid.Empty, "", 0);
        }
        var refundId = Guid.NewGuid();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var charge = await ChargeStore.LockByIdAsync(tx, chargeId, cancellationToken);
            if (charge is null)
            {
                return new RefundResult(RefundError.ChargeNotFound, Guid.Empty, "", 0);
            }
            var refundable = charge.CapturedAmount - charge.RefundedAmount - charge.ReservedRefunds;
            if (charge.CapturedAmount == 0 || charge.PaymentIntentId is null)
            {
                return new RefundResult(RefundError.NotCaptured, Guid.Empty, "", 0);
            }
            if (amount > refundable)
            {
                return new RefundResult(RefundError.ExceedsCaptured, Guid.Empty, "", refundable);
            }
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO billing.refunds (id, charge_id, amount, currency, reason, requested_by, requested_at, status)
                VALUES (@refundId, @chargeId, @amount, @Currency, @reason, @requestedBy, @now, 'pending')
                """, new { refundId, chargeId, amount, charge.Currency, reason, requestedBy, now }, tx, cancellationToken: cancellationToken));
            await ChargeStore.InsertAttemptAsync(tx, chargeId, AttemptKind.Refund, $"refund/{refundId:D}", now, cancellationToken, refundId);
            charge.ReservedRefunds += amount;
            await ChargeStore.UpdateAsync(tx, charge, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        var attemptId = await ReadAttemptIdAsync(refundId, cancellationToken);
        await executor.ExecuteAttemptAsync(attemptId, cancellationToken);
        await using var read = await dataSource.OpenConnectionAsync(cancellationToken);
        var status = await read.ExecuteScalarAsync<string>(new CommandDefinition("SELECT status FROM billing.refunds WHERE id = @refundId", new { refundId }, cancellationToken: cancellationToken));
        return new RefundResult(RefundError.None, refundId, status ?? "pending", 0);
    }

    private async Task<Guid> ReadAttemptIdAsync(Guid refundId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition("SELECT id FROM billing.payment_attempts WHERE refund_id = @refundId", new { refundId }, cancellationToken: cancellationToken));
    }
}
