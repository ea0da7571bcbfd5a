namespace Doctolib.Telehealth.Media.Ice;

/// <summary>Candidate priority formula (RFC 8445 §5.1.2.1) and the type preferences it uses.</summary>
internal static class IceCandidatePriority
{
    public const int HostTypePreference = 126;
    public const int PeerReflexiveTypePreference = 110;

    public static uint Compute(int typePreference, int localPreference, int componentId) =>
        (uint)((typePreference << 24) + (localPreference << 8) + (256 - componentId));

    /// <summary>Local preference for a TCP candidate (RFC 6544 §4.2): direction preference (passive = 4 for host)
    /// in the top 3 bits, other preference below.</summary>
    public static int TcpLocalPreference(int directionPreference, int otherPreference) =>
        (directionPreference << 13) + otherPreference;
}
