using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Audio only, chosen by hand.</summary>
internal sealed partial class ConsultationHub
{
    /// <summary>The caller chooses "audio only" (or gives it up): the server stops forwarding video to the caller, and
    /// the room's admitted participants (the caller included) get <see cref="IConsultationClient.VideoPaused"/> with
    /// <c>audio_only_chosen</c>, then <see cref="IConsultationClient.VideoResumed"/>. Admitted participants only:
    /// from the waiting room it is refused with <c>not-admitted</c>, from outside the room with <c>not-in-room</c>.</summary>
    public async Task SetAudioOnly(string appointmentId, bool audioOnly)
    {
        var id = HubInput.Appointment(appointmentId);
        var view = await rooms.GetViewAsync(id, Context.User!.ToCaller(), Context.ConnectionAborted);
        if (view.MyState == ParticipantState.Waiting)
        {
            throw new RoomException(RoomErrors.NotAdmitted,
                "You are in the waiting room: audio only applies to the call, once the practitioner has admitted you.");
        }
        if (view.MyState != ParticipantState.Admitted)
        {
            throw new RoomException(RoomErrors.NotInRoom, "Join the room first.");
        }
        await media.SetAudioOnlyAsync(new MediaParticipant(id.ToString(), view.Me.Value), audioOnly, Context.ConnectionAborted);
    }
}
