using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Rooms.Internal;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Serilog.Core;

namespace Doctolib.Telehealth.Signaling.Tests.Support;

/// <summary>The real server (the whole HTTP pipeline, SignalR, the media plane) on a fresh database of the test
/// cluster, with a fake clock the test moves. <see cref="RestartAsync"/> stops it and starts a new one on the same
/// database, as a redeploy would.</summary>
public sealed class TelehealthApp : IAsyncDisposable
{
    public const string SigningKey = "dGVzdC1zaWduaW5nLWtleS1mb3ItdGhlLXRlbGVoZWFsdGgtdGVzdHMtMzI=";
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private readonly List<HubConnection> connections = [];
    private WebApplicationFactory<Program> factory;

    private readonly string environment;

    private readonly IReadOnlyDictionary<string, string> settings;

    private readonly bool realTime;

    private TelehealthApp(string connectionString, FakeTimeProvider time, ILogEventSink? logSink, string environment,
        IReadOnlyDictionary<string, string>? settings, bool realTime = false)
    {
        this.realTime = realTime;
        this.environment = environment;
        this.settings = settings ?? new Dictionary<string, string>();
        ConnectionString = connectionString;
        Time = time;
        LogSink = logSink;
        factory = Create();
    }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; }

    public ILogEventSink? LogSink { get; }

    public TokenFactory Tokens { get; } = new(SigningKey);

    public IServiceProvider Services => factory.Services;

    /// <summary>Starts the server in <paramref name="environment"/>: the tests' own <c>Testing</c> by default, or
    /// <c>Development</c> / <c>Production</c> to check what differs there (Production runs without dev tokens, which it
    /// refuses).</summary>
    public static async Task<TelehealthApp> StartAsync(ILogEventSink? logSink = null, string environment = "Testing",
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync("signaling");
        var app = new TelehealthApp(database, new FakeTimeProvider(DateTimeOffset.UtcNow), logSink, environment, settings);
        _ = app.factory.Server; // starts the host: migrations, supervisor
        return app;
    }

    /// <summary>One node of several: on an existing database (shared with the other nodes), on the real clock (the
    /// registry's heartbeats and Redis' expiries run on it).</summary>
    public static TelehealthApp StartNode(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var app = new TelehealthApp(connectionString, new FakeTimeProvider(DateTimeOffset.UtcNow), null, "Testing", settings, realTime: true);
        _ = app.factory.Server;
        return app;
    }

    private WebApplicationFactory<Program> Create() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment(environment);
        web.UseSetting("ConnectionStrings:Telehealth", ConnectionString);
        web.UseSetting("Auth:SigningKey", SigningKey);
        web.UseSetting("Auth:DevTokens", environment == "Production" ? "false" : "true");
        web.UseSetting("Demo:Seed", "false");
        web.UseSetting("Rooms:ReconnectGrace", Grace.ToString());
        web.UseSetting("Rooms:SupervisorInterval", "00:00:01");
        web.UseSetting("Media:UdpPort", "0");
        web.UseSetting("Serilog:MinimumLevel:Default", "Debug");
        foreach (var (key, value) in settings)
        {
            web.UseSetting(key, value);
        }
        web.ConfigureTestServices(services =>
        {
            if (!realTime)
            {
                services.AddSingleton<TimeProvider>(Time);
            }
            if (LogSink is not null)
            {
                services.AddSingleton(LogSink);
            }
        });
    });

    public HttpClient Http(string? token = null)
    {
        var client = factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>A started SignalR client (long polling through the test server, token in the Authorization header).</summary>
    public async Task<HubConnection> ConnectAsync(string token)
    {
        var server = factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/consultation"), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.LongPolling;
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .Build();
        await connection.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        connections.Add(connection);
        return connection;
    }

    /// <summary>Creates (PUT) an appointment starting at <paramref name="startsAt"/> and returns its id.</summary>
    public async Task<AppointmentId> CreateAppointmentAsync(
        string practitioner = "pr-1", string patient = "pa-1", DateTimeOffset? startsAt = null, object? payer = null)
    {
        var id = Guid.NewGuid();
        using var http = Http(Tokens.Issue("scheduler-1", "scheduler"));
        var response = await http.PutAsJsonAsync($"/api/appointments/{id}", new
        {
            practitionerId = practitioner,
            patientId = patient,
            startsAt = startsAt ?? Time.GetUtcNow(),
            durationMinutes = 20,
            price = new { amount = 2500, currency = "EUR" },
            payer = payer ?? new { type = "card", stripeCustomerId = "cus_1", paymentMethodId = "pm_1" },
        });
        response.EnsureSuccessStatusCode();
        return new AppointmentId(id);
    }

    /// <summary>Runs one supervisor sweep now (the test moved the clock).</summary>
    public Task SweepAsync() =>
        factory.Services.GetServices<IHostedService>().OfType<ConsultationSupervisor>().Single().SweepAsync(CancellationToken.None);

    public async Task<NpgsqlConnection> DatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task RestartAsync()
    {
        await DisposeConnectionsAsync();
        await factory.DisposeAsync();
        factory = Create();
        _ = factory.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeConnectionsAsync();
        await factory.DisposeAsync();
    }

    private async Task DisposeConnectionsAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        connections.Clear();
    }
}
