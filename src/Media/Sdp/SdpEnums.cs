namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Media direction attributes (RFC 8866 §6.7), from the point of view of the description's author.</summary>
internal enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>a=setup values (RFC 4145 §4, RFC 5763): who is the DTLS client.</summary>
internal enum SdpSetupRole
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

/// <summary>The media field of an m= line.</summary>
internal enum SdpMediaKind
{
    Audio,
    Video,
    Application,
    Other,
}

/// <summary>Names and reversal of the enums above, as they are written in SDP.</summary>
internal static class SdpEnumText
{
    public static string ToSdp(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendRecv => "sendrecv",
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        _ => "inactive",
    };

    public static string ToSdp(this SdpSetupRole role) => role switch
    {
        SdpSetupRole.ActPass => "actpass",
        SdpSetupRole.Active => "active",
        SdpSetupRole.Passive => "passive",
        _ => "holdconn",
    };

    public static string ToSdp(this SdpMediaKind kind) => kind switch
    {
        SdpMediaKind.Audio => "audio",
        SdpMediaKind.Video => "video",
        SdpMediaKind.Application => "application",
        _ => "unknown",
    };

    public static bool TryParseDirection(string name, out SdpDirection direction)
    {
        switch (name)
        {
            case "sendrecv": direction = SdpDirection.SendRecv; return true;
            case "sendonly": direction = SdpDirection.SendOnly; return true;
            case "recvonly": direction = SdpDirection.RecvOnly; return true;
            case "inactive": direction = SdpDirection.Inactive; return true;
            default: direction = SdpDirection.Inactive; return false;
        }
    }

    public static bool TryParseSetup(string value, out SdpSetupRole role)
    {
        switch (value)
        {
            case "actpass": role = SdpSetupRole.ActPass; return true;
            case "active": role = SdpSetupRole.Active; return true;
            case "passive": role = SdpSetupRole.Passive; return true;
            case "holdconn": role = SdpSetupRole.HoldConn; return true;
            default: role = SdpSetupRole.HoldConn; return false;
        }
    }

    public static SdpMediaKind ParseKind(string media) => media switch
    {
        "audio" => SdpMediaKind.Audio,
        "video" => SdpMediaKind.Video,
        "application" => SdpMediaKind.Application,
        _ => SdpMediaKind.Other,
    };

    /// <summary>The direction that mirrors a peer's: its sendonly is our recvonly.</summary>
    public static SdpDirection Reverse(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => direction,
    };

    public static bool Sends(this SdpDirection direction) => direction is SdpDirection.SendRecv or SdpDirection.SendOnly;

    public static bool Receives(this SdpDirection direction) => direction is SdpDirection.SendRecv or SdpDirection.RecvOnly;

    public static SdpDirection FromFlags(bool send, bool receive) => (send, receive) switch
    {
        (true, true) => SdpDirection.SendRecv,
        (true, false) => SdpDirection.SendOnly,
        (false, true) => SdpDirection.RecvOnly,
        _ => SdpDirection.Inactive,
    };
}
