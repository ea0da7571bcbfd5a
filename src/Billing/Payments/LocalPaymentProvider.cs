using System.Runtime.CompilerServices;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>A stand-in for Stripe used when no Stripe key is configured, so the whole flow runs on a laptop. Its state
/// (intents, idempotent replies, refunded totals, balance lines) is kept in PostgreSQL, in the <c>billing</c> schema
/// (<c>billing.local_*</c>), so every node sharing the database sees the same intents and a restart keeps them. Every
/// mutating call is one transaction that first takes one advisory lock, so calls from all nodes run one at a time.
/// It honours idempotency keys (a stored reply, a decline or error included, is replayed), declines payment methods
/// whose id contains "decline", asks for 3-D Secure when it contains "authenticationRequired", and books every
/// capture and refund as a balance transaction (payout "po_local") so reconciliation can be tried too.</summary>
internal sealed class LocalPaymentProvider(NpgsqlDataSource dataSource, TimeProvider time) : IPaymentProvider
{
    public string Name => "local-emulator";

    public Task<IntentSnapshot> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        InTransactionAsync<IntentSnapshot>(idempotencyKey, async (tx, now) =>
        {
            var id = $"pi_local_{Guid.NewGuid():N}";
            var declined = request.PaymentMethod.Contains("decline", StringComparison.OrdinalIgnoreCase);
            var action = request.PaymentMethod.Contains("authenticationRequired", StringComparison.OrdinalIgnoreCase);
            var snapshot = new IntentSnapshot(id,
                declined ? "requires_payment_method" : action ? "requires_action" : "requires_capture",
                request.Amount, declined || action ? 0 : request.Amount, 0, request.Currency.ToLowerInvariant(),
                declined || action ? null : $"ch_local_{Guid.NewGuid():N}", $"{id}_secret", request.AppointmentId.ToString("D"),
                declined ? "card_declined" : null);
            await LocalEmulatorStore.InsertIntentAsync(tx, snapshot, now, cancellationToken);
            return declined
                ? (object)new PaymentProviderException(ProviderFailure.Declined, "card_declined", "Your card was declined.", snapshot)
                : snapshot;
        }, cancellationToken);

    public async Task<IntentSnapshot> GetAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Guard(LocalEmulatorStore.GetIntentAsync(connection, null, paymentIntentId, cancellationToken)) ?? throw Missing();
    }

    public async Task<IntentSnapshot?> FindByAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Guard(LocalEmulatorStore.FindNewestByAppointmentAsync(connection, appointmentId.ToString("D"), cancellationToken));
    }

    public Task<IntentSnapshot> ConfirmAuthenticationAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        MutateAsync(paymentIntentId, idempotencyKey, (_, pi, _) => Task.FromResult(pi.Status != "requires_action"
            ? throw Unexpected(pi)
            : pi with { Status = "requires_capture", AmountCapturable = pi.Amount, LatestChargeId = $"ch_local_{Guid.NewGuid():N}" }),
            cancellationToken);

    public Task<IntentSnapshot> CaptureAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        MutateAsync(paymentIntentId, idempotencyKey, async (tx, pi, now) =>
        {
            if (pi.Status != "requires_capture")
            {
                throw Unexpected(pi);
            }
            await LocalEmulatorStore.InsertBalanceLineAsync(tx, new BalanceLine($"txn_local_{Guid.NewGuid():N}", "charge", pi.LatestChargeId!,
                pi.AmountCapturable, pi.AmountCapturable * 15 / 1000 + 25, pi.Currency, now), cancellationToken);
            return pi with { Status = "succeeded", AmountReceived = pi.AmountCapturable, AmountCapturable = 0 };
        }, cancellationToken);

    public Task<IntentSnapshot> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        MutateAsync(paymentIntentId, idempotencyKey, (_, pi, _) => Task.FromResult(pi.Status is "succeeded" or "canceled"
            ? throw Unexpected(pi)
            : pi with { Status = "canceled", AmountCapturable = 0 }), cancellationToken);

    public Task<RefundSnapshot> RefundAsync(string paymentIntentId, long amount, Guid refundId, string idempotencyKey, CancellationToken cancellationToken) =>
        InTransactionAsync<RefundSnapshot>(idempotencyKey, async (tx, now) =>
        {
            var pi = await LocalEmulatorStore.GetIntentAsync(tx.Connection!, tx, paymentIntentId, cancellationToken);
            if (pi is null || pi.Status != "succeeded"
                || amount > pi.AmountReceived - await LocalEmulatorStore.RefundedAsync(tx, paymentIntentId, cancellationToken))
            {
                // Not stored under the key, as before: a later call with the same key is judged afresh.
                throw new PaymentProviderException(ProviderFailure.Permanent, "amount_too_large", "refund exceeds the unrefunded amount");
            }
            await LocalEmulatorStore.AddRefundedAsync(tx, paymentIntentId, amount, cancellationToken);
            var refund = new RefundSnapshot($"re_local_{Guid.NewGuid():N}", amount, "succeeded", pi.LatestChargeId);
            await LocalEmulatorStore.InsertBalanceLineAsync(tx, new BalanceLine($"txn_local_{Guid.NewGuid():N}", "refund", refund.Id, -amount, 0,
                pi.Currency, now), cancellationToken);
            return refund;
        }, cancellationToken);

    public async IAsyncEnumerable<BalanceLine> ListBalanceTransactionsAsync(
        string? payoutId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<BalanceLine> lines;
        await using (var connection = await OpenAsync(cancellationToken))
        {
            lines = await Guard(LocalEmulatorStore.ListBalanceLinesAsync(connection, from, to, cancellationToken));
        }
        foreach (var line in lines)
        {
            yield return line;
        }
    }

    /// <summary>Reads the intent, applies <paramref name="change"/> and stores what it returns; a
    /// <see cref="PaymentProviderException"/> it throws is the reply stored under the key. An unknown intent is
    /// answered <c>resource_missing</c> and not stored.</summary>
    private Task<IntentSnapshot> MutateAsync(
        string id, string key, Func<NpgsqlTransaction, IntentSnapshot, DateTimeOffset, Task<IntentSnapshot>> change, CancellationToken cancellationToken) =>
        InTransactionAsync<IntentSnapshot>(key, async (tx, now) =>
        {
            var pi = await LocalEmulatorStore.GetIntentAsync(tx.Connection!, tx, id, cancellationToken) ?? throw Missing();
            try
            {
                var changed = await change(tx, pi, now);
                await LocalEmulatorStore.UpdateIntentAsync(tx, changed, cancellationToken);
                return changed;
            }
            catch (PaymentProviderException e)
            {
                return e;
            }
        }, cancellationToken);

    /// <summary>One serialised transaction: replays the reply stored under the key, or runs <paramref name="work"/>
    /// and stores its reply (a result or a <see cref="PaymentProviderException"/> it returns) before committing. An
    /// exception <paramref name="work"/> throws rolls everything back and stores nothing.</summary>
    private async Task<T> InTransactionAsync<T>(string key, Func<NpgsqlTransaction, DateTimeOffset, Task<object>> work, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await LocalEmulatorStore.LockAsync(tx, cancellationToken);
            var stored = await LocalEmulatorStore.GetReplyAsync(tx, key, cancellationToken);
            if (stored is not null)
            {
                reply = stored;
            }
            else
            {
                var now = time.GetUtcNow();
                reply = await work(tx, now);
                await LocalEmulatorStore.InsertReplyAsync(tx, key, reply, now, cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(e);
        }
        return reply is PaymentProviderException error ? throw error : (T)reply;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(e);
        }
    }

    private static async Task<T> Guard<T>(Task<T> query)
    {
        try
        {
            return await query;
        }
        catch (NpgsqlException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The emulator's database failed: like a Stripe call without an answer, it may or may not have
    /// happened, so the caller retries with the same key.</summary>
    private static PaymentProviderException Unavailable(NpgsqlException e) =>
        new(ProviderFailure.Unknown, "local_emulator_unavailable", "the local payment emulator's database did not answer", inner: e);

    private static PaymentProviderException Missing() =>
        new(ProviderFailure.Permanent, "resource_missing", "no such payment intent");

    private static PaymentProviderException Unexpected(IntentSnapshot pi) =>
        new(ProviderFailure.InvalidState, "payment_intent_unexpected_state", $"status is {pi.Status}", pi);
}
