using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtcpTests
{
    private static readonly RtcpReportBlock BlockA = new(0x01020304, 25, -3, 0x00010005, 17, 0xAABBCCDD, 65536);
    private static readonly RtcpReportBlock BlockB = new(0x05060708, 0, 9_000_000, 70000, 0, 0, 0);

    private delegate int Writer(Span<byte> destination);

    private static byte[] Write(Writer writer, int length)
    {
        byte[] buffer = new byte[length + 16];
        int written = writer(buffer);
        Assert.Equal(length, written);
        return buffer[..written];
    }

    [Fact]
    public void SenderReport_RoundTripsWithBlocksAndHeaderLayout()
    {
        byte[] bytes = Write(b => RtcpSenderReport.Write(b, 0x11223344, 0xE6B9_1234_8000_0000, 90000, 500, 600_000, [BlockA, BlockB]), 76);

        Assert.Equal(Hex.Parse("82 c8 00 12 11 22 33 44"), bytes[..8]);
        Assert.True(RtcpSenderReport.TryParse(bytes, out RtcpSenderReport parsed));
        Assert.Equal(0x11223344u, parsed.SenderSsrc);
        Assert.Equal(0xE6B9_1234_8000_0000UL, parsed.NtpTimestamp);
        Assert.Equal(90000u, parsed.RtpTimestamp);
        Assert.Equal(500u, parsed.PacketCount);
        Assert.Equal(600_000u, parsed.OctetCount);
        Assert.Equal(2, parsed.ReportCount);
        Assert.Equal(BlockA, parsed.GetReportBlock(0));
        Assert.Equal(BlockB with { CumulativeLost = 0x7FFFFF }, parsed.GetReportBlock(1)); // clamped to 24 bits
        Assert.Equal(-3, parsed.GetReportBlock(0).CumulativeLost);
        Assert.Equal(0x12348000u, parsed.CompactNtp);
    }

    [Fact]
    public void SenderReport_BlockCountPastTheLength_IsRefused()
    {
        byte[] bytes = Write(b => RtcpSenderReport.Write(b, 1, 2, 3, 4, 5, [BlockA]), 52);
        bytes[0] = 0x82;

        Assert.False(RtcpSenderReport.TryParse(bytes, out _));
    }

    [Fact]
    public void ReceiverReport_EmptyHasTheRfcLayout()
    {
        byte[] bytes = Write(b => RtcpReceiverReport.Write(b, 0xCAFEBABE, []), 8);

        Assert.Equal(Hex.Parse("80 c9 00 01 ca fe ba be"), bytes);
        Assert.True(RtcpReceiverReport.TryParse(bytes, out RtcpReceiverReport parsed));
        Assert.Equal(0, parsed.ReportCount);
    }

    [Fact]
    public void ReceiverReport_RoundTripsBlocks()
    {
        byte[] bytes = Write(b => RtcpReceiverReport.Write(b, 1, [BlockA]), 32);

        Assert.True(RtcpReceiverReport.TryParse(bytes, out RtcpReceiverReport parsed));
        Assert.Equal(1, parsed.ReportCount);
        Assert.Equal(BlockA, parsed.GetReportBlock(0));
    }

    [Fact]
    public void Pli_HasTheRfc4585Layout()
    {
        byte[] bytes = Write(b => RtcpPictureLossIndication.Write(b, 0x01020304, 0x0A0B0C0D), 12);

        Assert.Equal(Hex.Parse("81 ce 00 02 01 02 03 04 0a 0b 0c 0d"), bytes);
        Assert.True(RtcpPictureLossIndication.TryParse(bytes, out RtcpPictureLossIndication pli));
        Assert.Equal(0x0A0B0C0Du, pli.MediaSsrc);
    }

    [Fact]
    public void Fir_HasTheRfc5104Layout()
    {
        byte[] bytes = Write(b => RtcpFullIntraRequest.Write(b, 0x01020304, [new RtcpFirEntry(0x0A0B0C0D, 7)]), 20);

        Assert.Equal(Hex.Parse("84 ce 00 04 01 02 03 04 00 00 00 00 0a 0b 0c 0d 07 00 00 00"), bytes);
        Assert.True(RtcpFullIntraRequest.TryParse(bytes, out RtcpFullIntraRequest parsed));
        Assert.Equal(1, parsed.EntryCount);
        Assert.Equal(new RtcpFirEntry(0x0A0B0C0D, 7), parsed.GetEntry(0));
    }

    [Fact]
    public void Nack_HasTheRfc4585LayoutAndRoundTripsItems()
    {
        RtcpNackItem[] items = [new RtcpNackItem(100, 0x8011), new RtcpNackItem(117, 0)];

        byte[] bytes = Write(b => RtcpGenericNack.Write(b, 1, 2, items), 20);

        Assert.Equal(Hex.Parse("81 cd 00 04 00 00 00 01 00 00 00 02 00 64 80 11 00 75 00 00"), bytes);
        Assert.True(RtcpGenericNack.TryParse(bytes, out RtcpGenericNack parsed));
        Assert.Equal(2u, parsed.MediaSsrc);
        Assert.Equal(2, parsed.ItemCount);
        Assert.Equal(items[0], parsed.GetItem(0));
        Assert.Equal(items[1], parsed.GetItem(1));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(262_143UL)]
    [InlineData(1_000_000UL)]
    [InlineData(2_500_000UL)]
    public void Remb_RoundTripsBitrate(ulong bitrate)
    {
        byte[] bytes = Write(b => RtcpRemb.Write(b, 0x01020304, bitrate, [0x0A0B0C0D, 0x0E0F1011]), 28);

        Assert.Equal(Hex.Parse("8f ce 00 06 01 02 03 04 00 00 00 00 52 45 4d 42 02"), bytes[..17]);
        Assert.True(RtcpRemb.TryParse(bytes, out RtcpRemb parsed));
        Assert.Equal(2, parsed.SsrcCount);
        Assert.Equal(0x0A0B0C0Du, parsed.GetSsrc(0));
        Assert.Equal(0x0E0F1011u, parsed.GetSsrc(1));
        Assert.InRange(parsed.BitrateBps, bitrate - (bitrate >> 17), bitrate);
    }

    [Fact]
    public void Remb_KnownMantissaAndExponent()
    {
        // exponent 4, mantissa 0x1E848 (125000): 2,000,000 bps.
        byte[] bytes = Hex.Parse("8f ce 00 05 00 00 00 01 00 00 00 00 52 45 4d 42 01 11 e8 48 00 00 00 09");

        Assert.True(RtcpRemb.TryParse(bytes, out RtcpRemb remb));
        Assert.Equal(2_000_000UL, remb.BitrateBps);
        Assert.Equal(9u, remb.GetSsrc(0));
    }

    [Fact]
    public void Remb_SsrcCountPastTheLength_IsRefused()
    {
        byte[] bytes = Hex.Parse("8f ce 00 05 00 00 00 01 00 00 00 00 52 45 4d 42 02 11 e8 48 00 00 00 09");

        Assert.False(RtcpRemb.TryParse(bytes, out _));
    }

    [Fact]
    public void CompoundEnumerator_WalksSrRrAndRemb()
    {
        byte[] buffer = new byte[256];
        int length = RtcpSenderReport.Write(buffer, 1, 2, 3, 4, 5, []);
        length += RtcpReceiverReport.Write(buffer.AsSpan(length), 1, [BlockA]);
        length += RtcpRemb.Write(buffer.AsSpan(length), 1, 500_000, [9]);

        var packets = new RtcpCompoundEnumerator(buffer.AsSpan(0, length));
        var types = new List<byte>();
        while (packets.MoveNext())
        {
            types.Add(packets.Header.PacketType);
        }

        Assert.False(packets.IsMalformed);
        Assert.Equal([RtcpPacketType.SenderReport, RtcpPacketType.ReceiverReport, RtcpPacketType.PayloadFeedback], types);
        Assert.True(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length)));
        Assert.False(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length - 4)));
    }

    [Fact]
    public void CompoundEnumerator_PaddingBitBeforeLastPacket_IsMalformed()
    {
        byte[] buffer = new byte[64];
        int length = RtcpReceiverReport.Write(buffer, 1, []);
        length += RtcpReceiverReport.Write(buffer.AsSpan(length), 2, []);
        buffer[0] |= 0x20;

        Assert.False(RtcpCompoundEnumerator.IsValid(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void ReadersAndWriters_AllocateNothing()
    {
        byte[] buffer = new byte[512];
        Span<byte> span = buffer;
        RtcpReportBlock[] oneBlock = [BlockA];
        RtcpReportBlock[] twoBlocks = [BlockA, BlockB];
        RtcpNackItem[] nackItems = [new RtcpNackItem(7, 1)];
        RtcpFirEntry[] firEntries = [new RtcpFirEntry(2, 1)];
        uint[] rembSsrcs = [2, 3];
        ReadEverything(span[..RtcpRemb.Write(span, 1, 2, rembSsrcs)]); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        int read = 0;
        for (int i = 0; i < 100; i++)
        {
            int length = RtcpSenderReport.Write(span, 1, 2, 3, 4, 5, oneBlock);
            length += RtcpReceiverReport.Write(span[length..], 1, twoBlocks);
            length += RtcpGenericNack.Write(span[length..], 1, 2, nackItems);
            length += RtcpPictureLossIndication.Write(span[length..], 1, 2);
            length += RtcpFullIntraRequest.Write(span[length..], 1, firEntries);
            length += RtcpRemb.Write(span[length..], 1, 1_000_000, rembSsrcs);
            var packets = new RtcpCompoundEnumerator(span[..length]);
            while (packets.MoveNext())
            {
                read += ReadEverything(packets.Packet);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(600, read);
    }

    [Fact]
    public void Parsers_RandomBuffers_NeverThrowAndReadOnlyInsideThePacket()
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
                parsed += ReadEverything(packets.Packet);
            }
        }

        Assert.True(parsed > 0);
    }

    /// <summary>Parses with every reader and reads every field each one exposes; an index past the packet throws.</summary>
    private static int ReadEverything(ReadOnlySpan<byte> p)
    {
        int any = 0;
        if (RtcpSenderReport.TryParse(p, out RtcpSenderReport sr))
        {
            any = 1;
            _ = sr.SenderSsrc + sr.NtpTimestamp + sr.RtpTimestamp + sr.PacketCount + sr.OctetCount;
            for (int i = 0; i < sr.ReportCount; i++)
            {
                _ = sr.GetReportBlock(i);
            }
        }

        if (RtcpReceiverReport.TryParse(p, out RtcpReceiverReport rr))
        {
            any = 1;
            for (int i = 0; i < rr.ReportCount; i++)
            {
                _ = rr.GetReportBlock(i);
            }
        }

        if (RtcpFullIntraRequest.TryParse(p, out RtcpFullIntraRequest fir))
        {
            any = 1;
            for (int i = 0; i < fir.EntryCount; i++)
            {
                _ = fir.GetEntry(i);
            }
        }

        if (RtcpGenericNack.TryParse(p, out RtcpGenericNack nack))
        {
            any = 1;
            for (int i = 0; i < nack.ItemCount; i++)
            {
                _ = nack.GetItem(i);
            }
        }

        if (RtcpRemb.TryParse(p, out RtcpRemb remb))
        {
            any = 1;
            _ = remb.BitrateBps;
            for (int i = 0; i < remb.SsrcCount; i++)
            {
                _ = remb.GetSsrc(i);
            }
        }

        return any | (RtcpPictureLossIndication.TryParse(p, out _) ? 1 : 0);
    }
}
