using System.Collections.Concurrent;
using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Wraps the timeline's media observer: while a room is being moved off this node, the media_down of its
/// closed sessions says <c>moved</c> (the gap the move makes is recorded as such).</summary>
internal sealed class ClusterMediaObserver(IMediaObserver inner, TimeProvider time) : IMediaObserver
{
    public const string MovedReason = "moved";

    /// <summary>The plane reports media_down from its event pump, shortly after the close: the mark outlives it.</summary>
    private static readonly TimeSpan MarkLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> moving = new(StringComparer.Ordinal);

    public void MarkMoving(string roomId) => moving[roomId] = time.GetUtcNow() + MarkLifetime;

    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.MediaUpAsync(participant, at, cancellationToken);

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        inner.MediaDownAsync(participant, at, IsMoving(participant.RoomId) && reason is "room_closed" or "server_stopping" ? MovedReason : reason, cancellationToken);

    public Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken) =>
        inner.MediaRelayedAsync(marks, cancellationToken);

    private bool IsMoving(string roomId)
    {
        if (!moving.TryGetValue(roomId, out var until))
        {
            return false;
        }
        if (until > time.GetUtcNow())
        {
            return true;
        }
        moving.TryRemove(roomId, out _);
        return false;
    }
}
