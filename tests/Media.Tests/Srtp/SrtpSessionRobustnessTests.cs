using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

/// <summary>What an SRTP receiver must refuse: replays, forgeries, truncation and noise, without ever throwing.</summary>
public sealed class SrtpSessionRobustnessTests
{
    public static TheoryData<SrtpProfile> Profiles => SrtpSessionTests.Profiles;

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_ReplayedPacket_IsRejected(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(42, 5, 64));
            byte[] output = new byte[wire.Length];
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(wire, output, out _));
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.TryUnprotectRtp(wire, output, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_OlderThanWindow_IsRejectedButReorderedWithinWindowIsAccepted(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] old = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(100, 5, 64));
            byte[] withinWindow = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(250, 5, 64));
            byte[] newest = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(300, 5, 64));
            byte[] output = new byte[200];
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(newest, output, out _));
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.TryUnprotectRtp(old, output, out _));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(withinWindow, output, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_ReplayedPacket_IsRejected(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtcp(77, 24);
            byte[] wire = new byte[plain.Length + sender.RtcpOverhead];
            Assert.True(sender.TryProtectRtcp(plain, wire, out int written));
            byte[] output = new byte[written];
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtcp(wire.AsSpan(0, written), output, out _));
            Assert.Equal(SrtpUnprotectResult.Replayed, receiver.TryUnprotectRtcp(wire.AsSpan(0, written), output, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_TamperedTagOrPayload_FailsAuthentication(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(1, 5, 64));
            byte[] output = new byte[wire.Length];
            byte[] badTag = (byte[])wire.Clone();
            badTag[^1] ^= 0x01;
            byte[] badPayload = (byte[])wire.Clone();
            badPayload[20] ^= 0x80;
            byte[] badHeader = (byte[])wire.Clone();
            badHeader[1] ^= 0x01;
            Assert.Equal(SrtpUnprotectResult.AuthFailed, receiver.TryUnprotectRtp(badTag, output, out _));
            Assert.Equal(SrtpUnprotectResult.AuthFailed, receiver.TryUnprotectRtp(badPayload, output, out _));
            Assert.Equal(SrtpUnprotectResult.AuthFailed, receiver.TryUnprotectRtp(badHeader, output, out _));
            Assert.Equal(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(wire, output, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_TamperedTag_FailsAuthentication(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = SrtpTestPackets.Rtcp(77, 24);
            byte[] wire = new byte[plain.Length + sender.RtcpOverhead];
            Assert.True(sender.TryProtectRtcp(plain, wire, out int written));
            wire[written - 6] ^= 0x10;
            Assert.Equal(SrtpUnprotectResult.AuthFailed, receiver.TryUnprotectRtcp(wire.AsSpan(0, written), new byte[written], out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Unprotect_TruncatedPackets_AreMalformedOrAuthFailedWithoutThrowing(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = SrtpTestPackets.Protect(sender, SrtpTestPackets.Rtp(1, 5, 64, withExtension: true));
            byte[] output = new byte[wire.Length];
            for (int length = 0; length < wire.Length; length++)
            {
                SrtpUnprotectResult rtp = receiver.TryUnprotectRtp(wire.AsSpan(0, length), output, out _);
                Assert.NotEqual(SrtpUnprotectResult.Ok, rtp);
                SrtpUnprotectResult rtcp = receiver.TryUnprotectRtcp(wire.AsSpan(0, length), output, out _);
                Assert.NotEqual(SrtpUnprotectResult.Ok, rtcp);
            }

            Assert.Equal(SrtpUnprotectResult.Malformed, receiver.TryUnprotectRtp(wire, new byte[10], out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Unprotect_RandomBytes_NeverThrowsNorAuthenticates(SrtpProfile profile)
    {
        var (sender, receiver) = SrtpTestPackets.Pair(profile);
        using (sender)
        using (receiver)
        {
            var random = new Random(20260101);
            byte[] output = new byte[1600];
            for (int i = 0; i < 5000; i++)
            {
                byte[] garbage = new byte[random.Next(0, 1500)];
                random.NextBytes(garbage);
                if (i % 2 == 0 && garbage.Length > 0)
                {
                    garbage[0] = (byte)(0x80 | (garbage[0] & 0x3F));
                }

                Assert.NotEqual(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtp(garbage, output, out _));
                Assert.NotEqual(SrtpUnprotectResult.Ok, receiver.TryUnprotectRtcp(garbage, output, out _));
            }
        }
    }
}
