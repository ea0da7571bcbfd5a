namespace Doctolib.Telehealth.Media.Ice;

/// <summary>The transport a candidate pair runs over: UDP, or TCP framed by RFC 4571 (ICE-TCP, RFC 6544).</summary>
internal enum IceTransport
{
    Udp,
    Tcp,
}
