using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Rooms;

/// <summary>An event the Rooms module writes to its outbox in the same transaction as the state change.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PatientAdmitted), "patient_admitted")]
[JsonDerivedType(typeof(ConsultationEnded), "consultation_ended")]
public abstract record ConsultationEvent(AppointmentId AppointmentId, DateTimeOffset OccurredAt);

/// <summary>The practitioner admitted the patient: the consultation is in progress (billing authorises here).</summary>
public sealed record PatientAdmitted(
    AppointmentId AppointmentId,
    DateTimeOffset OccurredAt,
    PersonId PatientId,
    PersonId PractitionerId,
    Money Price,
    Payer Payer) : ConsultationEvent(AppointmentId, OccurredAt);

/// <summary>The consultation is over. <see cref="LiveMediaTogether"/> is how long the practitioner and the patient
/// had live media with each other, as the media plane saw it.</summary>
public sealed record ConsultationEnded(
    AppointmentId AppointmentId,
    DateTimeOffset OccurredAt,
    PersonId PatientId,
    PersonId PractitionerId,
    Money Price,
    Payer Payer,
    DateTimeOffset? AdmittedAt,
    EndReason Reason,
    bool MarkedBillable,
    string? UnbillableReason,
    TimeSpan LiveMediaTogether) : ConsultationEvent(AppointmentId, OccurredAt);

/// <summary>Why a consultation ended (snake_case on the wire and in storage, see <see cref="WireFormat"/>).</summary>
public enum EndReason
{
    EndedByPractitioner,
    EveryoneLeft,
    MaximumDurationReached,
    AppointmentCancelled,
}
