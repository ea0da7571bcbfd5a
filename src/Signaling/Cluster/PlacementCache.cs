using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>This node's memory of where rooms are placed, so that a media call does not read <c>rooms.placements</c>
/// and the registry every time. A node that moves a room publishes the room id on <c>telehealth:placements</c> and every
/// node forgets that entry; a relayed call that the cached node does not take (silent, or the room has moved away from
/// it) forgets it too, and the call is routed again from PostgreSQL. A Redis reconnect (messages may have been missed)
/// forgets everything.</summary>
internal sealed class PlacementCache
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("telehealth:placements");
    private readonly ConcurrentDictionary<string, string> nodes = new(StringComparer.Ordinal);
    private IConnectionMultiplexer? redis;
    private long forgotten;

    public async Task StartAsync(IConnectionMultiplexer connection)
    {
        redis = connection;
        (await connection.GetSubscriber().SubscribeAsync(Channel)).OnMessage(message => Forget(message.Message.ToString()));
        connection.ConnectionRestored += (_, _) =>
        {
            Interlocked.Increment(ref forgotten);
            nodes.Clear();
        };
    }

    /// <summary>Taken before reading a placement from PostgreSQL and given to <see cref="Remember"/>: a placement read
    /// while some entry was forgotten (a move may have been announced meanwhile) is not kept.</summary>
    public long Version => Interlocked.Read(ref forgotten);

    public bool TryGet(string roomId, out string node) => nodes.TryGetValue(roomId, out node!);

    public void Remember(string roomId, string node, long version)
    {
        if (version == Version)
        {
            nodes[roomId] = node;
        }
    }

    public void Forget(string roomId)
    {
        Interlocked.Increment(ref forgotten);
        nodes.TryRemove(roomId, out _);
    }

    /// <summary>Tells every node (this one included) that the room's placement changed.</summary>
    public async Task PublishMovedAsync(string roomId)
    {
        Forget(roomId);
        if (redis is { } connection)
        {
            await connection.GetSubscriber().PublishAsync(Channel, roomId);
        }
    }
}
