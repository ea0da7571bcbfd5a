using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Wraps the media plane's signal sink: a room this node has handed to another node during a drain
/// (<see cref="MovingRooms"/>) gets no re-offer and no notice from this node's old sessions. A client's page answers
/// offers on its newest peer connection, the one talking to the new node.</summary>
internal sealed class ClusterSignalSink(IMediaSignalSink inner, MovingRooms moving) : IMediaSignalSink
{
    public Task SendOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.SendOfferAsync(participant, offerSdp, cancellationToken);

    public Task VideoPausedAsync(MediaParticipant participant, VideoPauseReason reason, IReadOnlyCollection<string> recipients,
        CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.VideoPausedAsync(participant, reason, recipients, cancellationToken);

    public Task VideoResumedAsync(MediaParticipant participant, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.VideoResumedAsync(participant, recipients, cancellationToken);

    public Task ConnectionQualityChangedAsync(MediaParticipant participant, ConnectionQualityLevel quality, ConnectionQualityDetails details,
        IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        moving.Contains(participant.RoomId) ? Task.CompletedTask : inner.ConnectionQualityChangedAsync(participant, quality, details, recipients, cancellationToken);
}
