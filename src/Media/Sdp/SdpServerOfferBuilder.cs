using System.Globalization;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>A track the server forwards to the participant: a stable key (e.g. publisher id + source mid), its kind,
/// the SSRCs the server sends it with, and the publisher's codec (put first in the offer) if known.</summary>
internal sealed record SdpOutgoingTrack(string TrackKey, SdpMediaKind Kind, SdpTrackSsrcs Ssrcs, string? CodecName = null);

/// <summary>The server's transport for its own offers (the same as in its answers).</summary>
internal sealed record SdpServerOfferOptions(IceCredentials IceCredentials, SdpFingerprint DtlsFingerprint, IReadOnlyList<SdpCandidate> Candidates);

/// <summary>A re-offer and the state it proposes; becomes the negotiated state through
/// <see cref="SdpServerOfferBuilder.ApplyAnswer"/>.</summary>
internal sealed record SdpServerOffer(string Sdp, SdpNegotiatedSession Pending);

/// <summary>Builds the server's renegotiation offers (RFC 8829 §5.2.2): the participant's m-sections unchanged, one
/// sendonly m-section per forwarded track (new mid), and port-0 m-sections for tracks that went away (mids are
/// never reused). Codecs and extension ids come from what the participant already negotiated, so PTs are shared
/// across the BUNDLE.</summary>
internal static partial class SdpServerOfferBuilder
{
    public static SdpServerOffer Build(SdpNegotiatedSession current, IReadOnlyList<SdpOutgoingTrack> tracks, SdpServerOfferOptions options)
    {
        var media = new List<SdpNegotiatedMedia>(current.Media.Count + tracks.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (SdpNegotiatedMedia m in current.Media)
        {
            if (m.Rejected || m.Origin == SdpMediaOrigin.Participant)
            {
                media.Add(m);
                continue;
            }

            SdpOutgoingTrack? track = Find(tracks, m.TrackKey);
            if (track is null)
            {
                media.Add(Retire(m));
            }
            else
            {
                placed.Add(track.TrackKey);
                media.Add(m with { LocalTrack = track.Ssrcs, LocalDirection = SdpDirection.SendOnly });
            }
        }

        foreach (SdpOutgoingTrack track in tracks)
        {
            if (placed.Add(track.TrackKey))
            {
                media.Add(NewSection(current, media, track));
            }
        }

        var pending = current with { SessionVersion = current.SessionVersion + 1, Media = media };
        var transport = new SdpServerTransport(options.IceCredentials, options.DtlsFingerprint, options.Candidates, SdpSetupRole.ActPass);
        return new SdpServerOffer(SdpWriter.Write(pending.SessionId, pending.SessionVersion, media, transport), pending);
    }

    private static SdpOutgoingTrack? Find(IReadOnlyList<SdpOutgoingTrack> tracks, string? key)
    {
        foreach (SdpOutgoingTrack track in tracks)
        {
            if (track.TrackKey == key)
            {
                return track;
            }
        }

        return null;
    }

    private static SdpNegotiatedMedia Retire(SdpNegotiatedMedia m)
    {
        var formats = new List<string>();
        foreach (SdpNegotiatedCodec codec in m.Codecs)
        {
            formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
        }

        return m with
        {
            Rejected = true,
            LocalDirection = SdpDirection.Inactive,
            RemoteDirection = SdpDirection.Inactive,
            LocalTrack = null,
            TrackKey = null,
            RejectedFormats = formats.Count > 0 ? formats : m.RejectedFormats,
        };
    }

    private static SdpNegotiatedMedia NewSection(SdpNegotiatedSession current, List<SdpNegotiatedMedia> media, SdpOutgoingTrack track)
    {
        SdpNegotiatedMedia? template = null;
        IReadOnlyList<SdpExtmap>? extensions = null;
        foreach (SdpNegotiatedMedia m in media)
        {
            if (m.Rejected || m.Codecs.Count == 0)
            {
                continue;
            }

            extensions ??= m.Extensions;
            if (m.Kind == track.Kind)
            {
                template = m;
                break;
            }
        }

        IReadOnlyList<SdpNegotiatedCodec> codecs = template is not null
            ? Preferred(template.Codecs, track.CodecName)
            : SdpDefaultCodecs.For(track.Kind, media);
        return new SdpNegotiatedMedia(
            NextMid(media),
            track.Kind,
            template?.Protocol ?? "UDP/TLS/RTP/SAVPF",
            Rejected: false,
            SdpMediaOrigin.Server,
            SdpDirection.SendOnly,
            SdpDirection.RecvOnly,
            codecs,
            template?.Extensions ?? extensions ?? [],
            RtcpRsize: template?.RtcpRsize ?? true,
            RemoteTrack: null,
            LocalTrack: track.Ssrcs,
            TrackKey: track.TrackKey);
    }

    private static List<SdpNegotiatedCodec> Preferred(IReadOnlyList<SdpNegotiatedCodec> codecs, string? name)
    {
        var ordered = new List<SdpNegotiatedCodec>(codecs.Count);
        foreach (SdpNegotiatedCodec codec in codecs)
        {
            if (name is not null && codec.Is(name))
            {
                ordered.Insert(0, codec);
            }
            else
            {
                ordered.Add(codec);
            }
        }

        return ordered;
    }

    /// <summary>One more than the largest numeric mid in use (browsers use "0", "1", ...), so no mid is ever reused.</summary>
    private static string NextMid(List<SdpNegotiatedMedia> media)
    {
        int next = 0;
        foreach (SdpNegotiatedMedia m in media)
        {
            if (int.TryParse(m.Mid, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= next)
            {
                next = value + 1;
            }
        }

        return next.ToString(CultureInfo.InvariantCulture);
    }
}
