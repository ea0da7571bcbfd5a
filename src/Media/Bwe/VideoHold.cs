namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>Holds a subscriber's video back at once, with no announcement, when its path has pushed back and the
/// estimate has fallen under what video needs beside the audio (<see cref="HoldBelowBps"/>, the audio-only threshold of
/// <see cref="AudioOnlyDecision"/>). The announced audio-only switch waits 2 s to be sure; in those seconds the video
/// the server went on sending filled the weak link's queue and the queue dropped the audio (the browser benchmark's
/// "both at 100 kbit" lost 15–30 % of its audio samples in the first 10 s). Held, the video stops at the first feedback
/// that shows the limit and the audio keeps the link. Released once the estimate is back over the threshold and the hold
/// lasted <see cref="MinimumHoldMicros"/>; the caller then asks for a keyframe. Pure logic, one instance per subscriber:
/// the receive loop that reads the subscriber's transport feedback writes it, the forwarding threads read
/// <see cref="Held"/>.</summary>
internal sealed class VideoHold
{
    /// <summary>Under this estimate a constrained subscriber gets no video.</summary>
    internal const long HoldBelowBps = 150_000;

    /// <summary>The least time a hold lasts, so an estimate hovering at the threshold does not turn video on and off (each
    /// release costs a keyframe).</summary>
    internal const long MinimumHoldMicros = 1_000_000;

    private int _held;
    private long _heldSinceMicros;

    /// <summary>True while the subscriber's video is held back (one volatile read per video packet).</summary>
    public bool Held => Volatile.Read(ref _held) != 0;

    /// <summary>Feeds the estimate after a transport feedback and whether the path has pushed back
    /// (<see cref="SubscriberBandwidth.IsConstrained"/>); returns true when <see cref="Held"/> changed. An unknown
    /// estimate (0) never holds.</summary>
    public bool OnEstimate(long estimateBps, bool constrained, long nowMicros)
    {
        bool low = constrained && estimateBps > 0 && estimateBps < HoldBelowBps;
        if (!Held)
        {
            if (!low)
            {
                return false;
            }

            _heldSinceMicros = nowMicros;
            Volatile.Write(ref _held, 1);
            return true;
        }

        if (low || nowMicros - _heldSinceMicros < MinimumHoldMicros)
        {
            return false;
        }

        Volatile.Write(ref _held, 0);
        return true;
    }
}
