namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Codecs for a server m-section of a kind the participant never negotiated (an audio-only patient who now
/// receives video): Opus, or VP8 with RTX, on payload types no other m-section of the BUNDLE uses.</summary>
internal static class SdpDefaultCodecs
{
    public static List<SdpNegotiatedCodec> For(SdpMediaKind kind, IReadOnlyList<SdpNegotiatedMedia> media)
    {
        var used = new HashSet<int>();
        foreach (SdpNegotiatedMedia m in media)
        {
            foreach (SdpNegotiatedCodec codec in m.Codecs)
            {
                used.Add(codec.PayloadType);
                if (codec.RtxPayloadType is int rtx)
                {
                    used.Add(rtx);
                }
            }
        }

        if (kind == SdpMediaKind.Audio)
        {
            int opus = Free(used, 111);
            return [new SdpNegotiatedCodec(opus, "opus", 48000, 2, "minptime=10;useinbandfec=1", [], null)];
        }

        int vp8 = Free(used, 96);
        int vp8Rtx = Free(used, 97);
        return
        [
            new SdpNegotiatedCodec(vp8, "VP8", 90000, null, null,
                [new(vp8, "goog-remb", null), new(vp8, "ccm", "fir"), new(vp8, "nack", null), new(vp8, "nack", "pli")], vp8Rtx),
        ];
    }

    private static int Free(HashSet<int> used, int preferred)
    {
        // The dynamic range 96-127, then 35-63 as browsers also do.
        for (int i = 0; i < 61; i++)
        {
            int pt = i < 32 ? 96 + ((preferred - 96 + i) & 31) : 35 + (i - 32);
            if (used.Add(pt))
            {
                return pt;
            }
        }

        throw new SdpParseException(0, "no free RTP payload type is left in the BUNDLE group");
    }
}
