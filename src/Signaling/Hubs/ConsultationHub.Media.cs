using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Media negotiation and chat: only for a participant who is in the room. SDP bodies are never logged.</summary>
internal sealed partial class ConsultationHub
{
    private const int MaxSdpLength = 64 * 1024;
    private const int MaxChatLength = 2000;

    /// <summary>The browser's offer; returns the server's answer. Only an admitted participant may publish: media from
    /// the waiting room is never relayed, and never counts as live media.</summary>
    public async Task<string> SendOffer(string appointmentId, string? sdp)
    {
        var participant = await PresentParticipantAsync(appointmentId, admittedOnly: true);
        RequireSdp(sdp);
        return await media.AcceptOfferAsync(participant, sdp, Context.ConnectionAborted);
    }

    /// <summary>The browser's answer to an offer the server sent with <see cref="IConsultationClient.Offer"/>.</summary>
    public async Task SendAnswer(string appointmentId, string? sdp)
    {
        var participant = await PresentParticipantAsync(appointmentId, admittedOnly: true);
        RequireSdp(sdp);
        await media.AcceptAnswerAsync(participant, sdp, Context.ConnectionAborted);
    }

    /// <summary>A trickled browser candidate. The server is an ICE-lite agent: it learns the browser's address from the
    /// browser's own connectivity checks, so candidates are checked for shape and not otherwise needed.</summary>
    public async Task SendCandidate(string appointmentId, string? candidate)
    {
        await PresentParticipantAsync(appointmentId);
        if (candidate is null || candidate.Length > 1024 || RequestGuard.HasControlCharacter(candidate) || (candidate.Length > 0 && !candidate.StartsWith("candidate:", StringComparison.Ordinal)))
        {
            throw new HubException(Problems.TypePrefix + "invalid-candidate: A candidate must be an a=candidate value starting with 'candidate:'.");
        }
    }

    /// <summary>A chat message to the admitted participants only (someone still in the waiting room does not see the
    /// conversation). It is relayed, not stored, and never logged.</summary>
    public async Task SendChat(string appointmentId, string? text)
    {
        var id = HubInput.Appointment(appointmentId);
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxChatLength || text.Contains('\0', StringComparison.Ordinal))
        {
            throw new HubException(Problems.TypePrefix + $"invalid-chat: A message must have between 1 and {MaxChatLength} characters.");
        }
        var view = await rooms.GetViewAsync(id, Context.User!.ToCaller(), Context.ConnectionAborted);
        if (view.MyState != ParticipantState.Admitted)
        {
            throw new RoomException(RoomErrors.NotInRoom, "Only admitted participants can chat.");
        }
        var admitted = view.Participants.Where(p => p.State == ParticipantState.Admitted).Select(p => p.Id.Value).ToList();
        await Clients.Users(admitted).ChatMessage(id.Value, view.Me.Value, text.Trim(), time.GetUtcNow());
    }

    /// <summary>The caller turned their microphone or camera off or on: told to the other admitted participants.</summary>
    public async Task SetMediaState(string appointmentId, bool microphone, bool camera)
    {
        var id = HubInput.Appointment(appointmentId);
        var view = await rooms.GetViewAsync(id, Context.User!.ToCaller(), Context.ConnectionAborted);
        if (view.MyState != ParticipantState.Admitted)
        {
            throw new RoomException(RoomErrors.NotInRoom, "Only admitted participants share their camera and microphone.");
        }
        var others = view.Participants.Where(p => p.State == ParticipantState.Admitted && p.Id != view.Me).Select(p => p.Id.Value).ToList();
        await Clients.Users(others).MediaStateChanged(id.Value, view.Me.Value, microphone, camera);
    }

    private async Task<MediaParticipant> PresentParticipantAsync(string appointmentId, bool admittedOnly = false)
    {
        var id = HubInput.Appointment(appointmentId);
        var caller = Context.User!.ToCaller();
        var view = await rooms.GetViewAsync(id, caller, Context.ConnectionAborted);
        if (view.MyState is not (ParticipantState.Admitted or ParticipantState.Waiting))
        {
            throw new RoomException(RoomErrors.NotInRoom, "Join the room first.");
        }
        if (admittedOnly && view.MyState != ParticipantState.Admitted)
        {
            throw new RoomException(RoomErrors.NotAdmitted,
                "You are in the waiting room: send your media once the practitioner has admitted you (the Admitted event).");
        }
        return new MediaParticipant(id.ToString(), caller.Id.Value);
    }

    private static void RequireSdp([System.Diagnostics.CodeAnalysis.NotNull] string? sdp)
    {
        if (string.IsNullOrEmpty(sdp) || sdp.Length > MaxSdpLength || sdp.Contains('\0', StringComparison.Ordinal))
        {
            throw new HubException(Problems.TypePrefix + $"invalid-sdp: An SDP body must have between 1 and {MaxSdpLength} characters.");
        }
    }
}
