using System.Runtime.CompilerServices;
using Dapper;
using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Storage;
using Doctolib.Telehealth.Rooms;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Runs due payment attempts against the provider, one at a time per charge and in order. The attempt row
/// is claimed FOR UPDATE SKIP LOCKED (so several workers never run the same one) and the charge row is locked for
/// the call. If the process dies anywhere, the transaction rolls back and the attempt is still pending with the same
/// idempotency key, so the next try replays the same request: Stripe answers it with the stored result.</summary>
internal sealed partial class AttemptExecutor(
    NpgsqlDataSource dataSource,
    IPaymentProvider provider,
    IPaymentNotifier notifier,
    BillingOptions options,
    TimeProvider time,
    FaultInjector faults,
    ILogger<AttemptExecutor> logger)
{
    private const string NextDue = """
        SELECT a.* FROM billing.payment_attempts a
        WHERE a.status = 'pending' AND a.next_run_at <= @now
          AND (a.kind = 'confirm' OR NOT EXISTS (SELECT 1 FROM billing.payment_attempts b
                          WHERE b.charge_id = a.charge_id AND b.seq < a.seq AND b.status = 'pending'))
        ORDER BY a.next_run_at, a.seq
        LIMIT 1
        FOR UPDATE OF a SKIP LOCKED
        """;

    /// <summary>When the earliest pending attempt that could run next is due (null when there is none), so that an idle
    /// worker sleeps exactly until then.</summary>
    public async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var due = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            """
            SELECT min(a.next_run_at) FROM billing.payment_attempts a
            WHERE a.status = 'pending'
              AND (a.kind = 'confirm' OR NOT EXISTS (SELECT 1 FROM billing.payment_attempts b
                              WHERE b.charge_id = a.charge_id AND b.seq < a.seq AND b.status = 'pending'))
            """, cancellationToken: cancellationToken));
        return due is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>Runs the oldest due attempt; false when none is due.</summary>
    public Task<bool> ExecuteNextAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(NextDue, new { now = time.GetUtcNow() }, cancellationToken);

    /// <summary>Runs one given attempt now if it is pending and no other worker holds it.</summary>
    public Task<bool> ExecuteAttemptAsync(Guid attemptId, CancellationToken cancellationToken) =>
        ExecuteAsync("SELECT * FROM billing.payment_attempts WHERE id = @attemptId AND status = 'pending' FOR UPDATE SKIP LOCKED",
            new { attemptId }, cancellationToken);

    private async Task<bool> ExecuteAsync(string claimSql, object claimArgs, CancellationToken cancellationToken)
    {
        var claimed = new StrongBox<AttemptRow?>();
        try
        {
            return await ExecuteClaimedAsync(claimSql, claimArgs, claimed, cancellationToken);
        }
        catch (Exception e) when (claimed.Value is { } attempt && !FaultInjector.IsCrash(e) && e is not OperationCanceledException
                                  && e is not NpgsqlException { IsTransient: true })
        {
            // A bug or bad data must not pin this attempt at the head of the queue and stop all billing: set it aside
            // for a while (everything it did was rolled back) and let the others run.
            await QuarantineAsync(attempt, e.GetType().Name, cancellationToken);
            throw;
        }
    }

    private async Task QuarantineAsync(AttemptRow attempt, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE billing.payment_attempts SET tries = tries + 1, last_error = @error, next_run_at = @next WHERE id = @Id AND status = 'pending'",
            new { attempt.Id, error = $"internal:{error}", next = time.GetUtcNow() + QuarantineDelay }, cancellationToken: cancellationToken));
        BillingLog.AttemptRetry(logger, attempt.ChargeId, WireFormat.Text(attempt.Kind), $"internal:{error}", attempt.Tries + 1, time.GetUtcNow() + QuarantineDelay);
    }

    private static readonly TimeSpan QuarantineDelay = TimeSpan.FromMinutes(1);

    private async Task<bool> ExecuteClaimedAsync(string claimSql, object claimArgs, StrongBox<AttemptRow?> claimed, CancellationToken cancellationToken)
    {
        var notices = new List<PaymentNotice>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var attempt = await connection.QuerySingleOrDefaultAsync<AttemptRow>(new CommandDefinition(claimSql, claimArgs, tx, cancellationToken: cancellationToken));
            if (attempt is null)
            {
                return false;
            }
            claimed.Value = attempt;
            var charge = await ChargeStore.LockByIdAsync(tx, attempt.ChargeId, cancellationToken)
                ?? throw new InvalidOperationException($"attempt {attempt.Id} has no charge");
            await faults.At(FaultPoint.BeforeProviderCall, attempt.IdempotencyKey);
            try
            {
                switch (attempt.Kind)
                {
                    case AttemptKind.Authorize:
                        await AuthorizeAsync(tx, attempt, charge, notices, cancellationToken);
                        break;
                    case AttemptKind.Capture:
                        await CaptureAsync(tx, attempt, charge, notices, cancellationToken);
                        break;
                    case AttemptKind.Cancel:
                        await CancelAsync(tx, attempt, charge, notices, cancellationToken);
                        break;
                    case AttemptKind.Confirm:
                        await ConfirmAsync(tx, attempt, charge, notices, cancellationToken);
                        break;
                    case AttemptKind.Refund:
                        await RefundAsync(tx, attempt, charge, cancellationToken);
                        break;
                    default:
                        throw new InvalidOperationException($"Attempt {attempt.Id} has an unknown kind ({attempt.Kind}).");
                }
            }
            catch (PaymentProviderException e) when (e.IsRetryable)
            {
                await RetryOrGiveUpAsync(tx, attempt, charge, e.Code, e.Message, cancellationToken);
            }
            catch (PaymentProviderException e)
            {
                await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, e.Code, time.GetUtcNow(), cancellationToken);
                await GiveUpAsync(tx, attempt, charge, $"{WireFormat.Text(attempt.Kind)} rejected by the provider: {e.Code}", cancellationToken);
            }
            await ChargeStore.UpdateAsync(tx, charge, time.GetUtcNow(), cancellationToken);
            await tx.CommitAsync(cancellationToken);
            BillingLog.ChargeStatusChanged(logger, charge.Id, charge.AppointmentId, charge.Status);
        }
        foreach (var notice in notices)
        {
            await notifier.NotifyAsync(notice, cancellationToken);
        }
        return true;
    }

    private async Task RetryOrGiveUpAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, string code, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (attempt.Tries < options.RetrySchedule.Count)
        {
            var next = now + options.RetrySchedule[attempt.Tries];
            await ChargeStore.PostponeAttemptAsync(tx, attempt, code, next, cancellationToken);
            charge.LastError = code;
            BillingLog.AttemptRetry(logger, charge.Id, WireFormat.Text(attempt.Kind), code, attempt.Tries + 1, next);
            return;
        }
        await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, code, now, cancellationToken);
        await GiveUpAsync(tx, attempt, charge, $"{WireFormat.Text(attempt.Kind)} failed after {attempt.Tries + 1} tries: {code}", cancellationToken);
        _ = message;
    }

    private async Task GiveUpAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, string reason, CancellationToken cancellationToken)
    {
        charge.NeedsAttention = true;
        charge.AttentionReason = reason;
        if (attempt.Kind is AttemptKind.Capture or AttemptKind.Authorize && charge.CapturedAmount == 0)
        {
            charge.Status = ChargeStatus.Failed;
        }
        if (attempt.Kind == AttemptKind.Refund && attempt.RefundId is { } refundId)
        {
            await FailRefundAsync(tx, charge, refundId, cancellationToken);
        }
        BillingLog.NeedsAttention(logger, charge.Id, reason);
    }

    private async Task ApplyReadBackAsync(NpgsqlTransaction tx, ChargeRow charge, IntentSnapshot pi, List<PaymentNotice> notices, CancellationToken cancellationToken) =>
        await IntentApplier.ApplyAsync(tx, charge, pi, time.GetUtcNow(), notices, cancellationToken);

    private async Task AuthorizeAsync(NpgsqlTransaction tx, AttemptRow attempt, ChargeRow charge, List<PaymentNotice> notices, CancellationToken ct)
    {
        IntentSnapshot? pi = null;
        if (attempt.Tries > 0 && charge.PaymentIntentId is null)
        {
            // An earlier try got no answer. The same idempotency key replays it for 24 hours; past that, a new create
            // would authorise twice, so look for the intent by its metadata first.
            pi = await provider.FindByAppointmentAsync(charge.AppointmentId, ct);
        }
        try
        {
            pi ??= await provider.AuthorizeAsync(
                new AuthorizationRequest(charge.AppointmentId, charge.Amount, charge.Currency, charge.StripeCustomer ?? "", charge.PaymentMethod ?? ""),
                attempt.IdempotencyKey, ct);
        }
        catch (PaymentProviderException e) when (e.Failure == ProviderFailure.Declined)
        {
            await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
            var now = time.GetUtcNow();
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, $"declined:{e.Code}", now, ct);
            if (e.Intent is not null)
            {
                await ApplyReadBackAsync(tx, charge, e.Intent with { LastErrorCode = e.Intent.LastErrorCode ?? e.Code }, notices, ct);
            }
            else
            {
                charge.Status = ChargeStatus.Declined;
                charge.LastError = e.Code;
                await ChargeStore.LedgerAsync(tx, charge, "failed", charge.Amount, charge.Currency, attempt.IdempotencyKey, null, now, ct);
                notices.Add(charge.Notice("declined", "The card was declined."));
            }
            BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), "declined");
            return;
        }
        catch (PaymentProviderException e) when (!e.IsRetryable)
        {
            await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Failed, e.Code, time.GetUtcNow(), ct);
            await GiveUpAsync(tx, attempt, charge, $"authorize rejected: {e.Code}", ct);
            return;
        }
        await faults.At(FaultPoint.AfterProviderCall, attempt.IdempotencyKey);
        var authorised = pi ?? throw new InvalidOperationException("authorisation produced no intent");
        await ApplyReadBackAsync(tx, charge, authorised, notices, ct);
        await ChargeStore.CompleteAttemptAsync(tx, attempt, AttemptStatus.Succeeded, authorised.Status, time.GetUtcNow(), ct);
        BillingLog.AttemptDone(logger, charge.Id, WireFormat.Text(attempt.Kind), authorised.Status);
    }
}
