namespace Doctolib.Telehealth.Media.Transport;

/// <summary>What a datagram on the shared media port is, by its first byte (RFC 7983 §7).</summary>
internal enum PacketKind : byte
{
    Unknown = 0,
    Stun = 1,
    Dtls = 2,
    Rtp = 3,
    Rtcp = 4,
}
