using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>One m-section of a server offer as it was sent: its mid, its kind, and the track it carried.</summary>
internal readonly record struct OfferedSection(string Mid, SdpMediaKind Kind, PublishedTrack? Track);

/// <summary>Checks a participant's answer to a server offer before any state changes. An answer keeps every
/// offered m-section in order (RFC 3264 §6, JSEP §5.3.1), takes the DTLS client role the server's
/// a=setup:passive leaves it (RFC 8842 §5.3), and keeps the session's certificate and ICE credentials: a new
/// certificate is a new peer connection, and an ICE restart comes as an offer.</summary>
internal static class AnswerReader
{
    public static void Validate(SdpSessionDescription answer, IReadOnlyList<OfferedSection> offered, ParticipantSession session)
    {
        if (answer.Media.Count != offered.Count)
        {
            throw new MediaNegotiationException(
                $"The answer has {answer.Media.Count} m-sections but the server's offer had {offered.Count}; an answer keeps every offered section, in order.");
        }

        for (int i = 0; i < offered.Count; i++)
        {
            SdpMediaSection media = answer.Media[i];
            bool sameMid = string.Equals(media.Mid, offered[i].Mid, StringComparison.Ordinal) || (media.IsRejected && media.Mid is null);
            if (media.Kind != offered[i].Kind || !sameMid)
            {
                throw new MediaNegotiationException(
                    $"m-section {i + 1} of the answer is not the one the server offered there ({offered[i].Kind.ToSdp()} with its a=mid); an answer keeps every offered section, in order.");
            }
        }

        SdpMediaSection? first = answer.FirstAccepted;
        if (first is null)
        {
            // Everything declined: nothing to connect, so no transport attributes to check.
            return;
        }

        SdpSetupRole? setup = answer.EffectiveSetup(first);
        if (setup is not null and not SdpSetupRole.Active)
        {
            throw new MediaNegotiationException("The server's offer says a=setup:passive; the answer must say a=setup:active.");
        }

        SdpFingerprint? fingerprint = answer.EffectiveFingerprint(first);
        if (fingerprint is null)
        {
            throw new MediaNegotiationException("The answer lacks a=fingerprint.");
        }

        if (!string.Equals(fingerprint.Text, session.RemoteFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new MediaNegotiationException(
                "The answer's a=fingerprint is not the certificate of this media session; a new peer connection starts with a new offer.");
        }

        if (!string.Equals(answer.EffectiveIceUfrag(first), session.RemoteUfrag, StringComparison.Ordinal)
            || !string.Equals(answer.EffectiveIcePwd(first), session.RemotePwd, StringComparison.Ordinal))
        {
            throw new MediaNegotiationException(
                "The answer's ICE credentials are not this session's; an ICE restart is made with an offer, not an answer.");
        }
    }
}
