using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>Wire format of draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, against byte vectors computed by
/// hand from the draft's field layout.</summary>
public sealed class TransportFeedbackFormatTests
{
    private static readonly byte[] RunLengthVector = Hex.Parse(
        "af cd 00 06 00 00 00 01 00 00 00 02 00 64 00 03 00 00 01 05 20 03 04 08 00 00 00 03");

    private static readonly byte[] OneBitVector = Hex.Parse(
        "af cd 00 06 00 00 00 01 00 00 00 02 00 00 00 0e 00 00 00 00 ac 01 00 04 01 03 00 02");

    private static readonly byte[] TwoBitVector = Hex.Parse(
        "af cd 00 06 00 00 00 01 00 00 00 02 00 00 00 04 00 00 02 00 d8 80 00 01 90 ff ff 01");

    private static readonly byte[] MixedChunks = Hex.Parse(
        "8f cd 00 06 00 00 00 01 00 00 00 02 00 0a 00 20 00 00 00 00 a0 00 00 11 20 01 00 28");

    private static List<TransportPacketStatus> Statuses(ReadOnlySpan<byte> message)
    {
        Assert.True(TransportFeedbackReader.TryParse(message, out TransportFeedbackReader reader));
        var list = new List<TransportPacketStatus>();
        foreach (TransportPacketStatus status in reader)
        {
            list.Add(status);
        }

        return list;
    }

    private static byte[] Write(TransportFeedbackWriter writer)
    {
        byte[] buffer = new byte[1500];
        int length = writer.Write(buffer);
        Assert.True(length > 0);
        return buffer[..length];
    }

    [Fact]
    public void Writer_ThreeSmallDeltas_IsOneRunLengthChunkAndPadding()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 100, 5);

        Assert.True(writer.TryAddReceived(100, 65_000));
        Assert.True(writer.TryAddReceived(101, 67_000));
        Assert.True(writer.TryAddReceived(102, 67_000));

        Assert.Equal(RunLengthVector, Write(writer));
    }

    [Fact]
    public void Reader_RunLengthChunk_ReadsHeaderAndArrivals()
    {
        Assert.True(TransportFeedbackReader.TryParse(RunLengthVector, out TransportFeedbackReader reader));

        Assert.Equal(1u, reader.SenderSsrc);
        Assert.Equal(2u, reader.MediaSsrc);
        Assert.Equal(100, reader.BaseSequence);
        Assert.Equal(3, reader.StatusCount);
        Assert.Equal(1, reader.ReferenceTime);
        Assert.Equal(5, reader.FeedbackPacketCount);
        Assert.Equal(
            [new(100, true, 65_000), new(101, true, 67_000), new TransportPacketStatus(102, true, 67_000)],
            Statuses(RunLengthVector));
    }

    [Fact]
    public void Writer_SmallDeltasWithLosses_IsOneBitStatusVector()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 0, 0);

        Assert.True(writer.TryAddReceived(0, 0));
        Assert.True(writer.TryAddReceived(2, 1_000));
        Assert.True(writer.TryAddReceived(3, 1_250));
        Assert.True(writer.TryAddReceived(13, 2_000));

        Assert.Equal(OneBitVector, Write(writer));
        List<TransportPacketStatus> statuses = Statuses(OneBitVector);
        Assert.Equal(14, statuses.Count);
        Assert.Equal([0, 2, 3, 13], statuses.Where(s => s.Received).Select(s => (int)s.Sequence));
        Assert.Equal([0L, 1_000, 1_250, 2_000], statuses.Where(s => s.Received).Select(s => s.ArrivalMicros));
    }

    [Fact]
    public void Writer_LargeAndNegativeDeltas_IsTwoBitStatusVector()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 0, 0);

        Assert.True(writer.TryAddReceived(0, 128_000));
        Assert.True(writer.TryAddReceived(1, 228_000));
        Assert.True(writer.TryAddReceived(3, 227_750));

        Assert.Equal(TwoBitVector, Write(writer));
        List<TransportPacketStatus> statuses = Statuses(TwoBitVector);
        Assert.Equal(
            [new(0, true, 128_000), new(1, true, 228_000), new(2, false, 0), new TransportPacketStatus(3, true, 227_750)],
            statuses);
    }

    [Fact]
    public void Writer_LongLossRun_MixesVectorAndRunLengthChunks()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 10, 0);

        Assert.True(writer.TryAddReceived(10, 0));
        Assert.True(writer.TryAddReceived(41, 10_000));

        Assert.Equal(MixedChunks, Write(writer));
        List<TransportPacketStatus> statuses = Statuses(MixedChunks);
        Assert.Equal(32, statuses.Count);
        Assert.Equal(30, statuses.Count(s => !s.Received));
        Assert.Equal(10_000, statuses[^1].ArrivalMicros);
    }

    [Fact]
    public void Writer_SequenceWrap_KeepsOrderAcrossZero()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 65534, 0);

        Assert.True(writer.TryAddReceived(65534, 1_000_000));
        Assert.True(writer.TryAddReceived(65535, 1_001_000));
        Assert.True(writer.TryAddReceived(1, 1_003_000));

        List<TransportPacketStatus> statuses = Statuses(Write(writer));
        Assert.Equal([65534, 65535, 0, 1], statuses.Select(s => (int)s.Sequence));
        Assert.Equal([true, true, false, true], statuses.Select(s => s.Received));
        Assert.Equal(2_000, statuses[3].ArrivalMicros - statuses[1].ArrivalMicros);
    }

    [Fact]
    public void Writer_NotAfterLastStatus_IsRefused()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 5, 0);
        Assert.True(writer.TryAddReceived(6, 0));

        Assert.False(writer.TryAddReceived(6, 10));
        Assert.False(writer.TryAddReceived(5, 10));
        Assert.Equal(2, writer.StatusCount);
    }

    [Fact]
    public void Writer_DeltaBeyondSixteenBits_IsRefused()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 0, 0);
        Assert.True(writer.TryAddReceived(0, 0));

        // 32767 × 250 µs is the largest positive delta; one unit more does not fit.
        Assert.True(writer.TryAddReceived(1, 32_767 * 250L));
        Assert.False(writer.TryAddReceived(2, (32_767 * 250L) + (32_768 * 250L)));
        Assert.True(writer.TryAddReceived(2, 0)); // -32767 units back to 0 fits
    }

    [Fact]
    public void Writer_GapBeyondStatusCapacity_IsRefused()
    {
        var writer = new TransportFeedbackWriter(maxMessageBytes: 100);
        writer.Begin(1, 2, 0, 0);
        Assert.True(writer.TryAddReceived(0, 0));

        Assert.False(writer.TryAddReceived(60_000, 1_000));
        Assert.Equal(1, writer.StatusCount);
    }

    [Fact]
    public void Writer_ManyLargeDeltas_StopsAtTheMessageLimit()
    {
        var writer = new TransportFeedbackWriter(maxMessageBytes: 200);
        writer.Begin(1, 2, 0, 0);
        int added = 0;
        while (writer.TryAddReceived((ushort)added, added % 2 == 0 ? 0 : 100_000))
        {
            added++;
        }

        byte[] message = Write(writer);
        Assert.True(message.Length <= 200);
        Assert.True(added > 50);
        Assert.Equal(added, Statuses(message).Count);
    }

    [Fact]
    public void Writer_NegativeReferenceArrival_RoundTripsDifferences()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 0, 0);
        Assert.True(writer.TryAddReceived(0, -70_000));
        Assert.True(writer.TryAddReceived(1, -60_000));

        List<TransportPacketStatus> statuses = Statuses(Write(writer));

        Assert.Equal(-70_000, statuses[0].ArrivalMicros);
        Assert.Equal(10_000, statuses[1].ArrivalMicros - statuses[0].ArrivalMicros);
    }

    [Fact]
    public void Writer_ReferenceTimeWrapsAt24Bits()
    {
        var writer = new TransportFeedbackWriter();
        writer.Begin(1, 2, 0, 0);
        long units = (1L << 24) + 3; // wraps to 3
        Assert.True(writer.TryAddReceived(0, units * 64_000));

        Assert.True(TransportFeedbackReader.TryParse(Write(writer), out TransportFeedbackReader reader));

        Assert.Equal(3, reader.ReferenceTime);
    }

    [Fact]
    public void Reader_ReferenceTimeWithHighBit_IsNegative()
    {
        byte[] message = (byte[])RunLengthVector.Clone();
        message[16] = 0xFF;
        message[17] = 0xFF;
        message[18] = 0xFF;

        Assert.True(TransportFeedbackReader.TryParse(message, out TransportFeedbackReader reader));

        Assert.Equal(-1, reader.ReferenceTime);
        Assert.Equal(-64_000 + 1_000, Statuses(message)[0].ArrivalMicros);
    }

    [Fact]
    public void Reader_ReservedSymbol_IsRejected()
    {
        byte[] message = (byte[])RunLengthVector.Clone();
        message[20] = 0x60; // run-length chunk of symbol 3

        Assert.False(TransportFeedbackReader.TryParse(message, out _));
    }

    [Fact]
    public void Reader_StatusCountBeyondChunks_IsRejected()
    {
        byte[] message = (byte[])MixedChunks.Clone();
        message[15] = 0x40;

        Assert.False(TransportFeedbackReader.TryParse(message, out _));
    }

    [Fact]
    public void Reader_DeltasBeyondMessage_AreRejected()
    {
        byte[] message = (byte[])RunLengthVector.Clone();
        message[21] = 0x06; // 6 small deltas claimed, 3 present (plus 3 padding bytes that do not count)
        message[15] = 0x06;

        Assert.False(TransportFeedbackReader.TryParse(message, out _));
    }

    [Fact]
    public void Reader_OtherFeedbackOrTruncated_IsRejected()
    {
        byte[] nack = Hex.Parse("81 cd 00 03 00 00 00 01 00 00 00 02 00 64 00 00");
        Assert.False(TransportFeedbackReader.TryParse(nack, out _));
        Assert.False(TransportFeedbackReader.TryParse(RunLengthVector.AsSpan(0, 24), out _));
    }

    [Fact]
    public void WriterAndReader_SteadyState_AllocateNothing()
    {
        var writer = new TransportFeedbackWriter();
        byte[] buffer = new byte[1500];
        void Cycle()
        {
            writer.Begin(1, 2, 0, 0);
            for (int i = 0; i < 100; i++)
            {
                writer.TryAddReceived((ushort)(i * 2), i * 3_000L);
            }

            int length = writer.Write(buffer);
            TransportFeedbackReader.TryParse(buffer.AsSpan(0, length), out TransportFeedbackReader reader);
            foreach (TransportPacketStatus status in reader)
            {
                _ = status;
            }
        }

        Cycle();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
