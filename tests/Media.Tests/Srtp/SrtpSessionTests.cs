using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

public sealed class SrtpSessionTests
{
    public static TheoryData<SrtpProfile> Profiles => new() { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ProtectThenUnprotect_RoundTripsAndHidesPayload(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtp(1000, 0x11223344, 1200, withExtension: true);
            byte[] wire = new byte[plain.Length + sender.RtpOverhead];
            Assert.True(sender.TryProtectRtp(plain, wire, out int written));
            Assert.Equal(plain.Length + SrtpProfileInfo.RtpOverhead(profile), written);
            Assert.Equal(plain.AsSpan(0, 24).ToArray(), wire.AsSpan(0, 24).ToArray());
            Assert.NotEqual(plain.AsSpan(24, 32).ToArray(), wire.AsSpan(24, 32).ToArray());

            byte[] back = new byte[written];
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(wire.AsSpan(0, written), back, out int plainLength));
            Assert.Equal(plain, back.AsSpan(0, plainLength).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_InPlace_RoundTrips(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtp(7, 1, 300);
            byte[] buffer = new byte[plain.Length + 16];
            plain.CopyTo(buffer, 0);
            Assert.True(sender.TryProtectRtp(buffer.AsSpan(0, plain.Length), buffer, out int written));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(buffer.AsSpan(0, written), buffer, out int back));
            Assert.Equal(plain, buffer.AsSpan(0, back).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_ProtectThenUnprotect_RoundTrips(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            for (int i = 0; i < 3; i++)
            {
                byte[] plain = SrtpTestPackets.Rtcp(0xABCDEF01, 20 + 4 * i);
                byte[] wire = new byte[plain.Length + sender.RtcpOverhead];
                Assert.True(sender.TryProtectRtcp(plain, wire, out int written));
                Assert.Equal(plain.Length + SrtpProfileInfo.RtcpOverhead(profile), written);
                byte[] back = new byte[written];
                Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtcp(wire.AsSpan(0, written), back, out int length));
                Assert.Equal(plain, back.AsSpan(0, length).ToArray());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_SequenceWrapsFrom65535To0_RolloverCounterAdvancesOnBothSides(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint ssrc = 0xCAFE;
            ushort[] sequence = [65533, 65534, 65535, 0, 1, 2];
            foreach (ushort seq in sequence)
            {
                RoundTrip(sender, receiver, SrtpTestPackets.Rtp(seq, ssrc, 100));
            }

            Assert.Equal(1u, sender.RolloverCounters(ssrc).SendRoc);
            Assert.Equal(1u, receiver.RolloverCounters(ssrc).ReceiveRoc);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ReorderedAcrossWrap_LatePacketUsesPreviousRolloverCounter(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] late = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(65535, 9, 50));
            byte[] early = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(0, 9, 50));
            byte[] before = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(65534, 9, 50));
            byte[] output = new byte[200];
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(before, output, out _));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(early, output, out _));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(late, output, out _));
            Assert.Equal(1u, receiver.RolloverCounters(9).ReceiveRoc);
        }
    }

    [Fact]
    public void Protect_NotRtpOrOutputTooSmall_ReturnsFalse()
    {
        var (sender, receiver) = SrtpTestPackets.Pair(SrtpProfile.AeadAes128Gcm);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtp(1, 5, 64);
            Assert.False(sender.TryProtectRtp(plain, new byte[plain.Length + 15], out _));
            plain[0] = 0x40;
            Assert.False(sender.TryProtectRtp(plain, new byte[plain.Length + 16], out _));
            Assert.False(sender.TryProtectRtcp(new byte[4], new byte[64], out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Protect_FromFourThreadsAtOnce_EveryPacketUnprotects(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            const int perThread = 500;
            var wires = new byte[4][][];
            Task[] writers = new Task[4];
            for (int t = 0; t < 4; t++)
            {
                int thread = t;
                writers[t] = Task.Run(() =>
                {
                    wires[thread] = new byte[perThread][];
                    for (int i = 0; i < perThread; i++)
                    {
                        wires[thread][i] = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp((ushort)i, (uint)(100 + thread), 200));
                    }
                });
            }

            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            byte[] output = new byte[300];
            int delivered = 0;
            for (int t = 0; t < 4; t++)
            {
                foreach (byte[] wire in wires[t])
                {
                    if (receiver.TryUnprotectRtp(wire, output, out _) == SrtpUnprotectResult.Ok)
                    {
                        delivered++;
                    }
                }
            }

            Assert.Equal(4 * perThread, delivered);
        }
    }

    [Fact]
    public void Session_AfterDispose_RefusesPacketsWithoutThrowing()
    {
        var (sender, receiver) = SrtpTestPackets.Pair(SrtpProfile.AeadAes128Gcm);
        byte[] wire = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(1, 5, 64));
        sender.Dispose();
        receiver.Dispose();
        Assert.False(sender.TryProtectRtp(SrtpTestPackets.Rtp(2, 5, 64), new byte[200], out _));
        Assert.Equal(SrtpUnprotectResult.Closed, receiver.TryUnprotectRtp(wire, new byte[200], out _));
        Assert.Equal(SrtpUnprotectResult.Closed, receiver.TryUnprotectRtcp(SrtpTestPackets.Rtcp(5, 40), new byte[200], out _));
    }

    [Fact]
    public void FromDtlsExport_ClientAndServer_SeeMirroredKeys()
    {
        byte[] material = Enumerable.Range(0, 56).Select(i => (byte)i).ToArray();
        SrtpKeys client = SrtpKeys.FromDtlsExport(SrtpProfile.AeadAes128Gcm, material, localIsDtlsClient: true);
        SrtpKeys server = SrtpKeys.FromDtlsExport(SrtpProfile.AeadAes128Gcm, material, localIsDtlsClient: false);
        Assert.Equal(material[..16], client.LocalMasterKey.ToArray());
        Assert.Equal(material[16..32], server.LocalMasterKey.ToArray());
        Assert.Equal(material[32..44], client.LocalMasterSalt.ToArray());
        Assert.Equal(material[44..56], server.LocalMasterSalt.ToArray());
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.Equal(client.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
        Assert.Equal(56, SrtpKeys.ExportedLength(SrtpProfile.AeadAes128Gcm));
        Assert.Equal(60, SrtpKeys.ExportedLength(SrtpProfile.AesCm128HmacSha1_80));
    }

    private static void RoundTrip(SrtpSession sender, SrtpSession receiver, byte[] plain)
    {
        byte[] wire = SrtpTestPackets.Protect(sender, plain);
        byte[] back = new byte[wire.Length];
        Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(wire, back, out int length));
        Assert.Equal(plain, back.AsSpan(0, length).ToArray());
    }
}
