namespace Doctolib.Telehealth.Media.Ice;

/// <summary>Candidate priority formula (RFC 8445 §5.1.2.1) and the type preferences it uses.</summary>
internal static class IceCandidatePriority
{
    public const int HostTypePreference = 126;
    public const int PeerReflexiveTypePreference = 110;

    public static uint Compute(int typePreference, int localPreference, int componentId) =>
        (uint)((typePreference << 24) + (localPreference << 8) + (256 - componentId));
}
