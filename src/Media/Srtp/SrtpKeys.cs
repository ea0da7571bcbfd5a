namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>Master keys and salts for both directions of one DTLS-SRTP association.
/// "Local" protects what we send; "remote" unprotects what we receive.</summary>
internal sealed class SrtpKeys
{
    private readonly byte[] _localKey;
    private readonly byte[] _localSalt;
    private readonly byte[] _remoteKey;
    private readonly byte[] _remoteSalt;

    public SrtpKeys(SrtpProfile profile, ReadOnlySpan<byte> localMasterKey, ReadOnlySpan<byte> localMasterSalt,
        ReadOnlySpan<byte> remoteMasterKey, ReadOnlySpan<byte> remoteMasterSalt)
    {
        if (!SrtpProfileInfo.IsKnown(profile))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile.");
        }

        int keyLength = SrtpProfileInfo.MasterKeyLength(profile);
        int saltLength = SrtpProfileInfo.MasterSaltLength(profile);
        Check(localMasterKey, keyLength, nameof(localMasterKey));
        Check(remoteMasterKey, keyLength, nameof(remoteMasterKey));
        Check(localMasterSalt, saltLength, nameof(localMasterSalt));
        Check(remoteMasterSalt, saltLength, nameof(remoteMasterSalt));
        Profile = profile;
        _localKey = localMasterKey.ToArray();
        _localSalt = localMasterSalt.ToArray();
        _remoteKey = remoteMasterKey.ToArray();
        _remoteSalt = remoteMasterSalt.ToArray();
    }

    public SrtpProfile Profile { get; }

    public ReadOnlySpan<byte> LocalMasterKey => _localKey;

    public ReadOnlySpan<byte> LocalMasterSalt => _localSalt;

    public ReadOnlySpan<byte> RemoteMasterKey => _remoteKey;

    public ReadOnlySpan<byte> RemoteMasterSalt => _remoteSalt;

    /// <summary>Bytes to ask the DTLS exporter for (RFC 5764 §4.2): 2 * (key + salt).</summary>
    public static int ExportedLength(SrtpProfile profile) =>
        2 * (SrtpProfileInfo.MasterKeyLength(profile) + SrtpProfileInfo.MasterSaltLength(profile));

    /// <summary>Splits the "EXTRACTOR-dtls_srtp" output, laid out as client key, server key, client salt,
    /// server salt (RFC 5764 §4.2). The DTLS client's keys protect what the client sends.</summary>
    public static SrtpKeys FromDtlsExport(SrtpProfile profile, ReadOnlySpan<byte> keyingMaterial, bool localIsDtlsClient)
    {
        int k = SrtpProfileInfo.MasterKeyLength(profile);
        int s = SrtpProfileInfo.MasterSaltLength(profile);
        if (keyingMaterial.Length != 2 * (k + s))
        {
            throw new ArgumentException($"Expected {2 * (k + s)} bytes of keying material.", nameof(keyingMaterial));
        }

        ReadOnlySpan<byte> clientKey = keyingMaterial.Slice(0, k);
        ReadOnlySpan<byte> serverKey = keyingMaterial.Slice(k, k);
        ReadOnlySpan<byte> clientSalt = keyingMaterial.Slice(2 * k, s);
        ReadOnlySpan<byte> serverSalt = keyingMaterial.Slice(2 * k + s, s);
        return localIsDtlsClient
            ? new SrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
            : new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    private static void Check(ReadOnlySpan<byte> value, int expected, string name)
    {
        if (value.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} bytes.", name);
        }
    }
}
