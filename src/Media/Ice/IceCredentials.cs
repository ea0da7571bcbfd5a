using System.Security.Cryptography;

namespace Doctolib.Telehealth.Media.Ice;

/// <summary>An ICE username fragment and password (RFC 8445 §5.3, RFC 8839 §5.4): ufrag at least 4 and password
/// at least 22 ICE characters; generated ones carry 96 and 144 bits of randomness.</summary>
internal sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static IceCredentials Generate() =>
        new(RandomNumberGenerator.GetString(IceChars, 16), RandomNumberGenerator.GetString(IceChars, 24));

    /// <summary>Hides the password: credentials never reach a log whole.</summary>
    public override string ToString() => $"IceCredentials {{ Ufrag = {Ufrag} }}";
}
