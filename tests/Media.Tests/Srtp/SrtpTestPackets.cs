using System.Buffers.Binary;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Tests.Srtp;

internal static class SrtpTestPackets
{
    internal static byte[] Rtp(ushort sequence, uint ssrc, int payloadLength, bool withExtension = false)
    {
        int header = withExtension ? 12 + 4 + 8 : 12;
        byte[] packet = new byte[header + payloadLength];
        packet[0] = (byte)(withExtension ? 0x90 : 0x80);
        packet[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        if (withExtension)
        {
            packet[12] = 0xBE;
            packet[13] = 0xDE;
            packet[15] = 2;
            packet[16] = 0x10;
            packet[17] = 0x42;
        }

        for (int i = header; i < packet.Length; i++)
        {
            packet[i] = (byte)(i * 7 + sequence);
        }

        return packet;
    }

    internal static byte[] Rtcp(uint ssrc, int bodyLength)
    {
        byte[] packet = new byte[8 + bodyLength];
        packet[0] = 0x80;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        for (int i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)(i * 13);
        }

        return packet;
    }

    /// <summary>A sender and a receiver whose keys mirror each other, as a DTLS client and server get them.</summary>
    internal static (SrtpSession Sender, SrtpSession Receiver) Pair(SrtpProfile profile)
    {
        int k = SrtpProfileInfo.MasterKeyLength(profile);
        int s = SrtpProfileInfo.MasterSaltLength(profile);
        byte[] material = RandomNumberGenerator.GetBytes(2 * (k + s));
        var sender = new SrtpSession(SrtpKeys.FromDtlsExport(profile, material, localIsDtlsClient: true));
        var receiver = new SrtpSession(SrtpKeys.FromDtlsExport(profile, material, localIsDtlsClient: false));
        return (sender, receiver);
    }

    internal static byte[] Protect(SrtpSession sender, byte[] plain)
    {
        byte[] wire = new byte[plain.Length + sender.RtpOverhead];
        Assert.True(sender.TryProtectRtp(plain, wire, out int written));
        return wire.AsSpan(0, written).ToArray();
    }
}
