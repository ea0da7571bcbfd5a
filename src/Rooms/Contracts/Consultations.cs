namespace Doctolib.Telehealth.Rooms;

/// <summary>How a person takes part in a consultation.</summary>
public enum ParticipantKind
{
    Patient,
    Practitioner,
    Guest,
}

/// <summary>Where a participant is in the room.</summary>
public enum ParticipantState
{
    Invited,
    Waiting,
    Admitted,
    Disconnected,
    Left,
}

/// <summary>Where a consultation is. <see cref="Scheduled"/> means nobody has opened its room yet (no stored row).</summary>
public enum ConsultationState
{
    Scheduled,
    Open,
    InProgress,
    Ended,
}

/// <summary>The role a caller's token carries; <see cref="Other"/> for any role that has no part in a room.</summary>
public enum CallerRole
{
    Other,
    Patient,
    Practitioner,
    Guest,
}

/// <summary>Why a participant is no longer in the room.</summary>
public enum DepartureReason
{
    /// <summary>The participant left on purpose.</summary>
    Left,

    /// <summary>The connection dropped; the reconnect grace period runs.</summary>
    ConnectionLost,

    /// <summary>The participant did not come back within the reconnect grace period.</summary>
    GraceExpired,

    /// <summary>The server restarted while the participant was connected; the reconnect grace period runs.</summary>
    ServerRestart,
}

/// <summary>The caller of a room operation, from the validated token.</summary>
public sealed record Caller(PersonId Id, CallerRole Role, AppointmentId? InvitedTo = null);

/// <summary>One participant as the room shows it (ids only).</summary>
public sealed record ParticipantView(PersonId Id, ParticipantKind Kind, ParticipantState State, bool Admitted);

/// <summary>The room as one participant sees it after an operation.</summary>
public sealed record RoomView(
    AppointmentId AppointmentId,
    ConsultationState ConsultationState,
    PersonId Me,
    ParticipantKind MyKind,
    ParticipantState MyState,
    IReadOnlyList<ParticipantView> Participants);

/// <summary>A third participant the practitioner invited (interpreter, relative).</summary>
public sealed record Invitation(AppointmentId AppointmentId, PersonId GuestId, DateTimeOffset ExpiresAt);

/// <summary>The consultation lifecycle: join, admit, invite, leave, reconnect, end. Every transition is stored
/// with its time; the end writes <see cref="ConsultationEnded"/> to the outbox in the same transaction.</summary>
public interface IConsultationRooms
{
    Task<RoomView> JoinAsync(AppointmentId appointmentId, Caller caller, string connectionId, CancellationToken cancellationToken);

    Task<RoomView> AdmitAsync(AppointmentId appointmentId, Caller practitioner, PersonId participantId, CancellationToken cancellationToken);

    Task<Invitation> InviteAsync(AppointmentId appointmentId, Caller practitioner, CancellationToken cancellationToken);

    Task LeaveAsync(AppointmentId appointmentId, Caller caller, CancellationToken cancellationToken);

    /// <summary>The connection dropped: the participant has the reconnect grace period to come back.</summary>
    Task ConnectionLostAsync(string connectionId, CancellationToken cancellationToken);

    Task EndAsync(AppointmentId appointmentId, Caller practitioner, bool billable, string? unbillableReason, CancellationToken cancellationToken);

    /// <summary>The room as the caller sees it now; refused like a join when the caller has no place in it.</summary>
    Task<RoomView> GetViewAsync(AppointmentId appointmentId, Caller caller, CancellationToken cancellationToken);
}

/// <summary>Implemented by the signaling layer: tells the clients of a room what changed (ids only).</summary>
public interface IRoomNotifier
{
    Task ParticipantJoinedAsync(AppointmentId appointmentId, ParticipantView participant, CancellationToken cancellationToken);

    Task ParticipantLeftAsync(AppointmentId appointmentId, PersonId participantId, DepartureReason reason, CancellationToken cancellationToken);

    Task WaitingRoomChangedAsync(AppointmentId appointmentId, IReadOnlyList<ParticipantView> waiting, CancellationToken cancellationToken);

    Task AdmittedAsync(AppointmentId appointmentId, PersonId participantId, CancellationToken cancellationToken);

    Task ConsultationEndedAsync(AppointmentId appointmentId, EndReason reason, CancellationToken cancellationToken);
}
