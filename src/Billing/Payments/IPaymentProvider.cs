namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>The payment provider as billing needs it: Stripe (through Stripe.net) or the local emulator.
/// Every mutating call takes the idempotency key that was stored before the call.</summary>
internal interface IPaymentProvider
{
    string Name { get; }

    /// <summary>Creates and confirms a manual-capture PaymentIntent with the customer's saved payment method.</summary>
    Task<IntentSnapshot> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken cancellationToken);

    Task<IntentSnapshot> GetAsync(string paymentIntentId, CancellationToken cancellationToken);

    /// <summary>The newest PaymentIntent made for an appointment (by its metadata), for a create whose answer was lost
    /// after its idempotency key may have expired; null when there is none.</summary>
    Task<IntentSnapshot?> FindByAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken);

    /// <summary>Completes the customer's pending 3-D Secure on an intent in <c>requires_action</c>. Only the local
    /// emulator can; with Stripe the customer does it in the browser (Stripe.js).</summary>
    Task<IntentSnapshot> ConfirmAuthenticationAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken);

    Task<IntentSnapshot> CaptureAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken);

    Task<IntentSnapshot> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken);

    Task<RefundSnapshot> RefundAsync(string paymentIntentId, long amount, Guid refundId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The balance transactions of a payout, or of a creation-time range, following every page.</summary>
    IAsyncEnumerable<BalanceLine> ListBalanceTransactionsAsync(string? payoutId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken);
}

internal sealed record AuthorizationRequest(Guid AppointmentId, long Amount, string Currency, string Customer, string PaymentMethod);

/// <summary>A PaymentIntent's state as read from the provider.</summary>
internal sealed record IntentSnapshot(
    string Id,
    string Status,
    long Amount,
    long AmountCapturable,
    long AmountReceived,
    string Currency,
    string? LatestChargeId,
    string? ClientSecret,
    string? AppointmentId,
    string? LastErrorCode);

internal sealed record RefundSnapshot(string Id, long Amount, string Status, string? ChargeId);

/// <summary>One balance transaction, reduced to what reconciliation compares.</summary>
internal readonly record struct BalanceLine(string Id, string Type, string Source, long Amount, long Fee, string Currency, DateTimeOffset Created);
