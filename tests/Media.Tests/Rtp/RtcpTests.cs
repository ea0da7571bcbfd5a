using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtcpTests
{
    private static readonly RtcpReportBlock BlockA = new(0x01020304, 25, -3, 0x00010005, 17, 0xAABBCCDD, 65536);
    private static readonly RtcpReportBlock BlockB = new(0x05060708, 0, 9_000_000, 70000, 0, 0, 0);

    private static byte[] Write(Func<byte[], int> writer, int length)
    {
        byte[] buffer = new byte[length + 16];
        int written = writer(buffer);
        Assert.Equal(length, written);
        return buffer[..written];
    }

    [Fact]
    public void SenderReport_RoundTripsWithBlocksAndHeaderLayout()
    {
        var sr = new RtcpSenderReport(0x11223344, 0xE6B9_1234_8000_0000, 90000, 500, 600_000, [BlockA, BlockB]);

        byte[] bytes = Write(b => sr.Write(b), 76);

        Assert.Equal(Hex.Parse("82 c8 00 12 11 22 33 44"), bytes[..8]);
        Assert.True(RtcpSenderReport.TryParse(bytes, out RtcpSenderReport? parsed));
        Assert.Equal(sr.NtpTimestamp, parsed.NtpTimestamp);
        Assert.Equal(BlockA, parsed.ReportBlocks[0]);
        Assert.Equal(BlockB with { CumulativeLost = 0x7FFFFF }, parsed.ReportBlocks[1]);
        Assert.Equal(-3, parsed.ReportBlocks[0].CumulativeLost);
        Assert.Equal(0x7FFFFF, parsed.ReportBlocks[1].CumulativeLost); // clamped to 24 bits
        Assert.Equal(0x12348000u, parsed.CompactNtp);
    }

    [Fact]
    public void ReceiverReport_EmptyHasTheRfcLayout()
    {
        byte[] bytes = Write(b => new RtcpReceiverReport(0xCAFEBABE, []).Write(b), 8);

        Assert.Equal(Hex.Parse("80 c9 00 01 ca fe ba be"), bytes);
        Assert.True(RtcpReceiverReport.TryParse(bytes, out RtcpReceiverReport? parsed));
        Assert.Empty(parsed.ReportBlocks);
    }

    [Fact]
    public void ReceiverReport_RoundTripsBlocks()
    {
        byte[] bytes = Write(b => new RtcpReceiverReport(1, [BlockA]).Write(b), 32);

        Assert.True(RtcpReceiverReport.TryParse(bytes, out RtcpReceiverReport? parsed));
        Assert.Equal(BlockA, Assert.Single(parsed.ReportBlocks));
    }

    [Fact]
    public void SourceDescription_CnameChunkIsPaddedToWords()
    {
        var sdes = new RtcpSourceDescription([new RtcpSdesChunk(0x01020304, "ab")]);

        byte[] bytes = Write(b => sdes.Write(b), 16);

        Assert.Equal(Hex.Parse("81 ca 00 03 01 02 03 04 01 02 61 62 00 00 00 00"), bytes);
        Assert.True(RtcpSourceDescription.TryParse(bytes, out RtcpSourceDescription? parsed));
        Assert.Equal(sdes.Chunks, parsed.Chunks);
    }

    [Fact]
    public void SourceDescription_TwoChunksRoundTrip()
    {
        var sdes = new RtcpSourceDescription([new RtcpSdesChunk(1, "participant-cname-1"), new RtcpSdesChunk(2, "x")]);

        byte[] bytes = Write(b => sdes.Write(b), sdes.Length);

        Assert.True(RtcpSourceDescription.TryParse(bytes, out RtcpSourceDescription? parsed));
        Assert.Equal(sdes.Chunks, parsed.Chunks);
        Assert.Equal(0, bytes.Length % 4);
    }

    [Fact]
    public void Bye_WithReasonRoundTrips()
    {
        var bye = new RtcpBye([7, 8], "left");

        byte[] bytes = Write(b => bye.Write(b), 20);

        Assert.Equal(Hex.Parse("82 cb 00 04"), bytes[..4]);
        Assert.True(RtcpBye.TryParse(bytes, out RtcpBye? parsed));
        Assert.Equal([7u, 8u], parsed.Ssrcs);
        Assert.Equal("left", parsed.Reason);
    }

    [Fact]
    public void Pli_HasTheRfc4585Layout()
    {
        byte[] bytes = Write(b => new RtcpPictureLossIndication(0x01020304, 0x0A0B0C0D).Write(b), 12);

        Assert.Equal(Hex.Parse("81 ce 00 02 01 02 03 04 0a 0b 0c 0d"), bytes);
        Assert.True(RtcpPictureLossIndication.TryParse(bytes, out RtcpPictureLossIndication pli));
        Assert.Equal(0x0A0B0C0Du, pli.MediaSsrc);
    }

    [Fact]
    public void Fir_HasTheRfc5104Layout()
    {
        var fir = new RtcpFullIntraRequest(0x01020304, [new RtcpFirEntry(0x0A0B0C0D, 7)]);

        byte[] bytes = Write(b => fir.Write(b), 20);

        Assert.Equal(Hex.Parse("84 ce 00 04 01 02 03 04 00 00 00 00 0a 0b 0c 0d 07 00 00 00"), bytes);
        Assert.True(RtcpFullIntraRequest.TryParse(bytes, out RtcpFullIntraRequest? parsed));
        Assert.Equal(fir.Entries, parsed.Entries);
    }

    [Fact]
    public void Nack_FromLost_PacksIntoPidAndBitmask()
    {
        ushort[] lost = [100, 101, 105, 116, 117, 200];

        RtcpGenericNack nack = RtcpGenericNack.FromLost(1, 2, lost);

        Assert.Equal([new RtcpNackItem(100, 0x8011), new RtcpNackItem(117, 0), new RtcpNackItem(200, 0)], nack.Items);
        byte[] bytes = Write(b => nack.Write(b), 24);
        Assert.Equal(Hex.Parse("81 cd 00 05 00 00 00 01 00 00 00 02 00 64 80 11"), bytes[..16]);
        Assert.True(RtcpGenericNack.TryParse(bytes, out RtcpGenericNack? parsed));
        var expanded = new List<ushort>();
        parsed.ExpandLost(expanded);
        Assert.Equal(lost, expanded);
    }

    [Fact]
    public void Nack_AcrossSequenceWrap_ExpandsInOrder()
    {
        RtcpGenericNack nack = RtcpGenericNack.FromLost(1, 2, [65534, 65535, 0, 1]);

        var expanded = new List<ushort>();
        nack.ExpandLost(expanded);

        Assert.Single(nack.Items);
        Assert.Equal([65534, 65535, 0, 1], expanded);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(262_143UL)]
    [InlineData(1_000_000UL)]
    [InlineData(2_500_000UL)]
    public void Remb_RoundTripsBitrate(ulong bitrate)
    {
        var remb = new RtcpRemb(0x01020304, bitrate, [0x0A0B0C0D, 0x0E0F1011]);

        byte[] bytes = Write(b => remb.Write(b), 28);

        Assert.Equal(Hex.Parse("8f ce 00 06 01 02 03 04 00 00 00 00 52 45 4d 42 02"), bytes[..17]);
        Assert.True(RtcpRemb.TryParse(bytes, out RtcpRemb? parsed));
        Assert.Equal(remb.Ssrcs, parsed.Ssrcs);
        Assert.InRange(parsed.BitrateBps, bitrate - (bitrate >> 17), bitrate);
    }

    [Fact]
    public void Remb_KnownMantissaAndExponent()
    {
        // exponent 4, mantissa 0x1E848 (125000): 2,000,000 bps.
        byte[] bytes = Hex.Parse("8f ce 00 05 00 00 00 01 00 00 00 00 52 45 4d 42 01 11 e8 48 00 00 00 09");

        Assert.True(RtcpRemb.TryParse(bytes, out RtcpRemb? remb));
        Assert.Equal(2_000_000UL, remb.BitrateBps);
        Assert.Equal([9u], remb.Ssrcs);
    }

    [Fact]
    public void CompoundEnumerator_WalksSrSdesAndRemb()
    {
        byte[] buffer = new byte[256];
        int length = new RtcpSenderReport(1, 2, 3, 4, 5, []).Write(buffer);
        length += new RtcpSourceDescription([new RtcpSdesChunk(1, "cname")]).Write(buffer.AsSpan(length));
        length += new RtcpRemb(1, 500_000, [9]).Write(buffer.AsSpan(length));

        var packets = new RtcpCompoundEnumerator(buffer.AsSpan(0, length));
        var types = new List<byte>();
        while (packets.MoveNext())
        {
            types.Add(packets.Header.PacketType);
        }

        Assert.False(packets.IsMalformed);
        Assert.Equal([RtcpPacketType.SenderReport, RtcpPacketType.SourceDescription, RtcpPacketType.PayloadFeedback], types);
        Assert.True(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length)));
        Assert.False(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length - 4)));
    }

    [Fact]
    public void CompoundEnumerator_PaddingBitBeforeLastPacket_IsMalformed()
    {
        byte[] buffer = new byte[64];
        int length = new RtcpReceiverReport(1, []).Write(buffer);
        length += new RtcpReceiverReport(2, []).Write(buffer.AsSpan(length));
        buffer[0] |= 0x20;

        Assert.False(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Parsers_RandomBuffers_NeverThrow()
    {
        var random = new Random(4585);
        byte[] buffer = new byte[80];
        int parsed = 0;
        for (int i = 0; i < 50_000; i++)
        {
            Span<byte> data = buffer.AsSpan(0, random.Next(0, buffer.Length));
            random.NextBytes(data);
            if (data.Length >= 4)
            {
                data[0] = (byte)(0x80 | (data[0] & 0x1F));
                data[1] = (byte)(200 + random.Next(7));
                data[2] = 0;
                data[3] = (byte)random.Next(0, (data.Length / 4) + 1);
            }

            var packets = new RtcpCompoundEnumerator(data);
            while (packets.MoveNext())
            {
                ReadOnlySpan<byte> p = packets.Packet;
                bool any = RtcpSenderReport.TryParse(p, out _) | RtcpReceiverReport.TryParse(p, out _)
                    | RtcpSourceDescription.TryParse(p, out _) | RtcpBye.TryParse(p, out _)
                    | RtcpPictureLossIndication.TryParse(p, out _) | RtcpFullIntraRequest.TryParse(p, out _)
                    | RtcpGenericNack.TryParse(p, out _) | RtcpRemb.TryParse(p, out _);
                parsed += any ? 1 : 0;
            }
        }

        Assert.True(parsed > 0);
    }
}
