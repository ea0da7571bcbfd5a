using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Tests.Stun;

namespace Doctolib.Telehealth.Media.Tests.Bwe;

/// <summary>RFC 4585 §6.2.1 Generic NACK: PID names a lost packet, bit i of BLP names PID + i + 1.</summary>
public sealed class GenericNackTests
{
    private static List<int> Lost(ReadOnlySpan<byte> packet)
    {
        Assert.True(GenericNackReader.TryParse(packet, out GenericNackReader reader));
        var lost = new List<int>();
        foreach (ushort sequence in reader)
        {
            lost.Add(sequence);
        }

        return lost;
    }

    [Fact]
    public void Reader_PidAndBitmask_YieldsEveryLostSequence()
    {
        // PID 100, BLP 0x0005 (bits 0 and 2); PID 65535, BLP 0x8000 (bit 15 -> 65535 + 16 = 15).
        byte[] nack = Hex.Parse("81 cd 00 04 00 00 00 01 00 00 00 02 00 64 00 05 ff ff 80 00");

        Assert.Equal([100, 101, 103, 65535, 15], Lost(nack));
        Assert.True(GenericNackReader.TryParse(nack, out GenericNackReader reader));
        Assert.Equal(2u, reader.MediaSsrc);
        Assert.Equal(2, reader.ItemCount);
    }

    [Fact]
    public void Writer_PacksRunsIntoPidAndBitmask()
    {
        byte[] buffer = new byte[64];

        int length = GenericNackWriter.Write(buffer, 1, 2, [100, 101, 103, 120, 65535, 0]);

        Assert.Equal(Hex.Parse("81 cd 00 05 00 00 00 01 00 00 00 02 00 64 00 05 00 78 00 00 ff ff 00 01"), buffer[..length]);
    }

    [Fact]
    public void Writer_Output_MatchesTheExistingParser()
    {
        byte[] buffer = new byte[256];
        ushort[] lost = [5, 6, 7, 22, 23, 40];

        int length = GenericNackWriter.Write(buffer, 1, 2, lost);

        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, length), out RtcpGenericNack parsed));
        var expanded = new List<ushort>();
        for (int i = 0; i < parsed.ItemCount; i++)
        {
            RtcpNackItem item = parsed.GetItem(i);
            expanded.Add(item.PacketId);
            for (int bit = 0; bit < 16; bit++)
            {
                if ((item.LostBitmask & (1 << bit)) != 0)
                {
                    expanded.Add((ushort)(item.PacketId + bit + 1));
                }
            }
        }

        Assert.Equal(lost, expanded);
    }

    [Fact]
    public void Writer_NothingLost_WritesNothing()
    {
        Assert.Equal(0, GenericNackWriter.Write(new byte[64], 1, 2, []));
    }

    [Fact]
    public void Reader_OtherFeedback_IsRejected()
    {
        byte[] pli = Hex.Parse("81 ce 00 02 00 00 00 01 00 00 00 02");

        Assert.False(GenericNackReader.TryParse(pli, out _));
    }
}
