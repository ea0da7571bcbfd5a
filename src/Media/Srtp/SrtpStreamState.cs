namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>What one direction of an SRTP session remembers about one SSRC.</summary>
internal sealed class SrtpStreamState
{
    /// <summary>RTP: the highest 48-bit index (ROC || SEQ) used or accepted, with its replay window (inbound only).</summary>
    internal ReplayWindow Rtp;

    /// <summary>SRTCP: the replay window over received 31-bit indices.</summary>
    internal ReplayWindow Rtcp;

    /// <summary>SRTCP: the next index to send. libsrtp starts at 1 too.</summary>
    internal uint NextRtcpIndex = 1;
}
