using System.Text.RegularExpressions;
using Doctolib.Telehealth.Media.Dtls;
using Org.BouncyCastle.X509;

namespace Doctolib.Telehealth.Media.Tests.Dtls;

public sealed partial class DtlsCertificateTests
{
    [Fact]
    public void Create_SelfSignedP256_FingerprintIsSdpSha256Form()
    {
        DtlsCertificate certificate = DtlsCertificate.Create(TimeProvider.System);

        Assert.Matches(SdpSha256().ToString(), certificate.SdpFingerprint);
        var parsed = new X509CertificateParser().ReadCertificate(certificate.Der.ToArray());
        Assert.Equal("SHA-256withECDSA", parsed.SigAlgName);
        parsed.Verify(parsed.GetPublicKey());
        Assert.True(certificate.Fingerprint.Matches(certificate.Der));
    }

    [Fact]
    public void Shared_CalledTwice_ReturnsTheSameCertificate()
    {
        Assert.Same(DtlsCertificate.Shared, DtlsCertificate.Shared);
    }

    [Fact]
    public void Fingerprint_ParseOfToString_RoundTripsAndIgnoresCase()
    {
        DtlsFingerprint original = DtlsCertificate.Create(TimeProvider.System).Fingerprint;
        string text = original.ToString();
        Assert.Equal(original, DtlsFingerprint.Parse(text));
        Assert.Equal(original, DtlsFingerprint.Parse("SHA-256 " + text[8..].ToLowerInvariant()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("md5 AB:CD")]
    [InlineData("sha-256 AB:CD")]
    [InlineData("sha-256 ZZ:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("sha-256 AB-CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    public void Fingerprint_TryParseMalformed_ReturnsFalse(string text)
    {
        Assert.False(DtlsFingerprint.TryParse(text, out _));
    }

    [Fact]
    public void Fingerprint_OtherCertificate_DoesNotMatch()
    {
        DtlsCertificate a = DtlsCertificate.Create(TimeProvider.System);
        DtlsCertificate b = DtlsCertificate.Create(TimeProvider.System);
        Assert.False(a.Fingerprint.Matches(b.Der));
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [GeneratedRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$")]
    private static partial Regex SdpSha256();
}
