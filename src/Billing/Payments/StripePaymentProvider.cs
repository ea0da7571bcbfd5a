using System.Net;
using System.Runtime.CompilerServices;
using Stripe;

namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>Stripe through Stripe.net's <see cref="StripeClient"/>. Stripe.net's own retries are off: the worker
/// retries with the stored idempotency key, so every try is visible in the attempts table.</summary>
internal sealed class StripePaymentProvider : IPaymentProvider
{
    private readonly PaymentIntentService intents;
    private readonly Stripe.RefundService refunds;
    private readonly BalanceTransactionService balance;

    public StripePaymentProvider(BillingOptions options, HttpClient httpClient)
    {
        var client = new StripeClient(
            options.StripeSecretKey,
            httpClient: new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
            apiBase: string.IsNullOrWhiteSpace(options.StripeApiBase) ? null : options.StripeApiBase);
        intents = new PaymentIntentService(client);
        refunds = new Stripe.RefundService(client);
        balance = new BalanceTransactionService(client);
    }

    public string Name => "stripe";

    /// <summary>A manual-capture PaymentIntent for the saved card, confirmed at once. Since API version 2023-08-16 an
    /// intent accepts the Dashboard's payment methods by default, and confirming one that allows redirect-based methods
    /// without a <c>return_url</c> is refused; <c>automatic_payment_methods[allow_redirects]=never</c> is Stripe's
    /// documented way out for a server-side confirm (see src/Billing/README.md).</summary>
    public Task<IntentSnapshot> AuthorizeAsync(AuthorizationRequest request, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () => Snapshot(await intents.CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = request.Amount,
                Currency = request.Currency.ToLowerInvariant(),
                Customer = request.Customer,
                PaymentMethod = request.PaymentMethod,
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
                CaptureMethod = "manual",
                Confirm = true,
                Metadata = new Dictionary<string, string> { ["appointment_id"] = request.AppointmentId.ToString("D") },
            },
            new RequestOptions { IdempotencyKey = idempotencyKey },
            cancellationToken)), cancellationToken);

    public Task<IntentSnapshot> GetAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        Call(async () => Snapshot(await intents.GetAsync(paymentIntentId, null, null, cancellationToken)), cancellationToken);

    public Task<IntentSnapshot?> FindByAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var found = await intents.SearchAsync(
                new PaymentIntentSearchOptions { Query = $"metadata['appointment_id']:'{appointmentId:D}'", Limit = 10 }, null, cancellationToken);
            PaymentIntent? newest = null;
            foreach (var pi in found.Data)
            {
                if (newest is null || pi.Created > newest.Created)
                {
                    newest = pi;
                }
            }
            return newest is null ? null : Snapshot(newest);
        }, cancellationToken);

    /// <summary>3-D Secure is the customer's to complete, in the browser with Stripe.js; the server cannot.</summary>
    public Task<IntentSnapshot> ConfirmAuthenticationAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromException<IntentSnapshot>(new PaymentProviderException(ProviderFailure.Permanent, "confirm_in_browser",
            "3-D Secure is completed in the browser with Stripe.js"));

    public Task<IntentSnapshot> CaptureAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () => Snapshot(await intents.CaptureAsync(paymentIntentId, null,
            new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken)), cancellationToken);

    public Task<IntentSnapshot> CancelAsync(string paymentIntentId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () => Snapshot(await intents.CancelAsync(paymentIntentId, null,
            new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken)), cancellationToken);

    public Task<RefundSnapshot> RefundAsync(string paymentIntentId, long amount, Guid refundId, string idempotencyKey, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            var refund = await refunds.CreateAsync(
                new RefundCreateOptions
                {
                    PaymentIntent = paymentIntentId,
                    Amount = amount,
                    Metadata = new Dictionary<string, string> { ["refund_id"] = refundId.ToString("D") },
                },
                new RequestOptions { IdempotencyKey = idempotencyKey },
                cancellationToken);
            return new RefundSnapshot(refund.Id, refund.Amount, refund.Status, refund.ChargeId);
        }, cancellationToken);

    public async IAsyncEnumerable<BalanceLine> ListBalanceTransactionsAsync(
        string? payoutId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new BalanceTransactionListOptions { Limit = 100, Payout = payoutId };
        if (from is not null || to is not null)
        {
            options.Created = new DateRangeOptions { GreaterThanOrEqual = from?.UtcDateTime, LessThan = to?.UtcDateTime };
        }
        var pages = balance.ListAutoPagingAsync(options, null, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (pages)
        {
            // Each step may fetch the next page; its errors are classified like every other call.
            while (await Call(async () => await pages.MoveNextAsync(), cancellationToken))
            {
                var txn = pages.Current;
                yield return new BalanceLine(txn.Id, txn.Type, txn.SourceId ?? "", txn.Amount, txn.Fee, txn.Currency,
                    new DateTimeOffset(DateTime.SpecifyKind(txn.Created, DateTimeKind.Utc)));
            }
        }
    }

    private static IntentSnapshot Snapshot(PaymentIntent pi)
    {
        pi.Metadata.TryGetValue("appointment_id", out var appointment);
        return new IntentSnapshot(pi.Id, pi.Status, pi.Amount, pi.AmountCapturable, pi.AmountReceived, pi.Currency,
            pi.LatestChargeId, pi.ClientSecret, appointment, pi.LastPaymentError?.Code);
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (StripeException e) when (e.StripeError is not null && e.HttpStatusCode != 0 && (int)e.HttpStatusCode < 500 && e.HttpStatusCode != HttpStatusCode.TooManyRequests && e.HttpStatusCode != HttpStatusCode.Conflict)
        {
            var error = e.StripeError;
            var intent = error.PaymentIntent is null ? null : Snapshot(error.PaymentIntent);
            var failure = error.Type == "card_error" ? ProviderFailure.Declined
                : error.Code is "payment_intent_unexpected_state" ? ProviderFailure.InvalidState
                : ProviderFailure.Permanent;
            throw new PaymentProviderException(failure, error.DeclineCode ?? error.Code ?? error.Type ?? "error", error.Message ?? "payment provider error", intent, e);
        }
        catch (StripeException e) when (e.HttpStatusCode != 0)
        {
            throw new PaymentProviderException(ProviderFailure.Transient, "provider_unavailable", $"payment provider answered {(int)e.HttpStatusCode}", null, e);
        }
        catch (Exception e) when (e is StripeException or HttpRequestException or IOException or Newtonsoft.Json.JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PaymentProviderException(ProviderFailure.Unknown, "no_answer", "no answer from the payment provider", null, e);
        }
    }
}
