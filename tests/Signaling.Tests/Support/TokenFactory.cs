using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Doctolib.Telehealth.Signaling.Tests.Support;

/// <summary>Makes tokens as the identity provider would, signed with the test key.</summary>
public sealed class TokenFactory(string base64Key)
{
    private readonly SymmetricSecurityKey key = new(Convert.FromBase64String(base64Key));

    public string Issue(string subject, string role, TimeSpan? lifetime = null, IDictionary<string, object>? claims = null, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var all = new Dictionary<string, object> { ["role"] = role };
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            all[name] = value;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = all,
            Issuer = "doctolib-telehealth",
            Audience = "telehealth",
            IssuedAt = issuedAt,
            NotBefore = issuedAt.AddMinutes(-1),
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    public string Expired(string subject, string role) =>
        Issue(subject, role, TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-2));
}
