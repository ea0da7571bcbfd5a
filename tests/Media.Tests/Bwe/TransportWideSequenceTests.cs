using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

public sealed class TransportWideSequenceTests
{
    [Fact]
    public void TryStamp_PacketWithoutExtension_AddsOneByteBlock()
    {
        byte[] packet = Hex.Parse("80 60 12 34 00 00 00 01 11 22 33 44 ff");
        byte[] output = new byte[64];

        Assert.True(TransportWideSequence.TryStamp(packet, output, 1, 0xABCD, out int written));

        Assert.Equal(Hex.Parse("90 60 12 34 00 00 00 01 11 22 33 44 be de 00 01 11 ab cd 00 ff"), output[..written]);
        Assert.True(RtpHeader.TryParse(output.AsSpan(0, written), out RtpHeader header));
        Assert.True(TransportWideSequence.TryRead(output.AsSpan(0, written), header, 1, out ushort sequence));
        Assert.Equal(0xABCD, sequence);
    }

    [Fact]
    public void TryStamp_OneByteBlockWithOtherElements_KeepsThemCsrcsPayloadAndPadding()
    {
        byte[] output = new byte[64];

        Assert.True(TransportWideSequence.TryStamp(RtpHeaderTests.FullPacket, output, 5, 0xABCD, out int written));

        byte[] expected = Hex.Parse("""
            b2 e0 12 34 de ad be ef 11 22 33 44
            aa aa aa aa bb bb bb bb
            be de 00 03 32 01 02 03 40 31 51 ab cd 00 00 00
            c0 ff ee 00
            00 00 00 04
            """);
        Assert.Equal(expected, output[..written]);
    }

    [Fact]
    public void TryStamp_TwoByteBlock_AppendsTwoByteElementWithLargeId()
    {
        byte[] packet = Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 10 00 00 01 07 01 aa 00 de ad");
        byte[] output = new byte[64];

        Assert.True(TransportWideSequence.TryStamp(packet, output, 20, 0xABCD, out int written));

        Assert.Equal(Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 10 00 00 02 07 01 aa 14 02 ab cd 00 de ad"), output[..written]);
    }

    [Fact]
    public void TryStamp_ElementAlreadyPresent_OverwritesItInPlace()
    {
        byte[] packet = Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 be de 00 01 31 00 07 00 de ad");
        byte[] output = new byte[64];

        Assert.True(TransportWideSequence.TryStamp(packet, output, 3, 0x0102, out int written));

        Assert.Equal(Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 be de 00 01 31 01 02 00 de ad"), output[..written]);
    }

    [Fact]
    public void TryStamp_IdAboveFourteenInOneByteBlock_IsRefused()
    {
        byte[] output = new byte[64];

        Assert.False(TransportWideSequence.TryStamp(RtpHeaderTests.FullPacket, output, 15, 1, out _));
    }

    [Fact]
    public void TryStamp_DestinationTooSmall_IsRefused()
    {
        byte[] packet = Hex.Parse("80 60 12 34 00 00 00 01 11 22 33 44 ff");

        Assert.False(TransportWideSequence.TryStamp(packet, new byte[16], 1, 1, out _));
    }

    [Fact]
    public void TryOverwrite_PresentElement_ChangesOnlyTheValue()
    {
        byte[] packet = Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 be de 00 01 31 00 07 00 de ad");
        Assert.True(RtpHeader.TryParse(packet, out RtpHeader header));

        Assert.True(TransportWideSequence.TryOverwrite(packet, header, 3, 0xFFFE));
        Assert.False(TransportWideSequence.TryOverwrite(packet, header, 4, 1));

        Assert.Equal(Hex.Parse("90 60 00 01 00 00 00 01 11 22 33 44 be de 00 01 31 ff fe 00 de ad"), packet);
    }

    [Fact]
    public void TryRead_ElementOfWrongLength_IsNotASequence()
    {
        Assert.True(RtpHeader.TryParse(RtpHeaderTests.FullPacket, out RtpHeader header));

        Assert.False(TransportWideSequence.TryRead(RtpHeaderTests.FullPacket, header, 3, out _));
    }

    [Fact]
    public void TryStamp_Twice_AllocatesNothing()
    {
        byte[] packet = RtpHeaderTests.FullPacket;
        byte[] output = new byte[64];
        TransportWideSequence.TryStamp(packet, output, 5, 1, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            TransportWideSequence.TryStamp(packet, output, 5, (ushort)i, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
