using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>What the visit page shows before it asks for the camera: when the appointment is, with whom, and whether
/// its consultation has already ended.</summary>
internal sealed record AppointmentSummary(
    Guid AppointmentId, DateTimeOffset StartsAt, int DurationMinutes, string? PractitionerName, ConsultationState ConsultationState, bool Cancelled);

internal sealed partial class ConsultationHub
{
    /// <summary>The appointment as its patient, practitioner or invited guest may see it; joins nothing and writes
    /// nothing. Anyone else is refused as for <see cref="Join"/>, and an unknown appointment is not found.</summary>
    public async Task<AppointmentSummary> Describe(string appointmentId)
    {
        var id = HubInput.Appointment(appointmentId);
        var caller = Context.User!.ToCaller();
        var appointment = await appointments.GetAsync(id, Context.ConnectionAborted)
            ?? throw new RoomException(RoomErrors.AppointmentNotFound, "There is no such appointment; check the link you were given.");
        var allowed = caller.Role switch
        {
            CallerRole.Patient => appointment.PatientId == caller.Id,
            CallerRole.Practitioner => appointment.PractitionerId == caller.Id,
            CallerRole.Guest => caller.InvitedTo == id,
            _ => false,
        };
        if (!allowed)
        {
            throw caller.Role switch
            {
                CallerRole.Patient => new RoomException(RoomErrors.NotThePatient, "This link belongs to another patient's appointment."),
                CallerRole.Practitioner => new RoomException(RoomErrors.NotThePractitioner, "This is another practitioner's appointment."),
                _ => new RoomException(RoomErrors.NotInvited, "This invitation is for another appointment."),
            };
        }
        return new AppointmentSummary(id.Value, appointment.StartsAt, appointment.DurationMinutes, appointment.PractitionerName,
            appointment.ConsultationState, appointment.CancelledAt is not null);
    }
}
