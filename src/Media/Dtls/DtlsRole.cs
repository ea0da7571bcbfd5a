namespace Doctolib.Telehealth.Media;

/// <summary>Which side of the DTLS handshake we play. The SFU answers with a=setup:passive, so it is the server;
/// the .NET test peer is the client.</summary>
public enum DtlsRole
{
    Server,
    Client,
}
