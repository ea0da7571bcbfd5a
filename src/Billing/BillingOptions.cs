namespace Doctolib.Telehealth.Billing;

/// <summary>Billing settings, read from configuration (see <see cref="BillingModule.AddBilling"/>).</summary>
internal sealed class BillingOptions
{
    /// <summary>Stripe secret key; without one the local payment emulator is used.</summary>
    public string? StripeSecretKey { get; set; }

    public string? StripeWebhookSecret { get; set; }

    /// <summary>Stripe publishable key, handed to the browser for Stripe.js (3-D Secure).</summary>
    public string? StripePublishableKey { get; set; }

    /// <summary>Where Stripe.net sends requests (tests point it at the emulator).</summary>
    public string? StripeApiBase { get; set; }

    /// <summary>How long webhooks' signatures stay acceptable.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Live media between practitioner and patient below this is not billed.</summary>
    public TimeSpan MinimumBillable { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The safety poll: the longest an idle worker sleeps without a notification. New work wakes it at
    /// once (LISTEN/NOTIFY) and a scheduled retry wakes it when due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Waits between tries of a provider call that failed for a transient reason; after the last one the
    /// charge goes to the "needs attention" list.</summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    /// <summary>Whether the hosted worker runs (tests drive the worker by hand).</summary>
    public bool WorkerEnabled { get; set; } = true;

    public bool UsesStripe => !string.IsNullOrWhiteSpace(StripeSecretKey);
}
