using Doctolib.Telehealth.Billing.Api;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Webhooks;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.StripeEmulator;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Notices the host would push to the room, kept for assertions.</summary>
internal sealed class RecordingNotifier : IPaymentNotifier
{
    private readonly List<PaymentNotice> notices = [];

    public IReadOnlyList<PaymentNotice> Notices { get { lock (notices) { return [.. notices]; } } }

    public Task NotifyAsync(PaymentNotice notice, CancellationToken cancellationToken)
    {
        lock (notices)
        {
            notices.Add(notice);
        }
        return Task.CompletedTask;
    }
}

/// <summary>A fresh billing database, a Stripe emulator and a billing "instance" (a DI container) that can be thrown
/// away and rebuilt to simulate a restart.</summary>
internal sealed class BillingHarness : IAsyncDisposable
{
    private readonly List<ServiceProvider> instances = [];

    private BillingHarness(NpgsqlDataSource dataSource, StripeEmulatorServer stripe, FakeTimeProvider time)
    {
        DataSource = dataSource;
        Stripe = stripe;
        Time = time;
    }

    public NpgsqlDataSource DataSource { get; }

    public StripeEmulatorServer Stripe { get; }

    public FakeTimeProvider Time { get; }

    public RecordingNotifier Notifier { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<BillingHarness> StartAsync()
    {
        var server = await PostgresServer.GetAsync(); // shared by the whole process, within its own start timeout
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await server.CreateDatabaseAsync("billing").WaitAsync(cts.Token);
        var stripe = await StripeEmulatorServer.StartAsync(cancellationToken: cts.Token);
        var harness = new BillingHarness(NpgsqlDataSource.Create(connectionString), stripe, new FakeTimeProvider(DateTimeOffset.UtcNow));
        harness.Restart();
        await harness.Services.MigrateBillingAsync(cts.Token);
        return harness;
    }

    /// <summary>Extra settings for the next <see cref="Restart"/> (e.g. turning the hosted worker on).</summary>
    public Dictionary<string, string?> Overrides { get; } = [];

    public IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>(Overrides.Concat(BaseConfiguration.Where(b => !Overrides.ContainsKey(b.Key))));

    private Dictionary<string, string?> BaseConfiguration => new()
    {
        ["STRIPE_SECRET_KEY"] = StripeEmulatorServer.ApiKey,
        ["STRIPE_WEBHOOK_SECRET"] = Stripe.WebhookSecret,
        ["Billing:Stripe:ApiBase"] = Stripe.BaseUrl,
        ["Billing:Worker:Enabled"] = "false",
        ["Billing:CaptureRetryScheduleSeconds"] = "10,20,30",
    };

    /// <summary>A new billing instance on the same database and emulator, as after a process restart.</summary>
    public ServiceProvider Restart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Configuration).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(DataSource);
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IPaymentNotifier>(Notifier);
        services.AddBilling(configuration);
        Services = services.BuildServiceProvider();
        instances.Add(Services);
        return Services;
    }

    public FaultInjector Faults => Services.GetRequiredService<FaultInjector>();

    public BillingWorker Worker => Services.GetRequiredService<BillingWorker>();

    public WebhookProcessor Webhooks => Services.GetRequiredService<WebhookProcessor>();

    public RefundService Refunds => Services.GetRequiredService<RefundService>();

    /// <summary>Delivers a consultation event as the Rooms outbox would: the handler inside a transaction that commits.</summary>
    public async Task DeliverAsync(ConsultationEvent consultationEvent)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var connection = await DataSource.OpenConnectionAsync(cts.Token);
        await using var tx = await connection.BeginTransactionAsync(cts.Token);
        await Services.GetRequiredService<ConsultationEventHandler>().HandleAsync(consultationEvent, tx, cts.Token);
        await tx.CommitAsync(cts.Token);
    }

    public async Task<int> RunWorkerAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await Worker.RunUntilIdleAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
        await Stripe.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
