using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>A link a practitioner sends to a third participant: the visit page with a guest token in the fragment
/// (fragments are never sent to servers, so the token stays out of every access log).</summary>
internal sealed record InvitationLink(string ParticipantId, string Url, string Token, DateTimeOffset ExpiresAt);

/// <summary>Issues invitation tokens (role guest, valid for one appointment, until its join window closes).</summary>
internal sealed class InvitationLinks(TokenIssuer issuer, TimeProvider time)
{
    public InvitationLink LinkFor(Invitation invitation, HttpContext? http)
    {
        var lifetime = invitation.ExpiresAt - time.GetUtcNow();
        var token = issuer.Issue(invitation.GuestId.Value, Roles.Guest, lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromMinutes(1),
            new Dictionary<string, object> { [TokenIssuer.AppointmentClaim] = invitation.AppointmentId.ToString() });
        var origin = http is null ? "" : $"{http.Request.Scheme}://{http.Request.Host}";
        return new InvitationLink(invitation.GuestId.Value, $"{origin}/visit/{invitation.AppointmentId}#token={token}", token, invitation.ExpiresAt);
    }
}
