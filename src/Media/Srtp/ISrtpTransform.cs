namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>The cryptographic transform of one direction of an SRTP session: session keys already derived,
/// no per-SSRC state. Callers give the index; the session object keeps rollover counters and replay windows.
/// Not thread-safe: the session serializes each direction.</summary>
internal interface ISrtpTransform : IDisposable
{
    /// <summary>Bytes added to an RTP packet.</summary>
    int RtpOverhead { get; }

    /// <summary>Bytes added to an RTCP packet, including the 4-byte E flag and SRTCP index.</summary>
    int RtcpOverhead { get; }

    /// <summary>Where the E flag and SRTCP index word starts, counted back from the end of an SRTCP packet.</summary>
    int RtcpIndexOffsetFromEnd { get; }

    /// <summary>Encrypts and tags. <paramref name="output"/> is at least plain.Length + RtpOverhead.</summary>
    int ProtectRtp(ReadOnlySpan<byte> plain, int headerLength, uint ssrc, ulong index, Span<byte> output);

    /// <summary>Verifies and decrypts. Returns Ok or AuthFailed. <paramref name="output"/> is at least
    /// packet.Length - RtpOverhead.</summary>
    SrtpUnprotectResult UnprotectRtp(ReadOnlySpan<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> output, out int written);

    /// <summary>Encrypts, appends E=1 and the index, and tags.</summary>
    int ProtectRtcp(ReadOnlySpan<byte> plain, uint ssrc, uint srtcpIndex, Span<byte> output);

    /// <summary>Verifies and, when the E flag is set, decrypts. Returns Ok or AuthFailed.</summary>
    SrtpUnprotectResult UnprotectRtcp(ReadOnlySpan<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted, Span<byte> output, out int written);
}
