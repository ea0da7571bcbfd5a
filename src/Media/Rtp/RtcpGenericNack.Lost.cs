using System.Buffers.Binary;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>The Generic NACK seen as a list of lost sequence numbers rather than of PID/BLP items.</summary>
internal readonly ref partial struct RtcpGenericNack
{
    /// <summary>Bytes needed at most to NACK <paramref name="lostCount"/> sequence numbers (one item each).</summary>
    public static int MaxLength(int lostCount) => ItemsOffset + (ItemSize * lostCount);

    /// <summary>Writes a Generic NACK for lost sequence numbers given in sending order (16-bit wrap allowed), packing
    /// each run that fits within PID + 16 into one item. Returns the length written, or 0 when nothing is lost, the
    /// buffer is too small or the packet would pass the RTCP length limit (so a periodic caller simply sends nothing).</summary>
    public static int WriteLost(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost)
    {
        if (lost.IsEmpty || destination.Length < ItemsOffset + ItemSize)
        {
            return 0;
        }

        int offset = ItemsOffset;
        int i = 0;
        while (i < lost.Length)
        {
            if (offset + ItemSize > destination.Length || offset + ItemSize > RtcpHeader.MaxLength)
            {
                return 0;
            }

            ushort pid = lost[i++];
            ushort blp = 0;
            while (i < lost.Length)
            {
                int distance = (ushort)(lost[i] - pid);
                if (distance is < 1 or > 16)
                {
                    break;
                }

                blp |= (ushort)(1 << (distance - 1));
                i++;
            }

            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], blp);
            offset += ItemSize;
        }

        RtcpHeader.Write(destination, RtcpPacketType.FormatNack, RtcpPacketType.TransportFeedback, offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
        return offset;
    }

    /// <summary>Walks the items of a parsed NACK, yielding each lost sequence number once.</summary>
    public ref struct LostSequenceEnumerator
    {
        private readonly ReadOnlySpan<byte> _packet;
        private readonly int _itemCount;
        private int _item;
        private int _bit;

        internal LostSequenceEnumerator(ReadOnlySpan<byte> packet)
        {
            _packet = packet;
            _itemCount = packet.IsEmpty ? 0 : (packet.Length - ItemsOffset) / ItemSize;
            _item = 0;
            _bit = -1;
            Current = 0;
        }

        public ushort Current { get; private set; }

        public bool MoveNext()
        {
            while (_item < _itemCount)
            {
                ReadOnlySpan<byte> fci = _packet[(ItemsOffset + (_item * ItemSize))..];
                ushort pid = BinaryPrimitives.ReadUInt16BigEndian(fci);
                if (_bit < 0)
                {
                    _bit = 0;
                    Current = pid;
                    return true;
                }

                ushort blp = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
                while (_bit < 16)
                {
                    int bit = _bit++;
                    if ((blp & (1 << bit)) != 0)
                    {
                        Current = (ushort)(pid + bit + 1);
                        return true;
                    }
                }

                _item++;
                _bit = -1;
            }

            return false;
        }
    }
}
