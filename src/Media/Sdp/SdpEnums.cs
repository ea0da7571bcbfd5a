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

/// <summary>The enums above as they are written in SDP, both ways.</summary>
internal static class SdpEnumText
{
    public static string ToSdp(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendRecv => "sendrecv",
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        _ => "inactive",
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
}
