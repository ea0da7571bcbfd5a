using System.Text.Json;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>A row of rooms.appointments joined with its consultation's state, as Dapper reads it.</summary>
internal sealed class AppointmentRow
{
    public const string Columns =
        "a.id AS Id, a.practitioner_id AS PractitionerId, a.patient_id AS PatientId, a.patient_name AS PatientName, " +
        "a.patient_email AS PatientEmail, a.starts_at AS StartsAt, a.duration_minutes AS DurationMinutes, " +
        "a.price_minor AS PriceMinor, a.currency AS Currency, a.payer::text AS Payer, a.cancelled_at AS CancelledAt, " +
        "c.state AS ConsultationStateText, a.practitioner_name AS PractitionerName";

    public Guid Id { get; init; }
    public string PractitionerId { get; init; } = "";
    public string PatientId { get; init; } = "";
    public string? PatientName { get; init; }
    public string? PatientEmail { get; init; }
    public DateTime StartsAt { get; init; }
    public int DurationMinutes { get; init; }
    public long PriceMinor { get; init; }
    public string Currency { get; init; } = "";
    public string Payer { get; init; } = "";
    public DateTime? CancelledAt { get; init; }
    public string? ConsultationStateText { get; init; }

    /// <summary><see cref="Rooms.ConsultationState.Scheduled"/> while the room has never been opened.</summary>
    public ConsultationState ConsultationState =>
        ConsultationStateText is null ? ConsultationState.Scheduled : WireFormat.Parse<ConsultationState>(ConsultationStateText);
    public string? PractitionerName { get; init; }

    public Appointment ToAppointment() => new(
        new AppointmentId(Id),
        new PersonId(PractitionerId),
        new PersonId(PatientId),
        Utc(StartsAt),
        DurationMinutes,
        new Money(PriceMinor, Currency.Trim()),
        JsonSerializer.Deserialize<Payer>(Payer, RoomsJson.Options)!,
        PatientName,
        PatientEmail,
        CancelledAt is { } cancelled ? Utc(cancelled) : null,
        ConsultationState,
        PractitionerName);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
