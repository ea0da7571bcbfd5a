using Doctolib.Telehealth.Media.Bwe;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>Transport-wide feedback to one publisher (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): the
/// arrival of every packet it stamped, RTX and padding probes included, reported every 100 ms while it sends
/// (Chromium's own receive-side default; the draft leaves the interval to the receiver). Feedback is
/// written as packets arrive (on the receive loop, when the interval has passed) and the periodic work flushes what the
/// last packets of a burst left pending, so nothing runs while the publisher sends nothing. One uncontended lock per
/// packet (a session's packets may come from the UDP and the TCP loop while its path changes).</summary>
internal sealed class UplinkFeedback(int extensionId, uint serverSsrc)
{
    private readonly Lock _gate = new();
    private const long IntervalMicros = 100_000;

    private readonly TransportFeedbackBuilder _builder = new(serverSsrc, IntervalMicros);

    /// <summary>The publisher's transport-wide sequence extension id.</summary>
    public int ExtensionId { get; } = extensionId;

    /// <summary>Records one arrival; returns the length of a feedback message written to <paramref name="destination"/>
    /// when one is due, else 0.</summary>
    public int OnPacket(ushort transportSequence, long arrivalMicros, uint mediaSsrc, Span<byte> destination)
    {
        lock (_gate)
        {
            _builder.OnPacket(transportSequence, arrivalMicros, mediaSsrc);
            return _builder.IsDue(arrivalMicros) ? _builder.WriteFeedback(arrivalMicros, destination) : 0;
        }
    }

    /// <summary>Writes one message for packets still unreported when due (call again while it returns more than 0).</summary>
    public int Flush(long nowMicros, Span<byte> destination)
    {
        lock (_gate)
        {
            return _builder.IsDue(nowMicros) ? _builder.WriteFeedback(nowMicros, destination) : 0;
        }
    }

    /// <summary>Writes one message for packets still unreported, due or not (call again while it returns more than 0).</summary>
    public int Continue(long nowMicros, Span<byte> destination)
    {
        lock (_gate)
        {
            return _builder.HasPending ? _builder.WriteFeedback(nowMicros, destination) : 0;
        }
    }
}
