using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Testing;

internal sealed partial class WebRtcTestPeer
{
    /// <summary>An RTCP receiver report about a track the server forwards to us, saying it lost
    /// <paramref name="fractionLost"/> (n/256) of it, as a browser on a lossy downlink would.</summary>
    public void SendReceiverReport(uint mediaSsrc, byte fractionLost)
    {
        ReceivedStream? stream = Stream(mediaSsrc);
        Span<byte> rtcp = stackalloc byte[RtcpReceiverReport.HeaderLength + RtcpReportBlock.Size];
        int length = RtcpReceiverReport.WriteHeader(rtcp, VideoSsrc, 1);
        length += new RtcpReportBlock(mediaSsrc, fractionLost, 0, (uint)(stream?.Packets ?? 0), 0, 0, 0).Write(rtcp.Slice(length));
        SendRtcp(rtcp.Slice(0, length));
    }
}
