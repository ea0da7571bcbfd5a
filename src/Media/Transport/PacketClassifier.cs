namespace Doctolib.Telehealth.Media.Transport;

/// <summary>RFC 7983 demultiplexing of STUN, DTLS and SRTP/SRTCP sharing one 5-tuple.</summary>
internal static class PacketClassifier
{
    private const int MinimumRtpLength = 12;
    private const int MinimumRtcpLength = 8;
    private const int MinimumStunLength = 20;
    private const int MinimumDtlsLength = 13;

    public static PacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return PacketKind.Unknown;
        }

        byte first = datagram[0];
        if (first <= 3)
        {
            return datagram.Length >= MinimumStunLength ? PacketKind.Stun : PacketKind.Unknown;
        }

        if (first >= 20 && first <= 63)
        {
            return datagram.Length >= MinimumDtlsLength ? PacketKind.Dtls : PacketKind.Unknown;
        }

        if (first >= 128 && first <= 191)
        {
            // RFC 5761 §4: RTCP packet types 192-223 (with the marker bit, payload types 64-95) are RTCP.
            byte second = datagram.Length > 1 ? datagram[1] : (byte)0;
            if (second >= 192 && second <= 223)
            {
                return datagram.Length >= MinimumRtcpLength ? PacketKind.Rtcp : PacketKind.Unknown;
            }

            return datagram.Length >= MinimumRtpLength ? PacketKind.Rtp : PacketKind.Unknown;
        }

        return PacketKind.Unknown;
    }
}
