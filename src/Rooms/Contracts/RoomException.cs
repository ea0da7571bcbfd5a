namespace Doctolib.Telehealth.Rooms;

/// <summary>A refused room operation. <see cref="Code"/> is stable (clients branch on it); the message says what to do.
/// Over HTTP it becomes problem details with type <c>urn:telehealth:problem:{Code}</c>; over SignalR a hub error
/// carrying the same type. <see cref="Details"/> carries the refusal's data for a page to word it in the user's
/// language (for example <c>opensAt</c> of <c>too-early</c>, an ISO 8601 UTC time).</summary>
public sealed class RoomException(string code, string message, IReadOnlyDictionary<string, string>? details = null) : Exception(message)
{
    public string Code { get; } = code;

    public IReadOnlyDictionary<string, string>? Details { get; } = details;

    public string ProblemType => "urn:telehealth:problem:" + Code;
}

/// <summary>The stable codes of <see cref="RoomException"/>.</summary>
public static class RoomErrors
{
    public const string AppointmentNotFound = "appointment-not-found";
    public const string AppointmentCancelled = "appointment-cancelled";
    public const string TooEarly = "too-early";
    public const string TooLate = "too-late";
    public const string NotThePatient = "not-the-patient";
    public const string NotThePractitioner = "not-the-practitioner";
    public const string NotInvited = "not-invited";
    public const string RoleNotAllowed = "role-not-allowed";
    public const string ConsultationEnded = "consultation-ended";
    public const string NotInRoom = "not-in-room";
    public const string NotWaiting = "participant-not-waiting";
    public const string PatientNotAdmitted = "patient-not-admitted";
    public const string NotAdmitted = "not-admitted";
    public const string ReasonRequired = "unbillable-reason-required";
    public const string AppointmentStarted = "appointment-already-started";
}
