using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Doctolib.Telehealth.Media.Rtp;

/// <summary>Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
/// RTPFB FMT 15. <see cref="ArrivalMicros"/>[i] is the arrival time of transport sequence BaseSequence + i, in
/// microseconds on the receiver's clock (only differences matter), or null if it was not received. Times are carried
/// with a 64 ms reference and 250 µs deltas.</summary>
internal sealed record RtcpTransportFeedback(uint SenderSsrc, uint MediaSsrc, ushort BaseSequence, byte FeedbackCount, IReadOnlyList<long?> ArrivalMicros)
{
    private const int DeltaMicros = 250;
    private const int ReferenceMicros = 64_000;

    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out RtcpTransportFeedback? feedback)
    {
        feedback = null;
        if (!RtcpHeader.TryRead(packet, out RtcpHeader header) || header.PacketType != RtcpPacketType.TransportFeedback
            || header.Count != RtcpPacketType.FormatTransportCc || header.Length < 20)
        {
            return false;
        }

        ReadOnlySpan<byte> data = packet[..header.Length];
        ushort baseSequence = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        int statusCount = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        int reference = (data[16] << 16) | (data[17] << 8) | data[18];
        if ((reference & 0x800000) != 0)
        {
            reference |= unchecked((int)0xFF000000);
        }

        // First pass without allocating: the chunks must cover every status and the deltas must fit in the packet.
        if (!TryMeasure(data, statusCount, out _))
        {
            return false;
        }

        var symbols = new byte[statusCount];
        int offset = 20;
        int filled = 0;
        while (filled < statusCount)
        {
            filled = DecodeChunk(BinaryPrimitives.ReadUInt16BigEndian(data[offset..]), symbols, filled);
            offset += 2;
        }

        var arrivals = new long?[statusCount];
        long time = (long)reference * ReferenceMicros;
        for (int i = 0; i < statusCount; i++)
        {
            switch (symbols[i])
            {
                case 1:
                    if (offset + 1 > data.Length)
                    {
                        return false;
                    }

                    time += data[offset++] * DeltaMicros;
                    arrivals[i] = time;
                    break;
                case 2:
                    if (offset + 2 > data.Length)
                    {
                        return false;
                    }

                    time += BinaryPrimitives.ReadInt16BigEndian(data[offset..]) * DeltaMicros;
                    offset += 2;
                    arrivals[i] = time;
                    break;
                case 3:
                    return false;
            }
        }

        feedback = new RtcpTransportFeedback(
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]), BinaryPrimitives.ReadUInt32BigEndian(data[8..]), baseSequence, data[19], arrivals);
        return true;
    }

    private static bool TryMeasure(ReadOnlySpan<byte> data, int statusCount, out int chunkBytes)
    {
        int offset = 20;
        int covered = 0;
        int deltaBytes = 0;
        while (covered < statusCount)
        {
            if (offset + 2 > data.Length)
            {
                chunkBytes = 0;
                return false;
            }

            ushort chunk = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            offset += 2;
            if ((chunk & 0x8000) == 0)
            {
                int symbol = (chunk >> 13) & 0x3;
                int run = Math.Min(chunk & 0x1FFF, statusCount - covered);
                deltaBytes += symbol switch { 1 => run, 2 => run * 2, 3 when run > 0 => int.MaxValue / 2, _ => 0 };
                covered += run;
            }
            else
            {
                bool twoBit = (chunk & 0x4000) != 0;
                int slots = Math.Min(twoBit ? 7 : 14, statusCount - covered);
                for (int k = 0; k < slots; k++)
                {
                    int symbol = twoBit ? (chunk >> ((6 - k) * 2)) & 0x3 : (chunk >> (13 - k)) & 0x1;
                    deltaBytes += symbol switch { 1 => 1, 2 => 2, 3 => int.MaxValue / 2, _ => 0 };
                }

                covered += slots;
            }

            if (deltaBytes > data.Length)
            {
                chunkBytes = 0;
                return false;
            }
        }

        chunkBytes = offset - 20;
        return offset + deltaBytes <= data.Length;
    }

    private static int DecodeChunk(ushort chunk, byte[] symbols, int filled)
    {
        if ((chunk & 0x8000) == 0)
        {
            byte symbol = (byte)((chunk >> 13) & 0x3);
            int run = chunk & 0x1FFF;
            for (int i = 0; i < run && filled < symbols.Length; i++)
            {
                symbols[filled++] = symbol;
            }
        }
        else if ((chunk & 0x4000) == 0)
        {
            for (int i = 13; i >= 0 && filled < symbols.Length; i--)
            {
                symbols[filled++] = (byte)((chunk >> i) & 0x1);
            }
        }
        else
        {
            for (int i = 6; i >= 0 && filled < symbols.Length; i--)
            {
                symbols[filled++] = (byte)((chunk >> (i * 2)) & 0x3);
            }
        }

        return filled;
    }

    /// <summary>Encodes the feedback. Fails (false) if a gap between received packets exceeds what a 16-bit delta of
    /// 250 µs can carry (about ±8 s) or there are more than 65535 statuses; the caller then splits the feedback.</summary>
    public bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        int count = ArrivalMicros.Count;
        if (count is 0 or > ushort.MaxValue)
        {
            return false;
        }

        var symbols = new byte[count];
        var deltas = new List<int>(count);
        long? first = null;
        foreach (long? arrival in ArrivalMicros)
        {
            if (arrival is long t)
            {
                first = first is null ? t : Math.Min(first.Value, t);
            }
        }

        long referenceUnits = first is null ? 0 : FloorDiv(first.Value, ReferenceMicros);
        long previous = referenceUnits * (ReferenceMicros / DeltaMicros);
        for (int i = 0; i < count; i++)
        {
            if (ArrivalMicros[i] is not long t)
            {
                continue;
            }

            long units = FloorDiv(t, DeltaMicros);
            long delta = units - previous;
            previous = units;
            if (delta < short.MinValue || delta > short.MaxValue)
            {
                return false;
            }

            symbols[i] = delta is >= 0 and <= 255 ? (byte)1 : (byte)2;
            deltas.Add((int)delta);
        }

        var chunks = EncodeChunks(symbols);
        int length = 20 + (chunks.Count * 2);
        foreach (int delta in deltas)
        {
            length += delta is >= 0 and <= 255 ? 1 : 2;
        }

        int padded = (length + 3) & ~3;
        if (destination.Length < padded)
        {
            return false;
        }

        destination[..padded].Clear();
        RtcpHeader.Write(destination, RtcpPacketType.FormatTransportCc, RtcpPacketType.TransportFeedback, padded);
        if (padded != length)
        {
            destination[0] |= 0x20; // RFC 3550 padding: the last byte counts the padding bytes
            destination[padded - 1] = (byte)(padded - length);
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], MediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], BaseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)count);
        int reference = (int)referenceUnits;
        destination[16] = (byte)(reference >> 16);
        destination[17] = (byte)(reference >> 8);
        destination[18] = (byte)reference;
        destination[19] = FeedbackCount;
        int offset = 20;
        foreach (ushort chunk in chunks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], chunk);
            offset += 2;
        }

        foreach (int delta in deltas)
        {
            if (delta is >= 0 and <= 255)
            {
                destination[offset++] = (byte)delta;
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(destination[offset..], (short)delta);
                offset += 2;
            }
        }

        written = padded;
        return true;
    }

    private static List<ushort> EncodeChunks(byte[] symbols)
    {
        var chunks = new List<ushort>();
        int i = 0;
        while (i < symbols.Length)
        {
            int run = 1;
            while (i + run < symbols.Length && symbols[i + run] == symbols[i] && run < 0x1FFF)
            {
                run++;
            }

            if (run >= 7 || i + run == symbols.Length)
            {
                chunks.Add((ushort)((symbols[i] << 13) | run));
                i += run;
                continue;
            }

            // Two-bit status vector of the next 7 symbols (unused trailing slots are "not received" and ignored).
            int vector = 0xC000;
            for (int k = 0; k < 7; k++)
            {
                byte symbol = i + k < symbols.Length ? symbols[i + k] : (byte)0;
                vector |= symbol << ((6 - k) * 2);
            }

            chunks.Add((ushort)vector);
            i += 7;
        }

        return chunks;
    }

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
