using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>A finished DTLS-SRTP handshake: the negotiated profile, the SRTP keys from the exporter (already
/// oriented: local protects what we send) and the peer's verified fingerprint.</summary>
internal sealed record DtlsResult(SrtpProfile Profile, SrtpKeys Keys, DtlsFingerprint RemoteFingerprint)
{
    /// <summary>A new SRTP session for these keys; the caller owns and disposes it.</summary>
    public SrtpSession CreateSrtpSession() => new(Keys);
}
