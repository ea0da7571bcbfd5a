using System.Buffers.Binary;
using static Doctolib.Telehealth.Media.Bwe.TransportFeedbackFormat;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Writes one transport-wide feedback message (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
/// <see cref="Begin"/> names the base sequence; <see cref="TryAddReceived"/> adds received packets in increasing
/// sequence order (16-bit wrap allowed), the skipped ones becoming "not received". The reference time is the first
/// received packet's arrival rounded down to 64 ms, so its delta is small. An add that would break the format — a
/// status count over 65535, a delta outside ±8.19 s, or a message over <see cref="MaxMessageBytes"/> — is refused and
/// the caller starts a new message there. Buffers are allocated once, in the constructor.</summary>
internal sealed class TransportFeedbackWriter
{
    private readonly byte[] _symbols;
    private readonly short[] _deltas;
    private uint _senderSsrc;
    private uint _mediaSsrc;
    private ushort _baseSequence;
    private byte _feedbackCount;
    private int _statusCount;
    private int _deltaCount;
    private int _deltaBytes;
    private long _referenceUnits;
    private long _previousDeltaUnits;
    private bool _hasReceived;

    /// <param name="maxMessageBytes">Upper bound of one message, padding included; keep it under the path MTU minus
    /// SRTCP overhead (1,200 by default).</param>
    public TransportFeedbackWriter(int maxMessageBytes = 1200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, FixedLength + 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessageBytes, 65536);
        MaxMessageBytes = maxMessageBytes;

        // Each status costs at least 2/7 of a byte of chunk, each received one at least 1 byte of delta.
        int maxStatuses = Math.Min(ushort.MaxValue, (maxMessageBytes - FixedLength) * 7);
        _symbols = new byte[maxStatuses];
        _deltas = new short[maxMessageBytes];
    }

    public int MaxMessageBytes { get; }
    public int StatusCount => _statusCount;
    public int ReceivedCount => _deltaCount;

    /// <summary>The 16-bit sequence number that would follow the last status added.</summary>
    public ushort NextSequence => (ushort)(_baseSequence + _statusCount);

    public void Begin(uint senderSsrc, uint mediaSsrc, ushort baseSequence, byte feedbackPacketCount)
    {
        _senderSsrc = senderSsrc;
        _mediaSsrc = mediaSsrc;
        _baseSequence = baseSequence;
        _feedbackCount = feedbackPacketCount;
        _statusCount = 0;
        _deltaCount = 0;
        _deltaBytes = 0;
        _hasReceived = false;
    }

    /// <summary>Adds a received packet; false (nothing changed) if it cannot be carried in this message.</summary>
    public bool TryAddReceived(ushort sequence, long arrivalMicros)
    {
        int skipped = (ushort)(sequence - NextSequence);
        if (_statusCount > 0 && skipped >= 0x8000)
        {
            return false; // not after the last status (reordered or duplicate)
        }

        int statusCount = _statusCount + skipped + 1;
        if (statusCount > _symbols.Length || _deltaCount >= _deltas.Length)
        {
            return false;
        }

        long units = FloorDiv(arrivalMicros, DeltaUnitMicros);
        long referenceUnits = _hasReceived ? _referenceUnits : FloorDiv(arrivalMicros, ReferenceUnitMicros);
        long previous = _hasReceived ? _previousDeltaUnits : referenceUnits * (ReferenceUnitMicros / DeltaUnitMicros);
        long delta = units - previous;
        if (delta is < short.MinValue or > short.MaxValue)
        {
            return false;
        }

        bool small = delta is >= 0 and <= byte.MaxValue;
        int deltaBytes = _deltaBytes + (small ? 1 : 2);
        if (UpperBoundLength(statusCount, deltaBytes) > MaxMessageBytes)
        {
            return false;
        }

        _symbols.AsSpan(_statusCount, skipped).Clear();
        _symbols[statusCount - 1] = small ? ReceivedSmallDelta : ReceivedLargeOrNegativeDelta;
        _deltas[_deltaCount++] = (short)delta;
        _statusCount = statusCount;
        _deltaBytes = deltaBytes;
        _previousDeltaUnits = units;
        _referenceUnits = referenceUnits;
        _hasReceived = true;
        return true;
    }

    /// <summary>Appends "not received" statuses up to (not including) <paramref name="sequence"/>; false if they do not fit.</summary>
    public bool TryAddLostUpTo(ushort sequence)
    {
        int skipped = (ushort)(sequence - NextSequence);
        if (skipped >= 0x8000)
        {
            return false;
        }

        int statusCount = _statusCount + skipped;
        if (statusCount > _symbols.Length || UpperBoundLength(statusCount, _deltaBytes) > MaxMessageBytes)
        {
            return false;
        }

        _symbols.AsSpan(_statusCount, skipped).Clear();
        _statusCount = statusCount;
        return true;
    }

    /// <summary>Writes the message (RTCP padding to 32 bits, P bit set when padded) and returns its length, or 0 when
    /// it names no packet or <paramref name="destination"/> is too small.</summary>
    public int Write(Span<byte> destination)
    {
        if (_statusCount == 0)
        {
            return 0;
        }

        int chunkCount = CountChunks();
        int length = FixedLength + (chunkCount * 2) + _deltaBytes;
        int padded = (length + 3) & ~3;
        if (destination.Length < padded)
        {
            return 0;
        }

        destination[0] = (byte)(0x80 | (padded != length ? 0x20 : 0) | Format);
        destination[1] = PacketType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((padded / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], _baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)_statusCount);
        int reference = _hasReceived ? (int)(_referenceUnits & (ReferenceTimeModulus - 1)) : 0;
        destination[16] = (byte)(reference >> 16);
        destination[17] = (byte)(reference >> 8);
        destination[18] = (byte)reference;
        destination[19] = _feedbackCount;

        int offset = FixedLength;
        int i = 0;
        while (i < _statusCount)
        {
            PacketChunk chunk = NextChunk(i, out int covered);
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], chunk.Value);
            offset += 2;
            i += covered;
        }

        for (int d = 0; d < _deltaCount; d++)
        {
            short delta = _deltas[d];
            if (delta is >= 0 and <= byte.MaxValue)
            {
                destination[offset++] = (byte)delta;
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(destination[offset..], delta);
                offset += 2;
            }
        }

        if (padded != length)
        {
            destination[offset..padded].Clear();
            destination[padded - 1] = (byte)(padded - length);
        }

        return padded;
    }

    private int CountChunks()
    {
        int count = 0;
        int i = 0;
        while (i < _statusCount)
        {
            NextChunk(i, out int covered);
            i += covered;
            count++;
        }

        return count;
    }

    /// <summary>Greedy choice at status <paramref name="start"/>: a run of 14 or more (or one reaching the end) is
    /// run-length; else 14 one-bit symbols when none needs two bits; else a run of 7 or more; else 7 two-bit symbols.
    /// Every chunk but the last covers at least 7 statuses, which <see cref="UpperBoundLength"/> relies on.</summary>
    private PacketChunk NextChunk(int start, out int covered)
    {
        int remaining = _statusCount - start;
        byte first = _symbols[start];
        int run = 1;
        while (run < remaining && run < MaxRunLength && _symbols[start + run] == first)
        {
            run++;
        }

        if (run >= 14 || run == remaining)
        {
            covered = run;
            return PacketChunk.RunLengthOf(first, run);
        }

        int window = Math.Min(14, remaining);
        bool oneBit = true;
        for (int k = 0; k < window && oneBit; k++)
        {
            oneBit = _symbols[start + k] <= ReceivedSmallDelta;
        }

        if (oneBit)
        {
            int vector = 0x8000;
            for (int k = 0; k < window; k++)
            {
                vector |= _symbols[start + k] << (13 - k);
            }

            covered = window;
            return new PacketChunk((ushort)vector);
        }

        if (run >= 7)
        {
            covered = run;
            return PacketChunk.RunLengthOf(first, run);
        }

        window = Math.Min(7, remaining);
        int twoBit = 0xC000;
        for (int k = 0; k < window; k++)
        {
            twoBit |= _symbols[start + k] << ((6 - k) * 2);
        }

        covered = window;
        return new PacketChunk((ushort)twoBit);
    }

    private static int UpperBoundLength(int statusCount, int deltaBytes)
    {
        int chunks = (statusCount / 7) + 1;
        return (FixedLength + (chunks * 2) + deltaBytes + 3) & ~3;
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }
}
