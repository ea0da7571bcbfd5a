using System.Runtime.CompilerServices;

namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>An in-process stand-in for Stripe used when no Stripe key is configured, so the whole flow runs on a
/// laptop. It keeps intents in memory, honours idempotency keys, declines payment methods whose id contains
/// "decline", asks for 3-D Secure when it contains "authenticationRequired", and books every capture and refund as
/// a balance transaction (payout "po_local") so reconciliation can be tried too.</summary>
internal sealed class LocalPaymentProvider(TimeProvider time) : IPaymentProvider
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, IntentSnapshot> intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> replies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> refunded = new(StringComparer.Ordinal);
    private readonly List<BalanceLine> balance = [];

    public string Name => "local-emulator";

    public Task<IntentSnapshot> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (replies.TryGetValue(idempotencyKey, out var stored))
            {
                return Replay<IntentSnapshot>(stored);
            }
            var id = $"pi_local_{Guid.NewGuid():N}";
            var declined = request.PaymentMethod.Contains("decline", StringComparison.OrdinalIgnoreCase);
            var action = request.PaymentMethod.Contains("authenticationRequired", StringComparison.OrdinalIgnoreCase);
            var snapshot = new IntentSnapshot(id,
                declined ? "requires_payment_method" : action ? "requires_action" : "requires_capture",
                request.Amount, declined || action ? 0 : request.Amount, 0, request.Currency.ToLowerInvariant(),
                declined || action ? null : $"ch_local_{Guid.NewGuid():N}", $"{id}_secret", request.AppointmentId.ToString("D"),
                declined ? "card_declined" : null);
            intents[id] = snapshot;
            object reply = declined
                ? new PaymentProviderException(ProviderFailure.Declined, "card_declined", "Your card was declined.", snapshot)
                : snapshot;
            replies[idempotencyKey] = reply;
            return Replay<IntentSnapshot>(reply);
        }
    }

    public Task<IntentSnapshot> GetAsync(string paymentIntentId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return intents.TryGetValue(paymentIntentId, out var pi)
                ? Task.FromResult(pi)
                : Task.FromException<IntentSnapshot>(new PaymentProviderException(ProviderFailure.Permanent, "resource_missing", "no such payment intent"));
        }
    }

    public Task<IntentSnapshot?> FindByAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken)
    {
        var key = appointmentId.ToString("D");
        lock (gate)
        {
            foreach (var pi in intents.Values)
            {
                if (pi.AppointmentId == key)
                {
                    return Task.FromResult<IntentSnapshot?>(pi);
                }
            }
        }
        return Task.FromResult<IntentSnapshot?>(null);
    }

    public Task<IntentSnapshot> ConfirmAuthenticationAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Mutate(paymentIntentId, idempotencyKey, pi => pi.Status != "requires_action"
            ? throw new PaymentProviderException(ProviderFailure.InvalidState, "payment_intent_unexpected_state", $"status is {pi.Status}", pi)
            : pi with { Status = "requires_capture", AmountCapturable = pi.Amount, LatestChargeId = $"ch_local_{Guid.NewGuid():N}" });

    public Task<IntentSnapshot> CaptureAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Mutate(paymentIntentId, idempotencyKey, pi =>
        {
            if (pi.Status != "requires_capture")
            {
                throw new PaymentProviderException(ProviderFailure.InvalidState, "payment_intent_unexpected_state", $"status is {pi.Status}", pi);
            }
            balance.Add(new BalanceLine($"txn_local_{Guid.NewGuid():N}", "charge", pi.LatestChargeId!, pi.AmountCapturable,
                pi.AmountCapturable * 15 / 1000 + 25, pi.Currency, time.GetUtcNow()));
            return pi with { Status = "succeeded", AmountReceived = pi.AmountCapturable, AmountCapturable = 0 };
        });

    public Task<IntentSnapshot> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Mutate(paymentIntentId, idempotencyKey, pi => pi.Status is "succeeded" or "canceled"
            ? throw new PaymentProviderException(ProviderFailure.InvalidState, "payment_intent_unexpected_state", $"status is {pi.Status}", pi)
            : pi with { Status = "canceled", AmountCapturable = 0 });

    public Task<RefundSnapshot> RefundAsync(string paymentIntentId, long amount, Guid refundId, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (replies.TryGetValue(idempotencyKey, out var stored))
            {
                return Replay<RefundSnapshot>(stored);
            }
            if (!intents.TryGetValue(paymentIntentId, out var pi) || pi.Status != "succeeded"
                || amount > pi.AmountReceived - refunded.GetValueOrDefault(paymentIntentId))
            {
                return Task.FromException<RefundSnapshot>(new PaymentProviderException(ProviderFailure.Permanent, "amount_too_large", "refund exceeds the unrefunded amount"));
            }
            refunded[paymentIntentId] = refunded.GetValueOrDefault(paymentIntentId) + amount;
            var refund = new RefundSnapshot($"re_local_{Guid.NewGuid():N}", amount, "succeeded", pi.LatestChargeId);
            balance.Add(new BalanceLine($"txn_local_{Guid.NewGuid():N}", "refund", refund.Id, -amount, 0, pi.Currency, time.GetUtcNow()));
            replies[idempotencyKey] = refund;
            return Task.FromResult(refund);
        }
    }

    public async IAsyncEnumerable<BalanceLine> ListBalanceTransactionsAsync(
        string? payoutId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BalanceLine[] lines;
        lock (gate)
        {
            lines = [.. balance];
        }
        await Task.Yield();
        foreach (var line in lines)
        {
            if ((from is null || line.Created >= from) && (to is null || line.Created < to))
            {
                yield return line;
            }
        }
    }

    private Task<IntentSnapshot> Mutate(string id, string key, Func<IntentSnapshot, IntentSnapshot> change)
    {
        lock (gate)
        {
            if (replies.TryGetValue(key, out var stored))
            {
                return Replay<IntentSnapshot>(stored);
            }
            if (!intents.TryGetValue(id, out var pi))
            {
                return Task.FromException<IntentSnapshot>(new PaymentProviderException(ProviderFailure.Permanent, "resource_missing", "no such payment intent"));
            }
            object reply;
            try
            {
                reply = intents[id] = change(pi);
            }
            catch (PaymentProviderException e)
            {
                reply = e;
            }
            replies[key] = reply;
            return Replay<IntentSnapshot>(reply);
        }
    }

    private static Task<T> Replay<T>(object reply) =>
        reply is Exception e ? Task.FromException<T>(e) : Task.FromResult((T)reply);
}
