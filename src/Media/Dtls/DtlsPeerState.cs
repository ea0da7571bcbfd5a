using Doctolib.Telehealth.Media.Srtp;
using Org.BouncyCastle.Tls;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>What the BouncyCastle peer callbacks learn during and after a handshake, shared by the server and client
/// peers. Written on the handshake thread, read by <see cref="DtlsEndpoint"/> after the handshake returns.</summary>
internal sealed class DtlsPeerState(DtlsFingerprint expectedRemote, int handshakeTimeoutMillis)
{
    /// <summary>Our preference: GCM first (cheaper per packet), then AES-CM, as RFC 7714 §14.2 and Chrome allow.</summary>
    internal static readonly int[] OfferedProfiles = [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80];

    internal DtlsFingerprint ExpectedRemote { get; } = expectedRemote;

    internal int HandshakeTimeoutMillis { get; } = handshakeTimeoutMillis;

    internal DtlsFailure? Failure { get; set; }

    internal SrtpProfile? SelectedProfile { get; set; }

    internal byte[]? KeyingMaterial { get; set; }

    internal short? AlertReceived { get; set; }

    /// <summary>What an alert from the peer means for the association: close_notify closes it, a fatal alert is kept
    /// to explain the failure.</summary>
    internal void OnAlert(short alertLevel, short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify)
        {
            MarkClosed();
        }
        else if (alertLevel == AlertLevel.fatal)
        {
            AlertReceived = alertDescription;
        }
    }

    private int _closeNotified;

    internal bool CloseNotified => Volatile.Read(ref _closeNotified) != 0;

    internal void MarkClosed() => Volatile.Write(ref _closeNotified, 1);

    /// <summary>Checks the peer's leaf certificate against the SDP fingerprint; throws a fatal alert otherwise.</summary>
    internal void VerifyPeerCertificate(Certificate? certificate)
    {
        if (certificate is null || certificate.IsEmpty)
        {
            Failure = DtlsFailure.FingerprintMismatch;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The peer sent no certificate.");
        }

        byte[] der = certificate.GetCertificateAt(0).GetEncoded();
        if (!ExpectedRemote.Matches(der))
        {
            Failure = DtlsFailure.FingerprintMismatch;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "The peer certificate does not match the SDP fingerprint.");
        }
    }

    /// <summary>Maps a DTLS-SRTP profile id to ours, or null for one we do not speak.</summary>
    internal static SrtpProfile? ToProfile(int dtlsProfile) => dtlsProfile switch
    {
        SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM => SrtpProfile.AeadAes128Gcm,
        SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 => SrtpProfile.AesCm128HmacSha1_80,
        _ => null,
    };

    /// <summary>Runs the RFC 5764 §4.2 exporter once the handshake is complete.</summary>
    internal void Export(TlsContext context)
    {
        if (SelectedProfile is not SrtpProfile profile)
        {
            Failure = DtlsFailure.NoSrtpProfile;
            throw new TlsFatalAlert(AlertDescription.internal_error, "No SRTP profile was negotiated.");
        }

        KeyingMaterial = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.ExportedLength(profile));
    }
}
