using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Rtp;

public sealed class RtpHeaderTests
{
    /// <summary>V=2, M=1, PT=96, seq 0x1234, ts 0xDEADBEEF, SSRC 0x11223344, 2 CSRCs, one-byte extensions:
    /// id 3 (abs-send-time, 3 bytes), id 4 (mid "1"), a padding byte; payload 4 bytes; RTP padding 4 bytes.</summary>
    internal static readonly byte[] FullPacket = Hex.Parse("""
        b2 e0 12 34 de ad be ef 11 22 33 44
        aa aa aa aa bb bb bb bb
        be de 00 02 32 01 02 03 40 31 00 00
        c0 ff ee 00
        00 00 00 04
        """);

    [Fact]
    public void TryParse_MinimalPacket_ReadsFixedHeader()
    {
        byte[] packet = Hex.Parse("80 60 12 34 00 00 00 01 11 22 33 44 ff");

        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));

        Assert.Equal(2, header.Version);
        Assert.False(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(1u, header.Timestamp);
        Assert.Equal(0x11223344u, header.Ssrc);
        Assert.Equal(12, header.HeaderLength);
        Assert.Equal(1, header.PayloadLength);
        Assert.False(header.HasExtension);
    }

    [Fact]
    public void TryGetLength_EncryptedPaddingByte_StillFindsTheHeaderEnd()
    {
        byte[] packet = (byte[])FullPacket.Clone();
        packet[^1] = 0xFF; // under SRTP the padding count is ciphertext

        Assert.False(RtpHeader.TryParse(packet, out _));
        Assert.True(RtpHeader.TryGetLength(packet, out int length));
        Assert.Equal(32, length);
        Assert.False(RtpHeader.TryGetLength(packet.AsSpan(0, 31), out _));
    }

    [Fact]
    public void WriteFixed_ThenTryParse_RoundTrips()
    {
        byte[] packet = new byte[13];

        RtpHeader.WriteFixed(packet, marker: true, payloadType: 111, sequenceNumber: 65535, timestamp: 0xDEADBEEF, ssrc: 7);

        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));
        Assert.True(header.Marker);
        Assert.Equal(111, header.PayloadType);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, header.Timestamp);
        Assert.Equal(7u, header.Ssrc);
        Assert.Equal(7u, RtpHeader.ReadSsrc(packet));
        Assert.Equal(65535, RtpHeader.ReadSequenceNumber(packet));
    }

    [Fact]
    public void TryParse_FullPacket_ReadsCsrcExtensionsAndPadding()
    {
        Assert.True(RtpHeader.TryParse(FullPacket, out RtpHeader header));

        Assert.True(header.Marker);
        Assert.True(header.HasPadding);
        Assert.Equal(2, header.CsrcCount);
        Assert.Equal(0xBBBBBBBBu, header.GetCsrc(FullPacket, 1));
        Assert.True(header.HasOneByteExtensions);
        Assert.Equal(24, header.ExtensionOffset);
        Assert.Equal(8, header.ExtensionLength);
        Assert.Equal(32, header.HeaderLength);
        Assert.Equal(4, header.PaddingLength);
        Assert.Equal(4, header.PayloadLength);

        Assert.True(header.TryFindExtension(FullPacket, 3, out int offset, out int length));
        Assert.Equal(new byte[] { 1, 2, 3 }, FullPacket.AsSpan(offset, length).ToArray());
        Assert.True(header.TryFindExtension(FullPacket, 4, out offset, out length));
        Assert.Equal("1"u8.ToArray(), FullPacket.AsSpan(offset, length).ToArray());
        Assert.False(header.TryFindExtension(FullPacket, 5, out _, out _));
    }

    [Fact]
    public void TryParse_TwoByteExtensions_FindsById()
    {
        byte[] packet = Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 10 00 00 02 14 02 ab cd 00 00 05 00 99");

        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));

        Assert.True(header.HasTwoByteExtensions);
        Assert.True(header.TryFindExtension(packet, 20, out int offset, out int length));
        Assert.Equal(new byte[] { 0xAB, 0xCD }, packet.AsSpan(offset, length).ToArray());
        Assert.True(header.TryFindExtension(packet, 5, out _, out int empty));
        Assert.Equal(0, empty);
    }

    [Theory]
    [InlineData("40 60 12 34 00 00 00 01 11 22 33 44")] // version 1
    [InlineData("80 60 12 34 00 00 00 01 11 22 33")] // 11 bytes
    [InlineData("82 60 12 34 00 00 00 01 11 22 33 44 aa aa aa aa")] // 2 CSRCs announced, 1 present
    [InlineData("90 60 12 34 00 00 00 01 11 22 33 44 be de 00 02 10 00")] // extension longer than packet
    [InlineData("a0 60 12 34 00 00 00 01 11 22 33 44 00")] // padding count 0
    [InlineData("a0 60 12 34 00 00 00 01 11 22 33 44 01 02 09")] // padding longer than payload
    public void TryParse_Malformed_ReturnsFalse(string hex)
    {
        Assert.False(RtpHeader.TryParse(Hex.Parse(hex), out _));
    }

    [Fact]
    public void TryParse_RandomAndTruncatedBuffers_NeverThrow()
    {
        for (int length = 0; length < FullPacket.Length; length++)
        {
            if (RtpHeader.TryParse(FullPacket.AsSpan(0, length), out RtpHeader partial))
            {
                Assert.True(partial.HeaderLength + partial.PaddingLength <= length);
            }
        }

        var random = new Random(3550);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 50_000; i++)
        {
            Span<byte> data = buffer.AsSpan(0, random.Next(1, 64));
            random.NextBytes(data);
            data[0] = (byte)(0x80 | (data[0] & 0x3F));
            if (RtpHeader.TryParse(data, out RtpHeader header))
            {
                Assert.InRange(header.PayloadLength, 0, data.Length);
                for (int id = 0; id < 16; id++)
                {
                    if (header.TryFindExtension(data, id, out int offset, out int length))
                    {
                        Assert.InRange(offset + length, 0, header.HeaderLength);
                    }
                }
            }
        }
    }
}
