using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>RFC 4588 §4: the RTX packet keeps the original header but for SSRC, sequence number and payload type,
/// and starts its payload with the original sequence number.</summary>
public sealed class RtxPacketTests
{
    private static readonly byte[] Original = Hex.Parse("80 e0 12 34 00 00 10 00 11 22 33 44 aa bb cc");

    [Fact]
    public void TryWrap_PutsOsnFirstAndUsesTheRtxStreamsFields()
    {
        byte[] rtx = new byte[64];

        Assert.True(RtxPacket.TryWrap(Original, rtx, rtxSsrc: 0x55667788, rtxSequence: 1, rtxPayloadType: 97, out int written));

        Assert.Equal(Hex.Parse("80 e1 00 01 00 00 10 00 55 66 77 88 12 34 aa bb cc"), rtx[..written]);
    }

    [Fact]
    public void TryUnwrap_RestoresTheOriginal()
    {
        byte[] rtx = new byte[64];
        RtxPacket.TryWrap(Original, rtx, 0x55667788, 1, 97, out int written);
        byte[] restored = new byte[64];

        Assert.True(RtxPacket.TryUnwrap(rtx.AsSpan(0, written), restored, 0x11223344, 96, out ushort osn, out int length));

        Assert.Equal(0x1234, osn);
        Assert.Equal(Original, restored[..length]);
    }

    [Fact]
    public void TryWrap_KeepsCsrcsAndExtensionsButDropsPadding()
    {
        byte[] rtx = new byte[64];

        Assert.True(RtxPacket.TryWrap(RtpHeaderTests.FullPacket, rtx, 9, 7, 97, out int written));

        Assert.True(RtpHeader.TryParse(rtx.AsSpan(0, written), out RtpHeader header));
        Assert.False(header.HasPadding);
        Assert.Equal(2, header.CsrcCount);
        Assert.True(header.TryFindExtension(rtx.AsSpan(0, written), 4, out _, out _));
        Assert.Equal(Hex.Parse("12 34 c0 ff ee 00"), rtx.AsSpan(header.HeaderLength, header.PayloadLength).ToArray());
    }

    [Fact]
    public void PaddingOnlyRtxPacket_IsAProbeAndDoesNotUnwrap()
    {
        byte[] probe = Hex.Parse("a0 61 00 05 00 00 10 00 55 66 77 88 00 00 00 04");
        Assert.True(RtpHeader.TryParse(probe, out RtpHeader header));

        Assert.True(RtxPacket.IsPaddingProbe(header));
        Assert.False(RtxPacket.TryUnwrap(probe, new byte[64], 1, 96, out _, out _));
    }

    [Fact]
    public void TryWrap_DestinationTooSmall_IsRefused()
    {
        Assert.False(RtxPacket.TryWrap(Original, new byte[16], 1, 1, 97, out _));
    }
}
