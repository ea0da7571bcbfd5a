using Doctolib.Telehealth.Media.Forwarding;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Builds the renumbering from a publisher's section to the receiver's section that carries it.</summary>
internal static class RewriteMaps
{
    public static RtpRewriteMap Build(NegotiatedSection publisher, NegotiatedSection receiver)
    {
        var map = new RtpRewriteMap();
        foreach (NegotiatedCodec codec in publisher.Codecs)
        {
            foreach (NegotiatedCodec theirs in receiver.Codecs)
            {
                if (codec.SameCodecAs(theirs))
                {
                    map.MapPayloadType(codec.PayloadType, theirs.PayloadType);
                    break;
                }
            }
        }

        foreach (NegotiatedCodec theirs in receiver.Codecs)
        {
            if (theirs.RtxPayloadType is { } rtx)
            {
                map.MapRetransmission(theirs.PayloadType, rtx);
            }
        }

        foreach (NegotiatedExtension extension in publisher.Extensions)
        {
            int receiverId = 0;
            if (!SessionDescriptionWriter.IsPublisherOnly(extension.Uri))
            {
                foreach (NegotiatedExtension theirs in receiver.Extensions)
                {
                    if (theirs.Uri == extension.Uri)
                    {
                        receiverId = theirs.Id;
                        break;
                    }
                }
            }

            map.MapExtension(extension.Id, receiverId);
        }

        return map;
    }
}
