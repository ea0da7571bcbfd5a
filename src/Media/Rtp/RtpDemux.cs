namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>What a datagram on the shared media port is, by its first byte (RFC 7983 §7).</summary>
internal enum MuxedPacketKind
{
    Unknown,
    Stun,
    Dtls,
    Rtp,
    Rtcp,
}

/// <summary>Demultiplexing of the one UDP port (RFC 7983) and of RTP from RTCP on it (RFC 5761 §4).</summary>
internal static class RtpDemux
{
    public static MuxedPacketKind Classify(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return MuxedPacketKind.Unknown;
        }

        byte first = packet[0];
        return first switch
        {
            <= 3 => MuxedPacketKind.Stun,
            >= 20 and <= 63 => MuxedPacketKind.Dtls,
            >= 128 and <= 191 => IsRtcp(packet) ? MuxedPacketKind.Rtcp : MuxedPacketKind.Rtp,
            _ => MuxedPacketKind.Unknown,
        };
    }

    /// <summary>RFC 5761 §4: with rtcp-mux, the second byte 192-223 (RTCP packet types 192-223, i.e. RTP payload
    /// types 64-95 with the marker bit) means RTCP; payload types 64-95 are therefore never used for RTP.</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) =>
        packet.Length >= 2 && (packet[0] & 0xC0) == 0x80 && packet[1] >= 192 && packet[1] <= 223;
}
