using System.Diagnostics;
using System.Text.Json;
using Doctolib.Telehealth.Media;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>The node registry in Redis: each node's entry (<see cref="NodeRecord"/>) under <c>telehealth:node:{id}</c>
/// with a time to live of <c>Node:DeadAfter</c>, renewed by the heartbeat, and the set <c>telehealth:nodes</c> of the
/// ids. A node whose entry expired is dead. Disposed with the host, it closes its Redis connection, so the other nodes
/// see at once that nobody listens on this node's media channel.</summary>
internal sealed class NodeRegistry(
    NodeIdentity node,
    IOptions<NodeOptions> options,
    IOptions<MediaOptions> media,
    IMediaMetrics metrics,
    Microsoft.AspNetCore.Hosting.Server.IServer server,
    IConfiguration configuration,
    TimeProvider time) : IAsyncDisposable
{
    private const string NodesKey = "telehealth:nodes";
    private IConnectionMultiplexer? redis;
    private long lastForwarded;
    private long lastAt;
    private TimeSpan lastCpu;
    private volatile string state = NodeRecord.Serving;

    public IConnectionMultiplexer Redis => redis ?? throw new InvalidOperationException("The node registry is not connected to Redis yet.");

    public bool Draining => state == NodeRecord.Draining;

    public static string Key(string nodeId) => "telehealth:node:" + nodeId;

    public async Task ConnectAsync(string configurationString)
    {
        var config = ConfigurationOptions.Parse(configurationString);
        config.AbortOnConnectFail = false;
        redis = await ConnectionMultiplexer.ConnectAsync(config);
    }

    /// <summary>Stops taking new rooms: the state goes to <c>draining</c> at once, not at the next heartbeat.</summary>
    public Task DrainAsync()
    {
        state = NodeRecord.Draining;
        return HeartbeatAsync();
    }

    public async Task HeartbeatAsync()
    {
        var db = Redis.GetDatabase();
        var json = JsonSerializer.Serialize(Sample());
        await db.StringSetAsync(Key(node.Id), json, options.Value.DeadAfter);
        await db.SetAddAsync(NodesKey, node.Id);
    }

    /// <summary>Removes this node's entry (a drained node leaving): the others see it gone at once.</summary>
    public async Task LeaveAsync()
    {
        var db = Redis.GetDatabase();
        await db.KeyDeleteAsync(Key(node.Id));
        await db.SetRemoveAsync(NodesKey, node.Id);
    }

    /// <summary>The nodes whose heartbeat is current (serving or draining). Ids whose entry expired leave the set.</summary>
    public async Task<IReadOnlyList<NodeRecord>> LiveAsync()
    {
        var db = Redis.GetDatabase();
        var ids = await db.SetMembersAsync(NodesKey);
        if (ids.Length == 0)
        {
            return [];
        }
        var values = await db.StringGetAsync(ids.Select(id => (RedisKey)Key(id.ToString())).ToArray());
        var live = new List<NodeRecord>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (values[i].IsNullOrEmpty)
            {
                await db.SetRemoveAsync(NodesKey, ids[i]);
            }
            else if (JsonSerializer.Deserialize<NodeRecord>(values[i].ToString()) is { } record)
            {
                live.Add(record);
            }
        }
        return live;
    }

    /// <summary>The nodes among <paramref name="live"/> (this one aside) that are lost although their entry has not
    /// expired yet: heartbeat older than <c>Node:SilentAfter</c> (read from the entry's time to live, not from another
    /// node's clock) and nobody listening on their media channel.</summary>
    public async Task<IReadOnlySet<string>> SilentAsync(IReadOnlyList<NodeRecord> live)
    {
        var silent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in live)
        {
            if (record.Id != node.Id && await IsSilentAsync(record.Id))
            {
                silent.Add(record.Id);
            }
        }
        return silent;
    }

    /// <summary>True when <paramref name="nodeId"/> is gone from the registry, or silent (see <see cref="SilentAsync"/>).</summary>
    public async Task<bool> IsSilentAsync(string nodeId)
    {
        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync(Key(nodeId));
        if (ttl is not { } left)
        {
            return true;
        }
        if (options.Value.DeadAfter - left < options.Value.SilentAfter)
        {
            return false;
        }
        var reply = await Redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", MediaRequestChannelName(nodeId));
        var counts = (RedisResult[]?)reply;
        return counts is { Length: 2 } && (long)counts[1] == 0;
    }

    public static RedisChannel MediaRequestChannel(string nodeId) => RedisChannel.Literal(MediaRequestChannelName(nodeId));

    private static string MediaRequestChannelName(string nodeId) => "telehealth:media:" + nodeId;

    public async ValueTask DisposeAsync()
    {
        if (redis is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    private NodeRecord Sample()
    {
        var snapshot = metrics.Snapshot();
        var now = time.GetTimestamp();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = lastAt == 0 ? TimeSpan.Zero : time.GetElapsedTime(lastAt, now);
        var perSecond = elapsed > TimeSpan.Zero ? (snapshot.RtpForwarded - lastForwarded) / elapsed.TotalSeconds : 0;
        var cpuShare = elapsed > TimeSpan.Zero ? (cpu - lastCpu).TotalSeconds / elapsed.TotalSeconds / Environment.ProcessorCount : 0;
        lastAt = now;
        lastForwarded = snapshot.RtpForwarded;
        lastCpu = cpu;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var http = addresses is { Count: > 0 } ? string.Join(';', addresses) : configuration["Urls"] ?? "";
        return new NodeRecord(node.Id, http, media.Value.AdvertisedAddress, media.Value.UdpPort, media.Value.TcpPort,
            snapshot.Sessions, Math.Round(perSecond, 1), Math.Round(Math.Clamp(cpuShare, 0, 1), 3), state, time.GetUtcNow());
    }
}
