using Doctolib.Telehealth.Billing.Api;
using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Reconciliation;
using Doctolib.Telehealth.Billing.Storage;
using Doctolib.Telehealth.Billing.Webhooks;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctolib.Telehealth.Billing;

/// <summary>The Billing module's public face: registration, endpoints and schema migration.</summary>
public static class BillingModule
{
    /// <summary>Registers billing. Needs a singleton <see cref="NpgsqlDataSource"/> and <see cref="TimeProvider"/>;
    /// uses <see cref="IConsultationOutbox"/> when the Rooms module registered one. Keys: STRIPE_SECRET_KEY
    /// (or Billing:Stripe:SecretKey), STRIPE_WEBHOOK_SECRET (or Billing:Stripe:WebhookSecret), STRIPE_PUBLISHABLE_KEY (or Billing:Stripe:PublishableKey), Billing:Stripe:ApiBase,
    /// Billing:MinimumBillableSeconds (60), Billing:Worker:Enabled (true), Billing:Worker:PollIntervalMs (15000, the safety poll),
    /// Billing:Worker:Concurrency (2), Billing:CaptureRetryScheduleSeconds ("5,30,120,600,3600").</summary>
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        // Billing's row classes use C# names for snake_case columns.
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<BillingOptions>()
            .Bind(configuration.GetSection(BillingOptions.Section))
            .PostConfigure(options =>
            {
                options.Stripe.SecretKey = First(configuration["STRIPE_SECRET_KEY"], options.Stripe.SecretKey);
                options.Stripe.WebhookSecret = First(configuration["STRIPE_WEBHOOK_SECRET"], options.Stripe.WebhookSecret);
                options.Stripe.PublishableKey = First(configuration["STRIPE_PUBLISHABLE_KEY"], options.Stripe.PublishableKey);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BillingOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPaymentNotifier, LoggingPaymentNotifier>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<BillingOptions>() is { UsesStripe: true } options
            ? new StripePaymentProvider(options, new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
            : new LocalPaymentProvider(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ConsultationEventHandler>();
        services.AddSingleton<AttemptExecutor>();
        services.AddSingleton(sp => new BillingWorker(
            sp.GetService<IConsultationOutbox>(), sp.GetRequiredService<ConsultationEventHandler>(), sp.GetRequiredService<AttemptExecutor>()));
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<WebhookProcessor>();
        services.AddSingleton<RefundService>();
        services.AddSingleton<PaymentConfirmation>();
        services.AddSingleton<ChargeQueries>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService<BillingAnnouncer>();
        services.AddHostedService<BillingWorkerService>();
        return services;
    }

    /// <summary>Maps the Stripe webhook, the billing staff API (role billing), patients' receipts and 3-D Secure
    /// confirmation (role patient) and the payment configuration (any signed-in role).</summary>
    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder endpoints)
    {
        WebhookEndpoint.Map(endpoints);
        ChargeEndpoints.Map(endpoints);
        ReconciliationEndpoints.Map(endpoints);
        ReceiptEndpoint.Map(endpoints);
        PaymentEndpoints.Map(endpoints);
        return endpoints;
    }

    /// <summary>Creates or upgrades the <c>billing</c> schema (DbUp, embedded scripts, journal billing.schema_versions).</summary>
    public static Task MigrateBillingAsync(this IServiceProvider services, CancellationToken ct) =>
        BillingMigrator.MigrateAsync(services.GetRequiredService<NpgsqlDataSource>(), ct);

    private static string? First(string? a, string? b) => string.IsNullOrWhiteSpace(a) ? (string.IsNullOrWhiteSpace(b) ? null : b) : a;
}

/// <summary>Says at start which payment provider is in use, loudly when it is the local emulator.</summary>
internal sealed class BillingAnnouncer(BillingOptions options, ILogger<BillingAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.UsesStripe)
        {
            BillingLog.UsingStripe(logger, options.StripeApiBase ?? "https://api.stripe.com");
        }
        else
        {
            BillingLog.LocalEmulator(logger);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
