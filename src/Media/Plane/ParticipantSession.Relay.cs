namespace Doctolib.Telehealth.Media.Plane;

/// <summary>When this participant's media was last relayed to someone: the timeline's truth for billing. Written by
/// the receive loop on every forwarded packet (one volatile store), read by the periodic work.</summary>
internal sealed partial class ParticipantSession
{
    private long _lastRelayedAt;

    /// <summary>Serialises the up and down transitions with their events, so the timeline never gets a down after
    /// the up that followed it.</summary>
    public Lock RelayGate { get; } = new();

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last packet forwarded from this participant to at
    /// least one other; 0 before the first.</summary>
    public long LastRelayedAt => Volatile.Read(ref _lastRelayedAt);

    public void MarkRelayed(long timestamp) => Volatile.Write(ref _lastRelayedAt, timestamp);
}
