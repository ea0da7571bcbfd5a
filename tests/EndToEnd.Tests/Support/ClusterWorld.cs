using System.Net.Http.Headers;
using System.Net.Http.Json;
using Doctolib.Telehealth.TestInfrastructure;
using Npgsql;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>Several server processes sharing one PostgreSQL database and one <c>redis-server</c>, as the configuration
/// contract says; each with its own <c>Urls</c>, <c>Media__UdpPort</c> and <c>Node__Id</c>. Nodes a and b serve the
/// pages; a test starts its own room-only node to stop it.</summary>
public sealed class ClusterWorld : IAsyncLifetime
{
    private readonly Dictionary<string, ServerProcess> nodes = [];
    private IPlaywright? playwright;
    private RedisServer? redis;
    private string database = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Contexts opened by <see cref="NewPersonAsync"/> and not closed yet.</summary>
    public OpenContexts Contexts { get; } = new();

    internal ServerProcess this[string id] => nodes[id];

    public async Task InitializeAsync()
    {
        NetworkIsolation.Require();
        // Four processes (three servers and Chromium) share two cores here: the pages take longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(20_000);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        redis = await RedisServer.StartAsync().WaitAsync(timeout.Token);
        database = await (await PostgresServer.GetAsync(timeout.Token)).CreateDatabaseAsync("e2e_nodes").WaitAsync(timeout.Token);
        await StartNodeAsync("a", timeout.Token);
        await StartNodeAsync("b", timeout.Token);
        playwright = await Playwright.CreateAsync().WaitAsync(timeout.Token);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = BrowserWorld.ChromiumArgs,
            Timeout = 60_000,
        }).WaitAsync(timeout.Token);
    }

    internal async Task<ServerProcess> StartNodeAsync(string id, CancellationToken cancellationToken)
    {
        var node = await ServerProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Redis__Configuration"] = redis!.Configuration,
            ["Node__Id"] = id,
        }, cancellationToken);
        nodes[id] = node;
        return node;
    }

    /// <summary>Every node's warnings and errors, to explain a failure.</summary>
    public string Problems() => string.Join("\n", nodes.Select(n => $"--- node {n.Key} ---\n" + string.Join("\n",
        n.Value.Output.Split('\n').Where(l => l.Contains("\"@l\":\"Warning", StringComparison.Ordinal) || l.Contains("\"@l\":\"Error", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)))));

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        playwright?.Dispose();
        foreach (var node in nodes.Values)
        {
            await node.DisposeAsync();
        }
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    public async Task<string> TokenAsync(string node, string subject, string role)
    {
        using var http = new HttpClient { BaseAddress = nodes[node].BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.PostAsJsonAsync("/dev/tokens", new { sub = subject, role }).WaitAsync(BrowserWorld.Step);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>().WaitAsync(BrowserWorld.Step))!.Token;
    }

    public async Task<Guid> CreateAppointmentAsync(string practitioner, string patient)
    {
        var id = Guid.NewGuid();
        using var http = new HttpClient { BaseAddress = nodes["a"].BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}")
        {
            Content = JsonContent.Create(new
            {
                practitionerId = practitioner,
                patientId = patient,
                patientName = "Inès Moreau",
                startsAt = DateTimeOffset.UtcNow,
                durationMinutes = 20,
                price = new { amount = 2500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_e2e", paymentMethodId = "pm_card_visa" },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("a", "e2e-scheduler", "scheduler"));
        using var response = await http.SendAsync(request).WaitAsync(BrowserWorld.Step);
        response.EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>Places the room on a node before its first call (as the least-loaded choice might), so that the test
    /// knows which node to stop.</summary>
    public async Task PlaceAsync(Guid appointmentId, string node)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO rooms.placements (appointment_id, node_id, placed_at) VALUES (@id, @node, now())", connection);
        command.Parameters.AddWithValue("id", appointmentId);
        command.Parameters.AddWithValue("node", node);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<string?> PlacementAsync(Guid appointmentId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT node_id FROM rooms.placements WHERE appointment_id = @id", connection);
        command.Parameters.AddWithValue("id", appointmentId);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>A person's browser context whose pages come from <paramref name="node"/> (as a load balancer might send them).</summary>
    public async Task<IPage> NewPersonAsync(string node)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = nodes[node].BaseAddress.ToString(),
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Permissions = ["camera", "microphone"],
        }).WaitAsync(BrowserWorld.Step);
        Contexts.Track(context);
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync().WaitAsync(BrowserWorld.Step);
    }

    private sealed record TokenResponse(string Token);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterWorld>
{
    public const string Name = "several nodes";
}
