using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>In-place edits a forwarder makes to a (decrypted) RTP packet before re-encrypting it for a subscriber.</summary>
internal static class RtpRewriter
{
    public static void SetMarker(Span<byte> packet, bool marker) =>
        packet[1] = (byte)((packet[1] & 0x7F) | (marker ? 0x80 : 0));

    public static void SetPayloadType(Span<byte> packet, byte payloadType)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        packet[1] = (byte)((packet[1] & 0x80) | payloadType);
    }

    public static void SetSequenceNumber(Span<byte> packet, ushort sequenceNumber) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);

    public static void SetTimestamp(Span<byte> packet, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);

    public static void SetSsrc(Span<byte> packet, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);

    /// <summary>Renumbers header extensions from the publisher's ids to the subscriber's: <paramref name="idMap"/>[old]
    /// is the new id, 0 to remove the element (its bytes become padding, as RFC 8285 allows). Ids past the end of the
    /// map are removed. Returns false (packet untouched) if a new id does not fit the packet's one-byte form (1-14).</summary>
    public static bool RemapExtensionIds(Span<byte> packet, in RtpHeader header, ReadOnlySpan<byte> idMap)
    {
        if (!header.HasOneByteExtensions && !header.HasTwoByteExtensions)
        {
            return true;
        }

        var check = new RtpExtensionEnumerator(packet, header);
        while (check.MoveNext())
        {
            byte target = check.Id < idMap.Length ? idMap[check.Id] : (byte)0;
            if (check.IsOneByte && target > 14)
            {
                return false;
            }
        }

        var elements = new RtpExtensionEnumerator(packet, header);
        while (elements.MoveNext())
        {
            byte target = elements.Id < idMap.Length ? idMap[elements.Id] : (byte)0;
            if (target == 0)
            {
                packet[elements.ElementOffset..(elements.ValueOffset + elements.ValueLength)].Clear();
            }
            else if (elements.IsOneByte)
            {
                packet[elements.ElementOffset] = (byte)((target << 4) | (packet[elements.ElementOffset] & 0x0F));
            }
            else
            {
                packet[elements.ElementOffset] = target;
            }
        }

        return true;
    }

    /// <summary>Overwrites the value of extension <paramref name="id"/> (same length), e.g. a new transport-wide
    /// sequence number or abs-send-time. Returns false if the packet has no such element of that length.</summary>
    public static bool TryWriteExtension(Span<byte> packet, in RtpHeader header, int id, ReadOnlySpan<byte> value)
    {
        if (!header.TryFindExtension(packet, id, out int offset, out int length) || length != value.Length)
        {
            return false;
        }

        value.CopyTo(packet[offset..]);
        return true;
    }
}
