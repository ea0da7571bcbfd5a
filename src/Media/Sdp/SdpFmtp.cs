namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Reads "key=value;key=value" fmtp parameter lists (RFC 8866 §6.15).</summary>
internal static class SdpFmtp
{
    public static string? Get(string? fmtp, string key)
    {
        if (fmtp is null)
        {
            return null;
        }

        foreach (string part in fmtp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && string.Equals(part[..equals].Trim(), key, StringComparison.OrdinalIgnoreCase))
            {
                return part[(equals + 1)..].Trim();
            }
        }

        return null;
    }
}
