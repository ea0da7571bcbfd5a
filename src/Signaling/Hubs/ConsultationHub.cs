using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>The consultation hub at <c>/hubs/consultation</c>. Client to server: Join, Admit, Invite, Leave, End,
/// SendChat, and the media negotiation (SendOffer, SendAnswer, SendCandidate). Server to client: the
/// <see cref="IConsultationClient"/> events. A refusal is a hub error whose message starts with its problem type
/// (<c>urn:telehealth:problem:too-early: ...</c>).</summary>
[Authorize(Policy = "participant")]
internal sealed partial class ConsultationHub(
    IConsultationRooms rooms,
    IAppointments appointments,
    IMediaPlane media,
    InvitationLinks invitations,
    TimeProvider time) : Hub<IConsultationClient>
{
    public static string Group(AppointmentId id) => "appointment:" + id.Value.ToString("N");

    public async Task<RoomView> Join(string appointmentId)
    {
        var id = HubInput.Appointment(appointmentId);
        var view = await rooms.JoinAsync(id, Context.User!.ToCaller(), Context.ConnectionId, Context.ConnectionAborted);
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(id), Context.ConnectionAborted);
        return view;
    }

    /// <summary>The practitioner's console: follows a room (waiting room, joins, payment notices) without joining it,
    /// so that opening the console writes nothing to any consultation's timeline.</summary>
    public async Task<RoomView> Watch(string appointmentId)
    {
        var id = HubInput.Appointment(appointmentId);
        var view = await rooms.GetViewAsync(id, Context.User!.ToCaller(), Context.ConnectionAborted);
        if (view.MyKind != ParticipantKind.Practitioner)
        {
            throw new RoomException(RoomErrors.NotThePractitioner, "Only the appointment's practitioner can watch its waiting room.");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(id), Context.ConnectionAborted);
        return view;
    }

    public Task<RoomView> Admit(string appointmentId, string participantId) =>
        rooms.AdmitAsync(HubInput.Appointment(appointmentId), Context.User!.ToCaller(),
            new PersonId(HubInput.Text(participantId, nameof(participantId), HubInput.MaxIdLength)), Context.ConnectionAborted);

    public async Task<InvitationLink> Invite(string appointmentId)
    {
        var invitation = await rooms.InviteAsync(HubInput.Appointment(appointmentId), Context.User!.ToCaller(), Context.ConnectionAborted);
        return invitations.LinkFor(invitation, Context.GetHttpContext());
    }

    public async Task Leave(string appointmentId)
    {
        var id = HubInput.Appointment(appointmentId);
        var caller = Context.User!.ToCaller();
        await rooms.LeaveAsync(id, caller, Context.ConnectionAborted);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(id), Context.ConnectionAborted);
        await media.CloseAsync(new MediaParticipant(id.ToString(), caller.Id.Value), Context.ConnectionAborted);
    }

    public Task End(string appointmentId, bool billable, string? unbillableReason)
    {
        var id = HubInput.Appointment(appointmentId);
        if (unbillableReason is { Length: > HubInput.MaxReasonLength } || (unbillableReason is not null && RequestGuard.HasControlCharacter(unbillableReason)))
        {
            throw HubInput.Refusal("invalid-argument", $"'unbillableReason' has at most {HubInput.MaxReasonLength} characters, without control characters.");
        }
        return rooms.EndAsync(id, Context.User!.ToCaller(), billable, unbillableReason, Context.ConnectionAborted);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await rooms.ConnectionLostAsync(Context.ConnectionId, CancellationToken.None);
        await base.OnDisconnectedAsync(exception);
    }
}
