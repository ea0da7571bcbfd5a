using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Carries the plane's notifications (media up/down, server offers, video paused/resumed, connection quality) off the receive loop and the
/// control lock, in order, to the observer and the signal sink. One reader; a slow callee delays only this.</summary>
internal sealed class MediaEventPump
{
    private static readonly TimeSpan CallbackTimeout = TimeSpan.FromSeconds(10);
    private readonly Channel<MediaEvent> _events = Channel.CreateUnbounded<MediaEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IMediaSignalSink _signalSink;
    private readonly IMediaObserver _observer;
    private readonly ILogger _logger;

    public MediaEventPump(IMediaSignalSink signalSink, IMediaObserver observer, ILogger logger)
    {
        _signalSink = signalSink;
        _observer = observer;
        _logger = logger;
    }

    public void MediaUp(MediaParticipant participant, DateTimeOffset at) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.Up, participant, at, null));

    public void MediaDown(MediaParticipant participant, DateTimeOffset at, string reason) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.Down, participant, at, reason));

    public void Offer(MediaParticipant participant, string sdp) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.Offer, participant, default, sdp));

    public void VideoPaused(MediaParticipant participant, VideoPauseReason reason, IReadOnlyCollection<string> recipients) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.VideoPaused, participant, default, null, Notice: new LinkNotice(reason, default, null, recipients)));

    public void VideoResumed(MediaParticipant participant, IReadOnlyCollection<string> recipients) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.VideoResumed, participant, default, null, Notice: new LinkNotice(default, default, null, recipients)));

    public void Quality(MediaParticipant participant, ConnectionQualityLevel quality, ConnectionQualityDetails details, IReadOnlyCollection<string> recipients) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.Quality, participant, default, null, Notice: new LinkNotice(default, quality, details, recipients)));

    public void Relayed(IReadOnlyList<RelayMark> marks) =>
        _events.Writer.TryWrite(new MediaEvent(MediaEventKind.Relayed, default, default, null, marks));

    /// <summary>After <see cref="RunAsync"/> was cancelled: delivers what is still queued (the last media-down
    /// events of a stopping server), each bounded by the callback timeout.</summary>
    public async Task DrainAsync()
    {
        while (_events.Reader.TryRead(out MediaEvent item))
        {
            if (item.Kind is MediaEventKind.Up or MediaEventKind.Down or MediaEventKind.Relayed)
            {
                await DeliverAsync(item, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_events.Reader.TryRead(out MediaEvent item))
                {
                    await DeliverAsync(item, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(MediaEvent item, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallbackTimeout);
        try
        {
            switch (item.Kind)
            {
                case MediaEventKind.Up:
                    await _observer.MediaUpAsync(item.Participant, item.At, timeout.Token).ConfigureAwait(false);
                    break;
                case MediaEventKind.Down:
                    await _observer.MediaDownAsync(item.Participant, item.At, item.Text!, timeout.Token).ConfigureAwait(false);
                    break;
                case MediaEventKind.Relayed:
                    await _observer.MediaRelayedAsync(item.Marks!, timeout.Token).ConfigureAwait(false);
                    break;
                case MediaEventKind.VideoPaused:
                    await _signalSink.VideoPausedAsync(item.Participant, item.Notice!.Reason, item.Notice.Recipients, timeout.Token).ConfigureAwait(false);
                    break;
                case MediaEventKind.VideoResumed:
                    await _signalSink.VideoResumedAsync(item.Participant, item.Notice!.Recipients, timeout.Token).ConfigureAwait(false);
                    break;
                case MediaEventKind.Quality:
                    await _signalSink.ConnectionQualityChangedAsync(item.Participant, item.Notice!.Quality, item.Notice.Details!,
                        item.Notice.Recipients, timeout.Token).ConfigureAwait(false);
                    break;
                default:
                    await _signalSink.SendOfferAsync(item.Participant, item.Text!, timeout.Token).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // The callee is another module; its failure must not stop notifications for everyone else.
            MediaPlaneLog.CallbackFailed(_logger, item.Kind.ToString(), item.Participant.RoomId, item.Participant.ParticipantId, ex);
        }
    }

    private enum MediaEventKind
    {
        Up,
        Down,
        Offer,
        Relayed,
        VideoPaused,
        VideoResumed,
        Quality,
    }

    private readonly record struct MediaEvent(
        MediaEventKind Kind, MediaParticipant Participant, DateTimeOffset At, string? Text, IReadOnlyList<RelayMark>? Marks = null,
        LinkNotice? Notice = null);

    private sealed record LinkNotice(VideoPauseReason Reason, ConnectionQualityLevel Quality, ConnectionQualityDetails? Details,
        IReadOnlyCollection<string> Recipients);
}
