using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Doctolib.Telehealth.StripeEmulator;

/// <summary>A stateful Stripe API emulator on 127.0.0.1 (ephemeral port) for the endpoints billing calls.
/// It keeps PaymentIntent state, honours Idempotency-Key like Stripe (same key and parameters: the stored answer;
/// same key, other parameters: 400 idempotency_error), refuses what Stripe's request rules refuse
/// (<see cref="StripeRequestRules"/>; see README.md), signs webhook events like Stripe, and lets tests inject
/// faults (a 500, or a response lost after the work was done).</summary>
public sealed class StripeEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly EmulatorState state;
    private readonly Dictionary<string, (string Fingerprint, int Status, string Body)> idempotency = new(StringComparer.Ordinal);
    private readonly List<(string Operation, EmulatorFault Fault)> faults = [];
    private int requestCount;

    private StripeEmulatorServer(WebApplication app, EmulatorState state, string webhookSecret)
    {
        this.app = app;
        this.state = state;
        WebhookSecret = webhookSecret;
    }

    public string BaseUrl { get; private set; } = "";

    public string WebhookSecret { get; }

    public const string ApiKey = "sk_test_emulator";

    /// <summary>How many API requests reached the emulator.</summary>
    public int RequestCount => Volatile.Read(ref requestCount);

    public static async Task<StripeEmulatorServer> StartAsync(string webhookSecret = "whsec_emulator", CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new StripeEmulatorServer(app, new EmulatorState(), webhookSecret);
        server.Map();
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        server.BaseUrl = addresses.Addresses.First();
        return server;
    }

    /// <summary>Makes the next request of <paramref name="operation"/> (create, retrieve, capture, cancel, refund,
    /// balance) fail as <paramref name="fault"/> says, <paramref name="times"/> times.</summary>
    public void InjectFault(string operation, EmulatorFault fault, int times = 1)
    {
        lock (state.Gate)
        {
            for (var i = 0; i < times; i++)
            {
                faults.Add((operation, fault));
            }
        }
    }

    public EmulatedPaymentIntent? FindIntent(string id) => state.Find(id);

    /// <summary>Forgets every stored idempotent answer, as Stripe does after 24 hours.</summary>
    public void ExpireIdempotencyKeys()
    {
        lock (state.Gate)
        {
            idempotency.Clear();
        }
    }

    public IReadOnlyList<EmulatedPaymentIntent> Intents => state.AllIntents();

    public IReadOnlyList<EmulatedRefund> Refunds => state.AllRefunds();

    /// <summary>Every capture that moved money, over all intents.</summary>
    public int TotalCaptures => state.AllIntents().Sum(p => p.CaptureCount);

    public IReadOnlyList<EmulatedPaymentIntent> IntentsFor(Guid appointmentId) =>
        state.AllIntents().Where(p => p.Metadata.GetValueOrDefault("appointment_id") == appointmentId.ToString("D")).ToList();

    public IReadOnlyList<EmulatedEvent> Events => state.Events;

    public IReadOnlyList<EmulatedBalanceTransaction> BalanceTransactions => state.AllBalanceTransactions();

    public bool CompleteAction(string paymentIntentId) => state.CompleteAction(paymentIntentId);

    public string CreatePayout(string currency) => state.CreatePayout(currency);

    public string CreateEmptyPayout(string currency) => state.CreateEmptyPayout(currency);

    public EmulatedBalanceTransaction PlantBalanceTransaction(string payoutId, string type, string source, long amount, string currency, long fee) =>
        state.Plant(payoutId, type, source, amount, currency, fee);

    public void RemoveFromPayout(string payoutId, string source) => state.RemoveFromPayout(payoutId, source);

    public void ChangeBalanceAmount(string source, long amount) => state.ChangeAmount(source, amount);

    /// <summary>Makes an event about an intent's current state (e.g. charge.dispute.created).</summary>
    public EmulatedEvent EmitEvent(string type, string paymentIntentId)
    {
        var pi = state.Find(paymentIntentId) ?? throw new InvalidOperationException("no such intent");
        JsonObject obj;
        lock (state.Gate)
        {
            obj = type.StartsWith("charge.dispute", StringComparison.Ordinal)
                ? new JsonObject { ["id"] = $"dp_{Guid.NewGuid():N}"[..27], ["object"] = "dispute", ["amount"] = pi.AmountReceived, ["currency"] = pi.Currency, ["charge"] = pi.LatestCharge, ["payment_intent"] = pi.Id, ["status"] = "needs_response", ["reason"] = "fraudulent" }
                : StripeJson.Intent(pi);
        }
        return state.EmitFor(type, obj);
    }

    /// <summary>Signs <paramref name="payload"/> as Stripe does: <c>t=…,v1=HMAC-SHA256(secret, "t.payload")</c>.</summary>
    public SignedDelivery Sign(string payload, DateTimeOffset at, string? secret = null)
    {
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? WebhookSecret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return new SignedDelivery(payload, $"t={t},v1={Convert.ToHexStringLower(mac)}");
    }

    private void Map()
    {
        app.MapPost("/v1/payment_intents", ctx => Handle(ctx, "create", form => state.CreateIntent(form)));
        app.MapGet("/v1/payment_intents/search", ctx => Handle(ctx, "search", q => state.Search(q.GetValueOrDefault("query") ?? "")));
        app.MapGet("/v1/payment_intents/{id}", ctx => Handle(ctx, "retrieve", _ => state.Retrieve((string)ctx.Request.RouteValues["id"]!)));
        app.MapPost("/v1/payment_intents/{id}/capture", ctx => Handle(ctx, "capture", form => state.Capture((string)ctx.Request.RouteValues["id"]!, form)));
        app.MapPost("/v1/payment_intents/{id}/cancel", ctx => Handle(ctx, "cancel", _ => state.Cancel((string)ctx.Request.RouteValues["id"]!)));
        app.MapPost("/v1/refunds", ctx => Handle(ctx, "refund", form => state.Refund(form)));
        app.MapGet("/v1/balance_transactions", ctx => Handle(ctx, "balance", q => state.ListBalance(q)));
        app.MapGet("/v1/payouts/{id}", ctx => Handle(ctx, "payout", _ => state.Payout((string)ctx.Request.RouteValues["id"]!)));
    }

    private async Task Handle(HttpContext ctx, string operation, Func<IReadOnlyDictionary<string, string>, (int, JsonObject)> action)
    {
        Interlocked.Increment(ref requestCount);
        if (ctx.Request.Headers.Authorization.ToString() != $"Bearer {ApiKey}")
        {
            await Write(ctx, 401, StripeJson.Error(401, "invalid_request_error", null, "Invalid API Key provided.").ToJsonString());
            return;
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ctx.Request.Query)
        {
            parameters[key] = value.ToString();
        }
        if (ctx.Request.HasFormContentType)
        {
            foreach (var (key, value) in await ctx.Request.ReadFormAsync(ctx.RequestAborted))
            {
                parameters[key] = value.ToString();
            }
        }
        // Stripe checks the request before the endpoint runs; a refused request stores no idempotent result.
        if (StripeRequestRules.Check(operation, parameters) is var (refusedStatus, refusal))
        {
            await Write(ctx, refusedStatus, refusal.ToJsonString());
            return;
        }
        var fault = TakeFault(operation);
        if (fault == EmulatorFault.ServerErrorBeforeProcessing)
        {
            await Write(ctx, 500, StripeJson.Error(500, "api_error", null, "Injected server error.").ToJsonString());
            return;
        }
        var idempotencyKey = ctx.Request.Headers["Idempotency-Key"].ToString();
        var isPost = HttpMethods.IsPost(ctx.Request.Method);
        int status;
        string body;
        lock (state.Gate)
        {
            var fingerprint = ctx.Request.Path + "?" + string.Join('&', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
            if (isPost && idempotencyKey.Length > 0 && idempotency.TryGetValue(idempotencyKey, out var stored))
            {
                if (stored.Fingerprint != fingerprint)
                {
                    (status, body) = (400, StripeJson.Error(400, "idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}'.").ToJsonString());
                }
                else
                {
                    (status, body) = (stored.Status, stored.Body);
                    ctx.Response.Headers["Idempotent-Replayed"] = "true";
                }
            }
            else
            {
                var (s, json) = action(parameters);
                (status, body) = (s, json.ToJsonString());
                if (isPost && idempotencyKey.Length > 0)
                {
                    idempotency[idempotencyKey] = (fingerprint, status, body);
                }
            }
        }
        if (fault == EmulatorFault.LoseResponseAfterProcessing)
        {
            ctx.Abort();
            return;
        }
        await Write(ctx, status, body);
    }

    private EmulatorFault? TakeFault(string operation)
    {
        lock (state.Gate)
        {
            var index = faults.FindIndex(f => f.Operation == operation);
            if (index < 0)
            {
                return null;
            }
            var fault = faults[index].Fault;
            faults.RemoveAt(index);
            return fault;
        }
    }

    private static Task Write(HttpContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Request-Id"] = $"req_{Guid.NewGuid():N}";
        return ctx.Response.WriteAsync(body, ctx.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
