using System.Globalization;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Applying the participant's answer to a server offer.</summary>
internal static partial class SdpServerOfferBuilder
{
    /// <summary>Parses and checks the participant's answer and returns the new negotiated state: same m-sections and
    /// mids in the same order, a=setup:active, codecs and extensions narrowed to what the answer kept, m-sections the
    /// answer rejected (port 0) marked rejected. Throws <see cref="SdpParseException"/> otherwise.</summary>
    public static SdpNegotiatedSession ApplyAnswer(SdpNegotiatedSession pending, string answerSdp)
    {
        SdpSessionDescription answer = SdpParser.Parse(answerSdp);
        SdpOffer.Validate(answer, isOffer: false);
        if (answer.Media.Count != pending.Media.Count)
        {
            throw new SdpParseException(0, $"the answer has {answer.Media.Count} m-sections where the offer had {pending.Media.Count}");
        }

        var media = new List<SdpNegotiatedMedia>(pending.Media.Count);
        SdpMediaSection? transportSection = null;
        for (int i = 0; i < answer.Media.Count; i++)
        {
            SdpMediaSection answered = answer.Media[i];
            SdpNegotiatedMedia offered = pending.Media[i];
            if (answered.Mid != offered.Mid)
            {
                throw new SdpParseException(answered.LineNumber, "the m-section's a=mid differs from the offer's m-section at the same position");
            }

            if (offered.Rejected || answered.IsRejected)
            {
                media.Add(offered.Rejected ? offered : offered with { Rejected = true, LocalDirection = SdpDirection.Inactive, RemoteDirection = SdpDirection.Inactive, LocalTrack = null });
                continue;
            }

            transportSection ??= answered;
            media.Add(Narrow(offered, answered));
        }

        if (transportSection is null)
        {
            return pending;
        }

        return pending with
        {
            Media = media,
            RemoteIceUfrag = answer.EffectiveIceUfrag(transportSection)!,
            RemoteIcePwd = answer.EffectiveIcePwd(transportSection)!,
            RemoteFingerprint = answer.EffectiveFingerprint(transportSection)!,
        };
    }

    private static SdpNegotiatedMedia Narrow(SdpNegotiatedMedia offered, SdpMediaSection answered)
    {
        var codecs = new List<SdpNegotiatedCodec>();
        foreach (SdpNegotiatedCodec codec in offered.Codecs)
        {
            if (!answered.Formats.Contains(codec.PayloadType.ToString(CultureInfo.InvariantCulture)))
            {
                continue;
            }

            int? rtx = codec.RtxPayloadType is int pt && answered.Formats.Contains(pt.ToString(CultureInfo.InvariantCulture)) ? pt : null;
            codecs.Add(codec with { RtxPayloadType = rtx });
        }

        if (codecs.Count == 0)
        {
            throw new SdpParseException(answered.LineNumber, "the answer kept none of the offered codecs but did not reject the m-section");
        }

        var extensions = new List<SdpExtmap>();
        foreach (SdpExtmap extension in offered.Extensions)
        {
            foreach (SdpExtmap kept in answered.Extmaps)
            {
                if (kept.Id == extension.Id && kept.Uri == extension.Uri)
                {
                    extensions.Add(extension);
                    break;
                }
            }
        }

        SdpDirection remote = answered.Direction;
        bool send = offered.LocalDirection.Sends() && remote.Receives();
        bool receive = offered.LocalDirection.Receives() && remote.Sends();
        return offered with
        {
            Codecs = codecs,
            Extensions = extensions,
            RemoteDirection = remote,
            LocalDirection = SdpEnumText.FromFlags(send, receive),
            RemoteTrack = remote.Sends() ? SdpAnswerBuilder.RemoteTrack(answered) : null,
        };
    }
}
