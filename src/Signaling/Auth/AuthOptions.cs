namespace Doctolib.Telehealth.Signaling.Auth;

/// <summary>Configuration section <c>Auth</c>: how bearer tokens are validated (and, for invitations and the
/// development endpoint, issued).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "doctolib-telehealth";

    public string Audience { get; set; } = "telehealth";

    /// <summary>The HMAC-SHA256 signing key, base64, at least 32 bytes. Required outside Development; in Development
    /// a random key is made at start when none is configured.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Turns on <c>POST /dev/tokens</c>. Off by default; the local run turns it on.</summary>
    public bool DevTokens { get; set; }

    /// <summary>How long a development token lives.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
