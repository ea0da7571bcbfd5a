using System.Collections.Concurrent;
using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Wraps the timeline's media observer: a room this node has handed to another node during a drain
/// (<see cref="MovingRooms"/>) gets nothing more from this node's sessions, so its media is never counted twice while
/// the old and the new sessions overlap. It also keeps who has media up here (<see cref="LiveIn"/>, what a drain waits
/// for on the rooms' new nodes) and tells the other nodes of each media up (<see cref="MediaUpNotices"/>).</summary>
internal sealed partial class ClusterMediaObserver(IMediaObserver inner, MovingRooms moving, MediaUpNotices notices, ILogger<ClusterMediaObserver> logger)
    : IMediaObserver
{
    /// <summary>The media_down detail of intervals a drain ended (at their last relay mark).</summary>
    public const string MovedReason = "moved";

    private readonly ConcurrentDictionary<MediaParticipant, byte> live = new();

    /// <summary>The participants of <paramref name="roomId"/> whose media this node relays now.</summary>
    public IReadOnlyList<string> LiveIn(string roomId) => [.. live.Keys.Where(p => p.RoomId == roomId).Select(p => p.ParticipantId)];

    public async Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken)
    {
        live[participant] = 0;
        if (moving.Contains(participant.RoomId))
        {
            return;
        }
        await inner.MediaUpAsync(participant, at, cancellationToken);
        try
        {
            await notices.PublishAsync(participant);
        }
        catch (StackExchange.Redis.RedisException error)
        {
            // Only a draining node listens; without the notice it waits its Node:MoveOverlap, as before.
            NoticeFailed(logger, participant.RoomId, error);
        }
    }

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        live.TryRemove(participant, out _);
        return moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.MediaDownAsync(participant, at, reason, cancellationToken);
    }

    public Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken)
    {
        if (moving.All.Count == 0)
        {
            return inner.MediaRelayedAsync(marks, cancellationToken);
        }
        var kept = marks.Where(m => !moving.Contains(m.Participant.RoomId)).ToList();
        return kept.Count == 0 ? Task.CompletedTask : inner.MediaRelayedAsync(kept, cancellationToken);
    }

    [LoggerMessage(2140, LogLevel.Warning, "Telling the other nodes that media is up in room {Room} failed")]
    private static partial void NoticeFailed(ILogger logger, string room, Exception error);
}
