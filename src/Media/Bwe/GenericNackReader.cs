using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Reads a Generic NACK (RFC 4585 §6.2.1: RTPFB FMT 1, FCI entries of PID and BLP, bit i of BLP naming
/// PID + i + 1 as lost too) without allocating; the enumerator yields every lost sequence number in order.</summary>
internal readonly ref struct GenericNackReader
{
    private readonly ReadOnlySpan<byte> _packet;

    private GenericNackReader(ReadOnlySpan<byte> packet) => _packet = packet;

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);
    public int ItemCount => (_packet.Length - 12) / 4;

    public static bool TryParse(ReadOnlySpan<byte> packet, out GenericNackReader reader)
    {
        reader = default;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.TransportFeedback
            || header.Count != RtcpPacketType.FormatNack || header.Length < 16)
        {
            return false;
        }

        reader = new GenericNackReader(packet[..header.Length]);
        return true;
    }

    public Enumerator GetEnumerator() => new(_packet);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _packet;
        private int _item;
        private int _bit;

        internal Enumerator(ReadOnlySpan<byte> packet)
        {
            _packet = packet;
            _item = 0;
            _bit = -1;
            Current = 0;
        }

        public ushort Current { get; private set; }

        public bool MoveNext()
        {
            int items = (_packet.Length - 12) / 4;
            while (_item < items)
            {
                ReadOnlySpan<byte> fci = _packet[(12 + (_item * 4))..];
                ushort pid = BinaryPrimitives.ReadUInt16BigEndian(fci);
                ushort blp = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
                if (_bit < 0)
                {
                    _bit = 0;
                    Current = pid;
                    return true;
                }

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
