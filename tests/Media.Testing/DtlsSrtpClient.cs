using Doctolib.Telehealth.Media.Dtls;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>The test peer's side of DTLS-SRTP, shaped like Chrome's ClientHello: DTLS 1.2,
/// ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, use_srtp offering GCM then AES-CM, extended master secret.</summary>
internal sealed class DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsPeerState state)
    : DefaultTlsClient(crypto)
{
    private readonly BcTlsCrypto _crypto = crypto;
    private readonly DtlsPeerState _state = state;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ];

    /// <summary>Lets a test offer a single profile to check the server's choice.</summary>
    internal int[] ProfilesToOffer { get; init; } = DtlsPeerState.OfferedProfiles;

    public override bool RequiresExtendedMasterSecret() => true;

    /// <summary>RFC 6347 §4.1.2.7: a record that fails to authenticate is dropped, so a spoofed datagram cannot end the association.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _state.HandshakeTimeoutMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(ProfilesToOffer, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (chosen is null || chosen.ProtectionProfiles.Length != 1
            || Array.IndexOf(ProfilesToOffer, chosen.ProtectionProfiles[0]) < 0
            || DtlsPeerState.ToProfile(chosen.ProtectionProfiles[0]) is null)
        {
            _state.Failure = DtlsFailure.NoSrtpProfile;
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server chose no SRTP profile we offered.");
        }

        _state.SelectedProfile = DtlsPeerState.ToProfile(chosen.ProtectionProfiles[0]);
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _state.Export(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _state.OnAlert(alertLevel, alertDescription);

    public override void NotifyConnectionClosed() => _state.MarkClosed();

    private TlsCredentials ClientCredentials() =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, certificate.PrivateKey,
            new Certificate([new BcTlsCertificate(_crypto, certificate.Der.ToArray())]),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            owner._state.VerifyPeerCertificate(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) => owner.ClientCredentials();
    }
}
