namespace Doctolib.Telehealth.Rooms;

/// <summary>One stored transition of a consultation: what happened, to whom (an id, never a name), and when.</summary>
public sealed record TimelineEntry(long Sequence, DateTimeOffset At, string Kind, PersonId? Participant, string? Detail);

/// <summary>Reads a consultation's timeline (for billing staff and for audits).</summary>
public interface IConsultationTimeline
{
    Task<IReadOnlyList<TimelineEntry>> ReadAsync(AppointmentId appointmentId, CancellationToken cancellationToken);
}
