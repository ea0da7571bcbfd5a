using System.Globalization;

namespace Doctolib.Telehealth.Billing;

/// <summary>Billing settings, bound from the <c>Billing</c> section (keys listed on <see cref="BillingModule.AddBilling"/>)
/// and validated at start-up by <see cref="BillingOptionsValidator"/>. <c>STRIPE_SECRET_KEY</c>,
/// <c>STRIPE_WEBHOOK_SECRET</c> and <c>STRIPE_PUBLISHABLE_KEY</c> take precedence over their <c>Billing:Stripe:*</c> keys.</summary>
internal sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary><c>Billing:Stripe:*</c>.</summary>
    public StripeSection Stripe { get; set; } = new();

    /// <summary><c>Billing:Worker:*</c>.</summary>
    public WorkerSection Worker { get; set; } = new();

    /// <summary><c>Billing:MinimumBillableSeconds</c>: live media between practitioner and patient below this is not billed.</summary>
    public int MinimumBillableSeconds { get; set; } = 60;

    /// <summary><c>Billing:CaptureRetryScheduleSeconds</c>: comma-separated waits between tries of a provider call that
    /// failed for a transient reason; after the last one the charge goes to the "needs attention" list.</summary>
    public string CaptureRetryScheduleSeconds { get; set; } = "5,30,120,600,3600";

    /// <summary>Stripe secret key; without one the local payment emulator is used.</summary>
    public string? StripeSecretKey => Stripe.SecretKey;

    public string? StripeWebhookSecret => Stripe.WebhookSecret;

    /// <summary>Stripe publishable key, handed to the browser for Stripe.js (3-D Secure).</summary>
    public string? StripePublishableKey => Stripe.PublishableKey;

    /// <summary>Where Stripe.net sends requests (tests point it at the emulator).</summary>
    public string? StripeApiBase => Stripe.ApiBase;

    /// <summary>How long webhooks' signatures stay acceptable.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MinimumBillable => TimeSpan.FromSeconds(MinimumBillableSeconds);

    /// <summary>The safety poll: the longest an idle worker sleeps without a notification. New work wakes it at
    /// once (LISTEN/NOTIFY) and a scheduled retry wakes it when due.</summary>
    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(Worker.PollIntervalMs);

    /// <summary>Whether the hosted worker runs (tests drive the worker by hand).</summary>
    public bool WorkerEnabled => Worker.Enabled;

    public IReadOnlyList<TimeSpan> RetrySchedule =>
        TryParseSchedule(CaptureRetryScheduleSeconds, out var schedule)
            ? schedule
            : throw new InvalidOperationException("Billing:CaptureRetryScheduleSeconds is not a list of seconds.");

    public bool UsesStripe => !string.IsNullOrWhiteSpace(StripeSecretKey);

    /// <summary>"5,30,120": each a non-negative number of seconds.</summary>
    public static bool TryParseSchedule(string? text, out TimeSpan[] schedule)
    {
        schedule = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new TimeSpan[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 86_400)
            {
                return false;
            }
            result[i] = TimeSpan.FromSeconds(seconds);
        }
        schedule = result;
        return true;
    }

    internal sealed class StripeSection
    {
        public string? SecretKey { get; set; }

        public string? WebhookSecret { get; set; }

        public string? PublishableKey { get; set; }

        public string? ApiBase { get; set; }
    }

    internal sealed class WorkerSection
    {
        public bool Enabled { get; set; } = true;

        public int Concurrency { get; set; } = 2;

        public int PollIntervalMs { get; set; } = 15_000;
    }
}
