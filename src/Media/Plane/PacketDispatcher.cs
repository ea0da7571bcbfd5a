using System.Net;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>The receive loop's handling of one datagram: RFC 7983 demux, then STUN to ICE-lite, DTLS to the
/// session's handshake, SRTP/SRTCP decrypted in place and forwarded. Only addresses ICE has bound to a session
/// get past STUN; everything else is counted and dropped.</summary>
internal sealed partial class PacketDispatcher(MediaPlane plane) : IDatagramHandler, ITcpFrameHandler
{
    private static readonly IPEndPoint EndPointTemplate = new(IPAddress.Any, 0);

    /// <summary>IPv4 and UDP headers, counted in what a packet took of the participant's link.</summary>
    private const int IpUdpHeaderBytes = 28;
    private readonly MediaCounters _counters = plane.Counters;

    public void OnDatagram(Span<byte> datagram, SocketAddress source, long queuedMicros)
    {
        PacketKind kind = PacketClassifier.Classify(datagram);
        switch (kind)
        {
            case PacketKind.Stun:
                OnUdpStun(datagram, source);
                return;
            case PacketKind.Unknown:
                _counters.Malformed();
                return;
        }

        ParticipantSession? session = plane.Sessions.FindByAddress(source);
        if (session is null)
        {
            _counters.UnknownSource();
            return;
        }

        Dispatch(kind, datagram, session, queuedMicros);
    }

    public void OnFrame(Span<byte> frame, TcpMediaConnection connection)
    {
        PacketKind kind = PacketClassifier.Classify(frame);
        switch (kind)
        {
            case PacketKind.Stun:
                OnTcpStun(frame, connection);
                return;
            case PacketKind.Unknown:
                _counters.Malformed();
                return;
        }

        if (plane.Sessions.FindByConnection(connection) is not { } session)
        {
            _counters.UnknownSource();
            return;
        }

        Dispatch(kind, frame, session, queuedMicros: 0);
    }

    public void OnClosed(TcpMediaConnection connection) => plane.Sessions.OnConnectionClosed(connection);

    private void Dispatch(PacketKind kind, Span<byte> datagram, ParticipantSession session, long queuedMicros)
    {
        switch (kind)
        {
            case PacketKind.Rtp:
                OnRtp(datagram, session, queuedMicros);
                break;
            case PacketKind.Rtcp:
                OnRtcp(datagram, session);
                break;
            default:
                OnDtls(datagram, session);
                break;
        }
    }

    private void OnUdpStun(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        var remote = (IPEndPoint)EndPointTemplate.Create(source);
        IceBindingResult result = plane.Ice.HandlePacket(datagram, remote, IceTransport.Udp);
        if (Answer(result) is { } response)
        {
            plane.Sender.Send(response, source);
        }

        if (result.Outcome == IceBindingOutcome.Success && result.Session is { } ice && plane.Sessions.FindByIce(ice) is { } session
            && (session.Path is null || result.SelectedPairChanged || result.ConsentRestored))
        {
            plane.Sessions.BindAddress(session, source);
        }
    }

    private void OnTcpStun(ReadOnlySpan<byte> frame, TcpMediaConnection connection)
    {
        IceBindingResult result = plane.Ice.HandlePacket(frame, connection.RemoteEndPoint, IceTransport.Tcp);
        if (Answer(result) is { } response)
        {
            connection.Send(response);
        }

        if (result.Outcome == IceBindingOutcome.Success && result.Session is { } ice && plane.Sessions.FindByIce(ice) is { } session
            && (session.Path is null || result.SelectedPairChanged || result.ConsentRestored))
        {
            plane.Sessions.BindConnection(session, connection);
        }
    }

    /// <summary>Counts the ICE outcome and returns the response to send back, if any.</summary>
    private byte[]? Answer(IceBindingResult result)
    {
        switch (result.Outcome)
        {
            case IceBindingOutcome.NotStun:
                _counters.Malformed();
                return null;
            case IceBindingOutcome.Dropped:
                _counters.StunRejectedOne();
                return null;
            case IceBindingOutcome.Error:
                _counters.StunRejectedOne();
                return result.Response;
            default:
                _counters.StunAnsweredOne();
                return result.Response;
        }
    }

    private void OnDtls(ReadOnlySpan<byte> datagram, ParticipantSession session)
    {
        if (session.Dtls is not { } dtls)
        {
            _counters.UnknownSource();
            return;
        }

        _counters.DtlsRecord();
        dtls.ReceiveDatagram(datagram);
    }

    private void OnRtp(Span<byte> datagram, ParticipantSession session, long queuedMicros)
    {
        SrtpSession? srtp = session.Srtp;
        long arrivalMicros = BweClock.Micros(plane.Time) - queuedMicros;
        if (srtp is null)
        {
            // The browser has the handshake's last flight but the keys are not in place yet: keep it for them.
            if (session.Dtls is null || !session.KeepEarlyRtp(datagram, arrivalMicros))
            {
                _counters.RtpDroppedOne();
            }

            return;
        }

        if (session.EarlyRtp is not null)
        {
            ReplayEarlyRtp(session, srtp);
        }

        OnProtectedRtp(datagram, session, srtp, arrivalMicros);
    }

    /// <summary>The packets that came before the keys (<see cref="EarlyRtpBuffer"/>), in order, with their arrival times.</summary>
    private void ReplayEarlyRtp(ParticipantSession session, SrtpSession srtp)
    {
        if (session.TakeEarlyRtp() is not { } early)
        {
            return;
        }

        int count = early.Take();
        for (int i = 0; i < count; i++)
        {
            Span<byte> packet = early.Packet(i, out long arrivalMicros);
            OnProtectedRtp(packet, session, srtp, arrivalMicros);
        }
    }

    private void OnProtectedRtp(Span<byte> datagram, ParticipantSession session, SrtpSession srtp, long arrivalMicros)
    {
        int wireBytes = datagram.Length + IpUdpHeaderBytes;
        if (srtp.TryUnprotectRtp(datagram, datagram, out int length) != SrtpUnprotectResult.Ok)
        {
            _counters.SrtpFailure();
            return;
        }

        Span<byte> plain = datagram.Slice(0, length);
        if (!RtpHeader.TryParse(plain, out RtpHeader header))
        {
            _counters.Malformed();
            return;
        }

        _counters.RtpReceivedOne();
        UplinkFeedback? uplink = session.Uplink;
        ushort transportSequence = 0;
        bool stamped = uplink is not null && TransportWideSequence.TryRead(plain, header, uplink.ExtensionId, out transportSequence);
        bool video = false;
        uint audioSsrc = 0;
        if (session.FindTrack(header.Ssrc) is { } track)
        {
            video = track.IsVideo;
            audioSsrc = video ? 0 : header.Ssrc;
            OnPublisherPacket(session, track, plain, header.SequenceNumber);
        }
        else if (session.FindTrackByRtx(header.Ssrc) is { } repaired)
        {
            OnPublisherRtx(session, repaired, plain, header);
        }
        else if (BindSimulcast(session, plain, header) is { } layer)
        {
            video = true;
            OnPublisherPacket(session, layer, plain, header.SequenceNumber);
        }
        else
        {
            // Probing or an SSRC the offer did not announce: nothing to forward it to.
            _counters.RtpDroppedOne();
        }

        if (session.OnUplinkRtp(wireBytes, video, audioSsrc, header.Timestamp, arrivalMicros, out long weakRateBps))
        {
            plane.OnUplinkWeak(session, weakRateBps);
        }

        if (stamped)
        {
            // After forwarding, so the feedback adds nothing to the forwarded packet's delay.
            SendUplinkFeedback(session, uplink!, transportSequence, header.Ssrc, arrivalMicros);
        }
    }

    private void OnPublisherPacket(ParticipantSession session, PublishedTrack track, ReadOnlySpan<byte> plain, ushort sequence)
    {
        track.Statistics.OnPacket(sequence, plain.Length);
        track.Retransmissions?.Store(sequence, plain);
        if (plane.Forwarder.Forward(track, plain) > 0)
        {
            // Live media is media relayed to someone: what billing counts.
            session.MarkRelayed(plane.Time.GetTimestamp());
            if (!session.IsMediaUp)
            {
                plane.ReportMediaUp(session);
            }
        }

        if (track.Nacks is not null)
        {
            TrackSequence(session, track, sequence);
        }
    }

    private void OnRtcp(Span<byte> datagram, ParticipantSession session)
    {
        SrtpSession? srtp = session.Srtp;
        if (srtp is null)
        {
            return;
        }

        if (srtp.TryUnprotectRtcp(datagram, datagram, out int length) != SrtpUnprotectResult.Ok)
        {
            _counters.SrtpFailure();
            return;
        }

        _counters.RtcpReceivedOne();
        OnCompoundRtcp(session, datagram.Slice(0, length));
    }
}
