namespace Doctolib.Telehealth.Rooms;

/// <summary>An appointment as the scheduling system sends it. <see cref="PatientName"/> and <see cref="PatientEmail"/>
/// are optional, shown to the practitioner only, and never logged. <see cref="PractitionerName"/> is optional and shown
/// to the patient (waiting room, receipt).</summary>
public sealed record AppointmentRequest(
    PersonId PractitionerId,
    PersonId PatientId,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    Money Price,
    Payer Payer,
    string? PatientName = null,
    string? PatientEmail = null,
    string? PractitionerName = null);

/// <summary>A stored appointment.</summary>
public sealed record Appointment(
    AppointmentId Id,
    PersonId PractitionerId,
    PersonId PatientId,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    Money Price,
    Payer Payer,
    string? PatientName,
    string? PatientEmail,
    DateTimeOffset? CancelledAt,
    ConsultationState ConsultationState,
    string? PractitionerName = null);

/// <summary>What an upsert did: created, updated, or nothing because the stored appointment is already the same.</summary>
public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>The scheduling system's side of the Rooms module.</summary>
public interface IAppointments
{
    Task<UpsertOutcome> UpsertAsync(AppointmentId id, AppointmentRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels the appointment; an open consultation ends (reason AppointmentCancelled). False if unknown.</summary>
    Task<bool> CancelAsync(AppointmentId id, CancellationToken cancellationToken);

    Task<Appointment?> GetAsync(AppointmentId id, CancellationToken cancellationToken);

    /// <summary>A practitioner's appointments starting in [from, to), with their consultation state.</summary>
    Task<IReadOnlyList<Appointment>> ListForPractitionerAsync(
        PersonId practitionerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
