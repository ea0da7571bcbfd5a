namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Constants of the transport-wide feedback message (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// §3.1): RTPFB (PT 205) FMT 15, 64 ms reference time units, 250 µs receive delta units.</summary>
internal static class TransportFeedbackFormat
{
    public const byte PacketType = 205;
    public const int Format = 15;

    /// <summary>Header (4) + sender SSRC (4) + media SSRC (4) + base sequence (2) + status count (2) + reference time
    /// (3) + feedback packet count (1).</summary>
    public const int FixedLength = 20;

    public const long ReferenceUnitMicros = 64_000;
    public const long DeltaUnitMicros = 250;

    /// <summary>Statuses one run-length chunk can carry (13-bit run length, §3.1.3).</summary>
    public const int MaxRunLength = 0x1FFF;

    /// <summary>The 24-bit reference time wraps after 2^24 × 64 ms (about 12.4 days).</summary>
    public const int ReferenceTimeModulus = 1 << 24;

    /// <summary>Symbols of a packet status (§3.1.1).</summary>
    public const byte NotReceived = 0;
    public const byte ReceivedSmallDelta = 1;
    public const byte ReceivedLargeOrNegativeDelta = 2;
    public const byte Reserved = 3;
}
