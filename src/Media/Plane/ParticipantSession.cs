using System.Net;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>One participant's media session: ICE-lite credentials and the selected remote address, the DTLS
/// server and SRTP association, what it publishes and the m-sections negotiated with it. Mutated by the control
/// plane under the plane's lock; the receive loop reads the volatile fields without locking.</summary>
internal sealed partial class ParticipantSession : IForwardingPeer, IDisposable
{
    private MediaPath? _path;
    private SrtpSession? _srtp;
    private PublishedTrack[] _tracks = [];
    private long _sdpVersion = 1;
    private long _lastConsentAt;
    private int _mediaUp;
    private int _closed;

    public ParticipantSession(MediaParticipant participant, IceSession ice, string remoteUfrag, string remotePwd, string remoteFingerprint)
    {
        Participant = participant;
        Ice = ice;
        RemoteUfrag = remoteUfrag;
        RemotePwd = remotePwd;
        RemoteFingerprint = remoteFingerprint;
        SdpSessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        ServerSsrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    }

    public MediaParticipant Participant { get; }
    public IceSession Ice { get; }
    public string LocalUfrag => Ice.LocalCredentials.Ufrag;
    public string LocalPwd => Ice.LocalCredentials.Password;
    public string RemoteUfrag { get; private set; }
    public string RemotePwd { get; private set; }
    public string RemoteFingerprint { get; }
    public long SdpSessionId { get; }

    /// <summary>The SSRC the server uses as RTCP sender toward this participant.</summary>
    public uint ServerSsrc { get; }

    /// <summary>The sections of this participant's session, in m-line order. Control plane only.</summary>
    public List<NegotiatedSection> Sections { get; } = [];

    /// <summary>The server offer waiting for this participant's answer, or null: the sections it described, in
    /// m-line order, with the track each carried then. Sections may change while the offer waits; the answer is
    /// read against what it answers.</summary>
    public OfferedSection[]? PendingOffer { get; set; }

    /// <summary>True while a server offer waits for this participant's answer.</summary>
    public bool OfferPending => PendingOffer is not null;

    /// <summary>True when membership changed while an offer was pending: offer again after the answer.</summary>
    public bool OfferDirty { get; set; }

    public DtlsEndpoint? Dtls { get; set; }

    /// <summary>Where packets for this participant go (the ICE-selected pair), or null before ICE / after consent lapsed.</summary>
    public MediaPath? Path => Volatile.Read(ref _path);

    /// <summary>The selected UDP address, when the path is UDP.</summary>
    public SocketAddress? RemoteAddress => (Path as UdpPath)?.Address;

    public SrtpSession? Srtp => Volatile.Read(ref _srtp);

    public PublishedTrack[] Tracks => Volatile.Read(ref _tracks);

    public DownTrackSet Incoming { get; } = new();

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public long LastConsentAt => Volatile.Read(ref _lastConsentAt);

    public bool IsMediaUp => Volatile.Read(ref _mediaUp) != 0;

    public long NextSdpVersion() => Interlocked.Increment(ref _sdpVersion);

    public void SetPath(MediaPath path) => Volatile.Write(ref _path, path);

    public void ClearPath() => Volatile.Write(ref _path, null);

    public void SetSrtp(SrtpSession srtp) => Volatile.Write(ref _srtp, srtp);

    private EarlyRtpBuffer? _earlyRtp;

    /// <summary>Packets kept while the DTLS handshake finished (<see cref="EarlyRtpBuffer"/>), or null.</summary>
    public EarlyRtpBuffer? EarlyRtp => Volatile.Read(ref _earlyRtp);

    /// <summary>Keeps an SRTP packet that came before the keys; false when it cannot be kept.</summary>
    public bool KeepEarlyRtp(ReadOnlySpan<byte> datagram, long arrivalMicros)
    {
        EarlyRtpBuffer? buffer = EarlyRtp;
        if (buffer is null)
        {
            Interlocked.CompareExchange(ref _earlyRtp, new EarlyRtpBuffer(), null);
            buffer = EarlyRtp;
        }

        return buffer is not null && buffer.TryAdd(datagram, arrivalMicros);
    }

    /// <summary>Takes the kept packets (once the keys are in place), or null when there are none.</summary>
    public EarlyRtpBuffer? TakeEarlyRtp() => Interlocked.Exchange(ref _earlyRtp, null);

    public void SetTracks(PublishedTrack[] tracks) => Volatile.Write(ref _tracks, tracks);

    public void TouchConsent(long timestamp) => Volatile.Write(ref _lastConsentAt, timestamp);

    /// <summary>Returns true exactly once per up-transition: the first SRTP packet after connect or after a drop.</summary>
    public bool MarkMediaUp() => Interlocked.Exchange(ref _mediaUp, 1) == 0;

    /// <summary>Returns true exactly once per down-transition.</summary>
    public bool MarkMediaDown() => Interlocked.Exchange(ref _mediaUp, 0) == 1;

    public bool MarkClosed() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>An ICE restart: the participant sent new credentials (the plane gives the ICE session new ones).</summary>
    public void SetRemoteCredentials(string remoteUfrag, string remotePwd)
    {
        RemoteUfrag = remoteUfrag;
        RemotePwd = remotePwd;
    }

    /// <summary>The track, or the bound simulcast layer, with this SSRC; null when none.</summary>
    public PublishedTrack? FindTrack(uint ssrc)
    {
        PublishedTrack[] tracks = Tracks;
        foreach (PublishedTrack track in tracks)
        {
            if (track.Ssrc == ssrc)
            {
                return track;
            }
        }

        foreach (PublishedTrack track in tracks)
        {
            if (track.Simulcast?.FindLayer(ssrc) is { } layer)
            {
                return layer;
            }
        }

        return null;
    }

    /// <summary>The streams the server receives from this participant, each on its own SSRC: its tracks, a simulcast
    /// track's bound layers in place of the track (whose SSRC is the server's). Periodic work only (it allocates).</summary>
    public List<PublishedTrack> ReceivedStreams()
    {
        PublishedTrack[] tracks = Tracks;
        var streams = new List<PublishedTrack>(tracks.Length + 2);
        foreach (PublishedTrack track in tracks)
        {
            if (track.Simulcast is not { } group)
            {
                streams.Add(track);
                continue;
            }

            for (int slot = 0; slot < group.LayerCount; slot++)
            {
                if (group.Layer(slot) is { } layer)
                {
                    streams.Add(layer);
                }
            }
        }

        return streams;
    }

    /// <summary>True while one of this participant's simulcast tracks sends two layers or more.</summary>
    public bool SendsLayers
    {
        get
        {
            foreach (PublishedTrack track in Tracks)
            {
                if (track.Simulcast is { IsLayered: true })
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The section with this mid, or null. Control plane only.</summary>
    public NegotiatedSection? FindSection(string? mid)
    {
        if (mid is null)
        {
            return null;
        }

        foreach (NegotiatedSection section in Sections)
        {
            if (section.Mid == mid)
            {
                return section;
            }
        }

        return null;
    }

    private long _receiverEstimate;

    /// <summary>The latest REMB this participant sent as a receiver (0 until it sends one).</summary>
    public void ReportReceiverEstimate(ulong bitrate) => Volatile.Write(ref _receiverEstimate, (long)Math.Min(bitrate, long.MaxValue));

    public long PeekReceiverEstimate() => Volatile.Read(ref _receiverEstimate);

    public void SendRecord(ReadOnlySpan<byte> record)
    {
        Path?.Send(record);
    }

    public void Dispose()
    {
        Dtls?.Dispose();
        Srtp?.Dispose();
        Downlink?.CloseTrace();
    }
}
