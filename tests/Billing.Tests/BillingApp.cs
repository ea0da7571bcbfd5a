using System.Net.Http.Headers;
using System.Net.Http.Json;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.StripeEmulator;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The real server (WebApplicationFactory over the Signaling host) on a fresh database, talking to the Stripe
/// emulator. Billing's hosted worker is off so each test moves the flow step by step.</summary>
internal sealed class BillingApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> factory;

    private BillingApp(string connectionString, StripeEmulatorServer stripe, FakeTimeProvider time, bool worker, bool localProvider)
    {
        Stripe = stripe;
        Time = time;
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Telehealth", connectionString);
            web.UseSetting("Auth:SigningKey", "YmlsbGluZy10ZXN0cy1zaWduaW5nLWtleS0zMi1ieXRlcy1sb25nISE=");
            web.UseSetting("Auth:DevTokens", "true");
            web.UseSetting("Media:UdpPort", "0");
            web.UseSetting("STRIPE_SECRET_KEY", localProvider ? "" : StripeEmulatorServer.ApiKey);
            web.UseSetting("STRIPE_PUBLISHABLE_KEY", "pk_test_billing");
            web.UseSetting("STRIPE_WEBHOOK_SECRET", stripe.WebhookSecret);
            web.UseSetting("Billing:Stripe:ApiBase", stripe.BaseUrl);
            web.UseSetting("Billing:Worker:Enabled", worker ? "true" : "false");
            web.UseSetting("Billing:Worker:PollIntervalMs", "100");
            web.UseSetting("Billing:CaptureRetryScheduleSeconds", "10,20");
            web.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(time));
        });
        _ = factory.Server;
    }

    public StripeEmulatorServer Stripe { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => factory.Services;

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public FaultInjector Faults => Services.GetRequiredService<FaultInjector>();

    /// <summary>A fresh app; <paramref name="localProvider"/> runs it without a Stripe key (the local payment emulator).</summary>
    public static async Task<BillingApp> StartAsync(bool worker = false, bool localProvider = false)
    {
        var server = await PostgresServer.GetAsync(); // shared by the whole process, within its own start timeout
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        var database = await server.CreateDatabaseAsync("billinghttp").WaitAsync(cts.Token);
        var stripe = await StripeEmulatorServer.StartAsync(cancellationToken: cts.Token);
        return new BillingApp(database, stripe, new FakeTimeProvider(DateTimeOffset.UtcNow), worker, localProvider);
    }

    public async Task<HttpClient> ClientAsync(string? subject = null, string? role = null)
    {
        var client = factory.CreateClient();
        if (subject is not null && role is not null)
        {
            using var cts = new CancellationTokenSource(BillingHarness.Timeout);
            var response = await client.PostAsJsonAsync("/dev/tokens", new { sub = subject, role }, cts.Token);
            response.EnsureSuccessStatusCode();
            var token = (await response.Content.ReadFromJsonAsync<TokenAnswer>(cts.Token))!.Token;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private sealed record TokenAnswer(string Token);

    public async Task<string> TokenAsync(string subject, string role)
    {
        using var client = await ClientAsync(subject, role);
        return client.DefaultRequestHeaders.Authorization!.Parameter!;
    }

    /// <summary>A started SignalR client on the consultation hub (long polling through the test server).</summary>
    public async Task<Microsoft.AspNetCore.SignalR.Client.HubConnection> ConnectAsync(string subject, string role)
    {
        var token = await TokenAsync(subject, role);
        var server = factory.Server;
        var connection = new Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/consultation"), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();
        await connection.StartAsync().WaitAsync(BillingHarness.Timeout);
        return connection;
    }

    public async Task DeliverAsync(ConsultationEvent consultationEvent)
    {
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        await using var connection = await DataSource.OpenConnectionAsync(cts.Token);
        await using var tx = await connection.BeginTransactionAsync(cts.Token);
        await Services.GetRequiredService<ConsultationEventHandler>().HandleAsync(consultationEvent, tx, cts.Token);
        await tx.CommitAsync(cts.Token);
    }

    public async Task RunWorkerAsync()
    {
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        await Services.GetRequiredService<BillingWorker>().RunUntilIdleAsync(cts.Token);
    }

    /// <summary>Admits and ends <paramref name="c"/> with enough live media, and lets the worker capture it.</summary>
    public async Task CapturedAsync(Consultation c)
    {
        await DeliverAsync(c.Admitted(Time.GetUtcNow()));
        await DeliverAsync(c.Ended(Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await RunWorkerAsync();
    }

    /// <summary>Posts a webhook body with its signature, as Stripe would.</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(SignedDelivery delivery)
    {
        using var client = factory.CreateClient();
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(delivery.Payload, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", delivery.SignatureHeader);
        return await client.SendAsync(request, cts.Token);
    }

    public Task<HttpResponseMessage> PostWebhookAsync(EmulatedEvent e) => PostWebhookAsync(Stripe.Sign(e.Payload, Time.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
