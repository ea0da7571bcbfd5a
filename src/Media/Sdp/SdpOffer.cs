namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Parses a browser's offer and checks what a WebRTC server needs from it (RFC 8829 JSEP, BUNDLE,
/// rtcp-mux, ICE and DTLS attributes). Throws <see cref="SdpParseException"/> with a precise message otherwise.</summary>
internal static class SdpOffer
{
    public static SdpSessionDescription Parse(string sdp)
    {
        SdpSessionDescription offer = SdpParser.Parse(sdp);
        Validate(offer, isOffer: true);
        return offer;
    }

    /// <summary>True when a new offer from the participant restarts ICE (RFC 8839 §4.4.1.1.1: its ufrag or password
    /// changed). The server must then answer with new credentials too (see IceLiteServer.RestartSession).</summary>
    public static bool IsIceRestart(SdpSessionDescription offer, SdpNegotiatedSession previous)
    {
        foreach (SdpMediaSection media in offer.Media)
        {
            if (media.IsRejected)
            {
                continue;
            }

            return offer.EffectiveIceUfrag(media) != previous.RemoteIceUfrag || offer.EffectiveIcePwd(media) != previous.RemoteIcePwd;
        }

        return false;
    }

    /// <summary>Checks a parsed offer or answer; an answer may carry a=setup active or passive.</summary>
    public static void Validate(SdpSessionDescription description, bool isOffer)
    {
        if (description.Media.Count == 0)
        {
            throw new SdpParseException(0, "the description has no m= section");
        }

        var mids = new HashSet<string>(StringComparer.Ordinal);
        foreach (SdpMediaSection media in description.Media)
        {
            int line = media.LineNumber;
            if (media.Mid is null)
            {
                throw new SdpParseException(line, "the m-section has no a=mid");
            }

            if (!mids.Add(media.Mid))
            {
                throw new SdpParseException(line, "the m-section repeats the a=mid of an earlier one");
            }

            if (media.IsRejected || (media.BundleOnly && media.Port == 0))
            {
                continue; // rejected, or bundle-only (RFC 8843 §6): its transport is the BUNDLE tag's
            }

            if (!media.Protocol.StartsWith("UDP/TLS/RTP/SAVP", StringComparison.Ordinal)
                && !media.Protocol.StartsWith("TCP/TLS/RTP/SAVP", StringComparison.Ordinal)
                && !media.Protocol.EndsWith("DTLS/SCTP", StringComparison.Ordinal))
            {
                throw new SdpParseException(line, "the m-section's protocol is not DTLS-SRTP (UDP/TLS/RTP/SAVPF) nor DTLS/SCTP");
            }

            if (description.EffectiveIceUfrag(media) is null)
            {
                throw new SdpParseException(line, "the m-section has no a=ice-ufrag (neither at media nor at session level)");
            }

            if (description.EffectiveIcePwd(media) is null)
            {
                throw new SdpParseException(line, "the m-section has no a=ice-pwd (neither at media nor at session level)");
            }

            if (description.EffectiveFingerprint(media) is null)
            {
                throw new SdpParseException(line, "the m-section has no a=fingerprint (neither at media nor at session level)");
            }

            SdpSetupRole? setup = description.EffectiveSetup(media);
            if (setup is null)
            {
                throw new SdpParseException(line, "the m-section has no a=setup");
            }

            if (isOffer && setup is not (SdpSetupRole.ActPass or SdpSetupRole.Active))
            {
                throw new SdpParseException(line, "a=setup must be actpass or active: the server is the DTLS server");
            }

            if (!isOffer && setup is not SdpSetupRole.Active)
            {
                throw new SdpParseException(line, "a=setup must be active in an answer to the server: the server is the DTLS server");
            }

            if (media.IsRtp && !media.RtcpMux)
            {
                throw new SdpParseException(line, "the m-section lacks a=rtcp-mux, which the server requires");
            }
        }

        SdpGroup? bundle = description.BundleGroup;
        if (bundle is not null)
        {
            foreach (string mid in bundle.Mids)
            {
                if (!mids.Contains(mid))
                {
                    throw new SdpParseException(0, "a=group:BUNDLE names a mid that no m-section has");
                }
            }
        }
    }
}
