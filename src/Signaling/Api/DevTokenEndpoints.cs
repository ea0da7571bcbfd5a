using Doctolib.Telehealth.Signaling.Auth;

namespace Doctolib.Telehealth.Signaling;

/// <summary><c>POST /dev/tokens</c>: a signed token for any subject and role, for local runs and demos only.
/// Mapped only when <c>Auth:DevTokens</c> is true.</summary>
internal static class DevTokenEndpoints
{
    public sealed record Request(string? Sub, string? Role);

    public sealed record Response(string Token, DateTimeOffset ExpiresAt);

    public static void MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/dev/tokens", (Request? request, TokenIssuer issuer, AuthOptions options, TimeProvider time) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Sub))
            {
                return Problems.Result(400, "invalid-token-request", "Invalid token request", "'sub' is required.",
                    new Dictionary<string, string[]> { ["sub"] = ["Required."] });
            }
            if (request.Sub.Length > AppointmentBody.MaxIdLength || RequestGuard.HasControlCharacter(request.Sub))
            {
                return Problems.Result(400, "invalid-token-request", "Invalid token request",
                    $"'sub' must be at most {AppointmentBody.MaxIdLength} characters without control characters.",
                    new Dictionary<string, string[]> { ["sub"] = [$"At most {AppointmentBody.MaxIdLength} characters, no control characters."] });
            }
            if (request.Role is null || !Roles.Issuable.Contains(request.Role))
            {
                return Problems.Result(400, "invalid-token-request", "Invalid token request",
                    "'role' must be one of patient, practitioner, billing, scheduler.",
                    new Dictionary<string, string[]> { ["role"] = ["Must be patient, practitioner, billing or scheduler."] });
            }
            var token = issuer.Issue(request.Sub.Trim(), request.Role, options.DevTokenLifetime);
            return Results.Ok(new Response(token, time.GetUtcNow() + options.DevTokenLifetime));
        }).AllowAnonymous();
    }
}
