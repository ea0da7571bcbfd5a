using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Wraps the timeline's media observer: a room this node has handed to another node during a drain
/// (<see cref="MovingRooms"/>) gets nothing more from this node's sessions, so its media is never counted twice while
/// the old and the new sessions overlap.</summary>
internal sealed class ClusterMediaObserver(IMediaObserver inner, MovingRooms moving) : IMediaObserver
{
    /// <summary>The media_down detail of intervals a drain ended (at their last relay mark).</summary>
    public const string MovedReason = "moved";

    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.MediaUpAsync(participant, at, cancellationToken);

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.MediaDownAsync(participant, at, reason, cancellationToken);

    public Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken)
    {
        if (moving.All.Count == 0)
        {
            return inner.MediaRelayedAsync(marks, cancellationToken);
        }
        var kept = marks.Where(m => !moving.Contains(m.Participant.RoomId)).ToList();
        return kept.Count == 0 ? Task.CompletedTask : inner.MediaRelayedAsync(kept, cancellationToken);
    }
}
