using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Doctolib.Telehealth.Media.Dtls;

/// <summary>A self-signed ECDSA P-256 certificate for DTLS-SRTP. WebRTC authenticates it by the fingerprint in the
/// SDP, not by a CA, so one per process is enough (<see cref="Shared"/>).</summary>
internal sealed class DtlsCertificate
{
    private static readonly Lazy<DtlsCertificate> SharedInstance = new(() => Create(TimeProvider.System), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey)
    {
        _der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Sha256(der);
    }

    /// <summary>The process-wide certificate, made on first use.</summary>
    public static DtlsCertificate Shared => SharedInstance.Value;

    /// <summary>SHA-256 fingerprint of the DER certificate; <c>Fingerprint.ToString()</c> is the a=fingerprint value.</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>The a=fingerprint attribute value, "sha-256 AB:CD:...".</summary>
    public string SdpFingerprint => Fingerprint.ToString();

    internal ReadOnlySpan<byte> Der => _der;

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>Makes a new key pair and certificate, valid from a day before now for 30 days.</summary>
    public static DtlsCertificate Create(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair pair = generator.GenerateKeyPair();

        DateTime now = timeProvider.GetUtcNow().UtcDateTime;
        var name = new X509Name("CN=telehealth-media");
        var builder = new X509V3CertificateGenerator();
        builder.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(now.AddDays(-1));
        builder.SetNotAfter(now.AddDays(30));
        builder.SetPublicKey(pair.Public);
        X509Certificate certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), pair.Private);
    }
}
