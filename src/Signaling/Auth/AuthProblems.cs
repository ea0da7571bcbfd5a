using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Doctolib.Telehealth.Signaling.Auth;

/// <summary>401 and 403 as problem details, each with its own type: no token, an expired token, a bad token, a
/// role that may not do this.</summary>
internal static class AuthProblems
{
    public static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, detail) = context.AuthenticateFailure switch
        {
            null => ("token-missing", "This needs a bearer token (Authorization header, or access_token for the hub)."),
            SecurityTokenExpiredException => ("token-expired", "The token has expired; sign in again."),
            _ => ("token-invalid", "The token is not valid for this server."),
        };
        context.Response.Headers.WWWAuthenticate = code == "token-missing" ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{code}\"";
        await Problems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, code, "Not signed in", detail);
    }

    public static Task ForbiddenAsync(ForbiddenContext context) =>
        Problems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "forbidden-role", "Not allowed",
            "Your role does not allow this.");
}
