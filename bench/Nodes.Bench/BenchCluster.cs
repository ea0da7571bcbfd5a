using System.Net.Http.Headers;
using System.Net.Http.Json;
using Doctolib.Telehealth.StripeEmulator;
using Doctolib.Telehealth.TestInfrastructure;
using Npgsql;

namespace Doctolib.Telehealth.Nodes.Bench;

/// <summary>Three server nodes (a, b, c) sharing one PostgreSQL database, one <c>redis-server</c> and the Stripe
/// emulator, each with its own HTTP and UDP port.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    public const string SigningKey = "bm9kZXMtYmVuY2gtc2lnbmluZy1rZXktb2YtMzItYnl0ZXMtb3ItbW9yZQ==";
    private readonly RedisServer redis;

    private BenchCluster(RedisServer redis, StripeEmulatorServer stripe, string database, IReadOnlyList<NodeProcess> nodes)
    {
        this.redis = redis;
        Stripe = stripe;
        Database = database;
        Nodes = nodes;
    }

    public StripeEmulatorServer Stripe { get; }

    public string Database { get; }

    public IReadOnlyList<NodeProcess> Nodes { get; }

    public NodeProcess this[string id] => Nodes.First(n => n.Id == id);

    public static async Task<BenchCluster> StartAsync(string root, CancellationToken cancellationToken)
    {
        var project = Path.Combine(root, "src", "Signaling");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Doctolib.Telehealth.Signaling.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The server is not built ({dll}).");
        }
        var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.GetAsync(cancellationToken)).CreateDatabaseAsync("nodes_bench");
        var stripe = await StripeEmulatorServer.StartAsync(cancellationToken: cancellationToken);
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__Telehealth"] = database,
            ["Redis__Configuration"] = redis.Configuration,
            ["Auth__SigningKey"] = SigningKey,
            ["Billing__MinimumBillableSeconds"] = "2",
            ["Billing__Worker__PollIntervalMs"] = "200",
            ["STRIPE_SECRET_KEY"] = StripeEmulatorServer.ApiKey,
            ["STRIPE_WEBHOOK_SECRET"] = stripe.WebhookSecret,
            ["Billing__Stripe__ApiBase"] = stripe.BaseUrl,
        };
        var nodes = new[] { "a", "b", "c" }.Select(id => new NodeProcess(id, dll, project, FreePorts.Tcp(), FreePorts.Udp(), shared)).ToList();
        var cluster = new BenchCluster(redis, stripe, database, nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync(cancellationToken)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public NodeProcess AnyRunning(string? except = null) => Nodes.First(n => n.Running && n.Id != except);

    public async Task<string> TokenAsync(string subject, string role)
    {
        using var http = new HttpClient { BaseAddress = AnyRunning().BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.PostAsJsonAsync("/dev/tokens", new { sub = subject, role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenReply>())!.Token;
    }

    public async Task<Guid> CreateAppointmentAsync(string practitioner, string patient)
    {
        var id = Guid.NewGuid();
        using var http = new HttpClient { BaseAddress = AnyRunning().BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}")
        {
            Content = JsonContent.Create(new
            {
                practitionerId = practitioner,
                patientId = patient,
                startsAt = DateTimeOffset.UtcNow,
                durationMinutes = 60,
                price = new { amount = 2500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_bench", paymentMethodId = "pm_card_visa" },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("bench-scheduler", "scheduler"));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return id;
    }

    public Task PlaceAsync(Guid appointment, string node) =>
        ExecuteAsync("INSERT INTO rooms.placements (appointment_id, node_id, placed_at) VALUES (@id, @node, now()) ON CONFLICT (appointment_id) DO UPDATE SET node_id = @node",
            ("id", appointment), ("node", node));

    public async Task<string?> PlacementAsync(Guid appointment) =>
        (string?)await ScalarAsync("SELECT node_id FROM rooms.placements WHERE appointment_id = @id", ("id", appointment));

    public async Task<string?> StateAsync(Guid appointment) =>
        (string?)await ScalarAsync("SELECT state FROM rooms.consultations WHERE appointment_id = @id", ("id", appointment));

    /// <summary>The timeline's media entries of the appointment after <paramref name="since"/>, in order.</summary>
    public async Task<List<(DateTime At, string Kind, string Participant, string? Detail)>> MediaTimelineAsync(Guid appointment, DateTime since)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT at, kind, participant_id, detail FROM rooms.timeline WHERE appointment_id = @id AND kind IN ('media_up', 'media_down') AND at >= @since ORDER BY seq", connection);
        command.Parameters.AddWithValue("id", appointment);
        command.Parameters.AddWithValue("since", since);
        var rows = new List<(DateTime, string, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetDateTime(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rows;
    }

    public async Task<(string Status, long Captured)?> ChargeAsync(Guid appointment)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, captured_amount FROM billing.charges WHERE appointment_id = @id", connection);
        command.Parameters.AddWithValue("id", appointment);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.KillNowAsync();
        }
        await redis.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    private sealed record TokenReply(string Token);
}
