using System.Net;
using System.Security.Cryptography;
using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>One participant's media session: ICE-lite credentials and the selected remote address, the DTLS
/// server and SRTP association, what it publishes and the m-sections negotiated with it. Mutated by the control
/// plane under the plane's lock; the receive loop reads the volatile fields without locking.</summary>
internal sealed partial class ParticipantSession : IDisposable
{
    private readonly UdpMediaSender _sender;
    private SocketAddress? _remoteAddress;
    private SrtpSession? _srtp;
    private PublishedTrack[] _tracks = [];
    private long _sdpVersion = 1;
    private long _lastConsentAt;
    private int _mediaUp;
    private int _closed;

    public ParticipantSession(MediaParticipant participant, IceSession ice, string remoteUfrag, string remotePwd, string remoteFingerprint,
        UdpMediaSender sender)
    {
        Participant = participant;
        Ice = ice;
        RemoteUfrag = remoteUfrag;
        RemotePwd = remotePwd;
        RemoteFingerprint = remoteFingerprint;
        _sender = sender;
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

    /// <summary>True while a server offer waits for this participant's answer.</summary>
    public bool OfferPending { get; set; }

    /// <summary>True when membership changed while an offer was pending: offer again after the answer.</summary>
    public bool OfferDirty { get; set; }

    public DtlsEndpoint? Dtls { get; set; }

    public SocketAddress? RemoteAddress => Volatile.Read(ref _remoteAddress);

    public SrtpSession? Srtp => Volatile.Read(ref _srtp);

    public PublishedTrack[] Tracks => Volatile.Read(ref _tracks);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public long LastConsentAt => Volatile.Read(ref _lastConsentAt);

    public bool IsMediaUp => Volatile.Read(ref _mediaUp) != 0;

    public long NextSdpVersion() => Interlocked.Increment(ref _sdpVersion);

    public void SetRemoteAddress(SocketAddress address) => Volatile.Write(ref _remoteAddress, address);

    public void ClearRemoteAddress() => Volatile.Write(ref _remoteAddress, null);

    public void SetSrtp(SrtpSession srtp) => Volatile.Write(ref _srtp, srtp);

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

    public PublishedTrack? FindTrack(uint ssrc)
    {
        foreach (PublishedTrack track in Tracks)
        {
            if (track.Ssrc == ssrc)
            {
                return track;
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
        SocketAddress? remote = RemoteAddress;
        if (remote is not null)
        {
            _sender.Send(record, remote);
        }
    }

    public void Dispose()
    {
        Dtls?.Dispose();
        Srtp?.Dispose();
    }
}
