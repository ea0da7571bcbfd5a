using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Reads the simulcast a participant offers to send on one m-section (RFC 8853 §5.1, RFC 8851 §4): the rids of
/// <c>a=simulcast:send</c> that have an <c>a=rid:&lt;id&gt; send</c> line, in the offer's order, when the section also
/// offers the RtpStreamId header extension (RFC 8852 §3.3) the server binds each layer's unsignalled SSRC by. The
/// order says nothing about which layer is the largest (Chromium and Firefox list them as the page gave its
/// sendEncodings); the forwarder ranks layers by what it observes.</summary>
internal static class SimulcastOffer
{
    /// <summary>At most this many layers are taken; further rids are answered as not received.</summary>
    public const int MaxLayers = 4;

    /// <summary>The rids, or null when the section does not offer simulcast the server can take (fewer than two
    /// layers, no RtpStreamId extension, or a section that does not send video).</summary>
    public static IReadOnlyList<string>? Read(SdpMediaSection media)
    {
        if (media.Kind != SdpMediaKind.Video || !OfferReader.Publishes(media) || !OffersStreamId(media))
        {
            return null;
        }

        var sendRids = new HashSet<string>(StringComparer.Ordinal);
        string? simulcast = null;
        foreach (SdpAttribute attribute in media.OtherAttributes)
        {
            if (attribute.Name == "rid" && attribute.Value is { } rid)
            {
                string[] parts = rid.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[1] == "send")
                {
                    sendRids.Add(parts[0]);
                }
            }
            else if (attribute.Name == "simulcast" && attribute.Value is { } value)
            {
                simulcast = value;
            }
        }

        if (simulcast is null)
        {
            return null;
        }

        var rids = new List<string>(MaxLayers);
        string[] words = simulcast.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i + 1 < words.Length; i += 2)
        {
            if (words[i] != "send")
            {
                continue;
            }

            // RFC 8853 §5.1: ';' separates streams, ',' alternatives of one stream (the first is taken), '~' a paused one.
            foreach (string stream in words[i + 1].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                string first = stream.Split(',')[0].TrimStart('~');
                if (sendRids.Contains(first) && !rids.Contains(first) && rids.Count < MaxLayers)
                {
                    rids.Add(first);
                }
            }
        }

        return rids.Count >= 2 ? rids : null;
    }

    private static bool OffersStreamId(SdpMediaSection media)
    {
        foreach (SdpExtmap extmap in media.Extmaps)
        {
            if (extmap.Uri == OfferReader.RtpStreamIdUri && extmap.Id is > 0 and < 15)
            {
                return true;
            }
        }

        return false;
    }
}
