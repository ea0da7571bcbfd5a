using System.Security.Cryptography;
using System.Text;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>A certificate fingerprint as SDP carries it (RFC 8122 §5): "sha-256 AB:CD:...".
/// The hash name compares case-insensitively; the value is the hash of the DER certificate.</summary>
internal sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    private readonly byte[] _value;

    private DtlsFingerprint(string algorithm, byte[] value)
    {
        Algorithm = algorithm;
        _value = value;
    }

    /// <summary>Lower-case hash name: "sha-1", "sha-256", "sha-384" or "sha-512".</summary>
    public string Algorithm { get; }

    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Hashes a DER certificate with SHA-256, the hash browsers use.</summary>
    public static DtlsFingerprint Sha256(ReadOnlySpan<byte> derCertificate) => new("sha-256", SHA256.HashData(derCertificate));

    /// <summary>Parses the value of an a=fingerprint attribute. False for an unknown hash or a malformed value.</summary>
    public static bool TryParse(string? text, out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string trimmed = text.Trim();
        int space = trimmed.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        string algorithm = trimmed[..space].ToLowerInvariant();
        int expectedLength = HashLength(algorithm);
        string hex = trimmed[(space + 1)..].Trim();
        if (expectedLength == 0 || hex.Length != expectedLength * 3 - 1)
        {
            return false;
        }

        byte[] value = new byte[expectedLength];
        for (int i = 0; i < expectedLength; i++)
        {
            int at = i * 3;
            if ((i > 0 && hex[at - 1] != ':') || !IsHex(hex[at]) || !IsHex(hex[at + 1]))
            {
                return false;
            }

            value[i] = (byte)((HexValue(hex[at]) << 4) | HexValue(hex[at + 1]));
        }

        fingerprint = new DtlsFingerprint(algorithm, value);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static DtlsFingerprint Parse(string text) =>
        TryParse(text, out DtlsFingerprint? fingerprint) ? fingerprint! : throw new FormatException("Not an SDP certificate fingerprint.");

    /// <summary>True when the DER certificate hashes, with this fingerprint's algorithm, to this value.</summary>
    public bool Matches(ReadOnlySpan<byte> derCertificate)
    {
        Span<byte> hash = stackalloc byte[64];
        int length = Algorithm switch
        {
            "sha-1" => SHA1.HashData(derCertificate, hash),
            "sha-256" => SHA256.HashData(derCertificate, hash),
            "sha-384" => SHA384.HashData(derCertificate, hash),
            "sha-512" => SHA512.HashData(derCertificate, hash),
            _ => 0,
        };
        return length == _value.Length && CryptographicOperations.FixedTimeEquals(hash.Slice(0, length), _value);
    }

    /// <summary>The SDP form: "sha-256 AB:CD:...".</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Algorithm.Length + 1 + _value.Length * 3);
        text.Append(Algorithm).Append(' ');
        for (int i = 0; i < _value.Length; i++)
        {
            if (i > 0)
            {
                text.Append(':');
            }

            text.Append(_value[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public bool Equals(DtlsFingerprint? other) =>
        other is not null && Algorithm == other.Algorithm && _value.AsSpan().SequenceEqual(other._value);

    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    public override int GetHashCode() => HashCode.Combine(Algorithm, _value.Length > 0 ? _value[0] : 0);

    private static int HashLength(string algorithm) => algorithm switch
    {
        "sha-1" => 20,
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
