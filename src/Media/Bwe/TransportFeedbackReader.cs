using System.Buffers.Binary;
using static Doctolib.Telehealth.Media.Bwe.TransportFeedbackFormat;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>One packet status read from a transport feedback message. <see cref="ArrivalMicros"/> is the reference
/// time (§3.1, signed 24-bit × 64 ms) plus the sum of receive deltas (§3.1.5) up to this packet, on the feedback
/// sender's clock; only differences between packets mean anything.</summary>
internal readonly record struct TransportPacketStatus(ushort Sequence, bool Received, long ArrivalMicros);

/// <summary>Reads a transport-wide congestion control feedback message (draft-holmer-rmcat-transport-wide-cc-
/// extensions-01 §3.1) from a span without allocating: <see cref="TryParse"/> checks the whole message (the chunks
/// cover the status count, the deltas fit, no reserved symbol), then the enumerator yields one status per packet.</summary>
internal readonly ref struct TransportFeedbackReader
{
    private readonly ReadOnlySpan<byte> _message;
    private readonly int _deltasOffset;

    private TransportFeedbackReader(ReadOnlySpan<byte> message, int deltasOffset)
    {
        _message = message;
        _deltasOffset = deltasOffset;
    }

    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_message[4..]);
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_message[8..]);
    public ushort BaseSequence => BinaryPrimitives.ReadUInt16BigEndian(_message[12..]);
    public int StatusCount => BinaryPrimitives.ReadUInt16BigEndian(_message[14..]);

    /// <summary>The reference time field, sign-extended from 24 bits, in 64 ms units.</summary>
    public int ReferenceTime
    {
        get
        {
            int value = (_message[16] << 16) | (_message[17] << 8) | _message[18];
            return (value << 8) >> 8;
        }
    }

    public byte FeedbackPacketCount => _message[19];

    /// <summary>The message's length in bytes (from its RTCP header, padding included).</summary>
    public int Length => _message.Length;

    /// <summary>Checks the first RTCP packet of <paramref name="packet"/> is a well-formed transport feedback
    /// message. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out TransportFeedbackReader reader)
    {
        reader = default;
        if (packet.Length < FixedLength || (packet[0] & 0xC0) != 0x80 || (packet[0] & 0x1F) != Format || packet[1] != PacketType)
        {
            return false;
        }

        int length = (BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) + 1) * 4;
        if (length < FixedLength || length > packet.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> message = packet[..length];
        int end = length;
        if ((packet[0] & 0x20) != 0)
        {
            int padding = message[^1];
            if (padding == 0 || padding > length - FixedLength)
            {
                return false;
            }

            end -= padding;
        }

        int statusCount = BinaryPrimitives.ReadUInt16BigEndian(message[14..]);
        int offset = FixedLength;
        int covered = 0;
        long deltaBytes = 0;
        while (covered < statusCount)
        {
            if (offset + 2 > end)
            {
                return false;
            }

            var chunk = new PacketChunk(BinaryPrimitives.ReadUInt16BigEndian(message[offset..]));
            offset += 2;
            int slots = Math.Min(chunk.Capacity, statusCount - covered);
            if (chunk.IsRunLength)
            {
                if (chunk.RunSymbol == Reserved && slots > 0)
                {
                    return false;
                }

                deltaBytes += (long)slots * DeltaSize(chunk.RunSymbol);
            }
            else
            {
                for (int k = 0; k < slots; k++)
                {
                    byte symbol = chunk.SymbolAt(k);
                    if (symbol == Reserved)
                    {
                        return false;
                    }

                    deltaBytes += DeltaSize(symbol);
                }
            }

            covered += slots;
        }

        if (offset + deltaBytes > end)
        {
            return false;
        }

        reader = new TransportFeedbackReader(message, offset);
        return true;
    }

    public Enumerator GetEnumerator() => new(_message, _deltasOffset);

    internal static int DeltaSize(byte symbol) => symbol switch
    {
        ReceivedSmallDelta => 1,
        ReceivedLargeOrNegativeDelta => 2,
        _ => 0,
    };

    /// <summary>Walks the statuses in sequence order, decoding chunks and deltas as it goes.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _message;
        private readonly int _statusCount;
        private int _chunkOffset;
        private int _deltaOffset;
        private PacketChunk _chunk;
        private int _inChunk;
        private int _index;
        private long _time;
        private ushort _sequence;

        internal Enumerator(ReadOnlySpan<byte> message, int deltasOffset)
        {
            _message = message;
            _statusCount = BinaryPrimitives.ReadUInt16BigEndian(message[14..]);
            _chunkOffset = FixedLength;
            _deltaOffset = deltasOffset;
            _chunk = default;
            _inChunk = 0;
            _index = 0;
            int reference = (message[16] << 16) | (message[17] << 8) | message[18];
            _time = (long)((reference << 8) >> 8) * ReferenceUnitMicros;
            _sequence = BinaryPrimitives.ReadUInt16BigEndian(message[12..]);
            Current = default;
        }

        public TransportPacketStatus Current { get; private set; }

        public bool MoveNext()
        {
            if (_index >= _statusCount)
            {
                return false;
            }

            while (_inChunk >= _chunk.Capacity)
            {
                _chunk = new PacketChunk(BinaryPrimitives.ReadUInt16BigEndian(_message[_chunkOffset..]));
                _chunkOffset += 2;
                _inChunk = 0;
            }

            byte symbol = _chunk.IsRunLength ? _chunk.RunSymbol : _chunk.SymbolAt(_inChunk);
            _inChunk++;
            bool received = symbol != NotReceived;
            if (symbol == ReceivedSmallDelta)
            {
                _time += _message[_deltaOffset++] * DeltaUnitMicros;
            }
            else if (symbol == ReceivedLargeOrNegativeDelta)
            {
                _time += BinaryPrimitives.ReadInt16BigEndian(_message[_deltaOffset..]) * DeltaUnitMicros;
                _deltaOffset += 2;
            }

            Current = new TransportPacketStatus(_sequence, received, received ? _time : 0);
            _sequence++;
            _index++;
            return true;
        }
    }
}
