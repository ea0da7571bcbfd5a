namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    public Task SetAdmittedAsync(string roomId, IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(participantIds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Negotiator.SetAdmitted(roomId, participantIds);
            Negotiator.UpdateRoom(roomId);
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(MediaParticipant participant, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ParticipantSession? session;
        lock (_gate)
        {
            ForgetAudioOnlyLocked(participant);
            if (Sessions.TryGet(participant, out session))
            {
                RemoveSessionLocked(session);
                Negotiator.UpdateRoom(participant.RoomId);
            }
        }

        if (session is not null)
        {
            EndSession(session, "closed");
        }

        return Task.CompletedTask;
    }

    public Task CloseRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var closed = new List<ParticipantSession>();
        lock (_gate)
        {
            foreach (ParticipantSession session in Sessions.All)
            {
                if (session.Participant.RoomId == roomId)
                {
                    closed.Add(session);
                }
            }

            foreach (ParticipantSession session in closed)
            {
                RemoveSessionLocked(session);
            }

            Negotiator.ForgetRoom(roomId);
            ForgetRoomAudioOnlyLocked(roomId);
        }

        foreach (ParticipantSession session in closed)
        {
            EndSession(session, "room_closed");
        }

        return Task.CompletedTask;
    }

    private void RemoveSessionLocked(ParticipantSession session)
    {
        Sessions.Remove(session);
        _ice.RemoveSession(session.Ice);

        foreach (NegotiatedSection section in session.Sections)
        {
            section.Track?.Unsubscribe(session);
        }

        session.MarkClosed();
    }

    /// <summary>Outside the lock: reports media down if it was up, and releases DTLS/SRTP.</summary>
    private void EndSession(ParticipantSession session, string reason)
    {
        ReportMediaDown(session, reason);

        MediaPlaneLog.SessionClosed(_logger, session.Participant.RoomId, session.Participant.ParticipantId, reason);
        session.Dispose();
    }
}
