using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>RTCP BYE (RFC 3550 §6.6) with its optional reason.</summary>
internal sealed record RtcpBye(IReadOnlyList<uint> Ssrcs, string? Reason = null)
{
    public int Length => (RtcpHeader.Size + (Ssrcs.Count * 4) + (Reason is null ? 0 : 1 + Encoding.UTF8.GetByteCount(Reason)) + 3) & ~3;

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpBye? bye)
    {
        bye = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.Bye)
        {
            return false;
        }

        int end = RtcpHeader.Size + (header.Count * 4);
        if (end > header.Length)
        {
            return false;
        }

        var ssrcs = new uint[header.Count];
        for (int i = 0; i < header.Count; i++)
        {
            ssrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(packet[(RtcpHeader.Size + (i * 4))..]);
        }

        string? reason = null;
        if (end < header.Length)
        {
            int length = packet[end];
            if (end + 1 + length > header.Length)
            {
                return false;
            }

            reason = Encoding.UTF8.GetString(packet.Slice(end + 1, length));
        }

        bye = new RtcpBye(ssrcs, reason);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (Ssrcs.Count > 31 || (Reason is not null && System.Text.Encoding.UTF8.GetByteCount(Reason) > 255))
        {
            throw new InvalidOperationException("A BYE names at most 31 sources and a reason of at most 255 bytes.");
        }

        int length = Length;
        destination[..length].Clear();
        RtcpHeader.Write(destination, Ssrcs.Count, RtcpPacketType.Bye, length);
        for (int i = 0; i < Ssrcs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(RtcpHeader.Size + (i * 4))..], Ssrcs[i]);
        }

        if (Reason is not null)
        {
            int offset = RtcpHeader.Size + (Ssrcs.Count * 4);
            int written = Encoding.UTF8.GetBytes(Reason, destination[(offset + 1)..]);
            destination[offset] = (byte)written;
        }

        return length;
    }
}
