using Dapper;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Doctolib.Telehealth.TestInfrastructure;

namespace Doctolib.Telehealth.Signaling.Tests.Cluster;

/// <summary>Several server nodes in this process, sharing one PostgreSQL database and one <c>redis-server</c>, each with
/// its own media UDP port, as the configuration contract says (<c>ConnectionStrings:Telehealth</c> and
/// <c>Redis:Configuration</c> shared; <c>Media:UdpPort</c>, <c>Media:AdvertisedAddress</c>, <c>Node:Id</c> per node).</summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly Dictionary<string, TelehealthApp> nodes = [];
    private readonly Dictionary<string, int> ports = [];
    private IReadOnlyDictionary<string, string>? overrides;

    private ClusterNodes(RedisServer redis, StripeEmulator.StripeEmulatorServer stripe, string connectionString)
    {
        Redis = redis;
        Stripe = stripe;
        ConnectionString = connectionString;
    }

    public RedisServer Redis { get; }

    /// <summary>One payment provider for every node, as Stripe is (the local emulator keeps intents in one process).</summary>
    public StripeEmulator.StripeEmulatorServer Stripe { get; }

    public string ConnectionString { get; }

    public TelehealthApp this[string nodeId] => nodes[nodeId];

    public static Task<ClusterNodes> StartAsync(params string[] nodeIds) => StartAsync(null, nodeIds);

    /// <summary>Starts the nodes with <paramref name="settings"/> over the defaults of every node they start.</summary>
    public static async Task<ClusterNodes> StartAsync(IReadOnlyDictionary<string, string>? settings, params string[] nodeIds)
    {
        var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("cluster");
        var stripe = await StripeEmulator.StripeEmulatorServer.StartAsync();
        var cluster = new ClusterNodes(redis, stripe, database) { overrides = settings };
        foreach (var id in nodeIds)
        {
            cluster.Start(id);
        }
        return cluster;
    }

    public int UdpPortOf(string nodeId) => ports[nodeId];

    /// <summary>Starts (or starts again, same id and port) a node; <paramref name="drainTimeout"/> zero means no drain.</summary>
    public TelehealthApp Start(string nodeId, TimeSpan? drainTimeout = null)
    {
        if (!ports.TryGetValue(nodeId, out var port))
        {
            port = FreePorts.Udp();
            ports[nodeId] = port;
        }
        var settings = new Dictionary<string, string>
        {
            ["Redis:Configuration"] = Redis.Configuration,
            ["Node:Id"] = nodeId,
            ["Node:HeartbeatInterval"] = "00:00:00.300",
            ["Node:DeadAfter"] = "00:00:02",
            ["Node:DrainTimeout"] = (drainTimeout ?? TimeSpan.FromSeconds(15)).ToString(),
            ["Media:UdpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Media:AdvertisedAddress"] = "127.0.0.1",
            ["Billing:MinimumBillableSeconds"] = "1",
            ["STRIPE_SECRET_KEY"] = StripeEmulator.StripeEmulatorServer.ApiKey,
            ["STRIPE_WEBHOOK_SECRET"] = Stripe.WebhookSecret,
            ["Billing:Stripe:ApiBase"] = Stripe.BaseUrl,
            ["Billing:Worker:PollIntervalMs"] = "200",
            ["Urls"] = $"http://127.0.0.1:{FreePorts.Tcp()}",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var node = TelehealthApp.StartNode(ConnectionString, settings);
        nodes[nodeId] = node;
        return node;
    }

    /// <summary>Stops a node as SIGTERM would (the host's graceful stop: drain, then exit).</summary>
    public async Task StopAsync(string nodeId)
    {
        await nodes[nodeId].DisposeAsync();
        nodes.Remove(nodeId);
    }

    public async Task<string?> PlacementAsync(Rooms.AppointmentId id)
    {
        await using var db = await nodes.Values.First().DatabaseAsync();
        return await db.ExecuteScalarAsync<string?>("SELECT node_id FROM rooms.placements WHERE appointment_id = @id", new { id = id.Value });
    }

    /// <summary>Places a room before its first call, as the least-loaded choice would, so a test knows where it lands.</summary>
    public async Task PlaceAsync(Rooms.AppointmentId id, string nodeId)
    {
        await using var db = await nodes.Values.First().DatabaseAsync();
        await db.ExecuteAsync("INSERT INTO rooms.placements (appointment_id, node_id, placed_at) VALUES (@id, @nodeId, now())", new { id = id.Value, nodeId });
    }

    public async Task<List<(string Kind, string? Participant, string? Detail)>> TimelineAsync(Rooms.AppointmentId id)
    {
        await using var db = await nodes.Values.First().DatabaseAsync();
        return (await db.QueryAsync<(string, string?, string?)>(
            "SELECT kind, participant_id, detail FROM rooms.timeline WHERE appointment_id = @id ORDER BY seq", new { id = id.Value })).AsList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes.Values)
        {
            await node.DisposeAsync();
        }
        await Redis.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
