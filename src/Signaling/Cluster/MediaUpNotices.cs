using System.Text.Json;
using System.Text.Json.Serialization;
using Doctolib.Telehealth.Media;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>"A participant's media is up on node N" (channel <c>telehealth:media-up</c>), published by the node whose
/// plane relays it. A draining node listens while its rooms move: once every participant it relayed is up on another
/// node, its own sessions have nothing left to bridge and it may exit before <c>Node:MoveOverlap</c>. It is given the
/// registry's Redis connection at start: it is part of the media plane's observer, which the registry itself depends on
/// (through the plane's metrics), so it cannot take the registry in its constructor.</summary>
internal sealed class MediaUpNotices(NodeIdentity node)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("telehealth:media-up");
    private IConnectionMultiplexer? redis;

    public void Start(IConnectionMultiplexer connection) => redis = connection;

    public async Task PublishAsync(MediaParticipant participant)
    {
        if (redis is { } connection)
        {
            await connection.GetSubscriber().PublishAsync(Channel,
                JsonSerializer.Serialize(new MediaUpNotice(participant.RoomId, participant.ParticipantId, node.Id)));
        }
    }

    /// <summary>Calls <paramref name="onUp"/> (room, participant, node) for each notice until the result is disposed.</summary>
    public async Task<IAsyncDisposable> WatchAsync(Action<string, string, string> onUp)
    {
        var subscriber = (redis ?? throw new InvalidOperationException("Not connected to Redis yet.")).GetSubscriber();
        Action<RedisChannel, RedisValue> handler = (_, message) =>
        {
            try
            {
                if (JsonSerializer.Deserialize<MediaUpNotice>(message.ToString()) is { } notice)
                {
                    onUp(notice.Room, notice.Participant, notice.Node);
                }
            }
            catch (JsonException)
            {
            }
        };
        await subscriber.SubscribeAsync(Channel, handler);
        return new Watch(subscriber, handler);
    }

    private sealed class Watch(ISubscriber subscriber, Action<RedisChannel, RedisValue> handler) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await subscriber.UnsubscribeAsync(Channel, handler);
    }

    private sealed record MediaUpNotice(
        [property: JsonPropertyName("room")] string Room,
        [property: JsonPropertyName("participant")] string Participant,
        [property: JsonPropertyName("node")] string Node);
}
