using System.Globalization;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Chooses, from one offered m-section, the codecs the SFU forwards: Opus/48000/2 for audio; VP8 then
/// H.264 (packetization-mode=1) for video, each with its RTX payload type; and the RTCP feedback it supports.</summary>
internal static class SdpCodecPolicy
{
    public static List<SdpNegotiatedCodec> Select(SdpMediaSection offered, bool keepTransportCc, bool allowH264)
    {
        var selected = new List<SdpNegotiatedCodec>();
        if (offered.Kind == SdpMediaKind.Audio)
        {
            AddFirst(selected, offered, keepTransportCc, static (map, _) => map.IsCodec("opus") && map.ClockRate == 48000 && map.Channels == 2);
        }
        else if (offered.Kind == SdpMediaKind.Video)
        {
            AddFirst(selected, offered, keepTransportCc, static (map, _) => map.IsCodec("VP8") && map.ClockRate == 90000);
            if (allowH264)
            {
                // Constrained baseline 3.1 first (every browser decodes it), else any baseline-family, else any mode-1 H.264.
                if (!AddFirst(selected, offered, keepTransportCc, static (map, fmtp) => IsH264Mode1(map, fmtp) && ProfileIs(fmtp, "42e01f"))
                    && !AddFirst(selected, offered, keepTransportCc, static (map, fmtp) => IsH264Mode1(map, fmtp) && ProfileStartsWith(fmtp, "42")))
                {
                    AddFirst(selected, offered, keepTransportCc, static (map, fmtp) => IsH264Mode1(map, fmtp));
                }
            }
        }

        return selected;
    }

    private static bool IsH264Mode1(SdpRtpMap map, string? fmtp) =>
        map.IsCodec("H264") && map.ClockRate == 90000 && SdpFmtp.Get(fmtp, "packetization-mode") == "1";

    private static bool ProfileIs(string? fmtp, string profile) =>
        string.Equals(SdpFmtp.Get(fmtp, "profile-level-id"), profile, StringComparison.OrdinalIgnoreCase);

    private static bool ProfileStartsWith(string? fmtp, string prefix) =>
        SdpFmtp.Get(fmtp, "profile-level-id")?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == true;

    private static bool AddFirst(List<SdpNegotiatedCodec> selected, SdpMediaSection offered, bool keepTransportCc, Func<SdpRtpMap, string?, bool> match)
    {
        // Walk the m= line's order: it is the offerer's preference.
        foreach (string format in offered.Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int pt))
            {
                continue;
            }

            SdpRtpMap? map = offered.FindRtpMap(pt);
            string? fmtp = offered.FindFmtp(pt);
            if (map is null || !match(map, fmtp))
            {
                continue;
            }

            selected.Add(new SdpNegotiatedCodec(pt, map.EncodingName, map.ClockRate, map.Channels, fmtp,
                SupportedFeedback(offered, pt, keepTransportCc), FindRtx(offered, pt)));
            return true;
        }

        return false;
    }

    private static int? FindRtx(SdpMediaSection offered, int payloadType)
    {
        string apt = payloadType.ToString(CultureInfo.InvariantCulture);
        foreach (SdpRtpMap map in offered.RtpMaps)
        {
            if (map.IsCodec("rtx") && SdpFmtp.Get(offered.FindFmtp(map.PayloadType), "apt") == apt && offered.Formats.Contains(map.PayloadType.ToString(CultureInfo.InvariantCulture)))
            {
                return map.PayloadType;
            }
        }

        return null;
    }

    private static List<SdpRtcpFeedback> SupportedFeedback(SdpMediaSection offered, int payloadType, bool keepTransportCc)
    {
        var kept = new List<SdpRtcpFeedback>();
        foreach (SdpRtcpFeedback feedback in offered.RtcpFeedbacks)
        {
            if (feedback.PayloadType is not null && feedback.PayloadType != payloadType)
            {
                continue;
            }

            bool supported = (feedback.Type, feedback.Parameter) switch
            {
                ("nack", null) => true,
                ("nack", "pli") => true,
                ("ccm", "fir") => true,
                ("goog-remb", null) => true,
                ("transport-cc", null) => keepTransportCc,
                _ => false,
            };
            var normalized = new SdpRtcpFeedback(payloadType, feedback.Type, feedback.Parameter);
            if (supported && !kept.Contains(normalized))
            {
                kept.Add(normalized);
            }
        }

        return kept;
    }
}
