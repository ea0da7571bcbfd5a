using Doctolib.Telehealth.Media.Dtls;
using Doctolib.Telehealth.Media.Srtp;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Plane;

internal sealed partial class MediaPlane
{
    /// <summary>Creates the session's DTLS server (we answer a=setup:passive) and watches the handshake; the
    /// endpoint itself checks the browser's certificate against the offer's fingerprint.</summary>
    private void StartDtls(ParticipantSession session)
    {
        var endpoint = new DtlsEndpoint(new DtlsServerHandshake(), _certificate, DtlsFingerprint.Parse(session.RemoteFingerprint),
            session.SendRecord, _loggerFactory.CreateLogger<DtlsEndpoint>(), timeProvider: TimeProvider.System);
        session.Dtls = endpoint;
        _ = WatchDtlsAsync(session, endpoint);
    }

    private async Task WatchDtlsAsync(ParticipantSession session, DtlsEndpoint endpoint)
    {
        DtlsResult result;
        try
        {
            result = await endpoint.HandshakeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (DtlsHandshakeException ex)
        {
            MediaPlaneLog.DtlsFailed(_logger, session.Participant.RoomId, session.Participant.ParticipantId, ex.Failure.ToString());
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        SrtpSession srtp = result.CreateSrtpSession();
        MediaPlaneLog.DtlsConnected(_logger, session.Participant.RoomId, session.Participant.ParticipantId, result.Profile.ToString());
        lock (_gate)
        {
            if (session.IsClosed)
            {
                srtp.Dispose();
                return;
            }

            session.SetSrtp(srtp);
            Negotiator.UpdateRoom(session.Participant.RoomId);

            // Receivers may have subscribed before this publisher finished DTLS; their keyframe request could not go out.
            foreach (Forwarding.PublishedTrack track in session.Tracks)
            {
                if (track.IsVideo && track.Subscribers.Length > 0)
                {
                    Forwarder.RequestKeyframe(track, force: true);
                }
            }

            if (ReOfferNegotiator.HasUnconfirmedSlots(session))
            {
                Negotiator.RequestOffer(session);
            }
        }

        await endpoint.Closed.ConfigureAwait(false);
        if (!session.IsClosed)
        {
            ReportMediaDown(session, "dtls_closed");
        }
    }
}
