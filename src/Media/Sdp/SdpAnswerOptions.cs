using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>What the plane decides for an answer: the server's transport and, per m-section, what it wants.</summary>
internal sealed class SdpAnswerOptions
{
    public required IceCredentials IceCredentials { get; init; }

    /// <summary>The server certificate's fingerprint, e.g. ("sha-256", "AB:CD:...").</summary>
    public required SdpFingerprint DtlsFingerprint { get; init; }

    /// <summary>Our candidates, preferred first: the UDP host candidate, then optionally a TCP passive one.</summary>
    public required IReadOnlyList<SdpCandidate> Candidates { get; init; }

    /// <summary>The o= session id; keep the same one for every description sent to one participant.</summary>
    public string SessionId { get; init; } = NewSessionId();
    public ulong SessionVersion { get; init; } = 1;

    /// <summary>What the server wants on an m-section whose mid is not in <see cref="DirectionByMid"/>.
    /// An SFU receives the participant's own tracks and sends others' on m-sections it offers itself.</summary>
    public SdpDirection DefaultDirection { get; init; } = SdpDirection.RecvOnly;
    public IReadOnlyDictionary<string, SdpDirection>? DirectionByMid { get; init; }

    /// <summary>Tracks the server sends on the participant's own m-sections (by mid), when it answers with send.</summary>
    public IReadOnlyDictionary<string, SdpTrackSsrcs>? LocalTracksByMid { get; init; }

    /// <summary>Keep the transport-wide-cc extension and transport-cc feedback (then the plane must send TWCC feedback).
    /// Off: the browser relies on REMB (with abs-send-time) for its bandwidth estimate.</summary>
    public bool EnableTransportCc { get; init; }
    public bool AllowH264 { get; init; } = true;

    /// <summary>The state after the last exchange, for a renegotiation offer from the participant: its session id is
    /// kept (version + 1), and m-sections the server created keep sending their track.</summary>
    public SdpNegotiatedSession? Previous { get; init; }

    /// <summary>A positive 63-bit decimal number as RFC 8866 §5.2 recommends for the o= line.</summary>
    public static string NewSessionId() =>
        (BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The answer text and the state both sides now share.</summary>
internal sealed record SdpAnswer(string Sdp, SdpNegotiatedSession Negotiated);
