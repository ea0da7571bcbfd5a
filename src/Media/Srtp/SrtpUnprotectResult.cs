namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>What happened to an inbound SRTP or SRTCP packet. Anything but <see cref="Ok"/> means drop it.</summary>
internal enum SrtpUnprotectResult
{
    /// <summary>Authenticated and decrypted; the plain packet is in the output.</summary>
    Ok = 0,

    /// <summary>The authentication tag did not verify (tampered, wrong keys, or not SRTP at all).</summary>
    AuthFailed = 1,

    /// <summary>Seen before, or older than the replay window.</summary>
    Replayed = 2,

    /// <summary>Too short, not RTP version 2, a header that runs past the end, or an output span too small.</summary>
    Malformed = 3,

    /// <summary>The session was disposed (the participant left while packets were still arriving).</summary>
    Closed = 4,
}
