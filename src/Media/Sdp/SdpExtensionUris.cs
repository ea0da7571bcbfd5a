namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>RTP header extensions the SFU understands (a=extmap URIs).</summary>
internal static class SdpExtensionUris
{
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string TransportWideCc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
}
