namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Live media as billing counts it: a participant's media is up while the server relays it to someone. It
/// goes down at the last packet relayed: after <see cref="MediaOptions.RelayIdleTimeout"/> without one, when the
/// session ends, and when the server stops. While it is up, a mark of the last relayed packet is reported every
/// <see cref="MediaOptions.RelayMarkInterval"/> so a crash loses at most that much.</summary>
internal sealed partial class MediaPlane
{
    private long _lastMarkAt;

    /// <summary>Called by the receive loop for a forwarded packet of a participant whose media was down.</summary>
    internal void ReportMediaUp(ParticipantSession session)
    {
        lock (session.RelayGate)
        {
            if (!session.IsClosed && session.MarkMediaUp())
            {
                Events.MediaUp(session.Participant, Time.GetUtcNow());
            }
        }
    }

    /// <summary>Reports the participant's media down at its last relayed packet, once per up-transition.</summary>
    internal void ReportMediaDown(ParticipantSession session, string reason)
    {
        lock (session.RelayGate)
        {
            ReportMediaDownLocked(session, reason);
        }
    }

    /// <summary>Under the session's relay gate: media down at the last relayed packet, once per up-transition.</summary>
    private void ReportMediaDownLocked(ParticipantSession session, string reason)
    {
        if (session.MarkMediaDown())
        {
            Events.MediaDown(session.Participant, LastRelayedUtc(session), reason);
        }
    }

    /// <summary>The wall-clock time of the participant's last relayed packet (now, if none was relayed).</summary>
    private DateTimeOffset LastRelayedUtc(ParticipantSession session)
    {
        long last = session.LastRelayedAt;
        DateTimeOffset now = Time.GetUtcNow();
        return last == 0 ? now : now - Time.GetElapsedTime(last);
    }

    /// <summary>One periodic pass: media that went unrelayed for the idle timeout is down; the marks are due every
    /// mark interval. Nothing is reported for a plane that relays nothing.</summary>
    private void CheckRelay(List<ParticipantSession> sessions, long now)
    {
        bool markDue = Time.GetElapsedTime(_lastMarkAt, now) >= _options.RelayMarkInterval;
        List<RelayMark>? marks = null;
        foreach (ParticipantSession session in sessions)
        {
            if (!session.IsMediaUp)
            {
                continue;
            }

            lock (session.RelayGate)
            {
                if (Time.GetElapsedTime(session.LastRelayedAt, now) >= _options.RelayIdleTimeout)
                {
                    ReportMediaDownLocked(session, "media_stopped");
                    continue;
                }
            }

            if (markDue)
            {
                (marks ??= []).Add(new RelayMark(session.Participant, LastRelayedUtc(session)));
            }
        }

        if (markDue)
        {
            _lastMarkAt = now;
        }

        if (marks is not null)
        {
            Events.Relayed(marks);
        }
    }

    /// <summary>The server is stopping: every participant's relayed media ends at its last packet, delivered before
    /// the plane returns so the timeline is true after a clean stop.</summary>
    private async Task StopRelayingAsync()
    {
        List<ParticipantSession> sessions;
        lock (_gate)
        {
            sessions = [.. Sessions.All];
        }

        foreach (ParticipantSession session in sessions)
        {
            ReportMediaDown(session, "server_stopping");
        }

        await Events.DrainAsync().ConfigureAwait(false);
    }
}
