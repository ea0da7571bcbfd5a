using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>The SFU's side of DTLS-SRTP: DTLS 1.2 only, ECDHE-ECDSA AES-GCM suites (every browser offers them; keeping
/// to GCM lets <see cref="DtlsRecordFilter"/> know the smallest valid protected record), use_srtp with GCM preferred,
/// a client certificate required and checked against the SDP fingerprint, extended master secret required.</summary>
internal sealed class DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsPeerState state)
    : DefaultTlsServer(crypto)
{
    private readonly BcTlsCrypto _crypto = crypto;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ];

    public override bool RequiresExtendedMasterSecret() => true;

    /// <summary>RFC 6347 §4.1.2.7: a record that fails to authenticate is dropped, so a spoofed datagram cannot end the association.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => state.HandshakeTimeoutMillis;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        UseSrtpData? offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is not null)
        {
            foreach (int ours in DtlsPeerState.OfferedProfiles)
            {
                if (Array.IndexOf(offered.ProtectionProfiles, ours) >= 0)
                {
                    state.SelectedProfile = DtlsPeerState.ToProfile(ours);
                    break;
                }
            }
        }

        if (state.SelectedProfile is null)
        {
            state.Failure = DtlsFailure.NoSrtpProfile;
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client offered no supported SRTP profile.");
        }
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = base.GetServerExtensions() ?? new Dictionary<int, byte[]>();
        int selected = (int)state.SelectedProfile!.Value;
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([selected], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        short[] types = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        IList<SignatureAndHashAlgorithm> algorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return new CertificateRequest(types, algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) => state.VerifyPeerCertificate(clientCertificate);

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, certificate.PrivateKey,
            new Certificate([new BcTlsCertificate(_crypto, certificate.Der.ToArray())]),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        state.Export(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        state.OnAlert(alertLevel, alertDescription);

    public override void NotifyConnectionClosed() => state.MarkClosed();
}
