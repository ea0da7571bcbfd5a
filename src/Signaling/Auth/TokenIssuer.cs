using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doctolib.Telehealth.Signaling.Auth;

/// <summary>Issues bearer tokens signed with the configured key: invitation tokens, development tokens, demo links.</summary>
internal sealed class TokenIssuer(AuthOptions options, SymmetricSecurityKey key, TimeProvider time)
{
    public const string AppointmentClaim = "appointment";
    private readonly JsonWebTokenHandler handler = new();

    public string Issue(string subject, string role, TimeSpan lifetime, IReadOnlyDictionary<string, object>? extra = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { ["role"] = role };
        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                claims[name] = value;
            }
        }
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = claims,
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
