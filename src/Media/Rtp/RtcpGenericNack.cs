using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Generic NACK (RFC 4585 §6.2.1): RTPFB FMT 1, a list of (PID, BLP) pairs, each naming a lost packet and a
/// bitmask of up to 16 more lost packets after it.</summary>
internal sealed record RtcpGenericNack(uint SenderSsrc, uint MediaSsrc, IReadOnlyList<RtcpNackItem> Items)
{
    public int Length => 12 + (Items.Count * 4);

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpGenericNack? nack)
    {
        nack = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.TransportFeedback
            || header.Count != RtcpPacketType.FormatNack || header.Length < 16)
        {
            return false;
        }

        var items = new RtcpNackItem[(header.Length - 12) / 4];
        for (int i = 0; i < items.Length; i++)
        {
            ReadOnlySpan<byte> fci = packet[(12 + (i * 4))..];
            items[i] = new RtcpNackItem(BinaryPrimitives.ReadUInt16BigEndian(fci), BinaryPrimitives.ReadUInt16BigEndian(fci[2..]));
        }

        nack = new RtcpGenericNack(BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), BinaryPrimitives.ReadUInt32BigEndian(packet[8..]), items);
        return true;
    }

    /// <summary>Packs lost sequence numbers (in sending order, wrap-around allowed) into as few items as possible.</summary>
    public static RtcpGenericNack FromLost(uint senderSsrc, uint mediaSsrc, IReadOnlyList<ushort> lost)
    {
        var items = new List<RtcpNackItem>();
        int i = 0;
        while (i < lost.Count)
        {
            ushort pid = lost[i++];
            ushort blp = 0;
            while (i < lost.Count)
            {
                int distance = (ushort)(lost[i] - pid);
                if (distance < 1 || distance > 16)
                {
                    break;
                }

                blp |= (ushort)(1 << (distance - 1));
                i++;
            }

            items.Add(new RtcpNackItem(pid, blp));
        }

        return new RtcpGenericNack(senderSsrc, mediaSsrc, items);
    }

    /// <summary>Appends every sequence number the items name as lost, in order.</summary>
    public void ExpandLost(List<ushort> lost)
    {
        foreach (RtcpNackItem item in Items)
        {
            lost.Add(item.PacketId);
            for (int bit = 0; bit < 16; bit++)
            {
                if ((item.LostBitmask & (1 << bit)) != 0)
                {
                    lost.Add((ushort)(item.PacketId + bit + 1));
                }
            }
        }
    }

    public int Write(Span<byte> destination)
    {
        if (Items.Count == 0)
        {
            throw new InvalidOperationException("A Generic NACK names at least one lost packet.");
        }

        int length = Length;
        RtcpHeader.Write(destination, RtcpPacketType.FormatNack, RtcpPacketType.TransportFeedback, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], MediaSsrc);
        for (int i = 0; i < Items.Count; i++)
        {
            Span<byte> fci = destination[(12 + (i * 4))..];
            BinaryPrimitives.WriteUInt16BigEndian(fci, Items[i].PacketId);
            BinaryPrimitives.WriteUInt16BigEndian(fci[2..], Items[i].LostBitmask);
        }

        return length;
    }
}

/// <summary>One NACK FCI entry: PID and BLP (bit i set = PID + i + 1 lost too).</summary>
internal readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask);
