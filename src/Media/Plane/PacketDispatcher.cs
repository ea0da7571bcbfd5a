using System.Net;
using Doctolib.Telehealth.Media.Forwarding;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;
using Doctolib.Telehealth.Media.Transport;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>The receive loop's handling of one datagram: RFC 7983 demux, then STUN to ICE-lite, DTLS to the
/// session's handshake, SRTP/SRTCP decrypted in place and forwarded. Only addresses ICE has bound to a session
/// get past STUN; everything else is counted and dropped.</summary>
internal sealed partial class PacketDispatcher(MediaPlane plane) : IDatagramHandler
{
    private static readonly IPEndPoint EndPointTemplate = new(IPAddress.Any, 0);
    private readonly MediaCounters _counters = plane.Counters;

    public void OnDatagram(Span<byte> datagram, SocketAddress source)
    {
        switch (PacketClassifier.Classify(datagram))
        {
            case PacketKind.Rtp:
                OnRtp(datagram, source);
                break;
            case PacketKind.Rtcp:
                OnRtcp(datagram, source);
                break;
            case PacketKind.Stun:
                OnStun(datagram, source, IceTransport.Udp);
                break;
            case PacketKind.Dtls:
                OnDtls(datagram, source);
                break;
            default:
                _counters.Malformed();
                break;
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram, SocketAddress source, IceTransport transport)
    {
        var remote = (IPEndPoint)EndPointTemplate.Create(source);
        IceBindingResult result = plane.Ice.HandlePacket(datagram, remote, transport);
        switch (result.Outcome)
        {
            case IceBindingOutcome.NotStun:
                _counters.Malformed();
                return;
            case IceBindingOutcome.Dropped:
                _counters.StunRejectedOne();
                return;
            case IceBindingOutcome.Error:
                _counters.StunRejectedOne();
                break;
            default:
                _counters.StunAnsweredOne();
                break;
        }

        if (result.Response is not null)
        {
            plane.Sender.Send(result.Response, source);
        }

        if (result.Outcome == IceBindingOutcome.Success && result.Session is { } ice && plane.FindByIce(ice) is { } session)
        {
            if (session.RemoteAddress is null || result.SelectedPairChanged || result.ConsentRestored)
            {
                plane.BindAddress(session, source);
            }
        }
    }

    private void OnDtls(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        ParticipantSession? session = plane.FindByAddress(source);
        if (session?.Dtls is not { } dtls)
        {
            _counters.UnknownSource();
            return;
        }

        _counters.DtlsRecord();
        dtls.ReceiveDatagram(datagram);
    }

    private void OnRtp(Span<byte> datagram, SocketAddress source)
    {
        ParticipantSession? session = plane.FindByAddress(source);
        if (session is null)
        {
            _counters.UnknownSource();
            return;
        }

        SrtpSession? srtp = session.Srtp;
        if (srtp is null)
        {
            _counters.RtpDroppedOne();
            return;
        }

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
        if (!session.IsMediaUp && session.MarkMediaUp())
        {
            plane.Events.MediaUp(session.Participant, plane.Time.GetUtcNow());
        }

        PublishedTrack? track = session.FindTrack(header.Ssrc);
        if (track is null)
        {
            // RTX, probing or an SSRC the offer did not announce: nothing to forward it to.
            _counters.RtpDroppedOne();
            return;
        }

        track.Statistics.OnPacket(header.SequenceNumber, length);
        track.Retransmissions?.Store(header.SequenceNumber, plain);
        plane.Forwarder.Forward(track, plain);
    }

    private void OnRtcp(Span<byte> datagram, SocketAddress source)
    {
        ParticipantSession? session = plane.FindByAddress(source);
        if (session is null)
        {
            _counters.UnknownSource();
            return;
        }

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
