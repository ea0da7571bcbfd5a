namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>Packet index estimation from a 16-bit sequence number and the highest index seen
/// (RFC 3711 §3.3.1 and Appendix A). The rollover counter is the high 32 bits of the 48-bit index.</summary>
internal static class SrtpIndexEstimator
{
    private const ulong MaxIndex = (1UL << 48) - 1;

    internal static ulong Estimate(bool hasHighest, ulong highest, ushort sequenceNumber)
    {
        if (!hasHighest)
        {
            return sequenceNumber;
        }

        ulong roc = highest >> 16;
        uint sl = (uint)(highest & 0xFFFF);
        ulong v = roc;
        if (sl < 32768)
        {
            if (sequenceNumber > sl && sequenceNumber - sl > 32768 && roc > 0)
            {
                v = roc - 1;
            }
        }
        else if (sl - 32768 > sequenceNumber)
        {
            v = roc + 1;
        }

        ulong index = (v << 16) | sequenceNumber;
        return index & MaxIndex;
    }
}
