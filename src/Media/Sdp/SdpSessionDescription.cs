namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>A parsed session description: the session-level fields and the m-sections in order.</summary>
internal sealed class SdpSessionDescription
{
    public required SdpOrigin Origin { get; init; }
    public string SessionName { get; set; } = "-";
    public List<SdpGroup> Groups { get; } = [];
    public List<string> IceOptions { get; } = [];
    public bool IceLite { get; set; }
    public string? MsidSemantic { get; set; }
    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public SdpFingerprint? Fingerprint { get; set; }
    public SdpSetupRole? Setup { get; set; }
    public List<SdpAttribute> OtherAttributes { get; } = [];
    public List<SdpMediaSection> Media { get; } = [];

    public SdpGroup? BundleGroup
    {
        get
        {
            foreach (SdpGroup group in Groups)
            {
                if (group.Semantics == "BUNDLE")
                {
                    return group;
                }
            }

            return null;
        }
    }

    /// <summary>The first m-section not rejected (port 0): BUNDLE's tag, whose transport attributes count.</summary>
    public SdpMediaSection? FirstAccepted
    {
        get
        {
            foreach (SdpMediaSection media in Media)
            {
                if (!media.IsRejected)
                {
                    return media;
                }
            }

            return null;
        }
    }

    public string? EffectiveIceUfrag(SdpMediaSection media) => media.IceUfrag ?? IceUfrag;

    public string? EffectiveIcePwd(SdpMediaSection media) => media.IcePwd ?? IcePwd;

    public SdpFingerprint? EffectiveFingerprint(SdpMediaSection media) => media.Fingerprint ?? Fingerprint;

    public SdpSetupRole? EffectiveSetup(SdpMediaSection media) => media.Setup ?? Setup;
}
