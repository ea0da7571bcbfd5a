using System.Security.Claims;
using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Signaling.Auth;

/// <summary>Reads the caller (subject, role, invitation) from a validated token.</summary>
internal static class CallerExtensions
{
    public static Caller ToCaller(this ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no subject.");
        var role = WireFormat.TryParse<CallerRole>(user.FindFirstValue("role"), out var known) ? known : CallerRole.Other;
        AppointmentId? invitedTo = Guid.TryParse(user.FindFirstValue(TokenIssuer.AppointmentClaim), out var id) ? new AppointmentId(id) : null;
        return new Caller(new PersonId(subject), role, invitedTo);
    }
}
