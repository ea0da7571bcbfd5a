using Doctolib.Telehealth.Media.Rtp;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtpRewriterTests
{
    [Fact]
    public void Setters_RewriteFieldsAndKeepTheRest()
    {
        byte[] packet = (byte[])RtpHeaderTests.FullPacket.Clone();

        RtpRewriter.SetSsrc(packet, 0xCAFEBABE);
        RtpRewriter.SetPayloadType(packet, 100);
        RtpRewriter.SetSequenceNumber(packet, 65535);
        RtpRewriter.SetTimestamp(packet, 42);
        RtpRewriter.SetMarker(packet, false);

        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));
        Assert.Equal(0xCAFEBABEu, header.Ssrc);
        Assert.Equal(100, header.PayloadType);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(42u, header.Timestamp);
        Assert.False(header.Marker);
        Assert.Equal(2, header.CsrcCount);
        Assert.True(header.HasPadding);
        Assert.Equal(RtpHeaderTests.FullPacket.AsSpan(12).ToArray(), packet.AsSpan(12).ToArray());
    }

    [Fact]
    public void RemapExtensionIds_RenumbersAndDrops()
    {
        byte[] packet = (byte[])RtpHeaderTests.FullPacket.Clone();
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));
        byte[] map = new byte[16];
        map[3] = 2; // abs-send-time 3 -> 2; mid (4) is dropped

        Assert.True(RtpRewriter.RemapExtensionIds(packet, header, map));

        Assert.True(header.TryFindExtension(packet, 2, out int offset, out int length));
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.AsSpan(offset, length).ToArray());
        Assert.False(header.TryFindExtension(packet, 3, out _, out _));
        Assert.False(header.TryFindExtension(packet, 4, out _, out _));
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader after));
        Assert.Equal(header.PayloadLength, after.PayloadLength);
    }

    [Fact]
    public void RemapExtensionIds_IdTooLargeForOneByteForm_LeavesPacketUntouched()
    {
        byte[] packet = (byte[])RtpHeaderTests.FullPacket.Clone();
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));
        byte[] map = new byte[16];
        map[3] = 15;
        map[4] = 4;

        Assert.False(RtpRewriter.RemapExtensionIds(packet, header, map));
        Assert.Equal(RtpHeaderTests.FullPacket, packet);
    }

    [Fact]
    public void TryWriteExtension_SameLength_Overwrites()
    {
        byte[] packet = (byte[])RtpHeaderTests.FullPacket.Clone();
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));

        Assert.True(RtpRewriter.TryWriteExtension(packet, header, 3, [9, 8, 7]));
        Assert.False(RtpRewriter.TryWriteExtension(packet, header, 3, [9, 8]));

        Assert.True(header.TryFindExtension(packet, 3, out int offset, out _));
        Assert.Equal(new byte[] { 9, 8, 7 }, packet.AsSpan(offset, 3).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 }, "Stun")]
    [InlineData(new byte[] { 0x16, 0xFE }, "Dtls")]
    [InlineData(new byte[] { 0x80, 0x60 }, "Rtp")]
    [InlineData(new byte[] { 0x80, 0xE0 }, "Rtp")] // marker + PT 96
    [InlineData(new byte[] { 0x80, 0xC8 }, "Rtcp")] // SR
    [InlineData(new byte[] { 0x81, 0xCE }, "Rtcp")] // PSFB
    [InlineData(new byte[] { 0x80, 0xDF }, "Rtcp")] // 223, top of the RFC 5761 range
    [InlineData(new byte[] { 0x80, 0xBF }, "Rtp")] // 191: marker + PT 63
    [InlineData(new byte[] { 0x46 }, "Unknown")]
    [InlineData(new byte[0], "Unknown")]
    public void Classify_FirstBytes_FollowRfc7983And5761(byte[] packet, string expected)
    {
        Assert.Equal(Enum.Parse<MuxedPacketKind>(expected), RtpDemux.Classify(packet));
    }
}
